// Sigma detections and logsources (rules/rule_loader_internal.h): selections,
// field keys with modifiers, values, conditions.
#include "parsers/core/strings.h"
#include "rules/condition.h"
#include "rules/rule_loader_internal.h"

namespace pm::rules::loader {
namespace {

Result<SigmaValue> parse_value(const YAML::Node& node, const SourceLoc& loc, const std::string& what) {
  SigmaValue v;
  v.loc = loc;
  if (node.IsNull()) {
    v.kind = SigmaValue::Kind::null;
    return v;
  }
  if (!node.IsScalar())
    return fail_at(ErrorKind::bad_input, loc,
                   what + " holds a nested " + std::string(node.IsMap() ? "map" : "list") +
                       "; values must be plain texts or numbers (a list of them means any of them)");
  v.text = node.Scalar();
  bool flag = false;
  if (plain_integer(node, &v.number)) {
    v.kind = SigmaValue::Kind::integer;
  } else if (plain_boolean(node, &flag)) {
    v.kind = SigmaValue::Kind::boolean;
  }
  return v;
}

// The location of a list item: its own line, or the list's when yaml-cpp
// marks an empty item at a later token.
SourceLoc item_loc(const YAML::Node& item, const SourceLoc& list_loc) {
  if (item.IsNull()) return list_loc;
  SourceLoc loc = loc_of(list_loc.file, item);
  return loc.line == 0 ? list_loc : loc;
}

Result<std::vector<SigmaValue>> parse_values(const MapEntry& e) {
  std::vector<SigmaValue> values;
  const std::string what = "'" + e.key + "'";
  if (!e.value.IsSequence()) {
    auto v = parse_value(e.value, e.value.IsMap() ? e.key_loc : e.value_loc, what);
    if (!v) return v.status();
    values.push_back(std::move(v.value()));
    return values;
  }
  for (const YAML::Node& item : e.value) {
    auto v = parse_value(item, item_loc(item, e.value_loc), what);
    if (!v) return v.status();
    values.push_back(std::move(v.value()));
  }
  return values;
}

// One map of a selection: its entries are AND-ed.
Result<std::vector<FieldMatch>> parse_field_map(const YAML::Node& node, const SourceLoc& loc,
                                                const std::string& selection) {
  auto entries = map_entries(node, loc, "selection '" + selection + "'");
  if (!entries) return entries.status();
  if (entries->empty())
    return fail_at(ErrorKind::bad_input, loc, "selection '" + selection + "' has an empty map; add field: value entries");
  std::vector<FieldMatch> matches;
  for (const MapEntry& e : entries.value()) {
    FieldMatch m;
    m.loc = e.key_loc;
    size_t bar = e.key.find('|');
    m.field = e.key.substr(0, bar);
    while (bar != std::string::npos) {
      size_t next = e.key.find('|', bar + 1);
      std::string mod = ascii_lower(e.key.substr(bar + 1, next == std::string::npos ? std::string::npos : next - bar - 1));
      if (mod.empty())
        return fail_at(ErrorKind::bad_input, e.key_loc, "empty modifier in '" + e.key + "'; remove the extra '|'");
      m.modifiers.push_back(std::move(mod));
      bar = next;
    }
    auto values = parse_values(e);
    if (!values) return values.status();
    m.values = std::move(values.value());
    if (Status st = check_field_match(m, e.key); !st) return st;
    matches.push_back(std::move(m));
  }
  return matches;
}

Result<Selection> parse_selection(const MapEntry& e) {
  Selection s;
  s.name = e.key;
  s.loc = e.key_loc;
  const YAML::Node& v = e.value;
  const std::string what = "selection '" + e.key + "'";
  if (v.IsMap()) {
    auto alt = parse_field_map(v, e.value_loc, e.key);
    if (!alt) return alt.status();
    s.alternatives.push_back(std::move(alt.value()));
    return s;
  }
  if (v.IsScalar()) {
    s.keywords = true;
    auto kw = parse_value(v, e.value_loc, what);
    if (!kw) return kw.status();
    s.keyword_values.push_back(std::move(kw.value()));
    return s;
  }
  if (v.IsNull() || (v.IsSequence() && v.size() == 0))
    return fail_at(ErrorKind::bad_input, e.key_loc, what + " is empty; give it field: value entries or keywords");
  size_t maps = 0;
  for (const YAML::Node& item : v) maps += item.IsMap() ? 1 : 0;
  if (maps != 0 && maps != v.size())
    return fail_at(ErrorKind::bad_input, e.value_loc,
                   what + " mixes maps and plain values; use a list of maps (any of them) or a list of keywords");
  s.keywords = maps == 0;
  for (const YAML::Node& item : v) {
    SourceLoc loc = item_loc(item, e.value_loc);
    if (s.keywords) {
      if (item.IsNull())
        return fail_at(ErrorKind::bad_input, loc, what + " has an empty keyword; remove it");
      auto kw = parse_value(item, loc, what);
      if (!kw) return kw.status();
      s.keyword_values.push_back(std::move(kw.value()));
    } else {
      auto alt = parse_field_map(item, loc, e.key);
      if (!alt) return alt.status();
      s.alternatives.push_back(std::move(alt.value()));
    }
  }
  return s;
}

}  // namespace

Result<Logsource> parse_logsource(const YAML::Node& node, const SourceLoc& loc, bool strict) {
  auto entries = map_entries(node, loc, "logsource");
  if (!entries) return entries.status();
  if (strict) {
    if (Status st = only_keys(entries.value(), {"product", "service", "category"}, "evidence logsource"); !st)
      return st;
  }
  Logsource ls;
  ls.loc = loc;
  for (const MapEntry& e : entries.value()) {
    std::string* slot = e.key == "product" ? &ls.product
                        : e.key == "service" ? &ls.service
                        : e.key == "category" ? &ls.category
                                              : nullptr;
    if (!slot) continue;  // definition and custom keys carry no matching meaning
    auto t = text(e.value, e.value_loc, "logsource " + e.key);
    if (!t) return t.status();
    *slot = std::move(t.value());
  }
  if (ls.product.empty() && ls.service.empty() && ls.category.empty())
    return fail_at(ErrorKind::bad_input, loc, "logsource names no product, service or category; add at least one");
  return ls;
}

Result<Detection> parse_detection(const YAML::Node& node, const SourceLoc& loc) {
  auto entries = map_entries(node, loc, "detection");
  if (!entries) return entries.status();
  Detection d;
  std::vector<std::pair<std::string, SourceLoc>> conditions;
  for (const MapEntry& e : entries.value()) {
    if (e.key == "condition") {
      d.condition_loc = e.value_loc;
      if (e.value.IsSequence()) {
        for (const YAML::Node& item : e.value) {
          SourceLoc item_at = item_loc(item, e.value_loc);
          if (!item.IsScalar())
            return fail_at(ErrorKind::bad_input, item_at, "each condition in the list must be a text");
          conditions.emplace_back(item.Scalar(), item_at);
        }
      } else {
        if (!e.value.IsScalar())
          return fail_at(ErrorKind::bad_input, e.value_loc,
                         "condition must be a text or a list of texts, e.g. condition: selection and not filter");
        conditions.emplace_back(e.value.Scalar(), e.value_loc);
      }
      continue;
    }
    if (e.key == "timeframe")
      return fail_at(ErrorKind::unsupported, e.key_loc,
                     "timeframe is not supported in a detection; use a correlation rule with timespan");
    auto s = parse_selection(e);
    if (!s) return s.status();
    d.selections.push_back(std::move(s.value()));
  }
  if (conditions.empty())
    return fail_at(ErrorKind::bad_input, loc, "detection has no condition; add one, e.g. condition: selection");
  if (d.selections.empty())
    return fail_at(ErrorKind::bad_input, loc, "detection has no selection; add one, e.g. selection: {EventID: 7045}");
  for (auto& [condition, at] : conditions) {
    auto tree = parse_condition(condition, d.selections, at);
    if (!tree) return tree.status();
    d.conditions.push_back(std::move(condition));
  }
  return d;
}

}  // namespace pm::rules::loader
