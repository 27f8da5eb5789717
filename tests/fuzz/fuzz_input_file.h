// A per-process scratch file for fuzz inputs: parsers and the bundle walker
// read files, so every input is written to the same path (in /dev/shm when it
// exists, so runs do not wear a disk) and read back from there.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace pm::fuzz {

class InputFile {
 public:
  explicit InputFile(const std::string& name) {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    dir_ = base / ("pm-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes the input; aborts when the scratch file cannot be written (a broken
  // harness must not look like a quiet pass).
  const std::filesystem::path& write(const uint8_t* data, size_t size) {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out) std::abort();
    return path_;
  }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

}  // namespace pm::fuzz
