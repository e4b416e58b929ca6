// libFuzzer target: the reference / dump reader (load_reference_file), which `tasu run
// --reference`, `--input` and `tasu merge` read. Either a consistent file or CheckpointError.
#include <cstdlib>

#include "fuzz_input.h"
#include "reference/float_reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const tasu::reference::ReferenceFile r =
        tasu::reference::load_reference_file(tasu::fuzz::input_file(data, size, ".reference.safetensors"));
    if (static_cast<int64_t>(r.input_ids.size()) < r.prefill_tokens + r.decode_steps) std::abort();
    for (const auto& [key, m] : r.tensors)
      if (static_cast<int64_t>(m.data.size()) != m.rows * m.cols) std::abort();
  } catch (const tasu::ckpt::CheckpointError&) {
  }
  return 0;
}
