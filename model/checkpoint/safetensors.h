// Reader and writer of the .safetensors format (Hugging Face checkpoints, tasu's dumps): every
// header field is validated on open so later tensor access cannot read out of bounds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tasu::ckpt {

// Every malformed-input failure of this library; the message names the file and, where there
// is one, the tensor, so a bad multi-GB checkpoint can be diagnosed from the message alone.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Error helpers of every checkpoint reader: each message names the file, and the tensor.
[[noreturn]] void fail_file(const std::string& path, const std::string& what);
[[noreturn]] void fail_tensor(const std::string& path, const std::string& tensor, const std::string& what);
// Fails naming `path` when `text`, about to be parsed as JSON, holds a NUL byte: nlohmann stops
// at the first NUL, so whatever follows it would otherwise be ignored unseen.
void require_no_nul(std::string_view text, const std::string& path);
std::string shape_str(const std::vector<int64_t>& shape);

// Element types this reader accepts (the safetensors names, all little-endian). The 8-bit
// float and BOOL types are rejected as unknown: no BitNet checkpoint or tasu dump uses them.
enum class DType { U8, I8, U16, I16, U32, I32, U64, I64, F16, BF16, F32, F64 };

std::string_view dtype_name(DType d);  // "U8", "BF16", ...
size_t dtype_size(DType d);            // bytes per element
std::optional<DType> parse_dtype(std::string_view name);
bool is_float_dtype(DType d);

// IEEE binary16 -> binary32 (exact, subnormals/inf/NaN included).
float f16_to_float(uint16_t bits);

struct TensorInfo {
  std::string name;
  DType dtype = DType::U8;
  std::vector<int64_t> shape;  // empty for a scalar
  uint64_t begin = 0;          // byte offsets into the data section (after the header)
  uint64_t end = 0;
  int64_t numel() const;       // product of shape (1 for a scalar)
};

// A validated, memory-mapped .safetensors file. Opening checks: the 8-byte header length
// against the file size (and a 100 MB header limit, as the reference implementation has),
// the JSON, each entry's dtype/shape/data_offsets, that offsets match dtype * shape, lie in
// the data section, do not overlap and leave no gap (the format requires the tensors to tile
// the data section exactly). Read-only mapping: a checkpoint of several GB costs no copy.
class SafetensorsFile {
 public:
  explicit SafetensorsFile(std::string path);  // throws CheckpointError
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  std::vector<std::string> names() const;  // sorted
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }

  // Throws CheckpointError naming the file and the tensor when it is absent.
  const TensorInfo& info(const std::string& name) const;
  // The tensor's raw little-endian bytes inside the mapping (valid while this object lives).
  const uint8_t* data(const std::string& name) const;

  // Element-wise conversions of any dtype (integers and F64 -> float may round). Throw
  // CheckpointError when the tensor is absent.
  std::vector<float> to_float(const std::string& name) const;
  std::vector<double> to_double(const std::string& name) const;
  // Integer dtypes only (a float tensor throws: silently truncating ids would hide a bug).
  std::vector<int64_t> to_int64(const std::string& name) const;

 private:
  void unmap() noexcept;

  std::string path_;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;  // start of the data section inside the mapping
  std::map<std::string, std::string> metadata_;
  std::map<std::string, TensorInfo> tensors_;
};

// One tensor to write: bytes.size() must be numel(shape) * dtype_size(dtype), little-endian.
struct TensorData {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

TensorData make_tensor_f64(const std::vector<double>& values, std::vector<int64_t> shape);
TensorData make_tensor_f32(const std::vector<float>& values, std::vector<int64_t> shape);
TensorData make_tensor_bf16(const std::vector<uint16_t>& bits, std::vector<int64_t> shape);
TensorData make_tensor_u8(const std::vector<uint8_t>& values, std::vector<int64_t> shape);
TensorData make_tensor_i64(const std::vector<int64_t>& values, std::vector<int64_t> shape);

// Writes a .safetensors file: tensors in name order, header padded with spaces to a multiple
// of 8 bytes so every tensor of a dump is naturally aligned when mapped. Throws
// CheckpointError on a size/shape mismatch, a reserved name ("__metadata__") or an I/O error.
void write_safetensors(const std::string& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace tasu::ckpt
