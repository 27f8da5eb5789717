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
  }
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
