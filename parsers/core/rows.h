// Row types that parsers emit and db/ stores. Plain values: a parser fills
// one, hands it to a RowSink by const reference, and may reuse it afterwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace pm {

// A column value that is usually numeric but keeps invalid text verbatim
// (stored as TEXT, and the column name listed in the row's `invalid`).
using Value = std::variant<std::monostate, int64_t, std::string>;

enum class Level { none, verbose, info, warning, error, critical };
const char* to_string(Level level);  // "", "verbose", "info", ...

// Bits for EventRow::flags, documented in db/schema.sql (events.flags).
namespace event_flags {
inline constexpr uint32_t zone_unknown = 1;       // local time, zone unknown: UTC assumed
inline constexpr uint32_t local_ambiguous = 2;    // local time fell in a DST fall-back hour
inline constexpr uint32_t local_nonexistent = 4;  // local time fell in a DST spring-forward gap
inline constexpr uint32_t invalid_value = 8;      // some field kept verbatim but flagged invalid
inline constexpr uint32_t out_of_order = 16;      // time earlier than the previous row's
inline constexpr uint32_t year_assumed = 32;      // the format writes no year and nothing told it: guessed
}  // namespace event_flags

// One row of the unified timeline (table `events`).
struct EventRow {
  std::optional<int64_t> time_us;  // UTC microseconds since 1970-01-01; empty = untimed
  std::string host;                // host named by this row's content; empty = the source's host
  std::string event_code;          // format-specific code (firewall action, event id, ...)
  Level level = Level::info;
  std::string message;             // one-line human text
  int64_t location = 0;            // 1-based line number or record id
  int64_t offset = -1;             // byte offset of the unit in the source file
  uint32_t flags = 0;              // event_flags bits
};

// Detail of one pfirewall.log data line (table `firewall_log`).
struct FirewallLogRow {
  std::string local_time;  // "YYYY-MM-DD HH:MM:SS" as written
  std::string action, protocol, src_ip, dst_ip;
  Value src_port, dst_port, size;
  std::string tcpflags;
  Value tcpsyn, tcpack, tcpwin, icmptype, icmpcode;
  std::string info, path;
  Value pid;
  std::optional<int64_t> lost_events;  // INFO-EVENTS-LOST count
  std::string invalid;                 // comma-separated names of flagged columns
};

// One firewall profile's settings (table `firewall_profiles`).
struct FirewallProfileRow {
  std::string profile;          // Domain, Private, Public
  std::string state;            // on, off, not configured (lower case)
  std::string inbound_policy;   // e.g. BlockInbound / Block / NotConfigured, as written
  std::string outbound_policy;
  std::string log_allowed;      // enabled, disabled, not configured
  std::string log_dropped;      // enabled, disabled, not configured
  std::string log_file;         // as written, environment variables kept
  Value log_max_size_kb;
  std::string origin;           // "netsh" or "powershell"
  int64_t location = 0;         // line of the profile's first line
};

// One firewall rule (table `firewall_rules`).
struct FirewallRuleRow {
  std::string rule_id;      // PowerShell Name (GUID or id); empty for netsh
  std::string name;         // netsh Rule Name / PowerShell DisplayName
  std::string description;
  std::string enabled;      // yes, no
  std::string direction;    // in, out
  std::string profiles;     // as written, e.g. Domain,Private,Public or Any
  std::string grouping;     // group name or resource id (@FirewallAPI.dll,-28502)
  std::string local_ip, remote_ip, protocol, local_port, remote_port;
  std::string edge_traversal, program, service, interface_types, security, rule_source;
  std::string action;       // allow, block, bypass
  std::string origin;       // "netsh" or "powershell"
  int64_t location = 0;     // line of the rule's first line
};

// A fact about a host (tables `host_facts`, `hosts`). Fact names are
// snake_case; the ones the case database acts on are host_name, fqdn, domain,
// os_name, os_version, time_zone (raw display name or zone id) and
// ip_address. Parsers list every fact they emit in their headers
// (systeminfo_parser.h, ipconfig_parser.h).
struct HostFactRow {
  std::string fact;
  std::string value;
  int64_t location = 0;
};

// A unit of input that could not be stored (table `rejected`).
struct RejectedRow {
  int64_t location = 0;  // line number or record number
  int64_t offset = -1;   // byte offset in the source file
  std::string reason;    // what was wrong, for a person
  std::string raw;       // the text (first 4 KiB)
};

// ------------------------------------------------------------ DPM evidence

// One DPM trace line (table `dpm_trace`, detail of format dpm-errlog). The
// message is EventRow::message; times there are UTC.
struct DpmTraceRow {
  std::string binary;       // MSDPM, DPMRA, AgentBootStrapper, ... (from the file name)
  std::string pid, tid;     // hexadecimal, as written
  std::string tag;          // field 5: two hex digits, meaning unknown
  std::string code_file;    // e.g. vsssnapshotrequestor.cpp
  Value code_line;          // e.g. 585
  std::string object;       // e.g. 00000000003970D0 (brackets removed); empty on managed lines
  std::string task_guid;
  std::string trace_level;  // NORMAL, WARNING, ERROR, FATAL, CRITICAL, ... as written
  std::string hresults;     // comma-separated 0xXXXXXXXX found in the message
  std::string error_ids;    // comma-separated DPM error ids found in the message
  std::string hosts;        // comma-separated host names found in the message
  std::string attempt_target;  // non-empty when the line records an agent operation on this target
  std::string variant;      // tab, space (pasted from a KB article), findstr (with FILE: prefix)
};

// One line of an MSI verbose log (table `msi_log`, detail of format msi-log).
struct MsiLineRow {
  std::string context;      // c (client) or s (server); empty for lines without the MSI prefix
  std::string process_thread;  // "74:A8", or "74!A8" on a custom action thread
  std::string action;       // for Action start/ended lines
  Value return_value;       // Action ended ... Return value N (1 success, 2 cancel, 3 failure)
  std::string local_time;   // the time as written (with the header's date when known)
};

// One installation found in an MSI log (table `installs`).
struct InstallRow {
  std::optional<int64_t> start_us, end_us;  // UTC
  std::string product, version;
  std::string result;       // success, failure, reboot-required, cancelled, unknown
  Value result_code;        // 0, 1603, 3010, 1641, ...
  std::string failing_action;  // the action whose Return value was 3, if any
  int64_t first_line = 0, last_line = 0;
  std::string date_basis;   // how the header date was read: "M/D/YYYY", "D.M.YYYY", "ambiguous: ..."
};

// A push error copied from the DPM console or PowerShell (table
// `push_errors`, detail of an untimed event of format dpm-push-errors).
struct PushErrorRow {
  std::string operation;    // e.g. "Install protection agent"
  std::string target_host;
  Value error_id;           // e.g. 319
  std::string hresult;      // 0x800706BA
  std::string hresult_source;  // text (written in the details) or catalog (looked up from the details text)
  std::string details;
  std::string recommended_action;
  std::string form;         // console (multi-line block) or alert ((ID NNN Details: ...))
  int64_t last_line = 0;
};

// ----------------------------------------------------------- Windows events

// One Windows event from .evtx, Event Viewer XML/CSV or wevtutil text
// (table `win_events`, detail of formats evtx, evt-xml, evt-csv, evt-text;
// EventData/UserData pairs in `win_event_data`). The host is EventRow::host
// (Computer); EventRow::message is the rendered or template message.
struct WinEventRow {
  std::string provider, provider_guid, event_source_name;
  int64_t event_id = 0;     // without qualifiers
  Value qualifiers, version, level, task, opcode;
  std::string keywords;     // hexadecimal, 0x...
  Value record_id;          // EventRecordID
  std::optional<int64_t> filetime;  // TimeCreated in 100 ns ticks since 1601 (full precision), when known
  std::string activity_id, related_activity_id;
  Value process_id, thread_id;
  std::string channel, computer, user_sid;
  std::string level_text, task_text, opcode_text;  // rendered names when the export has them
  std::string data_kind;    // EventData, UserData or empty
  std::vector<std::pair<std::string, std::string>> data;  // name (or "Data[n]" when unnamed) -> value
  bool recovered = false;   // EVTX: found by scanning damaged or slack space
};

}  // namespace pm
