add_executable(test_accel_layer ${CMAKE_CURRENT_LIST_DIR}/test_accel_layer.cpp)
target_link_libraries(test_accel_layer PRIVATE tasu_layer tasu_reference GTest::gtest_main)
target_compile_definitions(test_accel_layer PRIVATE TASU_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/testbench/data")
gtest_discover_tests(test_accel_layer PROPERTIES LABELS unit)
