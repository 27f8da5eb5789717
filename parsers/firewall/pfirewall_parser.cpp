#include "parsers/firewall/pfirewall_parser.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/net_util.h"
#include "parsers/core/tally.h"
#include "parsers/core/time_util.h"

namespace pm {
namespace {

enum class Col {
  date, time, action, protocol, src_ip, dst_ip, src_port, dst_port, size, tcpflags,
  tcpsyn, tcpack, tcpwin, icmptype, icmpcode, info, path, pid, unknown
};

constexpr std::array<std::string_view, 18> kColNames = {
    "date", "time", "action", "protocol", "src-ip", "dst-ip", "src-port", "dst-port", "size",
    "tcpflags", "tcpsyn", "tcpack", "tcpwin", "icmptype", "icmpcode", "info", "path", "pid"};

Col col_from_name(std::string_view n) {
  for (size_t i = 0; i < kColNames.size(); ++i)
    if (kColNames[i] == n) return static_cast<Col>(i);
  return Col::unknown;
}

std::vector<Col> default_columns(size_t n) {
  std::vector<Col> cols;
  for (size_t i = 0; i < n && i < kColNames.size(); ++i) cols.push_back(static_cast<Col>(i));
  return cols;
}

// Splits on runs of spaces/tabs into at most `max` tokens; returns the count
// (max + 1 signals "more than max").
size_t split(std::string_view line, std::array<std::string_view, 24>& out) {
  size_t n = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (n == out.size()) return n + 1;
    out[n++] = line.substr(start, i - start);
  }
  return n;
}

bool is_action(std::string_view a) {
  return a == "ALLOW" || a == "DROP" || a == "INFO-EVENTS-LOST" || a == "OPEN" || a == "CLOSE" ||
         a == "OPEN-INBOUND";
}

bool is_protocol(std::string_view p) {
  if (p == "TCP" || p == "UDP" || p == "ICMP" || p == "ICMPv6" || p == "ICMPV6") return true;
  auto n = parse_int(p);
  return n && *n >= 0 && *n <= 255;
}

bool is_path(std::string_view p) {
  return p == "SEND" || p == "RECEIVE" || p == "FORWARD" || p == "UNKNOWN";
}

void add_invalid(FirewallLogRow& row, std::string_view column) {
  if (!row.invalid.empty()) row.invalid.push_back(',');
  row.invalid.append(column);
}

// Largest valid value of a numeric column (ports and windows are 16-bit,
// ICMP type/code 8-bit, sequence numbers and pids 32-bit).
int64_t max_value(Col col) {
  switch (col) {
    case Col::src_port: case Col::dst_port: case Col::tcpwin: return 65535;
    case Col::icmptype: case Col::icmpcode: return 255;
    case Col::tcpsyn: case Col::tcpack: case Col::pid: return 4294967295;
    default: return INT64_MAX;
  }
}

// '-' -> NULL, integer in range -> number, anything else kept as text and flagged.
void set_number(Value& v, std::string_view token, FirewallLogRow& row, Col col) {
  if (token == "-") {
    v = std::monostate{};
  } else if (auto n = parse_int(token); n && *n >= 0 && *n <= max_value(col)) {
    v = *n;
  } else {
    v = std::string(token);
    add_invalid(row, kColNames[static_cast<size_t>(col)]);
  }
}

void set_text(std::string& s, std::string_view token) {
  if (token == "-") s.clear();
  else s.assign(token);
}

void append_endpoint(std::string& m, const std::string& ip, const Value& port) {
  bool v6 = ip.find(':') != std::string::npos;
  if (v6 && !std::holds_alternative<std::monostate>(port)) m.push_back('[');
  m.append(ip.empty() ? "-" : ip);
  if (v6 && !std::holds_alternative<std::monostate>(port)) m.push_back(']');
  if (auto* n = std::get_if<int64_t>(&port)) {
    m.push_back(':');
    m.append(std::to_string(*n));
  } else if (auto* s = std::get_if<std::string>(&port)) {
    m.push_back(':');
    m.append(*s);
  }
}

// Appends label and value unless the value is NULL (invalid text is shown as written).
void append_value(std::string& m, std::string_view label, const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v)) m.append(label).append(std::to_string(*n));
  else if (auto* s = std::get_if<std::string>(&v)) m.append(label).append(*s);
}

std::string make_message(const FirewallLogRow& r) {
  if (r.lost_events) return "INFO-EVENTS-LOST: " + std::to_string(*r.lost_events) + " events were not written to the log";
  std::string m;
  m.reserve(96);
  m.append(r.action).push_back(' ');
  m.append(r.protocol.empty() ? "-" : r.protocol).push_back(' ');
  append_endpoint(m, r.src_ip, r.src_port);
  m.append(" -> ");
  append_endpoint(m, r.dst_ip, r.dst_port);
  if (!r.path.empty()) m.append(" ").append(r.path);
  append_value(m, " icmp-type ", r.icmptype);
  append_value(m, " code ", r.icmpcode);
  if (!r.tcpflags.empty()) m.append(" flags ").append(r.tcpflags);
  append_value(m, " pid ", r.pid);
  if (!r.info.empty()) m.append(" info ").append(r.info);
  return m;
}

}  // namespace

SniffResult PfirewallParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  if (t.find("#Software: Microsoft Windows Firewall") != std::string_view::npos)
    return {95, "W3C header '#Software: Microsoft Windows Firewall'"};
  if (t.find("#Fields: date time action protocol src-ip dst-ip") != std::string_view::npos)
    return {90, "W3C '#Fields: date time action protocol src-ip dst-ip ...' header"};
  // A headerless fragment: most of the first lines look like firewall rows.
  int rows = 0, lines = 0;
  size_t pos = 0;
  std::array<std::string_view, 24> tok{};
  while (pos < t.size() && lines < 20) {
    size_t nl = t.find('\n', pos);
    std::string_view line = t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
    if (nl == std::string_view::npos && pos >= t.size() && head.file_size > head.raw.size()) break;  // cut line
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF: "\r" is no field
    if (line.empty()) continue;
    ++lines;
    size_t n = split(line, tok);
    if ((n == 17 || n == 18) && parse_date_time_seconds(tok[0], tok[1]) && is_action(tok[2])) ++rows;
  }
  if (lines >= 1 && rows * 10 >= lines * 8)
    return {70, "headerless: " + std::to_string(rows) + " of the first " + std::to_string(lines) +
                    " lines are firewall log rows"};
  return {0, "no Windows Firewall log header or rows"};
}

Result<ParseCounts> PfirewallParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  std::vector<Col> columns;  // from #Fields; empty until seen
  int64_t fields_line = 0;
  bool fields_usable = true;  // the #Fields names date, time and action
  bool time_is_utc = false;
  int64_t previous_us = INT64_MIN;
  std::array<std::string_view, 24> tok{};
  EventRow ev;
  FirewallLogRow row;
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view text = line.text;
    if (text.empty() || text.find_first_not_of(" \t") == std::string_view::npos) {
      tally.header();
      continue;
    }
    if (text[0] == '#') {
      tally.header();
      if (text.rfind("#Fields:", 0) == 0) {
        std::array<std::string_view, 24> names{};
        size_t n = split(text.substr(8), names);
        columns.clear();
        for (size_t i = 0; i < n && i < names.size(); ++i) columns.push_back(col_from_name(names[i]));
        fields_line = line.number;
        auto has = [&](Col c) { return std::find(columns.begin(), columns.end(), c) != columns.end(); };
        fields_usable = has(Col::date) && has(Col::time) && has(Col::action);
      } else if (text.rfind("#Time Format:", 0) == 0) {
        time_is_utc = text.find("UTC") != std::string_view::npos;
      }
      continue;
    }
    auto reject = [&](std::string reason) { tally.reject(line, std::move(reason)); };
    if (line.truncated) {
      reject("line longer than 1 MiB: not a firewall log row");
      continue;
    }
    size_t n = split(text, tok);
    auto fields = [&] { return n > tok.size() ? "more than " + std::to_string(tok.size()) : std::to_string(n); };
    const std::vector<Col>* cols = &columns;
    std::vector<Col> guessed;
    if (columns.empty()) {  // no #Fields yet: accept the two standard layouts
      if (n != 17 && n != 18) {
        reject("found " + fields() + " fields before any #Fields header; expected 17 or 18");
        continue;
      }
      guessed = default_columns(n);
      cols = &guessed;
    } else if (!fields_usable) {
      reject("the #Fields at line " + std::to_string(fields_line) +
             " has no date, time or action column: not a Windows Firewall log layout");
      continue;
    } else if (n != columns.size()) {
      reject("found " + fields() + " fields, expected " +
             std::to_string(columns.size()) + " (from #Fields at line " + std::to_string(fields_line) + ")");
      continue;
    }
    row = FirewallLogRow{};
    ev.flags = 0;
    std::string_view date, time;
    for (size_t i = 0; i < n; ++i) {
      std::string_view v = tok[i];
      switch ((*cols)[i]) {
        case Col::date: date = v; break;
        case Col::time: time = v; break;
        case Col::action:
          row.action.assign(v);
          if (!is_action(v)) add_invalid(row, "action");
          break;
        case Col::protocol:
          set_text(row.protocol, v);
          if (v != "-" && !is_protocol(v)) add_invalid(row, "protocol");
          break;
        case Col::src_ip:
          set_text(row.src_ip, v);
          if (v != "-" && !is_ip_address(v)) add_invalid(row, "src-ip");
          break;
        case Col::dst_ip:
          set_text(row.dst_ip, v);
          if (v != "-" && !is_ip_address(v)) add_invalid(row, "dst-ip");
          break;
        case Col::src_port: set_number(row.src_port, v, row, Col::src_port); break;
        case Col::dst_port: set_number(row.dst_port, v, row, Col::dst_port); break;
        case Col::size: set_number(row.size, v, row, Col::size); break;
        case Col::tcpflags: set_text(row.tcpflags, v); break;
        case Col::tcpsyn: set_number(row.tcpsyn, v, row, Col::tcpsyn); break;
        case Col::tcpack: set_number(row.tcpack, v, row, Col::tcpack); break;
        case Col::tcpwin: set_number(row.tcpwin, v, row, Col::tcpwin); break;
        case Col::icmptype: set_number(row.icmptype, v, row, Col::icmptype); break;
        case Col::icmpcode: set_number(row.icmpcode, v, row, Col::icmpcode); break;
        case Col::info: set_text(row.info, v); break;
        case Col::path:
          set_text(row.path, v);
          if (v != "-" && !is_path(v)) add_invalid(row, "path");
          break;
        case Col::pid: set_number(row.pid, v, row, Col::pid); break;
        case Col::unknown: break;
      }
    }
    if (row.action == "INFO-EVENTS-LOST") {
      if (auto lost = parse_int(row.info); lost && *lost >= 0) row.lost_events = *lost;
      else add_invalid(row, "info");
    }
    row.local_time.assign(date).append(" ").append(time);
    auto local = parse_date_time_seconds(date, time);
    if (local) {
      LocalToUtc utc = time_is_utc ? LocalToUtc{*local} : source.zone->to_utc(*local);
      ev.time_us = utc.utc_seconds * kMicrosPerSecond;
      if (!time_is_utc && !source.zone_known) ev.flags |= event_flags::zone_unknown;
      if (utc.ambiguous) ev.flags |= event_flags::local_ambiguous;
      if (utc.nonexistent) ev.flags |= event_flags::local_nonexistent;
      if (*ev.time_us < previous_us) ev.flags |= event_flags::out_of_order;
      else previous_us = *ev.time_us;
    } else {
      ev.time_us.reset();
      add_invalid(row, "date,time");
    }
    if (!row.invalid.empty()) ev.flags |= event_flags::invalid_value;
    ev.event_code = row.action;
    ev.level = (row.action == "DROP" || row.action == "INFO-EVENTS-LOST") ? Level::warning : Level::info;
    ev.message = make_message(row);
    ev.location = line.number;
    ev.offset = line.offset;
    sink.firewall_log(ev, row);
    tally.stored();
  }
  if (!reader->status()) return reader->status();
  return tally.counts();
}

}  // namespace pm
