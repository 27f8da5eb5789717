// The yaml-cpp 0.7 LoadAll loop guard (rules/yaml_documents.h): the loop's
// inputs come back from load_rules_text refused, within seconds; valid streams
// load as before. (Kept fuzz inputs: tests/rules/fuzz_regressions_test.cpp.)
#include <catch2/catch.hpp>

#include <chrono>
#include <future>
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "rules/rule_loader.h"
#include "rules/yaml_documents.h"
#include "support/build_flavor.h"

using namespace pm::rules;

namespace {

const auto limit_s = static_cast<long>(5 * pm::test::time_factor);

// load_rules_text on a worker thread; a hang fails the test instead of the run
// (the worker is left behind: the binary exits with the failure reported).
bool returns_within(const std::string& text, std::chrono::seconds limit, bool* loaded, std::string* message) {
  auto done = std::make_shared<std::promise<std::pair<bool, std::string>>>();
  auto result = done->get_future();
  std::thread([text, done] {
    auto rules = load_rules_text(text, "fuzz.yml");
    if (rules) (void)check_rule_set(rules.value());
    done->set_value({static_cast<bool>(rules), rules ? std::string() : rules.status().message()});
  }).detach();
  if (result.wait_for(limit) != std::future_status::ready) return false;
  auto [ok, msg] = result.get();
  *loaded = ok;
  *message = msg;
  return true;
}

}  // namespace

TEST_CASE("yaml documents: a stray ',' at block level is a syntax error, not a hang", "[rules][yaml]") {
  for (const char* text : {", : x", ",\n", "title: x\n,\n", ",a\n: x\n", "\n,\n    "}) {
    INFO(text);
    bool loaded = true;
    std::string message;
    REQUIRE(returns_within(text, std::chrono::seconds(limit_s), &loaded, &message));
    CHECK_FALSE(loaded);
    CHECK(message.find("fuzz.yml:") == 0);
    CHECK(message.find("YAML syntax error") != std::string::npos);
  }
  bool loaded = true;
  std::string message;
  REQUIRE(returns_within("a: 1\n---\n, : x\n", std::chrono::seconds(limit_s), &loaded, &message));
  CHECK(message.find("fuzz.yml:3:") == 0);
  CHECK(message.find("unexpected ','") != std::string::npos);
}

TEST_CASE("yaml documents: valid streams load as yaml-cpp loads them", "[rules][yaml]") {
  CHECK(load_yaml_documents("").empty());
  CHECK(load_yaml_documents("a: 1\n---\nb: 2\n").size() == 2);
  auto empties = load_yaml_documents("---\n---\n---\n");
  CHECK(empties.size() == 3);
  CHECK(std::all_of(empties.begin(), empties.end(), [](const YAML::Node& n) { return n.IsNull(); }));
  // Commas in flow collections, quoted text and block scalars are fine.
  auto docs = load_yaml_documents("a: [1, 2]\nb: {c: 3, d: 4}\ne: 'x, y'\nf: |\n  , : x\n  ,\ng: h, i\n");
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["a"].size() == 2);
  CHECK(docs[0]["b"]["d"].as<int>() == 4);
  CHECK(docs[0]["e"].as<std::string>() == "x, y");
  CHECK(docs[0]["f"].as<std::string>() == ", : x\n,\n");
  CHECK(docs[0]["g"].as<std::string>() == "h, i");
  CHECK_THROWS_AS(load_yaml_documents("a: [1, 2\n"), YAML::ParserException);
}
