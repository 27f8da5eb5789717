// The modifiers of one `field|mod|...` entry and what each value becomes
// under them (rules/compiler_detail.h): string alternatives after expand,
// windash, base64 and base64offset, or bound regular expressions, CIDR
// ranges and numbers, each checked here so that a bad one names its line.
#include <re2/re2.h>

#include <algorithm>
#include <string>
#include <vector>

#include "db/sql_functions.h"
#include "parsers/core/net_util.h"
#include "rules/compiler_detail.h"

namespace pm::rules::compiler {

Status refuse(ErrorKind kind, const SourceLoc& loc, const std::string& what) {
  return Status::error(kind, loc.file.empty() ? what : loc.str() + ": " + what);
}

Result<Modifiers> parse_modifiers(const FieldMatch& fm) {
  Modifiers m;
  std::string flags;
  for (const std::string& mod : fm.modifiers) {
    Position pos = mod == "contains" ? Position::contains
                   : mod == "startswith" ? Position::startswith
                   : mod == "endswith"   ? Position::endswith
                                         : Position::none;
    if (pos != Position::none) {
      if (m.position != Position::none && m.position != pos)
        return refuse(ErrorKind::unsupported, fm.loc, "modifiers contains, startswith and endswith exclude each other");
      m.position = pos;
    } else if (mod == "all") m.all = true;
    else if (mod == "cased") m.cased = true;
    else if (mod == "re") m.re = true;
    else if (mod == "cidr") m.cidr = true;
    else if (mod == "exists") m.exists = true;
    else if (mod == "expand") m.expand = true;
    else if (mod == "i" || mod == "ignorecase") flags += 'i';
    else if (mod == "m" || mod == "multiline") flags += 'm';
    else if (mod == "s" || mod == "dotall") flags += 's';
    else if (mod == "gt" || mod == "gte" || mod == "lt" || mod == "lte") {
      if (!m.compare.empty() && m.compare != mod)
        return refuse(ErrorKind::unsupported, fm.loc, "modifiers " + m.compare + " and " + mod + " exclude each other");
      m.compare = mod;
    } else if (mod == "windash" || mod == "base64" || mod == "base64offset") m.transforms.push_back(mod);
    else return refuse(ErrorKind::unsupported, fm.loc, "modifier '" + mod + "' is not supported");
  }
  for (char f : std::string("ims"))
    if (flags.find(f) != std::string::npos) m.re_flags += f;
  auto has = [&](const char* t) { return std::find(m.transforms.begin(), m.transforms.end(), t) != m.transforms.end(); };
  bool strings = m.position != Position::none || !m.transforms.empty();
  if (!m.re_flags.empty() && !m.re)
    return refuse(ErrorKind::unsupported, fm.loc, "modifiers i, m and s apply to 're' only");
  if (m.re && (strings || m.cidr))
    return refuse(ErrorKind::unsupported, fm.loc, "'re' cannot be combined with string or cidr modifiers");
  if (m.cidr && strings) return refuse(ErrorKind::unsupported, fm.loc, "'cidr' cannot be combined with string modifiers");
  if (m.exists && fm.modifiers.size() != 1)
    return refuse(ErrorKind::unsupported, fm.loc, "'exists' cannot be combined with other modifiers");
  if (!m.compare.empty() && (strings || m.re || m.cidr || m.expand))
    return refuse(ErrorKind::unsupported, fm.loc, "'" + m.compare + "' cannot be combined with other match modifiers");
  if (has("base64") && has("base64offset"))
    return refuse(ErrorKind::unsupported, fm.loc, "'base64' and 'base64offset' exclude each other");
  if (has("base64offset")) {
    if (m.position == Position::startswith || m.position == Position::endswith)
      return refuse(ErrorKind::unsupported, fm.loc, "'base64offset' matches with 'contains' only");
    m.position = Position::contains;
  }
  return m;
}

// -------------------------------------------------------------- value specs

namespace {

Result<std::vector<std::string>> raw_values(const SigmaValue& v, const Modifiers& m, const Context& ctx) {
  std::string raw = v.kind == SigmaValue::Kind::integer ? std::to_string(v.number) : v.text;
  if (!m.expand) return std::vector<std::string>{raw};
  return expand_raw(raw, ctx.options.placeholders, v.loc);
}

Result<ValueSpec> string_spec(const SigmaValue& v, const Modifiers& m, const Context& ctx) {
  ValueSpec spec;
  std::string raw = v.kind == SigmaValue::Kind::integer ? std::to_string(v.number) : v.text;
  std::vector<Pattern> patterns;
  if (m.expand) {
    auto expanded = expand_patterns(raw, ctx.options.placeholders, v.loc);
    if (!expanded) return expanded.status();
    patterns = std::move(expanded.value());
  } else {
    patterns.push_back(parse_sigma_string(raw));
  }
  for (Pattern& p : patterns) spec.alts.push_back({std::move(p), m.cased});
  for (const std::string& t : m.transforms) {
    std::vector<MatchValue> next;
    for (const MatchValue& mv : spec.alts) {
      if (t == "windash") {
        for (Pattern& p : windash_variants(mv.pattern)) next.push_back({std::move(p), mv.exact});
        continue;
      }
      if (has_wildcards(mv.pattern))
        return refuse(ErrorKind::unsupported, v.loc, "'" + t + "' of a value with wildcards ('" + v.text +
                                                         "'): escape them (\\*, \\?) or drop the modifier");
      std::string bytes = literal_text(mv.pattern);
      std::vector<std::string> encoded =
          t == "base64" ? std::vector<std::string>{base64_encode(bytes)} : base64_offsets(bytes);
      for (const std::string& e : encoded) next.push_back({literal_pattern(e), true});  // base64 is case-sensitive
    }
    spec.alts = std::move(next);
  }
  for (MatchValue& mv : spec.alts) {
    if (m.position == Position::contains || m.position == Position::endswith)
      mv.pattern.insert(mv.pattern.begin(), Token{Token::Kind::any, 0});
    if (m.position == Position::contains || m.position == Position::startswith)
      mv.pattern.push_back(Token{Token::Kind::any, 0});
  }
  return spec;
}

}  // namespace

Result<ValueSpec> value_spec(const SigmaValue& v, const Modifiers& m, Context& ctx) {
  bool plain = m.position == Position::none && m.transforms.empty() && !m.re && !m.cidr && m.compare.empty();
  if (v.kind == SigmaValue::Kind::null) {
    if (!plain) return refuse(ErrorKind::unsupported, v.loc, "null cannot be used with match modifiers");
    return ValueSpec{ValueSpec::Kind::null, {}, {}};
  }
  if (m.re || m.cidr) {
    auto raws = raw_values(v, m, ctx);
    if (!raws) return raws.status();
    ValueSpec spec{m.re ? ValueSpec::Kind::regexp : ValueSpec::Kind::cidr, {}, {}};
    for (const std::string& raw : raws.value()) {
      if (m.cidr) {
        if (!db::parse_cidr(raw))
          return refuse(ErrorKind::usage, v.loc, "'" + raw + "' is not an IPv4 or IPv6 CIDR range (e.g. 10.0.0.0/8)");
        spec.params.push_back(ctx.params.add(raw));
        continue;
      }
      std::string pattern = m.re_flags.empty() ? raw : "(?" + m.re_flags + ")" + raw;
      RE2::Options options;
      options.set_log_errors(false);
      RE2 re(pattern, options);
      if (!re.ok())
        return refuse(ErrorKind::usage, v.loc, "regular expression '" + raw + "' does not compile: " + re.error());
      spec.params.push_back(ctx.params.add(pattern));
    }
    return spec;
  }
  if (!m.compare.empty()) {
    std::optional<int64_t> n = v.kind == SigmaValue::Kind::integer ? std::optional<int64_t>(v.number) : parse_int(v.text);
    if (!n) return refuse(ErrorKind::unsupported, v.loc, "'" + m.compare + "' compares whole numbers; '" + v.text + "' is not one");
    return ValueSpec{ValueSpec::Kind::compare, {}, {ctx.params.add(*n)}};
  }
  return string_spec(v, m, ctx);
}

}  // namespace pm::rules::compiler
