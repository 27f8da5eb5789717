// Correlation rules (rules/matcher.h match_correlation) over a small
// in-memory case built with SQL: Security events with EventData items, and
// push attempts written straight into the derived pm_push_attempts table.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/case_db.h"
#include "parsers/core/time_util.h"
#include "rules/derived_tables.h"
#include "rules/matcher.h"
#include "rules/rule_loader.h"

using namespace pm;
using namespace pm::rules;

namespace {

const int64_t kT0 = *parse_iso8601_us("2024-03-12T19:00:00Z");
int64_t minutes(double m) { return kT0 + static_cast<int64_t>(m * 60 * 1000000); }

class MemCase {
 public:
  MemCase() : case_(db::CaseDb::open_for_write(":memory:").value()) {
    run("INSERT INTO hosts(name) VALUES('fs01.contoso.com')");
    run("INSERT INTO sources(bundle, path, sha256, size, status, format, host_id, unit, ingested_at) "
        "VALUES('b', 'security.evtx', '', 0, 'ingested', 'evtx', 1, 'record', 'x')");
    REQUIRE(build_derived_tables(db()));
  }
  db::Database& db() { return case_.db(); }

  void run(const std::string& sql) {
    Status s = db().exec(sql);
    INFO(s.message());
    REQUIRE(s);
  }

  // A Security event with EventData items; the record number is its location.
  void security(int win_event_id, std::optional<int64_t> time_us, const std::vector<std::pair<std::string, std::string>>& data) {
    auto ev = db().prepare("INSERT INTO events(time_us, host_id, source_id, format, event_code, location) VALUES(?1, 1, 1, 'evtx', ?2, ?3)");
    REQUIRE(ev);
    ev->bind(1, time_us);
    ev->bind(2, std::to_string(win_event_id));
    ev->bind(3, ++record_);
    REQUIRE(ev->run());
    const int64_t id = db().last_insert_rowid();
    auto w = db().prepare("INSERT INTO win_events(event_id, provider, win_event_id, channel, record_id) "
                          "VALUES(?1, 'Microsoft-Windows-Security-Auditing', ?2, 'Security', ?3)");
    REQUIRE(w);
    w->bind(1, id);
    w->bind(2, int64_t{win_event_id});
    w->bind(3, record_);
    REQUIRE(w->run());
    int64_t pos = 0;
    for (const auto& [name, value] : data) {
      auto d = db().prepare("INSERT INTO win_event_data(event_id, position, name, value) VALUES(?1, ?2, ?3, ?4)");
      REQUIRE(d);
      d->bind(1, id);
      d->bind(2, pos++);
      d->bind(3, name);
      d->bind(4, value);
      REQUIRE(d->run());
    }
  }
  void failed(int64_t t, const std::string& user, const std::string& ip = "203.0.113.7") {
    security(4625, t, {{"TargetUserName", user}, {"IpAddress", ip}});
  }
  void success(int64_t t, const std::string& user) { security(4624, t, {{"TargetUserName", user}, {"LogonType", "3"}}); }

  // One push attempt in the derived table; `seq` is its order among the target's attempts.
  void attempt(const std::string& target, int error_id, std::optional<int64_t> time_us, int64_t seq) {
    auto st = db().prepare("INSERT INTO temp.pm_push_attempts(source_id, location, server_host_id, target, time_us, seq, "
                           "error_id, kind, result, message) VALUES(1, ?1, 1, ?2, ?3, ?4, ?5, 'push-error', 'failed', ?6)");
    REQUIRE(st);
    st->bind(1, ++record_);
    st->bind(2, target);
    st->bind(3, time_us);
    st->bind(4, seq);
    st->bind(5, int64_t{error_id});
    st->bind(6, "error " + std::to_string(error_id) + " on " + target);
    REQUIRE(st->run());
  }

 private:
  db::CaseDb case_;
  int64_t record_ = 0;
};

const char* kBaseRules = R"(title: Failed logon
id: failed
name: failed
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
---
title: Network logon
id: success
name: success
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4624}
  condition: selection
---
title: Special privileges at logon
id: special
name: special
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4672}
  condition: selection
---
title: Push failed with 347
id: p347
name: p347
logsource: {product: dpm, service: push-error}
detection:
  selection: {ErrorId: 347}
  condition: selection
---
title: Push failed with 319
id: p319
name: p319
logsource: {product: dpm, service: push-error}
detection:
  selection: {ErrorId: 319}
  condition: selection
)";

// The base rules plus one correlation (YAML body after `correlation:`), id "corr".
std::vector<Rule> with_correlation(const std::string& body) {
  std::string yaml = std::string(kBaseRules) + "---\ntitle: Correlation under test\nid: corr\ncorrelation:\n" + body;
  auto r = load_rules_text(yaml, "correlation_test.yml");
  INFO(r.status().message());
  REQUIRE(r);
  REQUIRE(check_rule_set(r.value()));
  return std::move(r.value());
}

std::vector<CorrelationHit> hits_of(MemCase& c, const std::vector<Rule>& rules) {
  const Rule* corr = find_base_rule(rules, "corr");
  REQUIRE(corr != nullptr);
  auto hits = match_correlation(c.db(), *corr, rules, Mapping::builtin());
  INFO(hits.status().message());
  REQUIRE(hits);
  return std::move(hits.value());
}

std::vector<std::optional<int64_t>> member_times(const CorrelationHit& h) {
  std::vector<std::optional<int64_t>> out;
  for (const Match& m : h.members) out.push_back(m.time_us);
  return out;
}

}  // namespace

TEST_CASE("event_count counts the matches of each group within the timespan", "[rules][correlation]") {
  MemCase c;
  for (double m : {0.0, 20.0 / 60, 70.0 / 60, 125.0 / 60, 40.0}) c.failed(minutes(m), "administrator");
  c.failed(minutes(1), "bob");
  c.failed(minutes(2), "bob");
  auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                "  timespan: 10m\n  condition: {gte: 3}\n");
  auto hits = hits_of(c, rules);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].rule->id == "corr");
  CHECK(hits[0].group == std::map<std::string, std::string>{{"TargetUserName", "administrator"}});
  CHECK(hits[0].count == 4);
  CHECK(hits[0].members.size() == 4);  // the match 40 minutes later is outside the window
  CHECK(hits[0].first_us == minutes(0));
  CHECK(hits[0].last_us == minutes(125.0 / 60));
  for (const Match& m : hits[0].members) CHECK(m.rule->id == "failed");
}

TEST_CASE("event_count windows slide; timespan 0 is the whole group", "[rules][correlation]") {
  MemCase c;
  for (double m : {0.0, 6.0, 12.0, 18.0}) c.failed(minutes(m), "administrator");
  SECTION("no 10 minute window holds three") {
    auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                  "  timespan: 10m\n  condition: {gte: 3}\n");
    CHECK(hits_of(c, rules).empty());
  }
  SECTION("a window is inclusive of its timespan") {
    auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                  "  timespan: 12m\n  condition: {gte: 3}\n");
    auto hits = hits_of(c, rules);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].count == 3);
    CHECK(member_times(hits[0]) == std::vector<std::optional<int64_t>>{minutes(0), minutes(6), minutes(12)});
  }
  SECTION("unlimited") {
    auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                  "  condition: {gte: 3}\n");
    REQUIRE(rules.back().correlation->timespan_us == 0);
    auto hits = hits_of(c, rules);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].count == 4);
  }
}

TEST_CASE("event_count lt asks about whole clusters, not single matches", "[rules][correlation]") {
  MemCase c;
  c.failed(minutes(0), "administrator");
  c.failed(minutes(6), "administrator");
  c.failed(minutes(60), "administrator");
  auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                "  timespan: 10m\n  condition: {lt: 2}\n");
  auto hits = hits_of(c, rules);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].count == 1);
  CHECK(member_times(hits[0]) == std::vector<std::optional<int64_t>>{minutes(60)});
}

TEST_CASE("value_count counts distinct values; matches without the field do not count", "[rules][correlation]") {
  MemCase c;
  c.failed(minutes(0), "alice", "198.51.100.23");
  c.failed(minutes(1), "alice", "198.51.100.23");
  c.failed(minutes(5), "bob", "198.51.100.23");
  c.security(4625, minutes(6), {{"IpAddress", "198.51.100.23"}});  // no TargetUserName
  c.failed(minutes(9), "carol", "198.51.100.23");
  c.failed(minutes(9), "dave", "192.0.2.1");
  c.failed(minutes(45), "erin", "198.51.100.23");  // outside 30 minutes of the others
  std::string body = "  type: value_count\n  rules: [failed]\n  group-by: [IpAddress]\n  timespan: 30m\n"
                     "  condition: {field: TargetUserName, ";
  auto hits = hits_of(c, with_correlation(body + "gte: 3}\n"));
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].group.at("IpAddress") == "198.51.100.23");
  CHECK(hits[0].count == 3);
  CHECK(hits[0].members.size() == 4);  // alice twice, bob, carol
  for (const Match& m : hits[0].members) CHECK(m.fields.count("TargetUserName") == 1);
  CHECK(hits_of(c, with_correlation(body + "gte: 4}\n")).empty());
}

TEST_CASE("temporal needs every rule within the timespan, or the condition's count", "[rules][correlation]") {
  MemCase c;
  c.failed(minutes(0), "administrator");
  c.success(minutes(30), "administrator");
  c.failed(minutes(0), "bob");
  std::string body = "  type: temporal\n  rules: [failed, success]\n  group-by: [TargetUserName]\n";
  auto hits = hits_of(c, with_correlation(body + "  timespan: 1h\n"));
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].group.at("TargetUserName") == "administrator");
  CHECK(hits[0].count == 2);
  CHECK(hits[0].members.size() == 2);
  CHECK(hits_of(c, with_correlation(body + "  timespan: 10m\n")).empty());
  auto any = hits_of(c, with_correlation(body + "  timespan: 10m\n  condition: {gte: 1}\n"));
  CHECK(any.size() == 2);  // administrator and bob each have one of the rules
}

TEST_CASE("temporal_ordered finds the first chain in order and keeps every later last-rule match", "[rules][correlation]") {
  MemCase c;
  c.success(minutes(-5), "administrator");  // before any failure: not part of a chain
  c.failed(minutes(0), "administrator");    // its next success (70m) is too late
  c.failed(minutes(50), "administrator");
  c.success(minutes(70), "administrator");
  c.success(minutes(90), "administrator");  // after the chain: evidence too, outside the timespan
  c.success(minutes(0), "bob");             // wrong order
  c.failed(minutes(10), "bob");
  auto rules = with_correlation("  type: temporal_ordered\n  rules: [failed, success]\n  group-by: [TargetUserName]\n"
                                "  timespan: 1h\n");
  auto hits = hits_of(c, rules);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].group.at("TargetUserName") == "administrator");
  CHECK(hits[0].count == 2);
  CHECK(member_times(hits[0]) == std::vector<std::optional<int64_t>>{minutes(50), minutes(70), minutes(90)});
  CHECK(hits[0].members[0].rule->id == "failed");
  CHECK(hits[0].members[2].rule->id == "success");
  CHECK(hits[0].first_us == minutes(50));
  CHECK(hits[0].last_us == minutes(90));
}

TEST_CASE("untimed matches go by order key and never fail the timespan", "[rules][correlation]") {
  MemCase c;
  c.attempt("fs01.contoso.com", 347, minutes(0), 1);  // timed, then two untimed console errors
  c.attempt("fs01.contoso.com", 319, std::nullopt, 2);
  c.attempt("fs01.contoso.com", 319, std::nullopt, 3);
  c.attempt("fs02.contoso.com", 319, std::nullopt, 1);  // 319 before 347: not the pattern
  c.attempt("fs02.contoso.com", 347, minutes(0), 2);
  c.attempt("fs03.contoso.com", 319, std::nullopt, 2);  // inserted out of order: seq decides
  c.attempt("fs03.contoso.com", 347, std::nullopt, 1);
  auto rules = with_correlation("  type: temporal_ordered\n  rules: [p347, p319]\n  group-by: [Target]\n"
                                "  timespan: 1h\n");
  auto hits = hits_of(c, rules);
  REQUIRE(hits.size() == 2);
  CHECK(hits[0].group.at("Target") == "fs01.contoso.com");  // timed groups first
  REQUIRE(hits[0].members.size() == 3);
  CHECK(hits[0].members[0].order_key == 1);
  CHECK(hits[0].members[1].order_key == 2);
  CHECK(hits[0].members[2].order_key == 3);
  CHECK(hits[0].first_us == minutes(0));
  CHECK(hits[0].last_us == minutes(0));
  CHECK(hits[1].group.at("Target") == "fs03.contoso.com");
  CHECK_FALSE(hits[1].first_us.has_value());
  CHECK(hits[1].members.size() == 2);
  CHECK(hits[1].members[0].rule->id == "p347");
}

TEST_CASE("aliases name each base rule's own field for a group-by name", "[rules][correlation]") {
  MemCase c;
  c.failed(minutes(0), "administrator");
  c.security(4672, minutes(2), {{"SubjectUserName", "administrator"}});
  std::string body = "  type: temporal\n  rules: [failed, special]\n  timespan: 10m\n";
  auto hits = hits_of(c, with_correlation(body + "  group-by: [account]\n  aliases:\n    account:\n"
                                                 "      failed: TargetUserName\n      special: SubjectUserName\n"));
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].group == std::map<std::string, std::string>{{"account", "administrator"}});
  // Without the alias each rule is read under the group-by name: 4672 has no TargetUserName.
  CHECK(hits_of(c, with_correlation(body + "  group-by: [TargetUserName]\n")).empty());
}

TEST_CASE("a missing group-by value is a group of its own", "[rules][correlation]") {
  MemCase c;
  for (int i = 0; i < 3; ++i) c.security(4625, minutes(i), {{"TargetUserName", "guest"}});
  c.failed(minutes(1), "guest", "192.0.2.9");
  auto hits = hits_of(c, with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [IpAddress]\n"
                                          "  timespan: 10m\n  condition: {gte: 3}\n"));
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].group.empty());
  CHECK(hits[0].count == 3);
}

TEST_CASE("correlation errors name the rule", "[rules][correlation]") {
  MemCase c;
  auto rules = with_correlation("  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n"
                                "  condition: {gte: 1}\n");
  const Rule* corr = find_base_rule(rules, "corr");
  const Rule* failed = find_base_rule(rules, "failed");
  REQUIRE(corr != nullptr);
  REQUIRE(failed != nullptr);
  SECTION("a base rule that is not in the set") {
    std::vector<Rule> only{*corr};
    auto r = match_correlation(c.db(), only.front(), only, Mapping::builtin());
    REQUIRE_FALSE(r);
    CHECK(r.status().message().find("no rule named 'failed'") != std::string::npos);
    CHECK(r.status().message().find("correlation_test.yml:") != std::string::npos);
  }
  SECTION("a detection rule is not a correlation, and the other way round") {
    auto r = match_correlation(c.db(), *failed, rules, Mapping::builtin());
    REQUIRE_FALSE(r);
    CHECK(r.status().kind() == ErrorKind::usage);
    auto m = match_rule(c.db(), *corr, Mapping::builtin());
    REQUIRE_FALSE(m);
    CHECK(m.status().kind() == ErrorKind::usage);
  }
}

TEST_CASE("correlation_fields reads group-by names through aliases, then the counted field", "[rules][correlation]") {
  auto rules = with_correlation("  type: value_count\n  rules: [failed, special]\n  group-by: [account, IpAddress]\n"
                                "  timespan: 10m\n  condition: {field: account, gte: 2}\n  aliases:\n    account:\n"
                                "      failed: TargetUserName\n      special: SubjectUserName\n");
  const Correlation& corr = *find_base_rule(rules, "corr")->correlation;
  CHECK(correlation_fields(corr, *find_base_rule(rules, "failed")) == std::vector<std::string>{"TargetUserName", "IpAddress"});
  CHECK(correlation_fields(corr, *find_base_rule(rules, "special")) == std::vector<std::string>{"SubjectUserName", "IpAddress"});
}

TEST_CASE("one large group is handled in one pass", "[rules][correlation]") {
  MemCase c;
  c.run("BEGIN");
  for (int i = 0; i < 20000; ++i) c.failed(kT0 + int64_t{i} * 1000000, "administrator");
  c.run("COMMIT");
  std::string body = "  type: event_count\n  rules: [failed]\n  group-by: [TargetUserName]\n";
  auto all = hits_of(c, with_correlation(body + "  condition: {gte: 20000}\n"));
  REQUIRE(all.size() == 1);
  CHECK(all[0].count == 20000);
  // One match a second: a 10 minute window holds 601 (both ends included).
  auto window = hits_of(c, with_correlation(body + "  timespan: 10m\n  condition: {gte: 601}\n"));
  REQUIRE(window.size() == 1);
  CHECK(window[0].count == 601);
  CHECK(hits_of(c, with_correlation(body + "  timespan: 10m\n  condition: {gte: 602}\n")).empty());
}
