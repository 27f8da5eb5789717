// The compiled query itself (rules/compiler.h): output columns and requested
// fields, refusals with file:line, bound values, the presence query, the
// index used under host restrictions, and a rule loaded from YAML.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "compiler_fixture.h"
#include "rules/rule_loader.h"

using namespace pm;
using namespace pm::test;
using pm::rules::CompileOptions;

namespace {

const rules::Logsource kSystem = logsource("windows", "system");
const rules::Logsource kFirewall = logsource("windows", "firewall-log");

CompileOptions with_fields(std::vector<std::string> fields) {
  CompileOptions o;
  o.fields = std::move(fields);
  return o;
}

bool present(db::Database& db, const rules::Logsource& ls, const std::vector<int64_t>& hosts) {
  auto q = rules::compile_presence(ls, rules::Mapping::builtin(), hosts);
  INFO(q.status().message());
  REQUIRE(q);
  INFO(q->sql);
  auto rows = try_run(db, q.value());
  REQUIRE(rows);
  REQUIRE(rows->size() <= 1);
  if (rows->size() == 1) CHECK(rows->front().cols == std::vector<std::optional<std::string>>{"1"});
  return rows->size() == 1;
}

void check_refused(const rules::Detection& d, const rules::Logsource& ls, const std::string& feature, int line,
                   ErrorKind kind = ErrorKind::unsupported) {
  Status s = compile_error(d, ls);
  INFO(s.message());
  CHECK(s.kind() == kind);
  CHECK_THAT(s.message(), Catch::Contains(feature) && Catch::Contains("test.yml:" + std::to_string(line)));
}

}  // namespace

TEST_CASE("compiler: standard columns of event and standalone rows, requested fields", "[rules][compiler]") {
  CompilerCase c;
  CompileOptions o;
  o.fields = {"param1", "EventID", "Computer", "param4", "Message"};
  auto rows = run_rows(c.db(), single({entry("EventID", {num(7000)})}), kSystem, o);
  REQUIRE(rows.size() == 2);
  using S = std::optional<std::string>;
  CHECK(rows[0].cols == std::vector<S>{"1", std::to_string(kT0), "2", "1", "11",
                                       "The DPMRA service failed to start due to the following error: Access is denied.",
                                       std::nullopt, "DPMRA", "7000", "FS01.contoso.com", std::nullopt,
                                       "The DPMRA service failed to start due to the following error: Access is denied."});
  CHECK(rows[1].cols[7] == S("dpmra"));

  auto push = run_rows(c.db(), single({entry("ErrorId", {num(319), num(347)})}), logsource("dpm", "push-error"),
                       with_fields({"HResult", "TargetHost", "Seq"}));
  REQUIRE(push.size() == 2);
  CHECK(push[0].cols == std::vector<S>{"11", std::to_string(at_s(100)), "1", "4", "50", "Push to FS01 failed with 319",
                                       "1", "0x800706BA", "fs01.contoso.com", "1"});
  CHECK(push[1].cols == std::vector<S>{std::nullopt, std::nullopt, "1", "8", "3", "Push to FS01 failed with 347", "2",
                                       std::nullopt, "FS01", "2"});

  auto installs = run_rows(c.db(), single({entry("ResultCode", {num(1603)})}), logsource("dpm", "msi-install"));
  REQUIRE(installs.size() == 1);
  CHECK(installs[0].cols == std::vector<S>{std::nullopt, std::to_string(at_s(200)), "2", "7", "40",
                                           "Install of Microsoft System Center DPM Protection Agent 10.19.58.0: "
                                           "failure (1603), failing action InstallFiles",
                                           std::nullopt});

  auto fw_rules = run_rows(c.db(), single({entry("Enabled", {str("yes")})}), logsource("windows", "firewall-rule"));
  REQUIRE(fw_rules.size() == 1);
  CHECK(fw_rules[0].cols[5] ==
        S("Firewall rule DPM Agent (DCOM-In): enabled Yes, In, Allow, program C:\\Program Files\\Microsoft Data "
          "Protection Manager\\DPM\\bin\\dpmra.exe"));

  auto profiles = run_rows(c.db(), single({entry("LogDropped", {str("disable")}), entry("Active", {str("yes")})}),
                           logsource("windows", "firewall-profile"));
  REQUIRE(profiles.size() == 1);
  CHECK(profiles[0].cols[4] == S("1"));
  CHECK(profiles[0].cols[5] == S("Domain profile: firewall ON, drop logging Disable"));

}

TEST_CASE("compiler: unknown requested fields are refused where no EventData fallback exists", "[rules][compiler]") {
  auto q = rules::compile_detection(single({entry("action", {str("DROP")})}), kFirewall, rules::Mapping::builtin(),
                                    with_fields({"Foo"}));
  REQUIRE_FALSE(q);
  CHECK(q.status().kind() == ErrorKind::unsupported);
  CHECK_THAT(q.status().message(), Catch::Contains("'Foo'") && Catch::Contains("windows-firewall-log"));
}

TEST_CASE("compiler: unsupported things are refused, naming the feature and file:line", "[rules][compiler]") {
  check_refused(single({entry("Message|utf16le|contains", {str("x")}, 31)}), kSystem, "utf16le", 31);
  check_refused(single({entry("Message|fieldref", {str("Computer")}, 32)}), kSystem, "fieldref", 32);
  check_refused(single({entry("Foo", {str("x")}, 33)}), kFirewall, "field 'Foo'", 33);
  check_refused(single({entry("Message|re|contains", {str("x")}, 34)}), kSystem, "'re'", 34);
  check_refused(single({entry("Message|contains|startswith", {str("x")}, 35)}), kSystem, "startswith", 35);
  check_refused(single({entry("Message|i", {str("x")}, 36)}), kSystem, "'re'", 36);
  check_refused(single({entry("Message|base64", {str("a*b", 37)})}), kSystem, "'base64' of a value with wildcards",
                37);
  check_refused(single({entry("Message|exists", {str("maybe")}, 38)}), kSystem, "'exists'", 38);
  check_refused(single({entry("size|gt", {str("1.5", 39)})}), kFirewall, "'gt'", 39);
  check_refused(single({entry("Message|contains", {null_value(40)})}), kSystem, "null", 40);
  check_refused(single({entry("Message|startswith|base64offset", {str("x")}, 41)}), kSystem, "base64offset", 41);
  check_refused(single({entry("Message|re", {str("a(b", 42)})}), kSystem, "does not compile", 42, ErrorKind::usage);
  check_refused(single({entry("src-ip|cidr", {str("10.0.0.0/33", 43)})}), kFirewall, "10.0.0.0/33", 43,
                ErrorKind::usage);
  check_refused(single({entry("|exists", {boolean(true)}, 44)}), kSystem, "'exists' needs a field name", 44);

  // logsources the mapping does not have
  Status s = compile_error(single({entry("Image", {str("x")})}), logsource("windows", "sysmon"));
  CHECK(s.kind() == ErrorKind::unsupported);
  CHECK_THAT(s.message(), Catch::Contains("sysmon") && Catch::Contains("test.yml:2"));
  rules::Logsource proc = logsource("windows", "");
  proc.category = "process_creation";
  s = compile_error(single({entry("Image", {str("x")})}), proc);
  CHECK_THAT(s.message(), Catch::Contains("process_creation") && Catch::Contains("test.yml:2"));

  // keyword search where the mapping has no keyword columns
  auto custom = rules::Mapping::load(
      "tables:\n  dpm_trace:\n    fields: {Binary: binary}\nlogsources:\n  e:\n    service: errlog\n"
      "    table: dpm_trace\n",
      "custom.yml");
  REQUIRE(custom);
  auto q = rules::compile_detection(detection({keywords("keywords", {str("x")})}, {"keywords"}),
                                    logsource("dpm", "errlog"), custom.value(), {});
  REQUIRE_FALSE(q);
  CHECK(q.status().kind() == ErrorKind::unsupported);
  CHECK_THAT(q.status().message(), Catch::Contains("keyword search") && Catch::Contains("test.yml:6"));

  // a detection without a condition
  s = compile_error(detection({selection("s", {{entry("action", {str("DROP")})}})}, {}), kFirewall);
  CHECK_THAT(s.message(), Catch::Contains("no condition") && Catch::Contains("test.yml:20"));
}

TEST_CASE("compiler: the SQL text holds no value; every value is bound", "[rules][compiler]") {
  CompilerCase c;
  CompileOptions o;
  o.placeholders["marker"] = {"zq-placeholder-771"};
  o.host_ids = {424242};
  o.from_us = 987654321;
  o.to_us = 987654329;
  o.limit = 5551;
  o.fields = {"QuietDataName"};
  std::vector<rules::Selection> sels = {
      selection("sel", {{entry("Message|contains", {str("zq-contains'value")}),
                         entry("param1|re|i", {str("zq_regex_[0-9]+")}),
                         entry("EventID", {num(90817)}),
                         entry("RareDataName|startswith", {str("zq-start")}),
                         entry("Message|expand", {str("%marker%")}),
                         entry("Computer|windash", {str("zq-dash")}),
                         entry("LogonType|gte", {num(31337)}),
                         entry("Blob|base64offset|contains", {str("zqbase")})}}),
      selection("net", {{entry("IpAddress|cidr", {str("10.66.77.0/24")})}})};
  auto q = rules::compile_detection(detection(sels, {"sel or net"}), kSystem, rules::Mapping::builtin(), o);
  REQUIRE(q);
  for (const char* value : {"zq", "90817", "31337", "10.66.77", "RareDataName", "QuietDataName", "424242",
                            "987654321", "5551", "System", "evtx"}) {
    INFO(value);
    CHECK(q->sql.find(value) == std::string::npos);
  }
  auto has_param = [&](const Value& v) { return std::find(q->params.begin(), q->params.end(), v) != q->params.end(); };
  CHECK(has_param(Value(int64_t{90817})));
  CHECK(has_param(Value(std::string("RareDataName"))));
  CHECK(has_param(Value(std::string("%zq-contains'value%"))));
  CHECK(has_param(Value(std::string("(?i)zq_regex_[0-9]+"))));
  CHECK(has_param(Value(std::string("zq-placeholder-771"))));
  CHECK(has_param(Value(std::string("zq/dash"))));
  CHECK(has_param(Value(int64_t{424242})));
  CHECK(has_param(Value(int64_t{5551})));
  CHECK(q->fields == o.fields);
  REQUIRE(q->logsource);
  CHECK(q->logsource->key == "windows-system");
  auto rows = try_run(c.db(), q.value());  // the statement is valid SQL and binds cleanly
  REQUIRE(rows);
  CHECK(rows->empty());
}

TEST_CASE("compiler: host and window restrictions use events_host_time", "[rules][compiler]") {
  CompilerCase c;
  CompileOptions o;
  o.host_ids = {2};
  o.from_us = at_s(0);
  o.to_us = at_s(100);
  auto q = rules::compile_detection(single({entry("action", {str("DROP")})}), kFirewall, rules::Mapping::builtin(), o);
  REQUIRE(q);
  auto plan = c.db().prepare("EXPLAIN QUERY PLAN " + q->sql);
  REQUIRE(plan);
  for (size_t i = 0; i < q->params.size(); ++i) plan->bind(static_cast<int>(i + 1), q->params[i]);
  std::string text;
  for (;;) {
    auto more = plan->step();
    REQUIRE(more);
    if (!more.value()) break;
    text += std::string(plan->column_text(3)) + "\n";
  }
  INFO(text);
  CHECK_THAT(text, Catch::Contains("events_host_time"));
}

TEST_CASE("compiler: presence of a logsource's evidence", "[rules][compiler]") {
  CompilerCase c;
  CHECK(present(c.db(), kSystem, {}));
  CHECK(present(c.db(), kSystem, {1}));
  CHECK(present(c.db(), kSystem, {2}));
  CHECK(present(c.db(), logsource("windows", "security"), {2}));
  CHECK_FALSE(present(c.db(), logsource("windows", "security"), {1}));
  CHECK_FALSE(present(c.db(), logsource("windows", "application"), {}));
  CHECK_FALSE(present(c.db(), logsource("windows", "firewall-as"), {1, 2}));
  CHECK(present(c.db(), kFirewall, {2}));
  CHECK_FALSE(present(c.db(), kFirewall, {1}));
  // sources that failed do not count
  CHECK(present(c.db(), logsource("dpm", "errlog"), {1}));
  CHECK_FALSE(present(c.db(), logsource("dpm", "errlog"), {2}));
  CHECK(present(c.db(), logsource("windows", "firewall-rule"), {2}));
  CHECK(present(c.db(), logsource("dpm", "msi-install"), {2}));
  CHECK(present(c.db(), logsource("dpm", "msi-log"), {2}));
  CHECK_FALSE(present(c.db(), logsource("dpm", "msi-log"), {1}));
  // derived tables: any row for those hosts
  CHECK(present(c.db(), logsource("windows", "firewall-profile"), {2}));
  CHECK_FALSE(present(c.db(), logsource("windows", "firewall-profile"), {1}));
  CHECK(present(c.db(), logsource("dpm", "push-error"), {1}));
  CHECK_FALSE(present(c.db(), logsource("dpm", "push-error"), {2}));

  auto refused = rules::compile_presence(logsource("windows", "sysmon"), rules::Mapping::builtin(), {});
  REQUIRE_FALSE(refused);
  CHECK(refused.status().kind() == ErrorKind::unsupported);
}

TEST_CASE("compiler: a rule loaded from YAML compiles and runs", "[rules][compiler]") {
  CompilerCase c;
  const char* yaml = R"(title: DPMRA service failed to start
id: test-dpmra-7000
status: test
level: medium
logsource:
  product: windows
  service: system
detection:
  selection:
    EventID: 7000
    param1|cased: DPMRA
  filter:
    Message|contains: 'timeout'
  condition: selection and not filter
)";
  auto loaded = rules::load_rules_text(yaml, "inline.yml");
  INFO(loaded.status().message());
  REQUIRE(loaded);
  REQUIRE(loaded->size() == 1);
  const rules::Rule& r = loaded->front();
  REQUIRE(r.detection);
  CHECK(run_ids(c.db(), *r.detection, r.logsource) == Ids{1});
}
