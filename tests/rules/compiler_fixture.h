// A small case for the detection compiler tests (tests/rules/compiler_*.cpp):
// Windows System/Security events with EventData, pfirewall rows, DPM trace
// lines, firewall rules, an install, and the two derived TEMP tables of
// rules/derived_tables.h created by hand with their documented columns. Plus
// builders for detections and a runner that returns the matched rows.
//
// Event ids (T = 2021-06-22T10:00:00Z; host 1 DPM01, host 2 FS01):
//   System    1 FS01 T+0   7000 param1=DPMRA param2=%%5            "The DPMRA service failed ... Access is denied."
//             2 FS01 T+60  7036 param1="Windows Firewall" param2=running
//             3 DPM01 T+120 7000 param1=dpmra
//             4 FS01 untimed 10016 param1='' param4={D99E...}      message with a newline
//   Security  5 FS01 T+30  4688 NewProcessName, CommandLine ("/install –force", en dash), Blob
//             6 FS01 T+40  4624 TargetUserName, IpAddress 10.0.0.5, LogonType 3, Encoded, Blob
//             7 FS01 T+50  5152 SourceAddress 10.0.0.5, Port=135 and Port=445 (two items)
//   pfirewall 8 FS01 T+45 DROP TCP 10.0.0.5:50000 -> 10.0.0.21:135 tcpflags S
//             9 FS01 T+46 ALLOW UDP fe80::1:5355 -> fe80::2:5355
//            10 FS01 T+47 DROP TCP 192.168.1.7:'abc' (invalid) -> 10.0.0.21:445
//   errlog   11 DPM01 T+100 MSDPM WARNING 319 0x800706BA line 585
//            12 DPM01 T+101 DPMAC NORMAL "Agent install started (step *)" line 12
#pragma once

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "db/case_db.h"
#include "rules/compiler.h"
#include "rules/mapping.h"
#include "support/read_case_fixture.h"

namespace pm::test {

inline constexpr int64_t kT0 = 1624356000000000;  // 2021-06-22T10:00:00Z
inline int64_t at_s(int64_t seconds) { return kT0 + seconds * 1000000; }

inline const char* kCompilerCaseSql = R"sql(
INSERT INTO hosts(host_id, name) VALUES (1, 'DPM01'), (2, 'FS01');
INSERT INTO sources(source_id, bundle, path, sha256, size, status, format, host_id, ingested_at) VALUES
  (1, 'b', 'fs01/System.evtx', 's1', 1, 'ingested', 'evtx', 2, 'x'),
  (2, 'b', 'fs01/Security.evtx', 's2', 1, 'ingested', 'evtx', 2, 'x'),
  (3, 'b', 'fs01/pfirewall.log', 's3', 1, 'ingested', 'pfirewall', 2, 'x'),
  (4, 'b', 'dpm01/MSDPMCurr.errlog', 's4', 1, 'ingested', 'dpm-errlog', 1, 'x'),
  (5, 'b', 'fs01/rules.txt', 's5', 1, 'ingested', 'netsh-rules', 2, 'x'),
  (6, 'b', 'dpm01/System.evtx', 's6', 1, 'ingested', 'evtx', 1, 'x'),
  (7, 'b', 'fs01/msdpm.log', 's7', 1, 'ingested', 'msi-log', 2, 'x'),
  (8, 'b', 'dpm01/console.txt', 's8', 1, 'ingested', 'dpm-push-errors', 1, 'x'),
  (9, 'b', 'fs01/broken.errlog', 's9', 1, 'failed', 'dpm-errlog', 2, 'x');
INSERT INTO events(event_id, time_us, host_id, source_id, format, event_code, message, location) VALUES
  (1, 1624356000000000, 2, 1, 'evtx', '7000',
   'The DPMRA service failed to start due to the following error: Access is denied.', 11),
  (2, 1624356060000000, 2, 1, 'evtx', '7036', 'The Windows Firewall service entered the running state.', 12),
  (3, 1624356120000000, 1, 6, 'evtx', '7000', 'The dpmra service failed to start', 5),
  (4, NULL, 2, 1, 'evtx', '10016', 'DCOM got error' || char(10) || 'for CLSID', 13),
  (5, 1624356030000000, 2, 2, 'evtx', '4688', 'A new process has been created.', 21),
  (6, 1624356040000000, 2, 2, 'evtx', '4624', 'An account was successfully logged on.', 22),
  (7, 1624356050000000, 2, 2, 'evtx', '5152', 'The Windows Filtering Platform has blocked a packet.', 23),
  (8, 1624356045000000, 2, 3, 'pfirewall', 'DROP', 'DROP TCP 10.0.0.5:50000 -> 10.0.0.21:135', 8),
  (9, 1624356046000000, 2, 3, 'pfirewall', 'ALLOW', 'ALLOW UDP fe80::1 -> fe80::2', 9),
  (10, 1624356047000000, 2, 3, 'pfirewall', 'DROP', 'DROP TCP 192.168.1.7 -> 10.0.0.21:445', 10),
  (11, 1624356100000000, 1, 4, 'dpm-errlog', '319',
   'Install protection agent on fs01.contoso.com failed: error 319 (0x800706BA)', 50),
  (12, 1624356101000000, 1, 4, 'dpm-errlog', NULL, 'Agent install started (step *)', 51);
INSERT INTO win_events(event_id, provider, win_event_id, level, channel, computer, record_id) VALUES
  (1, 'Service Control Manager', 7000, 2, 'System', 'FS01.contoso.com', 101),
  (2, 'Service Control Manager', 7036, 4, 'System', 'FS01.contoso.com', 102),
  (3, 'Service Control Manager', 7000, 2, 'System', 'DPM01.contoso.com', 7),
  (4, 'Microsoft-Windows-DistributedCOM', 10016, 3, 'System', 'FS01.contoso.com', 103),
  (5, 'Microsoft-Windows-Security-Auditing', 4688, 0, 'Security', 'FS01.contoso.com', 201),
  (6, 'Microsoft-Windows-Security-Auditing', 4624, 0, 'Security', 'FS01.contoso.com', 202),
  (7, 'Microsoft-Windows-Security-Auditing', 5152, 0, 'Security', 'FS01.contoso.com', 203);
INSERT INTO win_event_data(event_id, position, name, value) VALUES
  (1, 0, 'param1', 'DPMRA'), (1, 1, 'param2', '%%5'),
  (2, 0, 'param1', 'Windows Firewall'), (2, 1, 'param2', 'running'),
  (3, 0, 'param1', 'dpmra'),
  (4, 0, 'param1', ''), (4, 1, 'param4', '{D99E6E74-FC88-11D0-B498-00A0C90312F3}'),
  (5, 0, 'NewProcessName', 'C:\Program Files\DPM\dpmac.exe'),
  (5, 1, 'CommandLine', '"C:\Program Files\DPM\dpmac.exe" /install )sql"
                                   "\xE2\x80\x93"
                                   R"sql(force'),
  (5, 2, 'Blob', 'eCBEUE1SQQ=='),
  (6, 0, 'TargetUserName', 'DPMSVC$'), (6, 1, 'IpAddress', '10.0.0.5'), (6, 2, 'LogonType', '3'),
  (6, 3, 'Encoded', 'RFBNIHB1c2ggZmFpbGVk'), (6, 4, 'Blob', 'eHggRFBNUkEgb2s='),
  (7, 0, 'SourceAddress', '10.0.0.5'), (7, 1, 'Port', '135'), (7, 2, 'Port', '445');
INSERT INTO firewall_log(event_id, action, protocol, src_ip, dst_ip, src_port, dst_port, size, tcpflags, path) VALUES
  (8, 'DROP', 'TCP', '10.0.0.5', '10.0.0.21', 50000, 135, 52, 'S', 'RECEIVE'),
  (9, 'ALLOW', 'UDP', 'fe80::1', 'fe80::2', 5355, 5355, 0, NULL, 'SEND'),
  (10, 'DROP', 'TCP', '192.168.1.7', '10.0.0.21', 'abc', 445, 1500, NULL, 'RECEIVE');
INSERT INTO dpm_trace(event_id, binary, pid, code_file, code_line, trace_level, hresults, error_ids, hosts,
                      attempt_target) VALUES
  (11, 'MSDPM', '1a2c', 'agentbootstrapper.cpp', 585, 'WARNING', '0x800706BA', '319', 'fs01.contoso.com',
   'fs01.contoso.com'),
  (12, 'DPMAC', '0ff', 'main.cpp', 12, 'NORMAL', NULL, NULL, NULL, NULL);
INSERT INTO firewall_rules(source_id, host_id, location, origin, name, enabled, direction, action, local_port,
                           program) VALUES
  (5, 2, 3, 'netsh', 'DPM Agent (DCOM-In)', 'Yes', 'In', 'Allow', '135',
   'C:\Program Files\Microsoft Data Protection Manager\DPM\bin\dpmra.exe'),
  (5, 2, 20, 'netsh', 'File and Printer Sharing (SMB-In)', 'No', 'In', 'Allow', '445', NULL);
INSERT INTO installs(install_id, source_id, host_id, start_us, product, version, result, result_code,
                     failing_action, first_line) VALUES
  (1, 7, 2, 1624356200000000, 'Microsoft System Center DPM Protection Agent', '10.19.58.0', 'failure', 1603,
   'InstallFiles', 40);
CREATE TEMP TABLE pm_push_attempts (
  attempt_id INTEGER PRIMARY KEY, event_id INTEGER, source_id INTEGER, location INTEGER,
  server_host_id INTEGER, target TEXT, target_host_id INTEGER, target_written TEXT, time_us INTEGER,
  time_basis TEXT, seq INTEGER, error_id INTEGER, hresult TEXT, details TEXT, operation TEXT, kind TEXT,
  message TEXT);
INSERT INTO pm_push_attempts VALUES
  (1, 11, 4, 50, 1, 'FS01', 2, 'fs01.contoso.com', 1624356100000000, 'logged', 1, 319, '0x800706BA',
   'The RPC server is unavailable', 'Install protection agent', 'dpm-trace', 'Push to FS01 failed with 319'),
  (2, NULL, 8, 3, 1, 'FS01', 2, 'FS01', NULL, 'untimed', 2, 347, NULL, 'Timed out',
   'Install protection agent', 'push-error', 'Push to FS01 failed with 347');
CREATE TEMP TABLE pm_firewall_profiles (
  source_id INTEGER, host_id INTEGER, location INTEGER, origin TEXT, profile TEXT, state TEXT,
  inbound_policy TEXT, outbound_policy TEXT, log_allowed TEXT, log_dropped TEXT, log_file TEXT,
  log_max_size_kb INTEGER, active TEXT, message TEXT);
INSERT INTO pm_firewall_profiles VALUES
  (5, 2, 1, 'netsh', 'Domain', 'ON', 'BlockInbound', 'AllowOutbound', 'Enable', 'Disable', 'pfirewall.log',
   4096, 'yes', 'Domain profile: firewall ON, drop logging Disable'),
  (5, 2, 10, 'netsh', 'Private', 'ON', 'BlockInbound', 'AllowOutbound', 'Disable', 'Disable', 'pfirewall.log',
   4096, 'no', 'Private profile: firewall ON, drop logging Disable');
CREATE TEMP TABLE pm_host_channels AS
SELECT DISTINCT e.host_id, w.channel FROM win_events w JOIN events e USING(event_id) WHERE w.channel IS NOT NULL;
)sql";

class CompilerCase {
 public:
  CompilerCase() : case_(open(dir_.path() / "case.db")) {
    REQUIRE(case_.db().exec(kCompilerCaseSql));
    REQUIRE(case_.create_indexes());
  }
  db::Database& db() { return case_.db(); }

 private:
  static db::CaseDb open(const std::filesystem::path& p) {
    auto c = db::CaseDb::open_for_write(p);
    REQUIRE(c);
    return std::move(c.value());
  }
  TempDir dir_;
  db::CaseDb case_;
};

// ---- detection builders (file "test.yml", line as given)

inline rules::SigmaValue str(std::string text, int line = 10) {
  rules::SigmaValue v;
  v.text = std::move(text);
  v.loc = {"test.yml", line};
  return v;
}
inline rules::SigmaValue num(int64_t n, int line = 10) {
  rules::SigmaValue v = str(std::to_string(n), line);
  v.kind = rules::SigmaValue::Kind::integer;
  v.number = n;
  return v;
}
inline rules::SigmaValue boolean(bool b, int line = 10) {
  rules::SigmaValue v = str(b ? "true" : "false", line);
  v.kind = rules::SigmaValue::Kind::boolean;
  return v;
}
inline rules::SigmaValue null_value(int line = 10) {
  rules::SigmaValue v = str("null", line);
  v.kind = rules::SigmaValue::Kind::null;
  return v;
}

// "Field|mod|mod" -> FieldMatch.
inline rules::FieldMatch entry(const std::string& key, std::vector<rules::SigmaValue> values, int line = 10) {
  rules::FieldMatch m;
  size_t bar = key.find('|');
  m.field = key.substr(0, bar);
  while (bar != std::string::npos) {
    size_t next = key.find('|', bar + 1);
    m.modifiers.push_back(key.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1));
    bar = next;
  }
  m.values = std::move(values);
  m.loc = {"test.yml", line};
  return m;
}

inline rules::Selection selection(std::string name, std::vector<std::vector<rules::FieldMatch>> maps) {
  rules::Selection s;
  s.name = std::move(name);
  s.alternatives = std::move(maps);
  s.loc = {"test.yml", 5};
  return s;
}

inline rules::Selection keywords(std::string name, std::vector<rules::SigmaValue> values) {
  rules::Selection s;
  s.name = std::move(name);
  s.keywords = true;
  s.keyword_values = std::move(values);
  s.loc = {"test.yml", 6};
  return s;
}

inline rules::Detection detection(std::vector<rules::Selection> sels, std::vector<std::string> conditions) {
  rules::Detection d;
  d.selections = std::move(sels);
  d.conditions = std::move(conditions);
  d.condition_loc = {"test.yml", 20};
  return d;
}

// One selection named "selection" holding one map.
inline rules::Detection single(std::vector<rules::FieldMatch> entries) {
  return detection({selection("selection", {std::move(entries)})}, {"selection"});
}

inline rules::Logsource logsource(std::string product, std::string service) {
  rules::Logsource ls;
  ls.product = std::move(product);
  ls.service = std::move(service);
  ls.loc = {"test.yml", 2};
  return ls;
}

// ---- running

struct ResultRow {
  std::vector<std::optional<std::string>> cols;  // every column as text (NULL = nullopt)
  int64_t id() const { return cols.at(0) ? std::stoll(*cols[0]) : -1; }
};

inline Result<std::vector<ResultRow>> try_run(db::Database& db, const rules::CompiledQuery& q) {
  auto st = db.prepare(q.sql);
  if (!st) return st.status();
  for (size_t i = 0; i < q.params.size(); ++i) st->bind(static_cast<int>(i + 1), q.params[i]);
  std::vector<ResultRow> rows;
  for (;;) {
    auto more = st->step();
    if (!more) return more.status();
    if (!more.value()) break;
    ResultRow r;
    for (int c = 0; c < st->column_count(); ++c)
      r.cols.push_back(st->is_null(c) ? std::nullopt : std::optional<std::string>(std::string(st->column_text(c))));
    rows.push_back(std::move(r));
  }
  return rows;
}

inline std::vector<ResultRow> run_rows(db::Database& db, const rules::Detection& d, const rules::Logsource& ls,
                                       const rules::CompileOptions& options = {}) {
  auto q = rules::compile_detection(d, ls, rules::Mapping::builtin(), options);
  INFO(q.status().message());
  REQUIRE(q);
  INFO(q->sql);
  auto rows = try_run(db, q.value());
  INFO(rows.status().message());
  REQUIRE(rows);
  return rows.value();
}

// Column 0 (event_id) of every matched row, in query order; -1 for NULL.
inline std::vector<int64_t> run_ids(db::Database& db, const rules::Detection& d, const rules::Logsource& ls,
                                    const rules::CompileOptions& options = {}) {
  std::vector<int64_t> ids;
  for (const ResultRow& r : run_rows(db, d, ls, options)) ids.push_back(r.id());
  return ids;
}

inline Status compile_error(const rules::Detection& d, const rules::Logsource& ls,
                            const rules::CompileOptions& options = {}) {
  auto q = rules::compile_detection(d, ls, rules::Mapping::builtin(), options);
  REQUIRE_FALSE(q);
  return q.status();
}

using Ids = std::vector<int64_t>;

}  // namespace pm::test
