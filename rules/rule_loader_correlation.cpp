// Sigma correlation blocks (rules/rule_loader_internal.h).
#include <algorithm>

#include "rules/rule_loader_internal.h"

namespace pm::rules::loader {
namespace {

Result<CorrelationType> parse_type(const MapEntry& e) {
  auto t = text(e.value, e.value_loc, "correlation type");
  if (!t) return t.status();
  const std::string& s = t.value();
  if (s == "event_count") return CorrelationType::event_count;
  if (s == "value_count") return CorrelationType::value_count;
  if (s == "temporal") return CorrelationType::temporal;
  if (s == "temporal_ordered") return CorrelationType::temporal_ordered;
  return fail_at(ErrorKind::unsupported, e.value_loc,
                 "correlation type '" + s + "' is not supported; use event_count, value_count, temporal or "
                                            "temporal_ordered");
}

Status parse_condition_map(const MapEntry& e, CorrelationCondition& out) {
  auto entries = map_entries(e.value, e.value_loc, "correlation condition");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"gt", "gte", "lt", "lte", "eq", "neq", "field"},
                            "correlation condition");
      !st)
    return st;
  for (const MapEntry& c : entries.value()) {
    if (c.key == "field") {
      auto f = text(c.value, c.value_loc, "condition field");
      if (!f) return f.status();
      out.field = std::move(f.value());
      continue;
    }
    auto n = integer(c.value, c.value_loc, "condition " + c.key);
    if (!n) return n.status();
    out.ops[c.key] = n.value();
  }
  if (out.ops.empty())
    return fail_at(ErrorKind::bad_input, e.value_loc,
                   "correlation condition has no comparison; add one of gt, gte, lt, lte, eq, neq, e.g. gte: 2");
  return Status::ok();
}

Status parse_aliases(const MapEntry& e, Correlation& c) {
  auto aliases = map_entries(e.value, e.value_loc, "correlation aliases");
  if (!aliases) return aliases.status();
  for (const MapEntry& a : aliases.value()) {
    auto per_rule = map_entries(a.value, a.value_loc, "alias '" + a.key + "'");
    if (!per_rule) return per_rule.status();
    if (per_rule->empty())
      return fail_at(ErrorKind::bad_input, a.key_loc, "alias '" + a.key + "' maps no rule; add rule: field entries");
    auto& fields = c.aliases[a.key];
    for (const MapEntry& r : per_rule.value()) {
      if (std::find(c.rules.begin(), c.rules.end(), r.key) == c.rules.end())
        return fail_at(ErrorKind::bad_input, r.key_loc,
                       "alias '" + a.key + "' names rule '" + r.key +
                           "', which is not in the correlation's rules; list it under rules or fix the name");
      auto field = text(r.value, r.value_loc, "alias '" + a.key + "' field");
      if (!field) return field.status();
      if (field->empty())
        return fail_at(ErrorKind::bad_input, r.value_loc, "alias '" + a.key + "' gives no field for rule '" + r.key + "'");
      fields[r.key] = std::move(field.value());
    }
  }
  return Status::ok();
}

}  // namespace

Result<Correlation> parse_correlation(const YAML::Node& node, const SourceLoc& loc) {
  auto entries = map_entries(node, loc, "correlation");
  if (!entries) return entries.status();
  if (Status st = only_keys(entries.value(), {"type", "rules", "group-by", "timespan", "condition", "aliases",
                                              "generate"},
                            "correlation");
      !st)
    return st;
  Correlation c;
  c.loc = loc;
  bool have_type = false, have_condition = false;
  const MapEntry* aliases = nullptr;
  for (const MapEntry& e : entries.value()) {
    if (e.key == "type") {
      auto t = parse_type(e);
      if (!t) return t.status();
      c.type = t.value();
      have_type = true;
    } else if (e.key == "rules") {
      auto r = text_list(e.value, e.value_loc, "correlation rules");
      if (!r) return r.status();
      c.rules = std::move(r.value());
    } else if (e.key == "group-by") {
      auto g = text_list(e.value, e.value_loc, "group-by");
      if (!g) return g.status();
      c.group_by = std::move(g.value());
    } else if (e.key == "timespan") {
      auto d = duration_us(e.value, e.value_loc, "timespan", false);
      if (!d) return d.status();
      c.timespan_us = d.value();
    } else if (e.key == "condition") {
      if (Status st = parse_condition_map(e, c.condition); !st) return st;
      have_condition = true;
    } else if (e.key == "aliases") {
      aliases = &e;  // checked against `rules`, which may come later
    } else if (e.key == "generate") {
      auto g = boolean(e.value, e.value_loc, "generate");
      if (!g) return g.status();
      c.generate = g.value();
    }
  }
  if (!have_type)
    return fail_at(ErrorKind::bad_input, loc,
                   "correlation has no type; add type: event_count, value_count, temporal or temporal_ordered");
  if (c.rules.empty())
    return fail_at(ErrorKind::bad_input, loc, "correlation lists no rules; add rules: [name of a base rule, ...]");
  bool counting = c.type == CorrelationType::event_count || c.type == CorrelationType::value_count;
  if (counting && !have_condition)
    return fail_at(ErrorKind::bad_input, loc,
                   std::string(c.type == CorrelationType::event_count ? "event_count" : "value_count") +
                       " correlation needs a condition; add e.g. condition: {gte: 5}");
  if (c.type == CorrelationType::value_count && c.condition.field.empty())
    return fail_at(ErrorKind::bad_input, loc, "value_count correlation needs condition.field naming the counted field");
  if (c.type != CorrelationType::value_count && !c.condition.field.empty())
    return fail_at(ErrorKind::bad_input, loc, "condition.field only applies to value_count correlations; remove it");
  if (aliases) {
    if (Status st = parse_aliases(*aliases, c); !st) return st;
  }
  return c;
}

}  // namespace pm::rules::loader
