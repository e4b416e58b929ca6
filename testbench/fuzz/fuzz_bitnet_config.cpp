// libFuzzer target: config.json of a BitNet checkpoint. Any text either parses into a
// configuration whose dimensions are consistent, or fails with CheckpointError.
#include <cstdlib>
#include <string_view>

#include "checkpoint/bitnet_checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tasu::ckpt;
  try {
    const BitNetConfig c = parse_bitnet_config(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
    // What the loader relies on afterwards: positive, bounded, divisible dimensions.
    if (c.hidden <= 0 || c.heads <= 0 || c.kv_heads <= 0 || c.head_dim <= 0 || c.heads % c.kv_heads != 0 ||
        c.head_dim % 2 != 0 || (c.heads * c.head_dim) % 4 != 0 || c.intermediate % 4 != 0)
      std::abort();
  } catch (const CheckpointError&) {
  }
  return 0;
}
