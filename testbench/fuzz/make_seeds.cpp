// Writes the instruction seeds of the assembler and decoder fuzz targets (corpus/fuzz_asm,
// corpus/fuzz_insn_decode) from real generated programs: a BitLinear and a decoder layer of the
// shared tiny checkpoint on `ci`. Run by hand when the ISA changes:
//   build-san/testbench/fuzz/fuzz_make_seeds testbench/data/bitnet-tiny-a testbench/fuzz/corpus
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "asm/asm.h"
#include "codegen/bitlinear_codegen.h"
#include "codegen/layer_codegen.h"
#include "run/model_run.h"
#include "sc_entry.h"  // the run library links SystemC, which owns main

namespace {

// Both targets get the same windows of at most 64 instructions of each program (the decoder
// target reads no more, and long texts only slow the assembler's fuzzing).
void write_program(const std::string& dir, const std::string& name, const std::vector<tasu::isa::Insn>& prog) {
  for (size_t at = 0, part = 0; at < prog.size() && part < 4; at += std::max<size_t>(64, prog.size() / 4), ++part) {
    const std::vector<tasu::isa::Insn> window(prog.begin() + static_cast<std::ptrdiff_t>(at),
                                              prog.begin() + static_cast<std::ptrdiff_t>(std::min(prog.size(), at + 64)));
    std::ofstream(fmt::format("{}/fuzz_asm/{}-{}.s", dir, name, part)) << tasu::isa::disassemble_program(window);
    std::ofstream out(fmt::format("{}/fuzz_insn_decode/{}-{}.bin", dir, name, part), std::ios::binary);
    const std::vector<uint8_t> bytes = tasu::isa::program_bytes(window);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
}

}  // namespace

int sc_main(int argc, char** argv) {
  if (argc != 3) {
    fmt::print(stderr, "usage: {} CHECKPOINT_DIR CORPUS_DIR\n", argv[0]);
    return 2;
  }
  using namespace tasu;
  const arch::Config& cfg = *arch::find_config("ci");
  const codegen::BitLinearPlan p = codegen::plan_bitlinear(cfg, {100, 300, 3});
  write_program(argv[2], "bitlinear-100x300x3", codegen::generate_bitlinear(cfg, p, {0x10000, 0x80000, 0xa0000}));

  const run::ModelSource model(argv[1], 0);
  codegen::LayerAddrs a;
  uint32_t at = 0x10000;
  for (uint32_t* f : {&a.wq, &a.wk, &a.wv, &a.wo, &a.wgate, &a.wup, &a.wdown, &a.consts, &a.x_in, &a.q, &a.kcache,
                      &a.vcache, &a.attn_out, &a.x1, &a.mlp_act, &a.mlp_out, &a.x_out}) {
    *f = at;
    at += 0x40000;
  }
  write_program(argv[2], "layer-prefill3", codegen::generate_layer(cfg, model.layer(0), 3, 0, a));
  write_program(argv[2], "layer-decode", codegen::generate_layer(cfg, model.layer(1), 1, 3, a));
  return 0;
}
