# Unit tests of the double-precision reference decoder against transformers' own outputs on the
# shared tiny checkpoints; included from testbench/unit/CMakeLists.txt.
include(GoogleTest)  # for gtest_discover_tests; harmless if already included
get_filename_component(TASU_TEST_DATA_DIR ${CMAKE_CURRENT_LIST_DIR}/../data ABSOLUTE)
add_executable(test_reference ${CMAKE_CURRENT_LIST_DIR}/test_reference.cpp)
target_link_libraries(test_reference PRIVATE tasu_reference fmt::fmt GTest::gtest_main)
target_compile_definitions(test_reference PRIVATE TASU_TEST_DATA_DIR="${TASU_TEST_DATA_DIR}")
target_compile_options(test_reference PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_reference PROPERTIES LABELS unit)
