// `pushmortem export --case FILE --format jsonl|csv|ecs [-o FILE]`: the
// timeline in Timesketch's import shape (jsonl, csv) or as Elastic Common
// Schema documents (ecs), one event per row, in time order (ties in ingest
// order), streamed to standard output or to -o FILE.
//
// STABLE INTERFACE (scripts and Timesketch imports depend on it; add fields
// only at the end, never rename or reorder):
//   message         events.message ("" when the event has none)
//   datetime        ISO 8601 UTC with microseconds: 2021-06-22T10:19:41.000000Z
//   timestamp_desc  what the time means: "Firewall Log Time" (pfirewall),
//                   "Event Time" for other formats
//   host            the host's display name (hosts.name); null / empty when unknown
//   source_file     the file's path inside the bundle (sources.path)
//   source_format   the parser that read it (events.format), e.g. pfirewall
//   location        line number (text) or record id (EVTX) in the file
//   event_code      firewall action, event id, ...; null / empty when none
//   fields          every parsed field of the format's detail table (e.g.
//                   firewall_log) by column name, without event_id and
//                   without NULL columns: {"action":"DROP","src_port":50432}
//
//   jsonl  one JSON object per line with the keys above in that order;
//          location is a number, fields a nested object (integers and
//          reals as numbers, text as strings), NULL as null.
//   csv    RFC 4180 (CRLF line ends, quoted when needed), header row
//          message,datetime,timestamp_desc,host,source_file,source_format,
//          location,event_code,fields; NULL as an empty cell; fields is the
//          JSON object as text.
//
//   ecs    one JSON object per line in Elastic Common Schema 8.11 field names,
//          as nested objects (no dotted keys), for Elasticsearch / Kibana:
//            @timestamp         datetime (ISO 8601 UTC, microseconds)
//            message            message
//            ecs.version        "8.11.0"
//            event.kind         "event"; event.module "pushmortem";
//            event.dataset      "pushmortem.<format>" ('-' as '_': pushmortem.dpm_errlog)
//            event.code         event_code, when there is one
//            host.name          host, when known
//            log.file.path      source_file; log.level: events.level, when known
//          pfirewall: source.ip/port, destination.ip/port (ports numbers,
//            addresses strings), network.transport (tcp, udp, icmp,
//            ipv6-icmp) and network.iana_number, network.type (ipv4/ipv6),
//            event.action (the action in lower case: allow, drop, ...),
//            event.category ["network"], event.type (allow: connection +
//            allowed; drop: connection + denied; close: connection + end;
//            else info), network.direction from the host's point of view
//            (path SEND: egress, RECEIVE: ingress, UNKNOWN: unknown; FORWARD
//            is not mapped), process.pid.
//          Windows events (evtx, evt-*): winlog.event_id and
//            winlog.record_id (strings, as Winlogbeat writes them),
//            winlog.provider_name (also event.provider), provider_guid,
//            channel, computer_name, version, task (TaskText), opcode
//            (OpcodeText), activity_id, related_activity_id,
//            process.pid / process.thread.id, user.identifier, and
//            winlog.event_data.<Name> (winlog.user_data.<Name> for UserData)
//            with every data item as a string.
//          dpm-errlog: process.pid and process.thread.id (the hexadecimal
//            ids as numbers), log.origin.file.name / .line (code_file,
//            code_line).
//          Everything else (ECS allows custom fields under one's own name):
//            pushmortem.location, pushmortem.byte_offset,
//            pushmortem.timestamp_desc, and pushmortem.<format>.<column> for
//            each detail column not mapped above (firewall values the parser
//            marked invalid go to pushmortem.pfirewall.invalid_values.<column>
//            as strings, so a column keeps one type across documents).
//
// Untimed events are not exported (both tools need a time); their number is
// reported on standard error (not with --quiet), as is any event format whose
// detail fields could not be read (those events are exported with empty
// fields).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "db/reader.h"
#include "parsers/core/strings.h"

namespace pm::cli {
namespace {

struct ExportArgs {
  std::string case_file;
  std::string format = "jsonl";
  std::string output;
  Verbosity verbosity;
};

constexpr std::string_view kEcsVersion = "8.11.0";

const std::vector<std::string> kCsvColumns = {"message",       "datetime", "timestamp_desc", "host",  "source_file",
                                              "source_format", "location", "event_code",     "fields"};

// ------------------------------------------------------------------- ECS

// The detail fields of an export row (without the Windows data items), by name.
class RowFields {
 public:
  explicit RowFields(const db::ExportRow& row) : row_(row) {}
  const db::SqlValue* get(std::string_view name) const {
    for (size_t i = 0; i < row_.data_begin && i < row_.fields.size(); ++i)
      if (row_.fields[i].name == name) return &row_.fields[i].value;
    return nullptr;
  }
  std::optional<int64_t> integer(std::string_view name) const {
    const db::SqlValue* v = get(name);
    if (v == nullptr) return std::nullopt;
    if (const auto* i = std::get_if<int64_t>(v)) return *i;
    return std::nullopt;
  }
  std::optional<std::string> text(std::string_view name) const {
    const db::SqlValue* v = get(name);
    if (v == nullptr) return std::nullopt;
    if (const auto* s = std::get_if<std::string>(v)) return *s;
    if (const auto* i = std::get_if<int64_t>(v)) return std::to_string(*i);
    return std::nullopt;
  }
  // Marks a field as placed in an ECS field (it is then not repeated under pushmortem.*).
  void use(std::string_view name) { used_.insert(std::string(name)); }
  bool used(std::string_view name) const { return used_.count(std::string(name)) > 0; }
  // Fields whose values the parser kept as written because they were invalid.
  std::set<std::string, std::less<>> invalid;

 private:
  const db::ExportRow& row_;
  std::set<std::string, std::less<>> used_;
};

std::string json_array(std::initializer_list<std::string_view> items) {
  std::string out = "[";
  for (auto it = items.begin(); it != items.end(); ++it) {
    if (it != items.begin()) out += ',';
    append_json_string(out, *it);
  }
  return out + "]";
}

// "1F2C" or "0x1f2c" -> 7980; empty when not hexadecimal.
std::optional<int64_t> parse_hex_id(std::string_view s) {
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  if (s.empty() || s.size() > 15) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + d;
  }
  return v;
}

void map_firewall(JsonTree& t, RowFields& f) {
  // Values the parser kept as written because they were invalid: not mapped
  // (they go to pushmortem.pfirewall.invalid_values as strings).
  std::set<std::string, std::less<>>& invalid = f.invalid;
  if (auto list = f.text("invalid")) {
    size_t start = 0;
    while (start <= list->size()) {
      size_t comma = list->find(',', start);
      std::string name = list->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!name.empty() && f.get(name) != nullptr) invalid.insert(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  auto endpoint = [&](std::string_view side, const char* ip, const char* port) {
    if (!invalid.count(ip))
      if (auto v = f.text(ip)) {
        t.set_text({side, "ip"}, *v);
        f.use(ip);
      }
    if (!invalid.count(port))
      if (auto v = f.integer(port)) {
        t.set_number({side, "port"}, *v);
        f.use(port);
      }
  };
  endpoint("source", "src_ip", "src_port");
  endpoint("destination", "dst_ip", "dst_port");
  if (auto ip = f.text("src_ip"); ip && !invalid.count("src_ip"))
    t.set_text({"network", "type"}, ip->find(':') != std::string::npos ? "ipv6" : "ipv4");
  if (auto proto = f.text("protocol"); proto && !invalid.count("protocol")) {
    static const std::map<std::string, std::pair<std::string, std::string>> kKnown = {
        {"tcp", {"tcp", "6"}}, {"udp", {"udp", "17"}}, {"icmp", {"icmp", "1"}},
        {"icmpv6", {"ipv6-icmp", "58"}}, {"ipv6-icmp", {"ipv6-icmp", "58"}}};
    const std::string name = ascii_lower(*proto);
    if (auto it = kKnown.find(name); it != kKnown.end()) {
      t.set_text({"network", "transport"}, it->second.first);
      t.set_text({"network", "iana_number"}, it->second.second);
    } else if (!name.empty() && std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      t.set_text({"network", "iana_number"}, name);
    } else {
      t.set_text({"network", "transport"}, name);
    }
    f.use("protocol");
  }
  if (auto path = f.text("path"); path && !invalid.count("path")) {
    const std::string p = ascii_lower(*path);
    const char* direction = p == "send" ? "egress" : p == "receive" ? "ingress" : p == "unknown" ? "unknown" : nullptr;
    if (direction) {
      t.set_text({"network", "direction"}, direction);
      f.use("path");
    }
  }
  if (!invalid.count("pid"))
    if (auto pid = f.integer("pid")) {
      t.set_number({"process", "pid"}, *pid);
      f.use("pid");
    }
  if (auto action = f.text("action"); action && !invalid.count("action")) {
    const std::string a = ascii_lower(*action);
    t.set_text({"event", "action"}, a);
    t.set_raw({"event", "category"}, json_array({"network"}));
    if (a == "allow" || a == "open" || a == "open-inbound") t.set_raw({"event", "type"}, json_array({"connection", "allowed"}));
    else if (a == "drop") t.set_raw({"event", "type"}, json_array({"connection", "denied"}));
    else if (a == "close") t.set_raw({"event", "type"}, json_array({"connection", "end"}));
    else t.set_raw({"event", "type"}, json_array({"info"}));
    f.use("action");
  }
}

void map_windows(JsonTree& t, RowFields& f, const db::ExportRow& row) {
  auto text = [&](const char* field, JsonTree::Path path) {
    if (auto v = f.text(field)) {
      t.set_text(path, *v);
      f.use(field);
    }
  };
  auto number = [&](const char* field, JsonTree::Path path) {
    if (auto v = f.integer(field)) {
      t.set_number(path, *v);
      f.use(field);
    }
  };
  if (auto provider = f.text("Provider")) t.set_text({"event", "provider"}, *provider);
  text("EventID", {"winlog", "event_id"});
  text("EventRecordID", {"winlog", "record_id"});
  text("Provider", {"winlog", "provider_name"});
  text("ProviderGuid", {"winlog", "provider_guid"});
  text("Channel", {"winlog", "channel"});
  text("Computer", {"winlog", "computer_name"});
  number("Version", {"winlog", "version"});
  text("TaskText", {"winlog", "task"});
  text("OpcodeText", {"winlog", "opcode"});
  text("ActivityID", {"winlog", "activity_id"});
  text("RelatedActivityID", {"winlog", "related_activity_id"});
  number("ProcessID", {"winlog", "process", "pid"});
  number("ThreadID", {"winlog", "process", "thread", "id"});
  text("UserID", {"winlog", "user", "identifier"});
  const bool user_data = f.text("DataKind").value_or("") == "UserData";
  for (size_t i = 0; i < row.data_names.size() && row.data_begin + i < row.fields.size(); ++i)
    t.set_text({"winlog", user_data ? "user_data" : "event_data", row.data_names[i]},
               value_text(row.fields[row.data_begin + i].value));
}

void map_dpm_trace(JsonTree& t, RowFields& f) {
  if (auto pid = f.text("pid"))
    if (auto n = parse_hex_id(*pid)) {
      t.set_number({"process", "pid"}, *n);
      f.use("pid");
    }
  if (auto tid = f.text("tid"))
    if (auto n = parse_hex_id(*tid)) {
      t.set_number({"process", "thread", "id"}, *n);
      f.use("tid");
    }
  if (auto file = f.text("code_file")) {
    t.set_text({"log", "origin", "file", "name"}, *file);
    f.use("code_file");
  }
  if (auto line = f.integer("code_line")) {
    t.set_number({"log", "origin", "file", "line"}, *line);
    f.use("code_line");
  }
}

void append_ecs_row(std::string& buf, const db::ExportRow& row) {
  std::string ns = row.source_format;
  std::replace(ns.begin(), ns.end(), '-', '_');
  JsonTree t;
  t.set_text({"@timestamp"}, row.datetime);
  t.set_text({"message"}, row.message);
  t.set_text({"ecs", "version"}, kEcsVersion);
  t.set_text({"event", "kind"}, "event");
  t.set_text({"event", "module"}, "pushmortem");
  t.set_text({"event", "dataset"}, "pushmortem." + ns);
  if (row.event_code && !row.event_code->empty()) t.set_text({"event", "code"}, *row.event_code);
  if (row.host) t.set_text({"host", "name"}, *row.host);
  t.set_text({"log", "file", "path"}, row.source_file);
  if (row.level) t.set_text({"log", "level"}, *row.level);
  RowFields fields(row);
  if (row.source_format == "pfirewall") map_firewall(t, fields);
  else if (row.windows) map_windows(t, fields, row);
  else if (row.source_format == "dpm-errlog") map_dpm_trace(t, fields);
  if (row.location) t.set_number({"pushmortem", "location"}, *row.location);
  if (row.byte_offset) t.set_number({"pushmortem", "byte_offset"}, *row.byte_offset);
  t.set_text({"pushmortem", "timestamp_desc"}, row.timestamp_desc);
  for (size_t i = 0; i < row.data_begin && i < row.fields.size(); ++i) {
    const db::ExportField& f = row.fields[i];
    if (fields.used(f.name)) continue;
    if (fields.invalid.count(f.name)) t.set_text({"pushmortem", ns, "invalid_values", f.name}, value_text(f.value));
    else t.set_value({"pushmortem", ns, f.name}, f.value);
  }
  t.append_to(buf);
  buf += '\n';
}

// ------------------------------------------------------- Timesketch shape

void append_row(std::string& buf, const db::ExportRow& row, bool csv) {
  if (csv) {
    append_csv_row(buf, {row.message, row.datetime, row.timestamp_desc, row.host.value_or(""), row.source_file,
                         row.source_format, row.location ? std::to_string(*row.location) : std::string(),
                         row.event_code.value_or(""), json_fields_object(row.fields)});
    return;
  }
  JsonObject o(buf);
  o.text("message", row.message)
      .text("datetime", row.datetime)
      .text("timestamp_desc", row.timestamp_desc)
      .text_or_null("host", row.host)
      .text("source_file", row.source_file)
      .text("source_format", row.source_format)
      .number_or_null("location", row.location)
      .text_or_null("event_code", row.event_code)
      .raw("fields", json_fields_object(row.fields));
  o.close();
  buf += '\n';
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::exists(a, ec) && std::filesystem::exists(b, ec) && std::filesystem::equivalent(a, b, ec);
}

int run_export(const ExportArgs& args) {
  if (!args.output.empty() && same_file(args.output, args.case_file)) {
    report_error(std::cerr, "export",
                 "-o " + args.output + " is the case file itself: give another output file name");
    return kExitUsage;
  }
  auto c = open_case_for_reading(args.case_file);
  if (!c) {
    report_error(std::cerr, "export", c.status().message());
    return exit_code_for(c.status());
  }
  auto cursor = db::ExportCursor::open(c->db());
  if (!cursor) {
    report_error(std::cerr, "export", cursor.status().message());
    return exit_code_for(cursor.status());
  }

  std::ofstream file;
  if (!args.output.empty()) {
    file.open(args.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      report_error(std::cerr, "export",
                   "cannot write " + args.output + ": check that its folder exists and is writable");
      return kExitInput;
    }
  }
  std::ostream& out = args.output.empty() ? std::cout : file;
  const bool csv = args.format == "csv";
  const bool ecs = args.format == "ecs";
  const auto start = std::chrono::steady_clock::now();
  std::map<std::string, int64_t> by_format;  // --verbose
  std::string buf;
  if (csv) append_csv_row(buf, kCsvColumns);
  db::ExportRow row;
  int64_t count = 0;
  for (;;) {
    auto r = cursor->next(row);
    if (!r) {
      out << buf;
      report_error(std::cerr, "export",
                   "reading events failed after " + std::to_string(count) + " rows: " + r.status().message() +
                       (args.output.empty() ? std::string() : "; " + args.output + " is incomplete"));
      return exit_code_for(r.status());
    }
    if (!r.value()) break;
    ++count;
    if (args.verbosity.verbose) ++by_format[row.source_format];
    if (ecs) append_ecs_row(buf, row);
    else append_row(buf, row, csv);
    if (buf.size() > 256 * 1024) {
      out << buf;
      buf.clear();
      if (!out) break;
    }
  }
  out << buf;
  out.flush();
  if (!out) {
    report_error(std::cerr, "export",
                 "writing " + (args.output.empty() ? std::string("standard output") : args.output) +
                     " failed (disk full?): the export is incomplete");
    return kExitFailure;
  }
  for (const auto& w : cursor->warnings()) report_error(std::cerr, "export", "warning: " + w);
  if (args.verbosity.quiet) return kExitOk;
  auto untimed = db::count_untimed_events(c->db());
  if (untimed && untimed.value() > 0)
    std::cerr << untimed.value() << (untimed.value() == 1 ? " untimed event" : " untimed events")
              << (ecs ? " not exported (an ECS document needs @timestamp)\n" : " not exported (Timesketch needs a time)\n");
  if (!args.output.empty()) std::cerr << "exported " << count << " events to " << args.output << "\n";
  if (args.verbosity.verbose) {
    std::string line = fmt::format("exported {} events in {:.3f} s", count, seconds_since(start));
    const char* sep = ": ";
    for (const auto& [format, n] : by_format) {
      line += fmt::format("{}{} {}", sep, format, n);
      sep = ", ";
    }
    std::cerr << line << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_export_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "export", "Export the timeline for Timesketch (JSONL or CSV) or Elasticsearch (ECS JSON Lines)");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  add_format_option(cmd, args->format, {"jsonl", "csv", "ecs"},
                    "Output format: jsonl or csv (Timesketch's import: message, datetime, timestamp_desc, ...) or ecs "
                    "(Elastic Common Schema 8.11.0 documents, one a line)");
  cmd->add_option("-o,--output", args->output, "Write to this file instead of standard output (overwritten)");
  add_verbosity_flags(cmd, args->verbosity, "No summary on standard error (untimed events, the count): errors only",
                      "Also print the events per format and the time taken");
  cmd->footer(
      "Examples:\n  pushmortem export --case case.db --format jsonl -o case.jsonl\n"
      "  pushmortem export --case case.db --format ecs -o case.ecs.jsonl   # then e.g. the Elasticsearch _bulk API\n"
      "ecs: ECS 8.11.0 field names as nested objects (@timestamp, message, event.*, host.name, log.file.path; "
      "source/destination/network.* for firewall logs, winlog.* for Windows events, process.* for DPM trace "
      "logs); every other parsed column under pushmortem.<format>.\n"
      "Exit codes: 0 done; 1 writing the output failed; 2 usage; 3 the case unreadable or -o not writable; "
      "4 case from a newer pushmortem.");
  cmd->callback([args, &state] { state.exit_code = run_export(*args); });
}

}  // namespace pm::cli
