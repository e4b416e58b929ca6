# Unit tests of the golden BitLinear reference; included from testbench/unit/CMakeLists.txt.
include(GoogleTest)  # for gtest_discover_tests; harmless if already included
add_executable(test_golden ${CMAKE_CURRENT_LIST_DIR}/test_golden.cpp)
target_link_libraries(test_golden PRIVATE tasu_golden GTest::gtest_main)
target_compile_options(test_golden PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_golden PROPERTIES LABELS unit)
