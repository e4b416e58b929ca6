// Process entry for programs that use the SystemC platform: SystemC's own main() prints a
// banner before anything else can silence it; this one silences it, then runs sc_main as usual.
// Include in exactly one translation unit of an executable that defines sc_main.
#pragma once
#include <systemc>

#include <cstdlib>

int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
