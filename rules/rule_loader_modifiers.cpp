// Modifier and value checks of one `field|mod...` entry
// (rules/rule_loader_internal.h), including RE2 compilation of `re` values.
#include <re2/re2.h>

#include <algorithm>
#include <array>

#include "parsers/core/net_util.h"
#include "rules/rule_loader_internal.h"

namespace pm::rules::loader {
namespace {

constexpr std::array<std::string_view, 19> kSupported = {
    "contains", "startswith", "endswith", "all", "re", "i", "m", "s", "cidr", "windash",
    "exists", "gt", "gte", "lt", "lte", "base64", "base64offset", "cased", "expand"};

std::string supported_list() {
  std::string out;
  for (std::string_view m : kSupported) out += (out.empty() ? "" : ", ") + std::string(m);
  return out;
}

std::string unsupported_hint(const std::string& mod) {
  if (mod == "wide" || mod == "utf16" || mod == "utf16le" || mod == "utf16be")
    return "UTF-16 encoded matching is not supported; match the decoded text or drop the selection";
  if (mod == "fieldref")
    return "comparing two fields is not supported; drop the entry or correlate the fields in a correlation rule";
  return "remove it; supported modifiers are " + supported_list();
}

// address/prefix, IPv4 (prefix 0..32) or IPv6 (0..128), no zone suffix.
bool valid_cidr(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view addr = s.substr(0, slash);
  std::string_view prefix = s.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3 || (prefix.size() > 1 && prefix[0] == '0')) return false;
  int bits = 0;
  for (char c : prefix) {
    if (c < '0' || c > '9') return false;
    bits = bits * 10 + (c - '0');
  }
  if (is_ipv4(addr)) return bits <= 32;
  if (addr.find('%') == std::string_view::npos && is_ipv6(addr)) return bits <= 128;
  return false;
}

Status check_regex(const SigmaValue& v, const FieldMatch& m, const std::string& key) {
  std::string flags;
  for (const char* f : {"i", "m", "s"})
    if (std::find(m.modifiers.begin(), m.modifiers.end(), f) != m.modifiers.end()) flags += f;
  RE2::Options options;
  options.set_log_errors(false);  // library code never prints
  RE2 re(flags.empty() ? v.text : "(?" + flags + ")" + v.text, options);
  if (re.ok()) return Status::ok();
  return fail_at(ErrorKind::bad_input, v.loc,
                 "regular expression '" + v.text + "' in '" + key + "' does not compile: " + re.error() +
                     "; use RE2 syntax (no look-around, no backreferences)");
}

}  // namespace

Status check_field_match(const FieldMatch& match, const std::string& key) {
  const auto& mods = match.modifiers;
  auto has = [&](std::string_view name) { return std::find(mods.begin(), mods.end(), name) != mods.end(); };
  auto fail = [&](ErrorKind kind, const std::string& what) { return fail_at(kind, match.loc, what); };
  const std::string in_key = " in '" + key + "'";

  for (size_t i = 0; i < mods.size(); ++i) {
    if (std::find(kSupported.begin(), kSupported.end(), mods[i]) == kSupported.end())
      return fail(ErrorKind::unsupported, "unsupported modifier '" + mods[i] + "'" + in_key + ": " +
                                              unsupported_hint(mods[i]));
    if (std::find(mods.begin(), mods.begin() + static_cast<std::ptrdiff_t>(i), mods[i]) !=
        mods.begin() + static_cast<std::ptrdiff_t>(i))
      return fail(ErrorKind::bad_input, "modifier '" + mods[i] + "' appears twice" + in_key + "; keep one");
  }

  int positions = int(has("contains")) + int(has("startswith")) + int(has("endswith"));
  if (positions > 1)
    return fail(ErrorKind::bad_input, "contains, startswith and endswith exclude each other" + in_key + "; keep one");
  for (const char* flag : {"i", "m", "s"})
    if (has(flag) && !has("re"))
      return fail(ErrorKind::bad_input, std::string("modifier '") + flag + "' only applies to 're'" + in_key +
                                            "; add re or remove it");
  if (has("re")) {
    for (const char* other : {"contains", "startswith", "endswith", "base64", "base64offset", "windash", "cidr"})
      if (has(other))
        return fail(ErrorKind::bad_input, std::string("'re' cannot be combined with '") + other + "'" + in_key +
                                              "; express it in the regular expression");
  }
  if (has("base64offset") && !has("contains"))
    return fail(ErrorKind::bad_input, "'base64offset' needs 'contains'" + in_key +
                                          "; write '" + match.field + "|base64offset|contains'");
  if (has("base64") && has("base64offset"))
    return fail(ErrorKind::bad_input, "'base64' and 'base64offset' exclude each other" + in_key + "; keep one");
  if (has("cidr")) {
    for (const char* other : {"contains", "startswith", "endswith", "base64", "base64offset", "windash"})
      if (has(other))
        return fail(ErrorKind::bad_input, std::string("'cidr' cannot be combined with '") + other + "'" + in_key +
                                              "; match the address range alone");
  }

  int comparisons = int(has("gt")) + int(has("gte")) + int(has("lt")) + int(has("lte"));
  bool exists = has("exists");
  std::string sole;  // the modifier that must stand alone, if any
  for (const std::string& m : mods)
    if (sole.empty() && (m == "exists" || m == "gt" || m == "gte" || m == "lt" || m == "lte")) sole = m;
  if (!sole.empty() && mods.size() != 1)
    return fail(ErrorKind::bad_input, "'" + sole + "' must be the only modifier" + in_key +
                                          "; write one entry per comparison");
  if (exists && (match.values.size() != 1 || match.values[0].kind != SigmaValue::Kind::boolean))
    return fail(ErrorKind::bad_input, "'exists'" + in_key + " takes one value, true or false");

  bool transforms = positions > 0 || has("re") || has("base64") || has("base64offset") || has("windash") ||
                    has("cidr") || has("expand");
  for (const SigmaValue& v : match.values) {
    if (comparisons > 0 && v.kind != SigmaValue::Kind::integer)
      return fail_at(ErrorKind::bad_input, v.loc, "'" + sole + "'" + in_key + " compares numbers; '" + v.text +
                                                      "' is not a whole number");
    if (transforms && v.kind == SigmaValue::Kind::null)
      return fail_at(ErrorKind::bad_input, v.loc, "null cannot be used with modifiers" + in_key +
                                                      "; write 'field: null' without modifiers");
    if (has("cidr") && !valid_cidr(v.text))
      return fail_at(ErrorKind::bad_input, v.loc, "'" + v.text + "'" + in_key +
                                                      " is not an IPv4 or IPv6 CIDR range; write e.g. 10.0.0.0/8");
    if (has("re")) {
      if (Status st = check_regex(v, match, key); !st) return st;
    }
  }
  return Status::ok();
}

}  // namespace pm::rules::loader
