// run_query and match_rule (rules/matcher.h): hand-written queries over an
// in-memory case, and compiled rules over the hunt fixtures
// (testdata/hunt/evtx, ingested with the pushmortem binary).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "db/case_db.h"
#include "parsers/core/time_util.h"
#include "rules/derived_tables.h"
#include "rules/matcher.h"
#include "rules/rule_loader.h"
#include "support/run_cli.h"

using namespace pm;
using namespace pm::rules;

namespace {

db::CaseDb small_case() {
  auto c = db::CaseDb::open_for_write(":memory:");
  REQUIRE(c);
  REQUIRE(c->db().exec(
      "INSERT INTO hosts(host_id, name) VALUES(7, 'fs01.contoso.com');"
      "INSERT INTO sources(source_id, bundle, path, sha256, size, status, ingested_at) VALUES(3, 'b', 'a.log', '', 0, 'ingested', 'x');"
      "INSERT INTO events(event_id, time_us, host_id, source_id, format, message, location) VALUES"
      " (1, 1000, 7, 3, 'pfirewall', 'first', 10), (2, NULL, NULL, 3, 'pfirewall', NULL, NULL), (3, 3000, 7, 3, 'x', 'third', 12);"));
  return std::move(c.value());
}

Rule fixture_rule(const std::string& file, const std::string& id) {
  auto rules = load_rules_path(test::testdata("hunt/rules/" + file));
  INFO(rules.status().message());
  REQUIRE(rules);
  for (const Rule& r : rules.value())
    if (r.id == id || r.name == id) return r;
  FAIL("no rule " << id << " in " << file);
  return {};
}

}  // namespace

TEST_CASE("run_query turns the standard columns and extra fields into matches", "[rules][matcher]") {
  auto c = small_case();
  CompiledQuery q;
  q.sql = "SELECT event_id, time_us, host_id, source_id, location, message, CASE WHEN event_id = 3 THEN 42 END, "
          "CASE WHEN event_id = 1 THEN 'alice' END, format FROM events WHERE format = ?1 OR event_id = ?2 ORDER BY event_id";
  q.params = {Value(std::string("pfirewall")), Value(int64_t{3})};
  q.fields = {"User", "Format"};
  Rule rule;
  rule.id = "r1";
  std::vector<Match> out;
  REQUIRE(run_query(c.db(), q, &rule, out));
  REQUIRE(out.size() == 3);
  CHECK(out[0].rule == &rule);
  CHECK(out[0].event_id == 1);
  CHECK(out[0].time_us == 1000);
  CHECK(out[0].host_id == 7);
  CHECK(out[0].source_id == 3);
  CHECK(out[0].location == 10);
  CHECK(out[0].message == "first");
  CHECK_FALSE(out[0].order_key.has_value());
  CHECK(out[0].fields == std::map<std::string, std::string>{{"User", "alice"}, {"Format", "pfirewall"}});
  CHECK_FALSE(out[1].time_us.has_value());
  CHECK_FALSE(out[1].host_id.has_value());
  CHECK_FALSE(out[1].location.has_value());
  CHECK(out[1].message.empty());
  CHECK(out[1].fields == std::map<std::string, std::string>{{"Format", "pfirewall"}});  // NULL fields are left out
  CHECK(out[2].order_key == 42);
  // Appends.
  REQUIRE(run_query(c.db(), q, &rule, out));
  CHECK(out.size() == 6);
}

TEST_CASE("for_each_match streams rows and stops when asked", "[rules][matcher]") {
  auto c = small_case();
  CompiledQuery q;
  q.sql = "SELECT event_id, time_us, host_id, source_id, location, message, NULL FROM events ORDER BY event_id";
  std::vector<int64_t> seen;
  REQUIRE(for_each_match(c.db(), q, nullptr, [&](const Match& m) {
    seen.push_back(*m.event_id);
    CHECK(m.rule == nullptr);
    return seen.size() < 2;
  }));
  CHECK(seen == std::vector<int64_t>{1, 2});
}

TEST_CASE("run_query reports bad SQL and short results with the rule", "[rules][matcher]") {
  auto c = small_case();
  Rule rule;
  rule.id = "broken-rule";
  rule.loc = {"x.yml", 4};
  std::vector<Match> out;
  CompiledQuery bad;
  bad.sql = "SELECT nothing FROM nowhere";
  Status s = run_query(c.db(), bad, &rule, out);
  REQUIRE_FALSE(s);
  CHECK(s.message().find("broken-rule (x.yml:4)") != std::string::npos);
  CompiledQuery narrow;
  narrow.sql = "SELECT event_id, time_us, host_id, source_id, location, message, NULL FROM events";
  narrow.fields = {"User"};
  s = run_query(c.db(), narrow, &rule, out);
  REQUIRE_FALSE(s);
  CHECK(s.message().find("expected 8") != std::string::npos);
  CHECK(out.empty());
}

TEST_CASE("match_rule runs a compiled detection over an ingested case", "[rules][matcher]") {
  test::TempDir tmp;
  const std::string case_file = tmp.str("case.db");
  auto ingest = test::run_pm("ingest " + test::quote(test::testdata("hunt/evtx").string()) + " --case " + test::quote(case_file));
  INFO(ingest.out << ingest.err);
  REQUIRE(ingest.exit_code == 0);
  auto c = db::CaseDb::open_read_only(case_file);
  REQUIRE(c);
  REQUIRE(build_derived_tables(c->db()));
  c->db().make_read_only_guarded();

  Rule suspicious = fixture_rule("system_service_suspicious_path.yml", "win_service_suspicious_image");
  auto m = match_rule(c->db(), suspicious, Mapping::builtin(), {"ServiceName", "ImagePath", "NoSuchItem"});
  INFO(m.status().message());
  REQUIRE(m);
  REQUIRE(m->size() == 2);
  CHECK(m->at(0).location == 2);
  CHECK(m->at(0).time_us == parse_iso8601_us("2024-03-12T18:01:00.5Z"));
  CHECK(m->at(0).fields.at("ServiceName") == "updsvc");
  CHECK(m->at(0).fields.at("ImagePath") == "C:\\Users\\bob\\AppData\\Local\\Temp\\updsvc.exe");
  CHECK(m->at(0).fields.count("NoSuchItem") == 0);
  CHECK(m->at(1).location == 3);
  CHECK(m->at(1).fields.at("ServiceName") == "BTOBTO");
  CHECK(m->at(0).host_id.has_value());
  CHECK(m->at(0).event_id.has_value());
  CHECK(m->at(0).message.find("A service was installed") == 0);

  Rule cleared = fixture_rule("log_cleared.yml", "win_security_log_cleared");
  auto m2 = match_rule(c->db(), cleared, Mapping::builtin());
  REQUIRE(m2);
  REQUIRE(m2->size() == 1);
  CHECK(m2->at(0).location == 13);
}

TEST_CASE("match_rule refuses what does not compile", "[rules][matcher]") {
  auto c = small_case();
  auto rules = load_rules_text("title: t\nid: fw\nlogsource: {product: windows, service: firewall-log}\n"
                               "detection:\n  selection: {direction: inbound}\n  condition: selection\n",
                               "fw.yml");
  REQUIRE(rules);
  auto m = match_rule(c.db(), rules->front(), Mapping::builtin());
  REQUIRE_FALSE(m);
  CHECK(m.status().message().find("direction") != std::string::npos);
  CHECK(m.status().message().find("fw.yml:5") != std::string::npos);
}
