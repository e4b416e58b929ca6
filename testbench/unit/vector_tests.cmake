add_executable(test_vector ${CMAKE_CURRENT_LIST_DIR}/test_vector.cpp)
target_link_libraries(test_vector PRIVATE tasu_vector GTest::gtest_main)
gtest_discover_tests(test_vector PROPERTIES LABELS unit)
