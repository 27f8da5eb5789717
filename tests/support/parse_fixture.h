// Shared helpers for the parser tests under tests/parsers/: parse a file with
// any Parser and check what every parser owes, compare a parse with its golden
// dump, find fixtures, write temporary inputs.
//
// Contract:
// - parse_file(parser, file, zone) REQUIREs that `file` exists and that the
//   parse succeeds, then CHECKs what every parser must satisfy: the counts
//   reconcile (units_read == rows_stored + rows_rejected + header_units, both
//   spelled out and through ParseCounts::reconciles()), unit == "line",
//   units_read == line_count(file), and one RejectedRow a rejected row. Which
//   row kinds must add up to rows_stored is format-specific: test files check
//   that in a small local wrapper around parse_file.
// - zone "" means no zone known (UTC assumed), as for TestSource.
// - line_count(file) counts lines as LineReader sees them (after decoding),
//   independently of any parser.
// - check_golden(p, input, what) renders p (dump()) and compares it with
//   `input` with its extension replaced by ".expected"; the expected file must
//   exist and not be empty. PM_UPDATE_GOLDEN=1 rewrites it (see row_dump.h).
// - fixture_inputs(dirs, ext) lists testdata files, sorted; check_sniff_claims,
//   check_open_fails and check_cancelled are the sniff / missing-file /
//   cancel-flag checks the firewall-config tests share; find_row, facts and
//   fact_lines look rows up in a CollectingSink.
// - TempFile writes bytes to a file of the given name in a fresh folder of its
//   own; the folder goes when the object dies. It converts to the file's path.
// Header-only; everything is in pm::test. Assertions are Catch2 v2 macros, so
// call these from inside a TEST_CASE.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/core/parser.h"
#include "parsers/core/text.h"
#include "support/collecting_sink.h"
#include "support/paths.h"
#include "support/row_dump.h"

namespace pm::test {

// What one parse produced.
struct Parsed {
  CollectingSink sink;
  ParseCounts counts;
};

// The counts as one line: the first line of most golden dumps, and context
// for failed checks.
inline std::string counts_line(const ParseCounts& c) {
  std::ostringstream o;
  o << "counts\tunits_read=" << c.units_read << "\trows_stored=" << c.rows_stored
    << "\trows_rejected=" << c.rows_rejected << "\theader_units=" << c.header_units << "\tunit=" << c.unit;
  return o.str();
}

// Lines in a file as LineReader sees them.
inline size_t line_count(const std::filesystem::path& file) {
  auto reader = LineReader::open(file);
  REQUIRE(reader);
  size_t n = 0;
  Line line;
  while (reader->next(line)) ++n;
  return n;
}

inline std::string read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Parses `file` and checks what every parser must satisfy (see the contract
// at the top of this file).
inline Parsed parse_file(const Parser& parser, const std::filesystem::path& file, const std::string& zone = "") {
  INFO("parsing " << file.string() << " with " << parser.name() << " zone '" << zone << "'");
  REQUIRE(std::filesystem::exists(file));
  TestSource src(file, zone);
  Parsed p;
  auto r = parser.parse(src.ref, p.sink);
  INFO(r.status().message());
  REQUIRE(r);
  p.counts = r.value();
  INFO(counts_line(p.counts));
  CHECK(p.counts.units_read == p.counts.rows_stored + p.counts.rows_rejected + p.counts.header_units);
  CHECK(p.counts.reconciles());
  CHECK(p.counts.unit == "line");
  CHECK(p.counts.units_read == static_cast<int64_t>(line_count(file)));
  CHECK(p.sink.rejects.size() == static_cast<size_t>(p.counts.rows_rejected));
  return p;
}

// What a golden file holds: the counts line and the rows, or the rows only.
enum class Dump { counts_and_rows, rows_only };

inline std::string dump(const Parsed& p, Dump what = Dump::counts_and_rows) {
  std::string rows = dump_rows(p.sink);
  return what == Dump::rows_only ? rows : counts_line(p.counts) + "\n" + rows;
}

// Compares the dump of `p`, parsed from `input`, with input's ".expected" file.
inline void check_golden(const Parsed& p, const std::filesystem::path& input, Dump what = Dump::counts_and_rows) {
  std::filesystem::path expected_file = input;
  expected_file.replace_extension(".expected");
  INFO("golden " << expected_file.string());
  std::string actual = dump(p, what);
  std::string expected = golden(expected_file.string(), actual);
  REQUIRE_FALSE(expected.empty());
  CHECK(actual == expected);
}

// The files in these testdata folders, sorted; folders that do not exist are
// skipped. ext "" takes every input (all but *.expected), else that extension.
inline std::vector<std::filesystem::path> fixture_inputs(std::initializer_list<const char*> dirs,
                                                         const std::string& ext = "") {
  std::vector<std::filesystem::path> files;
  for (const char* dir : dirs) {
    if (!std::filesystem::exists(testdata(dir))) continue;
    for (const auto& e : std::filesystem::directory_iterator(testdata(dir))) {
      auto x = e.path().extension();
      if (ext.empty() ? x != ".expected" : x == ext) files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Sniffs each of `files` with `parser`: a file is_mine(file name) claims must
// score >= 50 with it and < 50 with every one of `others`; any other file
// must score < 50 with it.
inline void check_sniff_claims(const Parser& parser, std::initializer_list<const Parser*> others,
                               const std::vector<std::filesystem::path>& files,
                               const std::function<bool(const std::string&)>& is_mine) {
  for (const auto& f : files) {
    std::string name = f.filename().string();
    auto s = sniff_file(parser, f);
    INFO(name << " -> " << parser.name() << " " << s.score << " " << s.reason);
    if (is_mine(name)) {
      CHECK(s.score >= 50);
      for (const Parser* other : others) {
        INFO("other parser " << other->name());
        CHECK(sniff_file(*other, f).score < 50);
      }
    } else {
      CHECK(s.score < 50);
    }
  }
}

// A parse of a file that does not exist fails cleanly.
inline void check_open_fails(const Parser& parser, const std::filesystem::path& missing) {
  INFO("parsing missing " << missing.string() << " with " << parser.name());
  CollectingSink sink;
  TestSource src(missing);
  CHECK_FALSE(parser.parse(src.ref, sink));
}

// With the cancel flag already set, a parse of `file` stops with
// ErrorKind::interrupted. Give it more lines than the 4096-line polling interval.
inline void check_cancelled(const Parser& parser, const std::filesystem::path& file) {
  INFO("cancelled parse of " << file.string() << " with " << parser.name());
  std::atomic<bool> cancel{true};
  TestSource src(file);
  src.ref.cancel = &cancel;
  CollectingSink sink;
  auto r = parser.parse(src.ref, sink);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::interrupted);
}

// `bytes` n times over.
inline std::string repeated(const std::string& bytes, int n) {
  std::string all;
  for (int i = 0; i < n; ++i) all += bytes;
  return all;
}

// The first of `rows` whose `key` is `value`; fails the test when there is none.
template <class Row>
const Row& find_row(const std::vector<Row>& rows, std::string Row::*key, const std::string& value) {
  for (const auto& r : rows)
    if (r.*key == value) return r;
  FAIL("no row with '" << value << "'");
  throw;  // unreachable
}

// The values of every fact with this name, in order.
inline std::vector<std::string> facts(const CollectingSink& sink, const std::string& name) {
  std::vector<std::string> values;
  for (const auto& f : sink.facts)
    if (f.fact == name) values.push_back(f.value);
  return values;
}

// Lines that yielded at least one fact (a host-facts parser's stored rows).
inline int64_t fact_lines(const CollectingSink& sink) {
  std::vector<int64_t> lines;
  for (const auto& f : sink.facts) lines.push_back(f.location);
  std::sort(lines.begin(), lines.end());
  return std::unique(lines.begin(), lines.end()) - lines.begin();
}

// A file `name` holding `bytes`, in a fresh temporary folder removed with it.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& bytes) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("pm_parse_test_" + std::to_string(std::random_device{}()) + "_" + std::to_string(++counter));
    std::filesystem::create_directories(dir_);
    path_ = dir_ / name;
    std::ofstream out(path_, std::ios::binary);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + path_.string());
  }
  ~TempFile() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  operator const std::filesystem::path&() const { return path_; }

 private:
  std::filesystem::path dir_;
  std::filesystem::path path_;
};

}  // namespace pm::test
