// Where test inputs live. PM_TESTDATA_DIR and PM_SHARED_DIR come from
// tests/CMakeLists.txt; the shared corpus may be absent (tests then skip).
#pragma once

#include <filesystem>
#include <string>

#include "parsers/core/parser.h"

namespace pm::test {

inline std::filesystem::path testdata(const std::string& rel) { return std::filesystem::path(PM_TESTDATA_DIR) / rel; }
inline std::filesystem::path shared_dir() { return std::filesystem::path(PM_SHARED_DIR); }
inline bool have_shared_corpus() { return std::filesystem::exists(shared_dir() / "corpus"); }
inline std::filesystem::path binary_path() { return std::filesystem::path(PM_BINARY); }

// A SourceRef for a file with a zone (UTC unless given).
struct TestSource {
  ZoneConverter zone;
  SourceRef ref;
  explicit TestSource(const std::filesystem::path& file, const std::string& zone_name = "") {
    if (!zone_name.empty()) zone = ZoneConverter::from_name(zone_name).value();
    ref.file = file;
    ref.display_path = file.filename().string();
    ref.zone = &zone;
    ref.zone_known = !zone_name.empty();
  }
  TestSource(const TestSource&) = delete;
};

// Reads a file's head and runs a parser's sniff on it.
inline SniffResult sniff_file(const Parser& p, const std::filesystem::path& file) {
  auto head = read_head(file);
  return head ? p.sniff(head.value()) : SniffResult{};
}

}  // namespace pm::test
