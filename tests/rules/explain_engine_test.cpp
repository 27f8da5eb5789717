// The explanation engine on the KB 2981833 sample bundle (console errors only,
// drop logging off, no DROP rows): absence told apart from missing sources,
// `when` outcomes, weights, thresholds and template errors.
#include <catch2/catch.hpp>

#include "db/case_db.h"
#include "rules/derived_tables.h"
#include "rules/explain/engine.h"
#include "rules/rule_loader.h"
#include "support/paths.h"
#include "support/run_cli.h"

namespace {

using pm::test::quote;

// A correlation-free rule over the console errors: one finding per target.
const char* kRule = R"yaml(
title: test 319
id: test-319
level: high
logsource: {product: dpm, service: push-error}
detection:
  selection: {ErrorId: 319}
  condition: selection
pushmortem:
  finding:
    host: Target
    title: '319 on {target}'
    narrative: '{drops} {state}'
    confidence: 0.5
    report_below: REPORT_BELOW
  evidence:
    - id: logging_off
      role: context
      logsource: {product: windows, service: firewall-profile}
      host: target
      detection:
        selection: {LogDropped: disabled, Active: 'yes'}
        condition: selection
      found: {weight: 0, text: 'logging off'}
    - id: drops
      role: supporting
      logsource: {product: windows, service: firewall-log}
      host: target
      window: {before: 5m, after: 5m}
      detection:
        selection: {action: DROP}
        condition: selection
      found: {weight: 0.3, text: 'dropped {drops_count}'}
      absent:
        - {when: WHEN, weight: 0, text: 'no drops, logging off: proves nothing'}
        - {weight: -0.2, text: 'no drops although logged'}
    - id: state
      role: contradicting
      logsource: {product: windows, service: security}
      host: target
      detection:
        selection: {EventID: 5157}
        condition: selection
      missing: {weight: 0, text: 'no Security log'}
      decides: 'Security log of {target}'
)yaml";

std::string rule_text(const std::string& when, const std::string& report_below) {
  std::string s = kRule;
  s.replace(s.find("WHEN"), 4, when);
  s.replace(s.find("REPORT_BELOW"), 12, report_below);
  return s;
}

struct Case {
  pm::test::TempDir dir;
  std::optional<pm::db::CaseDb> db;
  Case() {
    auto r = pm::test::run_pm("ingest -q --case " + quote(dir.str("c.db")) + " " +
                              quote(pm::test::testdata("bundles/kb2981833").string()));
    REQUIRE(r.exit_code == 0);
    auto c = pm::db::CaseDb::open_read_only(dir.str("c.db"));
    REQUIRE(c);
    db.emplace(std::move(*c));
    REQUIRE(pm::rules::build_derived_tables(db->db()));
  }
};

pm::Result<pm::rules::ExplainResult> explain(Case& c, const std::string& yaml, bool all = false) {
  auto rules = pm::rules::load_rules_text(yaml, "test.yml");
  REQUIRE(rules);
  pm::rules::ExplainOptions o;
  o.include_suppressed = all;
  return pm::rules::explain_case(c.db->db(), *rules, pm::rules::Mapping::builtin(), o);
}

}  // namespace

TEST_CASE("explain: no drops with drop logging off proves nothing; a missing log is named", "[rules][explain]") {
  Case c;
  auto r = explain(c, rule_text("logging_off", "0"));
  REQUIRE(r);
  REQUIRE(r->findings.size() == 1);
  const auto& f = r->findings[0];
  CHECK(f.host == "fs01.contoso.com");
  CHECK(f.title == "319 on fs01.contoso.com");
  CHECK(f.explanation == "no drops, logging off: proves nothing no Security log");
  CHECK(f.confidence == Approx(0.5));
  REQUIRE(f.verdicts.size() == 3);
  CHECK(f.verdicts[0].state == "found");
  CHECK(f.verdicts[1].state == "absent");
  CHECK(f.verdicts[2].state == "missing");
  CHECK(f.missing_sources == std::vector<std::string>{"Security log of fs01.contoso.com"});
  // the console errors carry no times: the windowed check ran over the whole case
  CHECK(f.verdicts[1].text.find("searched at any time") != std::string::npos);
  CHECK_FALSE(f.notes.empty());
}

TEST_CASE("explain: an absent outcome whose `when` did not hold falls through to the default", "[rules][explain]") {
  Case c;
  // `state` is missing, not found: the first absent outcome does not apply.
  auto r = explain(c, rule_text("state", "0"));
  REQUIRE(r);
  REQUIRE(r->findings.size() == 1);
  CHECK(r->findings[0].explanation == "no drops although logged no Security log");
  // -0.2, halved because the window could not be placed
  CHECK(r->findings[0].confidence == Approx(0.4));
}

TEST_CASE("explain: findings below report_below are suppressed unless asked for", "[rules][explain]") {
  Case c;
  auto hidden = explain(c, rule_text("state", "0.45"));
  REQUIRE(hidden);
  CHECK(hidden->findings.empty());
  auto shown = explain(c, rule_text("state", "0.45"), true);
  REQUIRE(shown);
  CHECK(shown->findings.size() == 1);
}

TEST_CASE("explain: a template naming an unknown argument is an error naming the rule", "[rules][explain]") {
  Case c;
  std::string yaml = rule_text("logging_off", "0");
  yaml.replace(yaml.find("'319 on {target}'"), 17, "'319 on {tagret}'");
  auto r = explain(c, yaml);
  REQUIRE_FALSE(r);
  CHECK(r.status().message().find("test-319") != std::string::npos);
  CHECK(r.status().message().find("title") != std::string::npos);
}
