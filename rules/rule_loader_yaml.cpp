// YAML reading helpers of the rule loader (rules/rule_loader_internal.h).
#include <charconv>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "parsers/core/net_util.h"
#include "parsers/core/strings.h"
#include "rules/rule_loader_internal.h"

namespace pm::rules::loader {
namespace {

std::string shape_of(const YAML::Node& node) {
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  if (node.IsNull()) return "empty";
  return "'" + node.Scalar() + "'";
}

bool is_plain(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "?"; }

}  // namespace

SourceLoc loc_of(const std::string& file, const YAML::Node& node) {
  YAML::Mark mark = node.Mark();
  return SourceLoc{file, mark.line >= 0 ? mark.line + 1 : 0};
}

Status fail_at(ErrorKind kind, const SourceLoc& loc, const std::string& message) {
  return Status::error(kind, loc.str() + ": " + message);
}

Result<std::vector<MapEntry>> map_entries(const YAML::Node& node, const SourceLoc& loc,
                                          const std::string& what) {
  if (!node.IsMap())
    return fail_at(ErrorKind::bad_input, loc, what + " must be a map of keys and values, not " + shape_of(node) +
                                                  "; write it as 'key: value' lines indented under it");
  std::vector<MapEntry> entries;
  for (auto it = node.begin(); it != node.end(); ++it) {
    MapEntry e;
    e.key_loc = loc_of(loc.file, it->first);
    if (e.key_loc.line == 0) e.key_loc.line = loc.line;
    if (!it->first.IsScalar())
      return fail_at(ErrorKind::bad_input, e.key_loc, "a key of " + what + " is " + shape_of(it->first) +
                                                          "; keys must be plain names");
    e.key = it->first.Scalar();
    e.value = it->second;
    e.value_loc = loc_of(loc.file, it->second);
    // yaml-cpp marks an empty value at the next token, often on a later line.
    if (e.value_loc.line == 0 || it->second.IsNull()) e.value_loc.line = e.key_loc.line;
    for (const MapEntry& seen : entries) {
      if (seen.key == e.key)
        return fail_at(ErrorKind::bad_input, e.key_loc, "key '" + e.key + "' of " + what +
                                                            " appears twice (first at line " +
                                                            std::to_string(seen.key_loc.line) + "); keep one");
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

Status only_keys(const std::vector<MapEntry>& entries, std::initializer_list<std::string_view> allowed,
                 const std::string& what) {
  for (const MapEntry& e : entries) {
    bool known = false;
    for (std::string_view a : allowed) known = known || e.key == a;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    return fail_at(ErrorKind::bad_input, e.key_loc,
                   "unknown key '" + e.key + "' in " + what + "; expected one of: " + list);
  }
  return Status::ok();
}

Result<std::string> text(const YAML::Node& node, const SourceLoc& loc, const std::string& what) {
  if (node.IsNull()) return std::string();
  if (node.IsScalar()) return node.Scalar();
  return fail_at(ErrorKind::bad_input, loc, what + " must be a text, not " + shape_of(node) + "; write one value");
}

Result<std::vector<std::string>> text_list(const YAML::Node& node, const SourceLoc& loc, const std::string& what) {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence())
    return fail_at(ErrorKind::bad_input, loc, what + " must be a list of texts, not " + shape_of(node) +
                                                  "; write one '- value' line per item");
  for (const YAML::Node& item : node) {
    if (!item.IsScalar())
      return fail_at(ErrorKind::bad_input, loc_of(loc.file, item),
                     "an item of " + what + " is " + shape_of(item) + "; items must be plain texts");
    out.push_back(item.Scalar());
  }
  return out;
}

bool plain_boolean(const YAML::Node& node, bool* value) {
  if (!is_plain(node)) return false;
  const std::string& s = node.Scalar();
  if (s == "true" || s == "True" || s == "TRUE") {
    *value = true;
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    *value = false;
    return true;
  }
  return false;
}

bool plain_integer(const YAML::Node& node, int64_t* value) {
  if (!is_plain(node)) return false;
  const std::string& s = node.Scalar();
  size_t digits = s.size() - (!s.empty() && s[0] == '-' ? 1 : 0);
  if (digits > 1 && s[s.size() - digits] == '0') return false;  // "007" stays text
  std::optional<int64_t> v = parse_int(s);
  if (!v) return false;
  *value = *v;
  return true;
}

Result<bool> boolean(const YAML::Node& node, const SourceLoc& loc, const std::string& what) {
  if (node.IsScalar()) {
    std::string s = ascii_lower(node.Scalar());
    if (s == "true") return true;
    if (s == "false") return false;
  }
  return fail_at(ErrorKind::bad_input, loc, what + " must be true or false, not " + shape_of(node));
}

Result<int64_t> integer(const YAML::Node& node, const SourceLoc& loc, const std::string& what) {
  if (node.IsScalar()) {
    if (std::optional<int64_t> v = parse_int(node.Scalar())) return *v;
  }
  return fail_at(ErrorKind::bad_input, loc, what + " must be a whole number, not " + shape_of(node));
}

Result<double> number_in(const YAML::Node& node, const SourceLoc& loc, const std::string& what, double min,
                         double max) {
  std::string range = fmt::format(" between {:g} and {:g}", min, max);
  if (node.IsScalar()) {
    const std::string& s = node.Scalar();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty() && std::isfinite(v)) {
      if (v >= min && v <= max) return v;
      return fail_at(ErrorKind::bad_input, loc, what + " is " + s + "; it must be" + range);
    }
  }
  return fail_at(ErrorKind::bad_input, loc, what + " must be a number" + range + ", not " + shape_of(node));
}

Result<int64_t> duration_us(const YAML::Node& node, const SourceLoc& loc, const std::string& what,
                            bool allow_zero) {
  const std::string hint = "; write digits and a unit s, m, h or d, e.g. 30m or 7d";
  if (!node.IsScalar()) return fail_at(ErrorKind::bad_input, loc, what + " must be a duration" + hint);
  const std::string& s = node.Scalar();
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  if (digits == 0 || digits + 1 != s.size() || digits > 12)
    return fail_at(ErrorKind::bad_input, loc, what + " '" + s + "' is not a duration" + hint);
  int64_t unit_us = 0;
  switch (s.back()) {
    case 's': unit_us = 1'000'000; break;
    case 'm': unit_us = 60'000'000; break;
    case 'h': unit_us = 3'600'000'000; break;
    case 'd': unit_us = 86'400'000'000; break;
    default:
      return fail_at(ErrorKind::bad_input, loc, what + " '" + s + "' has an unknown unit" + hint);
  }
  int64_t count = *parse_int(s.substr(0, digits));
  if (count == 0 && !allow_zero)
    return fail_at(ErrorKind::bad_input, loc, what + " is zero; omit it for no time limit");
  if (count > std::numeric_limits<int64_t>::max() / unit_us)
    return fail_at(ErrorKind::limit, loc, what + " '" + s + "' is too long; use at most a few years");
  return count * unit_us;
}

}  // namespace pm::rules::loader
