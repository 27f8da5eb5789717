// End to end: `analyze` on the scenario bundles (testdata/bundles/README.md
// states the truth for each). Two checks per bundle: the set of (rule, host)
// findings written down from the README — so a regenerated golden cannot
// hide a wrong conclusion — and the whole JSON output against its golden
// file testdata/bundles/<bundle>.findings.json (PM_UPDATE_GOLDEN=1 rewrites).
#include <catch2/catch.hpp>

#include <set>
#include <utility>

#include "support/paths.h"
#include "support/row_dump.h"
#include "support/run_cli.h"

namespace {

using pm::test::quote;
using Pairs = std::set<std::pair<std::string, std::string>>;

// (rule, host) of every finding in analyze's JSON output (one finding a line).
Pairs findings_of(const std::string& json) {
  Pairs out;
  size_t pos = 0;
  while ((pos = json.find("{\"rule\":\"", pos)) != std::string::npos) {
    size_t r0 = pos + 9, r1 = json.find('"', r0);
    size_t h0 = json.find("\"host\":\"", r1) + 8, h1 = json.find('"', h0);
    out.insert({json.substr(r0, r1 - r0), json.substr(h0, h1 - h0)});
    pos = h1;
  }
  return out;
}

std::string analyze_json(const std::string& bundle) {
  auto r = pm::test::run_pm("analyze --format json " + quote(pm::test::testdata("bundles/" + bundle).string()));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return r.out;
}

void check_bundle(const std::string& bundle, const Pairs& expected) {
  std::string json = analyze_json(bundle);
  CHECK(findings_of(json) == expected);
  CHECK(json == pm::test::golden(pm::test::testdata("bundles/" + bundle + ".findings.json").string(), json));
}

}  // namespace

TEST_CASE("analyze: the KB 2981833 flagship with full evidence, no drops logged", "[cli][analyze]") {
  check_bundle("fw-no-drops", {{"dpm-347-then-319-firewall", "fs01.contoso.com"},
                               {"fw-drop-logging-disabled", "fs01.contoso.com"}});
}

TEST_CASE("analyze: 347 then 319 with drops logged, target clock 90 s ahead", "[cli][analyze]") {
  check_bundle("fw-drops-logged", {{"dpm-347-then-319-firewall", "sql01.contoso.com"},
                                   {"dpm-319-firewall-drop", "sql01.contoso.com"}});
}

TEST_CASE("analyze: a 319 while the target was off is not the firewall", "[cli][analyze]") {
  check_bundle("target-off", {{"dpm-319-target-unreachable", "app01.contoso.com"},
                              {"fw-drop-logging-disabled", "app01.contoso.com"}});
}

TEST_CASE("analyze: a 347 service timeout is not 347-then-319", "[cli][analyze]") {
  check_bundle("service-timeout", {{"dpm-347-service-timeout", "web01.contoso.com"}});
}

TEST_CASE("analyze: wrong credentials blame no firewall", "[cli][analyze]") {
  check_bundle("wrong-credentials", {{"fw-drop-logging-disabled", "file02.contoso.com"}});
}

TEST_CASE("analyze: a push that succeeded after the firewall rule was added", "[cli][analyze]") {
  check_bundle("push-resolved", {{"dpm-347-then-319-firewall", "fs02.contoso.com"},
                                 {"dpm-push-resolved", "fs02.contoso.com"},
                                 {"fw-drop-logging-disabled", "fs02.contoso.com"}});
}

TEST_CASE("analyze: several targets each get their own findings", "[cli][analyze]") {
  check_bundle("multi-target", {{"dpm-347-then-319-firewall", "fs03.contoso.com"},
                                {"fw-drop-logging-disabled", "fs03.contoso.com"},
                                {"dpm-319-firewall-drop", "sql03.contoso.com"},
                                {"dpm-319-target-unreachable", "app03.contoso.com"},
                                {"fw-drop-logging-disabled", "app03.contoso.com"}});
}

TEST_CASE("analyze: the README's sample bundle, as text", "[cli][analyze]") {
  auto r = pm::test::run_pm("analyze " + quote(pm::test::testdata("bundles/kb2981833").string()));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == pm::test::golden(pm::test::testdata("bundles/kb2981833.explain.expected").string(), r.out));
  CHECK(r.err.find("7 files: 7 ingested") != std::string::npos);
}

TEST_CASE("explain: json, md and text agree on the findings of a kept case", "[cli][explain]") {
  pm::test::TempDir dir;
  std::string c = quote(dir.str("case.db"));
  auto a = pm::test::run_pm("analyze --case " + c + " --format md " + quote(pm::test::testdata("bundles/multi-target").string()));
  REQUIRE(a.exit_code == 0);
  CHECK(a.out.rfind("# pushmortem findings", 0) == 0);
  auto j = pm::test::run_pm("explain --case " + c + " --format json");
  REQUIRE(j.exit_code == 0);
  auto pairs = findings_of(j.out);
  CHECK(pairs.size() == 5);
  for (const auto& [rule, host] : pairs) {
    CHECK(a.out.find("| " + host + " | " + rule + " |") != std::string::npos);
  }
  auto t = pm::test::run_pm("explain --case " + c);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.rfind("5 findings\n", 0) == 0);
}

TEST_CASE("explain: --skew replaces the estimated clock offset", "[cli][explain]") {
  pm::test::TempDir dir;
  std::string c = quote(dir.str("case.db"));
  REQUIRE(pm::test::run_pm("ingest -q --case " + c + " " + quote(pm::test::testdata("bundles/fw-drops-logged").string()))
              .exit_code == 0);
  auto est = pm::test::run_pm("explain --format json --case " + c);
  REQUIRE(est.exit_code == 0);
  CHECK(est.out.find("seen in both firewall logs") != std::string::npos);
  auto given = pm::test::run_pm("explain --format json --case " + c + " --skew sql01=90");
  REQUIRE(given.exit_code == 0);
  CHECK(given.out.find("seen in both firewall logs") == std::string::npos);
  CHECK(given.err.find("set with --skew: +90 s") != std::string::npos);
  CHECK(given.out.find("relative to dpm01.contoso.com: +90 s (--skew)") != std::string::npos);
  auto bad = pm::test::run_pm("explain --case " + c + " --skew nosuchhost=5");
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("nosuchhost") != std::string::npos);
  auto malformed = pm::test::run_pm("explain --case " + c + " --skew sql01");
  CHECK(malformed.exit_code == 2);
}

TEST_CASE("explain: a missing case is unreadable input", "[cli][explain]") {
  pm::test::TempDir dir;
  auto r = pm::test::run_pm("explain --case " + quote(dir.str("nope.db")));
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("nope.db") != std::string::npos);
}
