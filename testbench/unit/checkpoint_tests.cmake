# Unit tests of the safetensors reader/writer, the Hugging Face BitNet checkpoint loader and the
# synthetic 2B4T model; included from testbench/unit/CMakeLists.txt.
include(GoogleTest)  # for gtest_discover_tests; harmless if already included
get_filename_component(TASU_TEST_DATA_DIR ${CMAKE_CURRENT_LIST_DIR}/../data ABSOLUTE)
add_executable(test_checkpoint ${CMAKE_CURRENT_LIST_DIR}/test_checkpoint.cpp)
target_link_libraries(test_checkpoint PRIVATE tasu_checkpoint nlohmann_json::nlohmann_json fmt::fmt
                      GTest::gtest_main)
target_compile_definitions(test_checkpoint PRIVATE TASU_TEST_DATA_DIR="${TASU_TEST_DATA_DIR}")
target_compile_options(test_checkpoint PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_checkpoint PROPERTIES LABELS unit)
