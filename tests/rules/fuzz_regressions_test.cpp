// Inputs the rule-side libFuzzer targets (tests/fuzz/fuzz_rule_loader.cpp,
// fuzz_condition.cpp) found hanging or crashing, kept under
// testdata/fuzz-regressions/<target>/ and replayed in the normal suite: each
// must come back (loaded or refused) within 5 s (scaled for sanitizer builds).
// A hang fails the test; its worker thread is left behind.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rules/condition.h"
#include "rules/rule_loader.h"
#include "support/build_flavor.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::pair<std::string, std::string>> kept_inputs(const std::string& target) {
  std::vector<std::pair<std::string, std::string>> inputs;
  fs::path dir = pm::test::testdata("fuzz-regressions") / target;
  if (!fs::is_directory(dir)) return inputs;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    inputs.emplace_back(e.path().filename().string(), text.str());
  }
  std::sort(inputs.begin(), inputs.end());
  return inputs;
}

bool returns_in_time(std::function<void()> work) {
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  std::thread([work = std::move(work), done] {
    work();
    done->set_value();
  }).detach();
  return finished.wait_for(std::chrono::duration<double>(5 * pm::test::time_factor)) == std::future_status::ready;
}

}  // namespace

TEST_CASE("fuzz regressions: kept fuzz_rule_loader inputs load or are refused", "[rules][fuzz]") {
  auto inputs = kept_inputs("fuzz_rule_loader");
  REQUIRE_FALSE(inputs.empty());  // at least the yaml-cpp LoadAll loop inputs
  for (const auto& [name, text] : inputs) {
    INFO(name);
    CHECK(returns_in_time([text = text] {
      auto rules = pm::rules::load_rules_text(text, "fuzz.yml");
      if (rules) (void)pm::rules::check_rule_set(rules.value());
    }));
  }
}

TEST_CASE("fuzz regressions: kept fuzz_condition inputs parse or are refused", "[rules][fuzz]") {
  std::vector<pm::rules::Selection> selections;
  for (const char* n : {"selection", "sel", "sel_2", "filter_a", "filter_b", "keywords", "_private", "them1"}) {
    pm::rules::Selection s;
    s.name = n;
    s.loc = {"fuzz.yml", 1};
    selections.push_back(s);
  }
  for (const auto& [name, text] : kept_inputs("fuzz_condition")) {
    INFO(name);
    CHECK(returns_in_time([text = text, selections] {
      (void)pm::rules::parse_condition(text, selections, {"fuzz.yml", 3});
    }));
  }
}
