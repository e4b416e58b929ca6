# Unit tests of the assembler/disassembler; included from testbench/unit/CMakeLists.txt.
include(GoogleTest)  # for gtest_discover_tests; harmless if already included
add_executable(test_asm ${CMAKE_CURRENT_LIST_DIR}/test_asm.cpp)
target_link_libraries(test_asm PRIVATE tasu_asm GTest::gtest_main)
target_compile_options(test_asm PRIVATE -Wall -Wextra -Werror)
gtest_discover_tests(test_asm PROPERTIES LABELS unit)
