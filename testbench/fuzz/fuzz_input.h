// What the fuzz targets share: the readers under test take a path (they mmap it), so each
// input is written to one file per process first.
#pragma once
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

namespace tasu::fuzz {

inline std::string input_file(const uint8_t* data, size_t size, const char* suffix) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("tasu-fuzz-" + std::to_string(getpid()) + suffix)).string();
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data),
                                                                 static_cast<std::streamsize>(size));
  return path;
}

}  // namespace tasu::fuzz
