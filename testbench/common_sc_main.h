// sc_main for GoogleTest binaries that use SystemC: SystemC owns main(), and gtest_main would
// clash with it. Include once per test binary.
#pragma once
#include <gtest/gtest.h>

#include <systemc>

#include "sc_entry.h"

int sc_main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
