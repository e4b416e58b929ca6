# Unit tests of the functional model and its "model" device backend; included from
# testbench/unit/CMakeLists.txt.
include(GoogleTest)  # for gtest_discover_tests; harmless if already included
add_executable(test_fmodel ${CMAKE_CURRENT_LIST_DIR}/test_fmodel.cpp)
target_link_libraries(test_fmodel PRIVATE tasu_fmodel GTest::gtest_main)
target_compile_options(test_fmodel PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_fmodel PROPERTIES LABELS unit)
# The BF16 engine's dot product: the model's host-float path against the vector unit's exact
# arithmetic on every family of input.
add_executable(test_dot_bf16 ${CMAKE_CURRENT_LIST_DIR}/test_dot_bf16.cpp)
target_link_libraries(test_dot_bf16 PRIVATE tasu_fmodel GTest::gtest_main)
target_compile_options(test_dot_bf16 PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_dot_bf16 PROPERTIES LABELS unit)
