#include "parsers/firewall/netsh_profiles_parser.h"

#include <optional>
#include <string>

#include "parsers/firewall/kv_lines.h"
#include "parsers/core/strings.h"

namespace pm {
namespace {

using namespace fwcfg;

enum class Key { state, policy, log_allowed, log_dropped, file_name, max_size, ignored };

struct KeyName {
  std::string_view folded;
  Key key;
};

// Folded key spellings (English, German where it differs).
constexpr KeyName kKeys[] = {
    {"state", Key::state},
    {"status", Key::state},
    {"firewallpolicy", Key::policy},
    {"firewallrichtlinie", Key::policy},
    {"logallowedconnections", Key::log_allowed},
    {"logdroppedconnections", Key::log_dropped},
    {"filename", Key::file_name},
    {"dateiname", Key::file_name},
    {"maxfilesize", Key::max_size},
    {"localfirewallrules", Key::ignored},
    {"localconsecrules", Key::ignored},
    {"inboundusernotification", Key::ignored},
    {"remotemanagement", Key::ignored},
    {"unicastresponsetomulticast", Key::ignored},
};

struct Title {
  std::string_view folded;
  std::string_view profile;
};

constexpr Title kTitles[] = {
    {"domainprofilesettings:", "Domain"},
    {"privateprofilesettings:", "Private"},
    {"publicprofilesettings:", "Public"},
    {"domänenprofileinstellungen:", "Domain"},
    {"privatesprofileinstellungen:", "Private"},
    {"öffentlichesprofileinstellungen:", "Public"},
};

std::optional<std::string_view> profile_title(std::string_view line) {
  if (is_indented(line)) return std::nullopt;
  std::string f = fold(rtrim(line));
  for (const auto& t : kTitles)
    if (f == t.folded) return t.profile;
  return std::nullopt;
}

bool is_logging_title(std::string_view line) {
  std::string f = fold(rtrim(line));
  return f == "logging:" || f == "protokollierung:";
}

struct KeyLine {
  Key key;
  std::string_view value;
};

// A known key (one or two words, e.g. "Firewall Policy") followed by blanks
// and the value, or alone at the end of the line.
std::optional<KeyLine> known_key(std::string_view line) {
  if (line.empty() || is_indented(line)) return std::nullopt;
  auto tokens = split_ws(line);
  for (size_t n = tokens.size() >= 2 ? 2 : tokens.size(); n >= 1; --n) {
    size_t end = static_cast<size_t>(tokens[n - 1].data() + tokens[n - 1].size() - line.data());
    std::string f = fold(line.substr(0, end));
    for (const auto& k : kKeys)
      if (f == k.folded) return KeyLine{k.key, ltrim(line.substr(end))};
  }
  return std::nullopt;
}

// netsh's own layout for a key it printed: key, then blanks up to column 38.
bool padded_key_shape(std::string_view line) {
  if (line.empty() || is_indented(line)) return false;
  size_t gap = line.find("  ");
  if (gap == std::string_view::npos || gap >= 38) return false;
  size_t v = line.find_first_not_of(' ', gap);
  return v == 38 || v == std::string_view::npos;
}

std::string map_state(std::string_view raw) {
  std::string f = fold(raw);
  if (f == "on" || f == "ein") return "on";
  if (f == "off" || f == "aus") return "off";
  if (f == "notconfigured" || f == "nichtkonfiguriert") return "not configured";
  return ascii_lower(trim(raw));
}

std::string map_logging(std::string_view raw) {
  std::string f = fold(raw);
  if (f == "enable" || f == "enabled" || f == "aktivieren" || f == "aktiviert") return "enabled";
  if (f == "disable" || f == "disabled" || f == "deaktivieren" || f == "deaktiviert") return "disabled";
  if (f == "notconfigured" || f == "nichtkonfiguriert") return "not configured";
  return ascii_lower(trim(raw));
}

// One block's values as read (wrapped lines already joined), mapped on finish.
struct Pending {
  bool active = false;
  std::string_view profile;
  int64_t line = 0;
  std::string state, policy, log_allowed, log_dropped, file_name, max_size, ignored;

  std::string* field(Key k) {
    switch (k) {
      case Key::state: return &state;
      case Key::policy: return &policy;
      case Key::log_allowed: return &log_allowed;
      case Key::log_dropped: return &log_dropped;
      case Key::file_name: return &file_name;
      case Key::max_size: return &max_size;
      case Key::ignored: break;
    }
    return &ignored;
  }

  FirewallProfileRow row() const {
    FirewallProfileRow r;
    r.profile.assign(profile);
    r.state = map_state(state);
    std::string_view p = trim(policy);
    if (size_t comma = p.find(','); comma != std::string_view::npos) {
      r.inbound_policy.assign(trim(p.substr(0, comma)));
      r.outbound_policy.assign(trim(p.substr(comma + 1)));
    } else {  // e.g. "NotConfigured" for both directions
      r.inbound_policy.assign(p);
      r.outbound_policy.assign(p);
    }
    r.log_allowed = map_logging(log_allowed);
    r.log_dropped = map_logging(log_dropped);
    r.log_file.assign(trim(file_name));
    r.log_max_size_kb = number_or_text(max_size);
    r.origin = "netsh";
    r.location = line;
    return r;
  }
};

}  // namespace

SniffResult NetshProfilesParser::sniff(const Head& head) const {
  auto lines = head_lines(head);
  int titles = 0, ruled = 0, keys = 0;
  std::string first;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (auto t = profile_title(lines[i])) {
      if (titles++ == 0) first = std::string(rtrim(lines[i]));
      if (i + 1 < lines.size() && is_dash_rule(lines[i + 1])) ++ruled;
    } else if (auto k = known_key(lines[i]); k && k->key != Key::ignored) {
      ++keys;
    }
  }
  if (titles > 0 && (ruled > 0 || keys >= 2))
    return {95, "netsh profile block '" + first + "' with " + std::to_string(keys) + " settings"};
  if (titles > 0) return {60, "netsh profile block title '" + first + "'"};
  return {0, "no netsh '<Profile> Profile Settings:' block"};
}

Result<ParseCounts> NetshProfilesParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  Pending cur;
  std::string* last = nullptr;  // value a continuation line extends
  size_t prev_width = 0;
  auto finish = [&] {
    if (!cur.active) return;
    sink.firewall_profile(cur.row());
    tally.stored();  // the block's title line
    cur = Pending{};
    last = nullptr;
  };
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    std::string_view text = line.text;
    size_t width = display_width(text);
    size_t before = prev_width;
    prev_width = width;
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
    if (auto title = profile_title(text)) {
      finish();
      cur.active = true;
      cur.profile = *title;
      cur.line = line.number;
      continue;  // counted when the block is stored
    }
    if (is_dash_rule(text)) {
      tally.header();
      continue;
    }
    if (is_ok_line(text)) {
      finish();
      tally.header();
      continue;
    }
    if (cur.active && is_logging_title(text)) {
      tally.header();
      last = nullptr;
      continue;
    }
    if (auto k = known_key(text)) {
      if (!cur.active) {
        tally.reject(line, "profile setting outside a '<Profile> Profile Settings:' block");
        continue;
      }
      last = cur.field(k->key);
      last->assign(k->value);
      tally.header();
      continue;
    }
    if (cur.active && padded_key_shape(text)) {
      tally.reject(line, "unknown profile setting '" + std::string(rtrim(text.substr(0, text.find("  ")))) + "'");
      last = nullptr;
      continue;
    }
    if (absorb_wrap_or_echo(last, text, before, tally)) continue;
    tally.reject(line, cur.active ? "unrecognized line in a netsh profile block"
                                  : "unrecognized line outside a netsh profile block");
    last = nullptr;
  }
  if (!reader->status()) return reader->status();
  finish();
  return tally.counts();
}

}  // namespace pm
