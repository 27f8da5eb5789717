// Sniffs every testdata file with every registered parser, for the msi-log
// and dpm-push-errors tests: the files `is_mine` names must score >= 50 with
// `parser` and < 50 with every other parser; every other file must score < 50
// with `parser`. Returns how many files were `mine` (so a test can require
// its fixtures were seen). Catch2 v2 assertions: call inside a TEST_CASE.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>
#include <string>

#include "parsers/registry.h"
#include "support/paths.h"

namespace pm::test {

inline int sniff_everything(const Parser& parser, const std::function<bool(const std::string&)>& is_mine) {
  int mine = 0, files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(testdata(""))) {
    if (!e.is_regular_file() || e.path().extension() == ".expected") continue;
    std::string rel = std::filesystem::relative(e.path(), testdata("")).generic_string();
    auto head = read_head(e.path());
    REQUIRE(head);
    ++files;
    bool is = is_mine(rel);
    mine += is;
    for (const Parser* p : all_parsers()) {
      SniffResult s = p->sniff(head.value());
      INFO(rel << " -> " << p->name() << " " << s.score << " (" << s.reason << ")");
      if (p->name() == parser.name()) CHECK((s.score >= 50) == is);
      else if (is) CHECK(s.score < 50);
    }
  }
  CHECK(files > 50);
  return mine;
}

}  // namespace pm::test
