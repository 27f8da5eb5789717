#include "parsers/firewall/netsh_rules_parser.h"

#include <optional>
#include <string>

#include "parsers/firewall/kv_lines.h"
#include "parsers/core/strings.h"

namespace pm {
namespace {

using namespace fwcfg;

enum class Field {
  rule_name, description, enabled, direction, profiles, grouping, local_ip, remote_ip, protocol,
  local_port, remote_port, edge_traversal, program, service, interface_types, security, rule_source,
  action
};

struct LabelName {
  std::string_view folded;
  Field field;
};

// Folded label spellings: English, then German where it differs.
constexpr LabelName kLabels[] = {
    {"rulename", Field::rule_name},           {"regelname", Field::rule_name},
    {"description", Field::description},      {"beschreibung", Field::description},
    {"enabled", Field::enabled},              {"aktiviert", Field::enabled},
    {"direction", Field::direction},          {"richtung", Field::direction},
    {"profiles", Field::profiles},            {"profile", Field::profiles},
    {"grouping", Field::grouping},            {"gruppierung", Field::grouping},
    {"localip", Field::local_ip},             {"lokaleip", Field::local_ip},
    {"remoteip", Field::remote_ip},           {"protocol", Field::protocol},
    {"protokoll", Field::protocol},           {"localport", Field::local_port},
    {"lokalerport", Field::local_port},       {"remoteport", Field::remote_port},
    {"edgetraversal", Field::edge_traversal}, {"edgeausnahme", Field::edge_traversal},
    {"program", Field::program},              {"programm", Field::program},
    {"service", Field::service},              {"dienst", Field::service},
    {"interfacetypes", Field::interface_types}, {"schnittstellentypen", Field::interface_types},
    {"security", Field::security},            {"sicherheit", Field::security},
    {"rulesource", Field::rule_source},       {"regelquelle", Field::rule_source},
    {"action", Field::action},                {"aktion", Field::action},
};

struct LabelLine {
  std::string_view label;
  std::string_view value;  // after the padding; not right-trimmed (wraps)
  bool padded;             // netsh layout: value at column 38, or 2+ blanks, or no value
};

// "Label:<blanks>value" starting in column 0. "C:\..." and "http://" are not labels.
std::optional<LabelLine> label_line(std::string_view line) {
  if (line.empty() || is_indented(line)) return std::nullopt;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 40) return std::nullopt;
  std::string_view rest = line.substr(colon + 1);
  if (!rest.empty() && rest[0] != ' ' && rest[0] != '\t') return std::nullopt;
  size_t v = rest.find_first_not_of(" \t");
  if (v == std::string_view::npos) return LabelLine{line.substr(0, colon), {}, true};
  return LabelLine{line.substr(0, colon), rest.substr(v), colon + 1 + v == 38 || v >= 2};
}

std::optional<Field> known_label(std::string_view label) {
  std::string f = fold(label);
  for (const auto& l : kLabels)
    if (f == l.folded) return l.field;
  return std::nullopt;
}

// A label of words (letters, blanks, '-', '/'), as netsh prints them.
bool wordy(std::string_view label) {
  for (char c : label)
    if (!(static_cast<unsigned char>(c) >= 0x80 || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
          c == ' ' || c == '-' || c == '/'))
      return false;
  return true;
}

std::string map_enabled(std::string_view v) {
  std::string f = fold(v);
  if (f == "yes" || f == "ja") return "yes";
  if (f == "no" || f == "nein") return "no";
  return ascii_lower(v);
}

std::string map_direction(std::string_view v) {
  std::string f = fold(v);
  if (f == "in" || f == "eingehend" || f == "inbound") return "in";
  if (f == "out" || f == "ausgehend" || f == "outbound") return "out";
  return ascii_lower(v);
}

std::string map_action(std::string_view v) {
  std::string f = fold(v);
  if (f == "allow" || f == "zulassen") return "allow";
  if (f == "block" || f == "blockieren") return "block";
  if (f == "bypass" || f == "umgehen") return "bypass";
  return ascii_lower(v);
}

bool is_no_rules_message(std::string_view line) {
  std::string f = fold(line);
  return f.rfind("norulesmatch", 0) == 0 || f.rfind("keineregelnstimmen", 0) == 0;
}

struct Pending {
  bool active = false;
  FirewallRuleRow row;
  std::string icmp;  // "8,Any;0,Any" from a Type/Code table

  std::string* field(Field f) {
    switch (f) {
      case Field::rule_name: return &row.name;
      case Field::description: return &row.description;
      case Field::enabled: return &row.enabled;
      case Field::direction: return &row.direction;
      case Field::profiles: return &row.profiles;
      case Field::grouping: return &row.grouping;
      case Field::local_ip: return &row.local_ip;
      case Field::remote_ip: return &row.remote_ip;
      case Field::protocol: return &row.protocol;
      case Field::local_port: return &row.local_port;
      case Field::remote_port: return &row.remote_port;
      case Field::edge_traversal: return &row.edge_traversal;
      case Field::program: return &row.program;
      case Field::service: return &row.service;
      case Field::interface_types: return &row.interface_types;
      case Field::security: return &row.security;
      case Field::rule_source: return &row.rule_source;
      case Field::action: return &row.action;
    }
    return &row.name;
  }

  const FirewallRuleRow& finished() {
    for (std::string* s : {&row.name, &row.description, &row.enabled, &row.direction, &row.profiles,
                           &row.grouping, &row.local_ip, &row.remote_ip, &row.protocol, &row.local_port,
                           &row.remote_port, &row.edge_traversal, &row.program, &row.service,
                           &row.interface_types, &row.security, &row.rule_source, &row.action})
      *s = std::string(trim(*s));
    row.enabled = map_enabled(row.enabled);
    row.direction = map_direction(row.direction);
    row.action = map_action(row.action);
    if (!icmp.empty()) row.protocol += ":" + icmp;
    row.origin = "netsh";
    return row;
  }
};

}  // namespace

SniffResult NetshRulesParser::sniff(const Head& head) const {
  auto lines = head_lines(head);
  int names = 0, ruled = 0, fields = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto l = label_line(lines[i]);
    if (!l) continue;
    auto f = known_label(l->label);
    if (!f) continue;
    if (*f != Field::rule_name) {
      ++fields;
    } else {
      ++names;
      if (i + 1 < lines.size() && is_dash_rule(lines[i + 1])) ++ruled;
    }
  }
  if (names > 0 && (ruled > 0 || fields >= 2))
    return {95, "netsh rule blocks: " + std::to_string(names) + " 'Rule Name:' lines, " + std::to_string(fields) +
                    " rule fields"};
  if (names > 0) return {60, "netsh 'Rule Name:' line"};
  return {0, "no netsh 'Rule Name:' block"};
}

Result<ParseCounts> NetshRulesParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  Pending cur;
  std::string* last = nullptr;  // value a continuation line extends
  bool icmp_table = false;
  size_t prev_width = 0;
  auto finish = [&] {
    if (!cur.active) return;
    sink.firewall_rule(cur.finished());
    tally.stored();  // the "Rule Name:" line
    cur = Pending{};
    last = nullptr;
  };
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view text = line.text;
    size_t before = prev_width;
    prev_width = display_width(text);
    if (line.truncated) {
      tally.reject(line, "line longer than 1 MiB");
      last = nullptr;
      continue;
    }
    if (is_blank(text)) {
      tally.header();
      last = nullptr;
      continue;
    }
    auto label = label_line(text);
    auto field = label ? known_label(label->label) : std::nullopt;
    if (field == Field::rule_name) {
      finish();
      cur.active = true;
      cur.row.location = line.number;
      cur.row.name.assign(label->value);
      last = &cur.row.name;
      icmp_table = false;
      continue;  // counted when the rule is stored
    }
    if (field) {
      if (!cur.active) {
        tally.reject(line, "rule field outside a 'Rule Name:' block");
        continue;
      }
      last = cur.field(*field);
      last->assign(label->value);
      icmp_table = false;
      tally.header();
      continue;
    }
    if (is_dash_rule(text)) {
      tally.header();
      last = nullptr;
      continue;
    }
    if (is_ok_line(text)) {
      finish();
      tally.header();
      continue;
    }
    if (is_no_rules_message(text)) {
      tally.header();
      continue;
    }
    if (cur.active && label && label->padded && wordy(label->label)) {
      tally.reject(line, "unknown rule field '" + std::string(trim(label->label)) + "'");
      last = nullptr;
      continue;
    }
    if (cur.active && last == &cur.row.protocol && is_indented(text)) {
      auto tok = split_ws(text);
      if (tok.size() == 2 && (fold(tok[0]) == "type" || fold(tok[0]) == "typ") && fold(tok[1]) == "code") {
        icmp_table = true;
        tally.header();
        continue;
      }
      if (icmp_table && tok.size() == 2) {
        if (!cur.icmp.empty()) cur.icmp.push_back(';');
        cur.icmp.append(tok[0]).append(",").append(tok[1]);
        tally.header();
        continue;
      }
    }
    if (absorb_wrap_or_echo(cur.active ? last : nullptr, text, before, tally)) continue;
    tally.reject(line, cur.active ? "unrecognized line in a netsh rule block"
                                  : "unrecognized line outside a netsh rule block");
    last = nullptr;
  }
  if (!reader->status()) return reader->status();
  finish();
  return tally.counts();
}

}  // namespace pm
