#include "parsers/firewall/ps_firewall_parsers.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "parsers/firewall/kv_lines.h"
#include "parsers/core/strings.h"

namespace pm {
namespace {

using namespace fwcfg;

struct KeyLine {
  std::string_view key;
  std::string_view value;  // after ": ", not right-trimmed (word wraps keep their blank)
};

// "Property<blanks>: value": an identifier at column 0, at least one blank, ':'.
std::optional<KeyLine> key_line(std::string_view line) {
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (line.empty() || !alpha(line[0])) return std::nullopt;
  size_t i = 1;
  while (i < line.size() && (alpha(line[i]) || digit(line[i]))) ++i;
  size_t key_end = i;
  while (i < line.size() && line[i] == ' ') ++i;
  if (i == key_end || i >= line.size() || line[i] != ':') return std::nullopt;
  std::string_view rest = line.substr(i + 1);
  if (!rest.empty() && rest[0] != ' ') return std::nullopt;
  return KeyLine{line.substr(0, key_end), rest.empty() ? rest : rest.substr(1)};
}

struct Record {
  int64_t line = 0, offset = 0;
  std::string first_text;  // for a reject
  struct Prop {
    std::string key, value;
    size_t column = 0;  // where the value starts (continuations are indented to it)
  };
  std::vector<Prop> props;

  const std::string* find(std::string_view key) const {
    for (const auto& p : props)
      if (fold(p.key) == fold(key)) return &p.value;
    return nullptr;
  }
  std::string get(std::string_view key) const {
    const std::string* v = find(key);
    return v ? std::string(trim(*v)) : std::string();
  }
  bool has_any(const std::vector<std::string_view>& keys) const {
    return std::any_of(keys.begin(), keys.end(), [&](std::string_view k) { return find(k) != nullptr; });
  }
};

// Format-List word-wraps at blanks and keeps the blank at the end of the
// line; only a word wider than the whole value field is cut inside. So a
// wrap is glued back without a blank when the previous line kept its blank,
// or when that line is as wide as any seen (a full line) and the word
// spanning the break is wider than the value field (copies lose the blank).
bool glued_wrap(std::string_view value, size_t column, std::string_view fragment, size_t prev_width,
                size_t widest) {
  if (!value.empty() && value.back() == ' ') return true;
  if (prev_width < widest || widest <= column) return false;
  size_t tail = value.find_last_of(' ');
  size_t head = fragment.find(' ');
  size_t word = display_width(tail == std::string_view::npos ? value : value.substr(tail + 1)) +
                display_width(fragment.substr(0, head));
  return word > widest - column;
}

// Emits the record's row and returns "", or returns why it is not one.
using Emit = std::function<std::string(const Record&, RowSink&)>;

Result<ParseCounts> read_records(const SourceRef& source, RowSink& sink, const Emit& emit) {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  Record rec;
  bool active = false;
  size_t prev_width = 0, max_width = 0;
  auto end_record = [&] {
    if (!active) return;
    std::string why = emit(rec, sink);
    if (why.empty()) tally.stored();  // the record's first line
    else tally.reject(rec.line, rec.offset, why, rec.first_text);
    rec = Record{};
    active = false;
  };
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view text = line.text;
    size_t before = prev_width, widest = max_width;
    prev_width = display_width(text);
    max_width = std::max(max_width, prev_width);
    if (line.truncated) {
      tally.reject(line, "line longer than 1 MiB");
      continue;
    }
    if (is_blank(text)) {
      end_record();
      tally.header();
      continue;
    }
    if (auto k = key_line(text)) {
      if (active && rec.find(k->key)) end_record();  // no blank line between records
      if (!active) {
        active = true;
        rec.line = line.number;
        rec.offset = line.offset;
        rec.first_text = clip_utf8(text);
      } else {
        tally.header();
      }
      rec.props.push_back({std::string(k->key), std::string(k->value),
                           display_width(text.substr(0, static_cast<size_t>(k->value.data() - text.data())))});
      continue;
    }
    if (active && is_indented(text)) {
      auto& prop = rec.props.back();
      join_fragment(prop.value, trim(text), glued_wrap(prop.value, prop.column, trim(text), before, widest));
      tally.header();
      continue;
    }
    if (is_command_echo(text)) {
      tally.header();
      continue;
    }
    tally.reject(line, active ? "unrecognized line in a PowerShell list record"
                              : "unrecognized line outside a PowerShell list record");
  }
  if (!reader->status()) return reader->status();
  end_record();
  return tally.counts();
}

// GpoBoolean / Enabled values: True, False, NotConfigured.
std::string map_bool(const std::string& v, const char* yes, const char* no) {
  std::string f = fold(v);
  if (f == "true") return yes;
  if (f == "false") return no;
  if (f == "notconfigured") return "not configured";
  return ascii_lower(v);
}

const std::vector<std::string_view> kProfileKeys = {
    "Enabled", "DefaultInboundAction", "DefaultOutboundAction", "LogFileName", "LogAllowed", "LogBlocked",
    "LogMaxSizeKilobytes"};
const std::vector<std::string_view> kRuleKeys = {"Direction", "Action", "EdgeTraversalPolicy",
                                                                "PrimaryStatus", "PolicyStoreSource"};

std::string emit_profile(const Record& r, RowSink& sink) {
  FirewallProfileRow row;
  row.profile = r.get("Name");
  if (row.profile.empty()) return "PowerShell record without Name";
  if (!r.has_any(kProfileKeys) || r.find("DisplayName"))
    return "PowerShell record '" + row.profile + "' is not a Get-NetFirewallProfile record";
  row.state = map_bool(r.get("Enabled"), "on", "off");
  row.inbound_policy = r.get("DefaultInboundAction");
  row.outbound_policy = r.get("DefaultOutboundAction");
  row.log_allowed = map_bool(r.get("LogAllowed"), "enabled", "disabled");
  row.log_dropped = map_bool(r.get("LogBlocked"), "enabled", "disabled");
  row.log_file = r.get("LogFileName");
  row.log_max_size_kb = number_or_text(r.get("LogMaxSizeKilobytes"));
  row.origin = "powershell";
  row.location = r.line;
  sink.firewall_profile(row);
  return {};
}

std::string emit_rule(const Record& r, RowSink& sink) {
  FirewallRuleRow row;
  row.rule_id = r.get("Name");
  row.name = r.get("DisplayName");
  if (row.rule_id.empty() && row.name.empty()) return "PowerShell record without Name or DisplayName";
  if (!r.has_any(kRuleKeys))
    return "PowerShell record '" + (row.rule_id.empty() ? row.name : row.rule_id) +
           "' is not a Get-NetFirewallRule record";
  row.description = r.get("Description");
  row.enabled = map_bool(r.get("Enabled"), "yes", "no");
  std::string dir = fold(r.get("Direction"));
  row.direction = dir == "inbound" ? "in" : dir == "outbound" ? "out" : ascii_lower(r.get("Direction"));
  row.profiles = r.get("Profile");
  row.grouping = r.get("Group");
  if (row.grouping.empty()) row.grouping = r.get("DisplayGroup");
  row.edge_traversal = r.get("EdgeTraversalPolicy");
  std::string action = fold(r.get("Action"));
  row.action = action == "notconfigured" ? "not configured" : ascii_lower(r.get("Action"));
  row.rule_source = r.get("PolicyStoreSource");
  row.origin = "powershell";
  row.location = r.line;
  sink.firewall_rule(row);
  return {};
}

// Property names and values seen in the head's key lines.
struct HeadKeys {
  std::vector<std::pair<std::string, std::string>> seen;
  explicit HeadKeys(const Head& head) {
    for (std::string_view l : head_lines(head))
      if (auto k = key_line(l)) seen.emplace_back(fold(k->key), std::string(trim(k->value)));
  }
  int count(const std::vector<std::string_view>& keys) const {
    int n = 0;
    for (std::string_view k : keys)
      n += std::any_of(seen.begin(), seen.end(), [&](const auto& s) { return s.first == fold(k); }) ? 1 : 0;
    return n;
  }
  bool profile_name() const {
    return std::any_of(seen.begin(), seen.end(), [](const auto& s) {
      return s.first == "name" && (s.second == "Domain" || s.second == "Private" || s.second == "Public");
    });
  }
};

}  // namespace

SniffResult PsFirewallProfileParser::sniff(const Head& head) const {
  HeadKeys keys(head);
  int n = keys.count(kProfileKeys);
  if (keys.profile_name() && n >= 2 && keys.count({"DisplayName"}) == 0)
    return {95, "PowerShell list: 'Name : Domain|Private|Public' with " + std::to_string(n) +
                    " Get-NetFirewallProfile properties"};
  return {0, "no Get-NetFirewallProfile list records"};
}

Result<ParseCounts> PsFirewallProfileParser::parse(const SourceRef& source, RowSink& sink) const {
  return read_records(source, sink, emit_profile);
}

SniffResult PsFirewallRuleParser::sniff(const Head& head) const {
  HeadKeys keys(head);
  int n = keys.count(kRuleKeys);
  if (keys.count({"DisplayName"}) == 1 && n >= 2 && keys.count({"DefaultInboundAction"}) == 0)
    return {keys.count({"Name"}) ? 95 : 80,
            "PowerShell list: 'DisplayName' with " + std::to_string(n) + " Get-NetFirewallRule properties"};
  return {0, "no Get-NetFirewallRule list records"};
}

Result<ParseCounts> PsFirewallRuleParser::parse(const SourceRef& source, RowSink& sink) const {
  return read_records(source, sink, emit_rule);
}

}  // namespace pm
