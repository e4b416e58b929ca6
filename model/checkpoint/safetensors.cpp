// .safetensors reader (mmap + full header validation) and writer. Validation happens once in
// the constructor; accessors then trust the offsets, which is what makes them cheap.
#include "checkpoint/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "golden/bitlinear.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors data is little-endian; this reader memcpy's it as host values"
#endif

namespace tasu::ckpt {

void fail_file(const std::string& path, const std::string& what) {
  throw CheckpointError(fmt::format("{}: {}", path, what));
}

void require_no_nul(std::string_view text, const std::string& path) {
  if (const size_t at = text.find('\0'); at != std::string_view::npos)
    fail_file(path, fmt::format("NUL byte at offset {} of a JSON text", at));
}

void fail_tensor(const std::string& path, const std::string& tensor, const std::string& what) {
  throw CheckpointError(fmt::format("{}: tensor \"{}\": {}", path, tensor, what));
}

std::string shape_str(const std::vector<int64_t>& shape) { return fmt::format("[{}]", fmt::join(shape, ", ")); }
namespace {

using nlohmann::json;

// The reference implementation refuses larger headers; a corrupt length field would otherwise
// make us parse gigabytes of tensor data as JSON.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

template <typename T>
T load_le(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Converts element i of a tensor of dtype d to double; exact for every dtype but U64/I64
// beyond 2^53, which no float checkpoint tensor holds.
double element_as_double(DType d, const uint8_t* base, size_t i) {
  const uint8_t* p = base + i * dtype_size(d);
  switch (d) {
    case DType::U8: return *p;
    case DType::I8: return static_cast<int8_t>(*p);
    case DType::U16: return load_le<uint16_t>(p);
    case DType::I16: return load_le<int16_t>(p);
    case DType::U32: return load_le<uint32_t>(p);
    case DType::I32: return load_le<int32_t>(p);
    case DType::U64: return static_cast<double>(load_le<uint64_t>(p));
    case DType::I64: return static_cast<double>(load_le<int64_t>(p));
    case DType::F16: return f16_to_float(load_le<uint16_t>(p));
    case DType::BF16: return golden::bf16_to_float(load_le<uint16_t>(p));
    case DType::F32: return load_le<float>(p);
    case DType::F64: return load_le<double>(p);
  }
  return 0.0;  // unreachable: the switch covers every enumerator
}

uint64_t json_offset(const json& v, bool& ok) {
  ok = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
  return ok ? v.get<uint64_t>() : 0;
}

}  // namespace

std::string_view dtype_name(DType d) {
  switch (d) {
    case DType::U8: return "U8";
    case DType::I8: return "I8";
    case DType::U16: return "U16";
    case DType::I16: return "I16";
    case DType::U32: return "U32";
    case DType::I32: return "I32";
    case DType::U64: return "U64";
    case DType::I64: return "I64";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::F32: return "F32";
    case DType::F64: return "F64";
  }
  return "?";
}

size_t dtype_size(DType d) {
  switch (d) {
    case DType::U8:
    case DType::I8: return 1;
    case DType::U16:
    case DType::I16:
    case DType::F16:
    case DType::BF16: return 2;
    case DType::U32:
    case DType::I32:
    case DType::F32: return 4;
    case DType::U64:
    case DType::I64:
    case DType::F64: return 8;
  }
  return 0;
}

std::optional<DType> parse_dtype(std::string_view name) {
  for (DType d : {DType::U8, DType::I8, DType::U16, DType::I16, DType::U32, DType::I32,
                  DType::U64, DType::I64, DType::F16, DType::BF16, DType::F32, DType::F64}) {
    if (dtype_name(d) == name) return d;
  }
  return std::nullopt;
}

bool is_float_dtype(DType d) {
  return d == DType::F16 || d == DType::BF16 || d == DType::F32 || d == DType::F64;
}

float f16_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  const uint32_t man = h & 0x3FFu;
  float mag;
  if (exp == 0) {
    mag = std::ldexp(static_cast<float>(man), -24);  // zero or subnormal: man * 2^-24, exact
  } else if (exp == 31) {
    mag = man == 0 ? std::numeric_limits<float>::infinity() : std::numeric_limits<float>::quiet_NaN();
  } else {
    mag = std::ldexp(static_cast<float>(man | 0x400u), static_cast<int>(exp) - 25);
  }
  uint32_t bits;
  std::memcpy(&bits, &mag, sizeof bits);
  bits |= sign;
  std::memcpy(&mag, &bits, sizeof bits);
  return mag;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;  // validated against overflow when the file was opened
  return n;
}

SafetensorsFile::SafetensorsFile(std::string path) : path_(std::move(path)) {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail_file(path_, fmt::format("cannot open: {}", std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail_file(path_, "not a regular file");
  }
  const uint64_t file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    fail_file(path_, fmt::format("file is {} bytes, shorter than the 8-byte header length field",
                            file_size));
  }
  void* m = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping keeps the file referenced
  if (m == MAP_FAILED) fail_file(path_, fmt::format("mmap failed: {}", std::strerror(map_errno)));
  map_ = static_cast<const uint8_t*>(m);
  map_size_ = file_size;

  try {
    const uint64_t header_len = load_le<uint64_t>(map_);
    if (header_len > kMaxHeaderBytes) {
      fail_file(path_, fmt::format("header length {} exceeds the {}-byte limit (corrupt length field?)",
                              header_len, kMaxHeaderBytes));
    }
    if (header_len > file_size - 8) {
      fail_file(path_, fmt::format("header length {} runs past the end of the {}-byte file",
                              header_len, file_size));
    }
    const uint64_t data_size = file_size - 8 - header_len;
    data_ = map_ + 8 + header_len;

    // A repeated top-level key would be silently collapsed by the JSON object; detect it.
    std::set<std::string> seen;
    std::string duplicate;
    const json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
      if (depth == 1 && event == json::parse_event_t::key) {
        const std::string& k = parsed.get_ref<const std::string&>();
        if (!seen.insert(k).second && duplicate.empty()) duplicate = k;
      }
      return true;
    };
    require_no_nul(std::string_view(reinterpret_cast<const char*>(map_ + 8), header_len), path_ + " (header)");
    json header;
    try {
      header = json::parse(map_ + 8, map_ + 8 + header_len, cb);
    } catch (const json::exception& e) {
      fail_file(path_, fmt::format("header is not valid JSON: {}", e.what()));
    }
    if (!header.is_object()) fail_file(path_, "header JSON is not an object");
    if (!duplicate.empty()) fail_tensor(path_, duplicate, "appears twice in the header");

    std::vector<const TensorInfo*> by_offset;
    for (auto it = header.begin(); it != header.end(); ++it) {
      const std::string& name = it.key();
      const json& v = it.value();
      if (name == "__metadata__") {
        if (!v.is_object()) fail_file(path_, "__metadata__ is not a JSON object");
        for (auto m2 = v.begin(); m2 != v.end(); ++m2) {
          if (!m2.value().is_string()) {
            fail_file(path_, fmt::format("__metadata__ value of \"{}\" is not a string", m2.key()));
          }
          metadata_[m2.key()] = m2.value().get<std::string>();
        }
        continue;
      }
      if (!v.is_object()) fail_tensor(path_, name, "header entry is not a JSON object");
      TensorInfo info;
      info.name = name;
      const auto dt = v.find("dtype");
      if (dt == v.end() || !dt->is_string()) fail_tensor(path_, name, "missing or non-string dtype");
      const auto parsed = parse_dtype(dt->get<std::string>());
      if (!parsed) {
        fail_tensor(path_, name, fmt::format("unknown or unsupported dtype \"{}\"",
                                             dt->get<std::string>()));
      }
      info.dtype = *parsed;
      const auto sh = v.find("shape");
      if (sh == v.end() || !sh->is_array()) fail_tensor(path_, name, "missing or non-array shape");
      uint64_t bytes = dtype_size(info.dtype);
      for (const json& d : *sh) {
        bool ok = false;
        const uint64_t dim = json_offset(d, ok);
        if (!ok || dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          fail_tensor(path_, name, fmt::format("shape {} has a non-integer or negative dimension",
                                               sh->dump()));
        }
        if (__builtin_mul_overflow(bytes, dim, &bytes)) {
          fail_tensor(path_, name, fmt::format("shape {} overflows the byte count", sh->dump()));
        }
        info.shape.push_back(static_cast<int64_t>(dim));
      }
      const auto off = v.find("data_offsets");
      if (off == v.end() || !off->is_array() || off->size() != 2) {
        fail_tensor(path_, name, "data_offsets must be an array of two integers");
      }
      bool ok_b = false, ok_e = false;
      info.begin = json_offset((*off)[0], ok_b);
      info.end = json_offset((*off)[1], ok_e);
      if (!ok_b || !ok_e || info.begin > info.end) {
        fail_tensor(path_, name, fmt::format("invalid data_offsets {}", off->dump()));
      }
      if (info.end - info.begin != bytes) {
        fail_tensor(path_, name,
                    fmt::format("data_offsets [{}, {}) span {} bytes but {} {} needs {}",
                                info.begin, info.end, info.end - info.begin,
                                dtype_name(info.dtype), shape_str(info.shape), bytes));
      }
      if (info.end > data_size) {
        fail_tensor(path_, name,
                    fmt::format("data_offsets [{}, {}) run past the {}-byte data section "
                                "(file truncated?)",
                                info.begin, info.end, data_size));
      }
      by_offset.push_back(&tensors_.emplace(name, std::move(info)).first->second);
    }

    std::sort(by_offset.begin(), by_offset.end(), [](const TensorInfo* a, const TensorInfo* b) {
      return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    uint64_t covered = 0;
    const TensorInfo* prev = nullptr;
    for (const TensorInfo* t : by_offset) {
      if (t->begin < covered) {
        fail_tensor(path_, t->name, fmt::format("data_offsets [{}, {}) overlap tensor \"{}\"",
                                                t->begin, t->end, prev->name));
      }
      if (t->begin > covered) {
        fail_tensor(path_, t->name, fmt::format("{} unused bytes before its data_offsets [{}, {})",
                                                t->begin - covered, t->begin, t->end));
      }
      covered = t->end;
      prev = t;
    }
    if (covered != data_size) {
      fail_file(path_, fmt::format("data section is {} bytes but the tensors cover only {}", data_size,
                              covered));
    }
  } catch (...) {
    unmap();
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { unmap(); }

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      map_(std::exchange(other.map_, nullptr)),
      map_size_(std::exchange(other.map_size_, 0)),
      data_(std::exchange(other.data_, nullptr)),
      metadata_(std::move(other.metadata_)),
      tensors_(std::move(other.tensors_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    unmap();
    path_ = std::move(other.path_);
    map_ = std::exchange(other.map_, nullptr);
    map_size_ = std::exchange(other.map_size_, 0);
    data_ = std::exchange(other.data_, nullptr);
    metadata_ = std::move(other.metadata_);
    tensors_ = std::move(other.tensors_);
  }
  return *this;
}

void SafetensorsFile::unmap() noexcept {
  if (map_ != nullptr) ::munmap(const_cast<uint8_t*>(map_), map_size_);
  map_ = nullptr;
  map_size_ = 0;
  data_ = nullptr;
}

std::vector<std::string> SafetensorsFile::names() const {
  std::vector<std::string> out;
  out.reserve(tensors_.size());
  for (const auto& kv : tensors_) out.push_back(kv.first);
  return out;
}

const TensorInfo& SafetensorsFile::info(const std::string& name) const {
  const auto it = tensors_.find(name);
  if (it == tensors_.end()) fail_tensor(path_, name, "not found in this file");
  return it->second;
}

const uint8_t* SafetensorsFile::data(const std::string& name) const {
  return data_ + info(name).begin;
}

std::vector<double> SafetensorsFile::to_double(const std::string& name) const {
  const TensorInfo& t = info(name);
  const uint8_t* p = data_ + t.begin;
  std::vector<double> out(static_cast<size_t>(t.numel()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = element_as_double(t.dtype, p, i);
  return out;
}

std::vector<float> SafetensorsFile::to_float(const std::string& name) const {
  const TensorInfo& t = info(name);
  const uint8_t* p = data_ + t.begin;
  std::vector<float> out(static_cast<size_t>(t.numel()));
  if (t.dtype == DType::BF16) {  // the bulk of a checkpoint: skip the double round trip
    for (size_t i = 0; i < out.size(); ++i) out[i] = golden::bf16_to_float(load_le<uint16_t>(p + 2 * i));
  } else {
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<float>(element_as_double(t.dtype, p, i));
  }
  return out;
}

std::vector<int64_t> SafetensorsFile::to_int64(const std::string& name) const {
  const TensorInfo& t = info(name);
  if (is_float_dtype(t.dtype)) {
    fail_tensor(path_, name, fmt::format("dtype {} is not an integer type", dtype_name(t.dtype)));
  }
  const uint8_t* p = data_ + t.begin;
  std::vector<int64_t> out(static_cast<size_t>(t.numel()));
  for (size_t i = 0; i < out.size(); ++i) {
    if (t.dtype == DType::I64) {
      out[i] = load_le<int64_t>(p + 8 * i);
    } else if (t.dtype == DType::U64) {
      const uint64_t u = load_le<uint64_t>(p + 8 * i);
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        fail_tensor(path_, name, fmt::format("element {} = {} does not fit int64", i, u));
      }
      out[i] = static_cast<int64_t>(u);
    } else {
      out[i] = static_cast<int64_t>(element_as_double(t.dtype, p, i));  // exact below 2^53
    }
  }
  return out;
}

namespace {

int64_t checked_numel(const std::vector<int64_t>& shape, const char* fn) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || (d != 0 && n > std::numeric_limits<int64_t>::max() / d)) {
      throw CheckpointError(fmt::format("{}: invalid shape {}", fn, shape_str(shape)));
    }
    n *= d;
  }
  return n;
}

template <typename T>
TensorData make_tensor(DType d, const std::vector<T>& values, std::vector<int64_t> shape,
                       const char* fn) {
  const int64_t n = checked_numel(shape, fn);
  if (static_cast<size_t>(n) != values.size()) {
    throw CheckpointError(fmt::format("{}: {} values for shape {}", fn, values.size(), shape_str(shape)));
  }
  TensorData t;
  t.dtype = d;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

}  // namespace

TensorData make_tensor_f64(const std::vector<double>& v, std::vector<int64_t> shape) {
  return make_tensor(DType::F64, v, std::move(shape), "make_tensor_f64");
}
TensorData make_tensor_f32(const std::vector<float>& v, std::vector<int64_t> shape) {
  return make_tensor(DType::F32, v, std::move(shape), "make_tensor_f32");
}
TensorData make_tensor_bf16(const std::vector<uint16_t>& v, std::vector<int64_t> shape) {
  return make_tensor(DType::BF16, v, std::move(shape), "make_tensor_bf16");
}
TensorData make_tensor_u8(const std::vector<uint8_t>& v, std::vector<int64_t> shape) {
  return make_tensor(DType::U8, v, std::move(shape), "make_tensor_u8");
}
TensorData make_tensor_i64(const std::vector<int64_t>& v, std::vector<int64_t> shape) {
  return make_tensor(DType::I64, v, std::move(shape), "make_tensor_i64");
}

void write_safetensors(const std::string& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) {
    json m = json::object();
    for (const auto& kv : metadata) m[kv.first] = kv.second;
    header["__metadata__"] = std::move(m);
  }
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name == "__metadata__") fail_file(path, "\"__metadata__\" is reserved and cannot name a tensor");
    const int64_t n = checked_numel(t.shape, "write_safetensors");
    if (static_cast<uint64_t>(n) * dtype_size(t.dtype) != t.bytes.size()) {
      fail_tensor(path, name, fmt::format("{} bytes do not match {} {}", t.bytes.size(),
                                          dtype_name(t.dtype), shape_str(t.shape)));
    }
    header[name] = {{"dtype", std::string(dtype_name(t.dtype))},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // JSON allows trailing whitespace

  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) fail_file(path, fmt::format("cannot create: {}", std::strerror(errno)));
  uint8_t len[8];
  const uint64_t header_len = text.size();
  std::memcpy(len, &header_len, sizeof len);
  out.write(reinterpret_cast<const char*>(len), sizeof len);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto& kv : tensors) {
    out.write(reinterpret_cast<const char*>(kv.second.bytes.data()),
              static_cast<std::streamsize>(kv.second.bytes.size()));
  }
  out.close();
  if (!out) fail_file(path, "write failed (disk full?)");
}

}  // namespace tasu::ckpt
