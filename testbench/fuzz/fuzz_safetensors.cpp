// libFuzzer target: the safetensors reader. Any input either opens, and then every tensor
// converts to its host type, or fails with CheckpointError; anything else is a finding.
#include "checkpoint/safetensors.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tasu::ckpt;
  try {
    const SafetensorsFile f(tasu::fuzz::input_file(data, size, ".safetensors"));
    for (const std::string& name : f.names()) {
      const TensorInfo& t = f.info(name);
      if (is_float_dtype(t.dtype)) {
        (void)f.to_double(name);
        (void)f.to_float(name);
      } else {
        (void)f.to_int64(name);
      }
    }
  } catch (const CheckpointError&) {
  }
  return 0;
}
