// Renders collected rows as stable text, one row a line, for golden-file
// fixture tests: testdata/<format>/<case>.<ext> is parsed and its dump is
// compared with testdata/<format>/<case>.expected. Set PM_UPDATE_GOLDEN=1 to
// rewrite the expected files (then review the diff before committing).
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "parsers/core/time_util.h"
#include "support/collecting_sink.h"

namespace pm::test {

inline std::string dump_value(const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
  return "NULL";
}

inline void field(std::ostringstream& o, const char* name, const std::string& v) {
  if (!v.empty()) o << '\t' << name << '=' << v;
}

inline std::string dump_event(const EventRow& e) {
  std::ostringstream o;
  o << "event\tline=" << e.location;
  o << "\ttime=" << (e.time_us ? format_iso8601_short(*e.time_us) : "NULL");
  field(o, "host", e.host);
  field(o, "code", e.event_code);
  field(o, "level", to_string(e.level));
  if (e.flags) o << "\tflags=" << e.flags;
  o << "\tmessage=" << e.message;
  return o.str();
}

// DPM trace detail (dpm-errlog): one line under its event, empty fields left out.
inline std::string dump_dpm_trace(const DpmTraceRow& r) {
  std::ostringstream x;
  x << "  dpm_trace\tvariant=" << r.variant;
  field(x, "binary", r.binary);
  x << "\tpid=" << r.pid << "\ttid=" << r.tid << "\ttag=" << r.tag << "\tsource=" << r.code_file << ':'
    << dump_value(r.code_line);
  field(x, "object", r.object);
  field(x, "guid", r.task_guid);
  field(x, "level", r.trace_level);
  field(x, "hresults", r.hresults);
  field(x, "error_ids", r.error_ids);
  field(x, "hosts", r.hosts);
  field(x, "target", r.attempt_target);
  return x.str() + '\n';
}

// Multi-line text on one dump line: newlines shown as \n.
inline std::string dump_text(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out;
}

// MSI log line detail (msi-log): one line under its event.
inline std::string dump_msi_line(const MsiLineRow& r) {
  std::ostringstream x;
  x << "  msi";
  field(x, "context", r.context);
  field(x, "pt", r.process_thread);
  field(x, "action", r.action);
  if (!std::holds_alternative<std::monostate>(r.return_value)) x << "\treturn=" << dump_value(r.return_value);
  field(x, "local", r.local_time);
  return x.str() + '\n';
}

// One install of an MSI log (msi-log), listed after the events.
inline std::string dump_install(const InstallRow& r) {
  std::ostringstream x;
  x << "install\tlines=" << r.first_line << '-' << r.last_line;
  x << "\tstart=" << (r.start_us ? format_iso8601_short(*r.start_us) : "NULL");
  x << "\tend=" << (r.end_us ? format_iso8601_short(*r.end_us) : "NULL");
  field(x, "product", r.product);
  field(x, "version", r.version);
  x << "\tresult=" << r.result << "\tcode=" << dump_value(r.result_code);
  field(x, "failing_action", r.failing_action);
  x << "\tdate_basis=" << r.date_basis;
  return x.str() + '\n';
}

// Push error detail (dpm-push-errors): one line under its event.
inline std::string dump_push_error(const PushErrorRow& r) {
  std::ostringstream x;
  x << "  push\tform=" << r.form;
  field(x, "operation", r.operation);
  field(x, "target", r.target_host);
  x << "\terror_id=" << dump_value(r.error_id);
  field(x, "hresult", r.hresult);
  field(x, "hresult_source", r.hresult_source);
  x << "\tlast_line=" << r.last_line;
  field(x, "details", dump_text(r.details));
  field(x, "recommended", dump_text(r.recommended_action));
  return x.str() + '\n';
}

// Windows event detail (evtx, evt-xml, evt-csv, evt-text): one line under
// its event, empty fields left out, then one "    data" line per data item.
inline std::string dump_win_event(const WinEventRow& r) {
  std::ostringstream x;
  x << "  win_event\tprovider=" << r.provider << "\tid=" << r.event_id;
  field(x, "guid", r.provider_guid);
  field(x, "source_name", r.event_source_name);
  for (auto [name, v] : {std::pair<const char*, const Value*>{"qualifiers", &r.qualifiers}, {"version", &r.version},
                         {"level", &r.level}, {"task", &r.task}, {"opcode", &r.opcode}, {"record_id", &r.record_id},
                         {"pid", &r.process_id}, {"tid", &r.thread_id}})
    if (!std::holds_alternative<std::monostate>(*v)) x << '\t' << name << '=' << dump_value(*v);
  field(x, "keywords", r.keywords);
  if (r.filetime) x << "\tfiletime=" << *r.filetime;
  field(x, "activity", r.activity_id);
  field(x, "related", r.related_activity_id);
  field(x, "channel", r.channel);
  field(x, "computer", r.computer);
  field(x, "user", r.user_sid);
  field(x, "level_text", r.level_text);
  field(x, "task_text", r.task_text);
  field(x, "opcode_text", r.opcode_text);
  field(x, "data_kind", r.data_kind);
  if (r.recovered) x << "\trecovered=1";
  x << '\n';
  for (const auto& [name, value] : r.data) x << "    data\t" << name << '=' << dump_text(value) << '\n';
  return x.str();
}

inline std::string dump_rows(const CollectingSink& s) {
  std::ostringstream o;
  for (const auto& [name, reason] : s.claims) o << "claim_host\t" << name << '\t' << reason << '\n';
  for (const auto& f : s.facts) o << "fact\tline=" << f.location << '\t' << f.fact << '=' << f.value << '\n';
  for (const auto& p : s.profiles) {
    o << "profile\tline=" << p.location << "\torigin=" << p.origin << "\tprofile=" << p.profile;
    std::ostringstream x;
    field(x, "state", p.state);
    field(x, "inbound", p.inbound_policy);
    field(x, "outbound", p.outbound_policy);
    field(x, "log_allowed", p.log_allowed);
    field(x, "log_dropped", p.log_dropped);
    field(x, "log_file", p.log_file);
    o << x.str() << "\tlog_max_size_kb=" << dump_value(p.log_max_size_kb) << '\n';
  }
  for (const auto& r : s.rules) {
    std::ostringstream x;
    x << "rule\tline=" << r.location << "\torigin=" << r.origin;
    field(x, "rule_id", r.rule_id);
    field(x, "name", r.name);
    field(x, "description", r.description);
    field(x, "enabled", r.enabled);
    field(x, "direction", r.direction);
    field(x, "profiles", r.profiles);
    field(x, "grouping", r.grouping);
    field(x, "local_ip", r.local_ip);
    field(x, "remote_ip", r.remote_ip);
    field(x, "protocol", r.protocol);
    field(x, "local_port", r.local_port);
    field(x, "remote_port", r.remote_port);
    field(x, "edge_traversal", r.edge_traversal);
    field(x, "program", r.program);
    field(x, "service", r.service);
    field(x, "interface_types", r.interface_types);
    field(x, "security", r.security);
    field(x, "rule_source", r.rule_source);
    field(x, "action", r.action);
    o << x.str() << '\n';
  }
  size_t fw = 0;
  for (const auto& e : s.events) {
    o << dump_event(e) << '\n';
    if (fw < s.firewall.size() && e.event_code == s.firewall[fw].action) {
      const auto& r = s.firewall[fw++];
      o << "  firewall\tlocal=" << r.local_time << "\taction=" << r.action << "\tproto=" << r.protocol
        << "\tsrc=" << r.src_ip << ':' << dump_value(r.src_port) << "\tdst=" << r.dst_ip << ':' << dump_value(r.dst_port)
        << "\tsize=" << dump_value(r.size) << "\tpath=" << r.path << "\tpid=" << dump_value(r.pid);
      if (r.lost_events) o << "\tlost=" << *r.lost_events;
      if (!r.invalid.empty()) o << "\tinvalid=" << r.invalid;
      o << '\n';
    }
    // dpm-errlog parses emit only trace rows: the event at index i has trace row i.
    if (s.traces.size() == s.events.size()) o << dump_dpm_trace(s.traces[static_cast<size_t>(&e - s.events.data())]);
    // msi-log and dpm-push-errors parses emit one detail kind each: event i has detail row i.
    if (s.msi_lines.size() == s.events.size()) o << dump_msi_line(s.msi_lines[static_cast<size_t>(&e - s.events.data())]);
    if (s.push_errors.size() == s.events.size())
      o << dump_push_error(s.push_errors[static_cast<size_t>(&e - s.events.data())]);
    // Windows event parses emit only win_event rows: event i has detail row i.
    if (s.win_events.size() == s.events.size()) o << dump_win_event(s.win_events[static_cast<size_t>(&e - s.events.data())]);
  }
  for (const auto& r : s.installs) o << dump_install(r);
  for (const auto& r : s.rejects)
    o << "rejected\tline=" << r.location << "\toffset=" << r.offset << "\treason=" << r.reason << "\traw=" << r.raw
      << '\n';
  return o.str();
}

// Compares `actual` with the golden file; rewrites it when PM_UPDATE_GOLDEN=1.
// Returns the expected text (empty when the file is missing).
inline std::string golden(const std::string& path, const std::string& actual) {
  if (const char* u = std::getenv("PM_UPDATE_GOLDEN"); u && std::string(u) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return actual;
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace pm::test
