// The field mapping (rules/mapping.h, rules/data/mapping.yml): the built-in
// logsources and fields, case-insensitive lookup, the EventData fallback,
// refusals that list what is available, and load errors with file:line.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "rules/mapping.h"

using namespace pm;
using namespace pm::rules;

namespace {

const LogsourceDef& resolve_ok(const std::string& product, const std::string& service) {
  Logsource ls;
  ls.product = product;
  ls.service = service;
  auto r = Mapping::builtin().resolve(ls);
  INFO(product + "/" + service + ": " + r.status().message());
  REQUIRE(r);
  return *r.value();
}

Status load_error(const std::string& yaml) {
  auto m = Mapping::load(yaml, "custom.yml");
  REQUIRE_FALSE(m);
  return m.status();
}

}  // namespace

TEST_CASE("mapping: built-in logsources resolve to their tables", "[rules][mapping]") {
  const std::vector<std::string> windows_formats = {"evtx", "evt-xml", "evt-csv", "evt-text"};
  struct Expect {
    const char* product;
    const char* service;
    const char* table;
    const char* channel;  // nullptr: no where
    std::vector<std::string> formats;
  };
  const std::vector<Expect> expected = {
      {"windows", "system", "win_events", "System", windows_formats},
      {"windows", "security", "win_events", "Security", windows_formats},
      {"windows", "application", "win_events", "Application", windows_formats},
      {"windows", "firewall-as", "win_events", "Microsoft-Windows-Windows Firewall With Advanced Security/Firewall",
       windows_formats},
      {"windows", "firewall-log", "firewall_log", nullptr, {"pfirewall"}},
      {"windows", "firewall-profile", "pm_firewall_profiles", nullptr, {}},
      {"windows", "firewall-rule", "firewall_rules", nullptr, {"netsh-rules", "ps-netfirewallrule"}},
      {"dpm", "push-error", "pm_push_attempts", nullptr, {}},
      {"dpm", "errlog", "dpm_trace", nullptr, {"dpm-errlog"}},
      {"dpm", "msi-install", "installs", nullptr, {"msi-log"}},
      {"dpm", "msi-log", "msi_log", nullptr, {"msi-log"}},
  };
  for (const Expect& e : expected) {
    const LogsourceDef& def = resolve_ok(e.product, e.service);
    INFO(def.key);
    CHECK(def.table == e.table);
    CHECK(def.formats == e.formats);
    if (e.channel) {
      CHECK(def.where == std::map<std::string, std::string>{{"channel", e.channel}});
    } else {
      CHECK(def.where.empty());
    }
    REQUIRE(Mapping::builtin().table(def.table) != nullptr);
  }
  // Case does not matter in logsource names.
  CHECK(resolve_ok("Windows", "SYSTEM").key == "windows-system");
}

TEST_CASE("mapping: table kinds and standard columns", "[rules][mapping]") {
  const Mapping& m = Mapping::builtin();
  for (const char* keyed : {"win_events", "firewall_log", "dpm_trace", "msi_log"}) {
    INFO(keyed);
    REQUIRE(m.table(keyed));
    CHECK(m.table(keyed)->event_keyed);
  }
  const TableDef* push = m.table("pm_push_attempts");
  REQUIRE(push);
  CHECK_FALSE(push->event_keyed);
  CHECK(push->time_col == "time_us");
  CHECK(push->host_col == "server_host_id");
  CHECK(push->order_col == "seq");
  CHECK(push->event_id_col == "event_id");
  CHECK(push->message_expr == "message");
  const TableDef* installs = m.table("installs");
  REQUIRE(installs);
  CHECK(installs->time_col == "start_us");
  CHECK(installs->host_col == "host_id");
  CHECK(installs->source_col == "source_id");
  CHECK(installs->location_col == "first_line");
  const TableDef* rules = m.table("firewall_rules");
  REQUIRE(rules);
  CHECK(rules->time_col.empty());
  CHECK_THAT(rules->message_expr, Catch::Contains("t.name") && Catch::Contains("t.program"));
  CHECK(m.table("pm_firewall_profiles")->message_expr == "message");
  CHECK(m.table("no_such_table") == nullptr);
}

TEST_CASE("mapping: every documented field maps, names ignore case", "[rules][mapping]") {
  const Mapping& m = Mapping::builtin();
  struct Field {
    const char* name;
    const char* column;
    FieldType type;
  };
  const std::vector<std::pair<const char*, std::vector<Field>>> tables = {
      {"win_events",
       {{"EventID", "win_event_id", FieldType::integer}, {"Provider_Name", "provider", FieldType::text},
        {"Provider_Guid", "provider_guid", FieldType::text}, {"EventSourceName", "event_source_name", FieldType::text},
        {"Channel", "channel", FieldType::text}, {"Computer", "computer", FieldType::text},
        {"Level", "level", FieldType::integer}, {"Task", "task", FieldType::integer},
        {"Opcode", "opcode", FieldType::integer}, {"Keywords", "keywords", FieldType::text},
        {"EventRecordID", "record_id", FieldType::integer}, {"ProcessID", "process_id", FieldType::integer},
        {"ThreadID", "thread_id", FieldType::integer}, {"Version", "version", FieldType::integer},
        {"Qualifiers", "qualifiers", FieldType::integer}, {"UserID", "user_sid", FieldType::text},
        {"Message", "events.message", FieldType::text}}},
      {"firewall_log",
       {{"action", "action", FieldType::text}, {"protocol", "protocol", FieldType::text},
        {"src-ip", "src_ip", FieldType::ip}, {"dst-ip", "dst_ip", FieldType::ip},
        {"src-port", "src_port", FieldType::integer}, {"dst-port", "dst_port", FieldType::integer},
        {"size", "size", FieldType::integer}, {"tcpflags", "tcpflags", FieldType::text},
        {"info", "info", FieldType::text}, {"path", "path", FieldType::text}, {"pid", "pid", FieldType::integer}}},
      {"pm_firewall_profiles",
       {{"Profile", "profile", FieldType::text}, {"State", "state", FieldType::text},
        {"InboundPolicy", "inbound_policy", FieldType::text}, {"OutboundPolicy", "outbound_policy", FieldType::text},
        {"LogAllowed", "log_allowed", FieldType::text}, {"LogDropped", "log_dropped", FieldType::text},
        {"LogFile", "log_file", FieldType::text}, {"Origin", "origin", FieldType::text},
        {"Active", "active", FieldType::text}}},
      {"firewall_rules",
       {{"Name", "name", FieldType::text}, {"RuleId", "rule_id", FieldType::text},
        {"Description", "description", FieldType::text}, {"Enabled", "enabled", FieldType::text},
        {"Direction", "direction", FieldType::text}, {"Profiles", "profiles", FieldType::text},
        {"Grouping", "grouping", FieldType::text}, {"LocalIp", "local_ip", FieldType::text},
        {"RemoteIp", "remote_ip", FieldType::text}, {"Protocol", "protocol", FieldType::text},
        {"LocalPort", "local_port", FieldType::text}, {"RemotePort", "remote_port", FieldType::text},
        {"Program", "program", FieldType::text}, {"Service", "service", FieldType::text},
        {"Action", "action", FieldType::text}, {"Origin", "origin", FieldType::text}}},
      {"dpm_trace",
       {{"Binary", "binary", FieldType::text}, {"Pid", "pid", FieldType::text}, {"Tid", "tid", FieldType::text},
        {"CodeFile", "code_file", FieldType::text}, {"CodeLine", "code_line", FieldType::integer},
        {"TaskGuid", "task_guid", FieldType::text}, {"Level", "trace_level", FieldType::text},
        {"HResults", "hresults", FieldType::text}, {"ErrorIds", "error_ids", FieldType::text},
        {"Hosts", "hosts", FieldType::text}, {"AttemptTarget", "attempt_target", FieldType::text},
        {"Variant", "variant", FieldType::text}, {"Message", "events.message", FieldType::text}}},
      {"pm_push_attempts",
       {{"Target", "target", FieldType::text}, {"TargetHost", "target_written", FieldType::text},
        {"ErrorId", "error_id", FieldType::integer}, {"HResult", "hresult", FieldType::text},
        {"Details", "details", FieldType::text}, {"Operation", "operation", FieldType::text},
        {"Kind", "kind", FieldType::text}, {"TimeBasis", "time_basis", FieldType::text},
        {"Seq", "seq", FieldType::integer}}},
      {"installs",
       {{"Product", "product", FieldType::text}, {"Version", "version", FieldType::text},
        {"Result", "result", FieldType::text}, {"ResultCode", "result_code", FieldType::integer},
        {"FailingAction", "failing_action", FieldType::text}}},
      {"msi_log",
       {{"Context", "context", FieldType::text}, {"Action", "action", FieldType::text},
        {"ReturnValue", "return_value", FieldType::integer}, {"Message", "events.message", FieldType::text}}},
  };
  for (const auto& [table_name, fields] : tables) {
    const TableDef* t = m.table(table_name);
    REQUIRE(t);
    for (const Field& f : fields) {
      INFO(std::string(table_name) + "." + f.name);
      auto def = m.field(*t, f.name);
      REQUIRE(def);
      CHECK(def->column == f.column);
      CHECK(def->type == f.type);
    }
  }
  const TableDef& win = *m.table("win_events");
  REQUIRE(m.field(win, "eventid"));
  CHECK(m.field(win, "eventid")->column == "win_event_id");
  CHECK(m.field(win, "EVENTRECORDID")->column == "record_id");
}

TEST_CASE("mapping: other Windows fields are EventData items, elsewhere unknown", "[rules][mapping]") {
  const Mapping& m = Mapping::builtin();
  auto data = m.field(*m.table("win_events"), "TargetUserName");
  REQUIRE(data);
  CHECK(data->column == "event_data.TargetUserName");
  CHECK(data->type == FieldType::text);
  CHECK(m.table("win_events")->other_fields_event_data);
  CHECK(m.table("win_events")->keyword_columns == std::vector<std::string>{"events.message", "event_data"});
  CHECK_FALSE(m.field(*m.table("firewall_log"), "TargetUserName"));
  CHECK_FALSE(m.field(*m.table("pm_push_attempts"), "EventID"));
}

TEST_CASE("mapping: unsupported logsources are refused with what is available", "[rules][mapping]") {
  const Mapping& m = Mapping::builtin();
  struct Case {
    Logsource ls;
    const char* named;
  };
  std::vector<Case> cases = {
      {{"windows", "sysmon", "", {"rules/x.yml", 4}}, "service: sysmon"},
      {{"windows", "powershell", "", {"rules/x.yml", 4}}, "service: powershell"},
      {{"windows", "", "process_creation", {"rules/x.yml", 4}}, "category: process_creation"},
      {{"windows", "system", "process_creation", {"rules/x.yml", 4}}, "category: process_creation"},
      {{"linux", "syslog", "", {"rules/x.yml", 4}}, "product: linux"},
      {{"", "", "", {"rules/x.yml", 4}}, "(empty)"},
  };
  for (const Case& c : cases) {
    INFO(c.named);
    auto r = m.resolve(c.ls);
    REQUIRE_FALSE(r);
    CHECK(r.status().kind() == ErrorKind::unsupported);
    CHECK_THAT(r.status().message(), Catch::Contains(c.named) && Catch::Contains("rules/x.yml:4") &&
                                         Catch::Contains("windows/system") && Catch::Contains("windows/firewall-log") &&
                                         Catch::Contains("dpm/push-error"));
  }
}

TEST_CASE("mapping: a custom mapping loads; empty entries mean any", "[rules][mapping]") {
  const char* yaml = R"(
tables:
  dpm_trace:
    fields:
      Binary: binary
      Line: {column: code_line, type: integer}
logsources:
  any-errlog:
    service: errlog
    table: dpm_trace
    formats: dpm-errlog
)";
  auto m = Mapping::load(yaml, "custom.yml");
  REQUIRE(m);
  Logsource ls;
  ls.product = "whatever";
  ls.service = "ERRLOG";
  auto r = m->resolve(ls);
  REQUIRE(r);
  CHECK(r.value()->key == "any-errlog");
  CHECK(r.value()->formats == std::vector<std::string>{"dpm-errlog"});
  CHECK(m->field(*m->table("dpm_trace"), "line")->type == FieldType::integer);
  CHECK(m->table("dpm_trace")->event_keyed);
  CHECK(m->table("dpm_trace")->keyword_columns.empty());
}

TEST_CASE("mapping: load errors name the file and line", "[rules][mapping]") {
  Status s = load_error("tables: [unclosed\n");
  CHECK(s.kind() == ErrorKind::bad_input);
  CHECK_THAT(s.message(), Catch::StartsWith("custom.yml:"));

  s = load_error("tables:\n  t:\n    fields:\n      A: a\nlogsources:\n  x:\n    product: p\n    table: missing\n");
  CHECK_THAT(s.message(), Catch::Contains("custom.yml:7") && Catch::Contains("missing"));

  s = load_error("tables:\n  t:\n    fields:\n      A: \"a; DROP TABLE events\"\nlogsources: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("custom.yml:4") && Catch::Contains("not a column name"));

  s = load_error("tables:\n  t:\n    kind: standalone\n    fields:\n      A: events.message\nlogsources: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("custom.yml:5") && Catch::Contains("event table"));

  s = load_error("tables:\n  t:\n    fields:\n      A: a\n      a: b\nlogsources: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("custom.yml:5") && Catch::Contains("twice"));

  s = load_error("tables:\n  t:\n    colour: red\nlogsources: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("custom.yml:3") && Catch::Contains("colour"));

  s = load_error("tables:\n  t:\n    fields: {A: {column: a, type: float}}\nlogsources: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("type must be text, integer or ip"));

  s = load_error("tables: {}\n");
  CHECK_THAT(s.message(), Catch::Contains("logsources"));
}
