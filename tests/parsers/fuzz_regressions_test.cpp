// Inputs the libFuzzer targets (tests/fuzz/) found crashing, leaking, hanging
// or breaking the count contract, kept under testdata/fuzz-regressions/<target>/
// and replayed here in the normal suite: each parser input is sniffed and
// parsed by the parser its target fuzzes, and must parse (or fail cleanly)
// with reconciled counts; bundle inputs are walked with the fuzz limits.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "parsers/bundle/bundle.h"
#include "parsers/registry.h"
#include "support/build_flavor.h"
#include "support/paths.h"
#include "tests/fuzz/counting_sink.h"

namespace {

namespace fs = std::filesystem;

// fuzz_<parser name, '-' written '_'> -> the registered parser, or null.
const pm::Parser* parser_for_target(const std::string& target) {
  for (const pm::Parser* p : pm::all_parsers()) {
    std::string name(p->name());
    for (char& c : name)
      if (c == '-') c = '_';
    if (target == "fuzz_" + name) return p;
  }
  return nullptr;
}

std::vector<fs::path> regression_inputs(const std::string& target) {
  std::vector<fs::path> files;
  fs::path dir = pm::test::testdata("fuzz-regressions") / target;
  if (!fs::is_directory(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("fuzz regressions: every kept input belongs to a fuzz target", "[parsers][fuzz]") {
  fs::path root = pm::test::testdata("fuzz-regressions");
  if (!fs::is_directory(root)) return;
  for (const auto& e : fs::directory_iterator(root)) {
    if (!e.is_directory()) continue;
    std::string target = e.path().filename().string();
    INFO(target);
    CHECK((parser_for_target(target) != nullptr || target == "fuzz_bundle" || target == "fuzz_rule_loader" ||
           target == "fuzz_condition"));
  }
}

TEST_CASE("fuzz regressions: parser inputs parse with reconciled counts", "[parsers][fuzz]") {
  for (const pm::Parser* p : pm::all_parsers()) {
    std::string target = "fuzz_" + std::string(p->name());
    for (char& c : target)
      if (c == '-') c = '_';
    for (const fs::path& file : regression_inputs(target)) {
      INFO(target << ": " << file.filename().string());
      pm::test::TestSource source(file);
      auto head = pm::read_head(file);
      if (head) {
        pm::SniffResult r = p->sniff(head.value());
        CHECK(r.score >= 0);
        CHECK(r.score <= 100);
        (void)pm::sniff_all(head.value());
      }
      auto start = std::chrono::steady_clock::now();
      pm::fuzz::CountingSink sink;
      auto counts = p->parse(source.ref, sink);
      if (counts) CHECK(pm::fuzz::counts_hold(counts.value(), sink));
      CHECK(std::chrono::steady_clock::now() - start < std::chrono::duration<double>(5 * pm::test::time_factor));
    }
  }
}

TEST_CASE("fuzz regressions: bundle inputs walk within the limits", "[parsers][fuzz][bundle]") {
  for (const fs::path& file : regression_inputs("fuzz_bundle")) {
    INFO(file.filename().string());
    pm::BundleLimits limits;
    limits.max_total_bytes = 8ULL << 20;
    limits.max_entry_bytes = 4ULL << 20;
    limits.max_entries = 256;
    auto bundle = pm::Bundle::open({file}, limits);
    REQUIRE(bundle);
    for (size_t i = 0; i < bundle.value().entries().size(); ++i)
      CHECK(bundle.value().entries()[i].parent < static_cast<int>(i));
  }
}
