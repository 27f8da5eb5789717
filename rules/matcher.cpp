// Runs compiled detections (rules/compiler.h) and turns their rows into
// Matches. Correlations are in rules/correlation.cpp.
#include "rules/matcher.h"

#include <utility>

namespace pm::rules {
namespace {

// The standard result columns of a compiled query (rules/compiler.h).
enum Column : int {
  kEventId = 0,
  kTime = 1,
  kHost = 2,
  kSource = 3,
  kLocation = 4,
  kMessage = 5,
  kOrderKey = 6,
  kFirstField = 7,
};

std::string rule_name(const Rule* rule) {
  if (rule == nullptr) return "query";
  return "rule " + rule->id + " (" + rule->loc.str() + ")";
}

}  // namespace

Status for_each_match(db::Database& db, const CompiledQuery& query, const Rule* rule,
                      const std::function<bool(const Match&)>& sink) {
  auto st = db.prepare(query.sql);
  if (!st) return Status::error(st.status().kind(), rule_name(rule) + ": preparing its SQL: " + st.status().message());
  for (size_t i = 0; i < query.params.size(); ++i) st->bind(static_cast<int>(i + 1), query.params[i]);
  const int needed = kFirstField + static_cast<int>(query.fields.size());
  if (st->column_count() < needed)
    return Status::error(ErrorKind::bad_input, rule_name(rule) + ": its SQL returns " +
                                                   std::to_string(st->column_count()) + " columns, expected " +
                                                   std::to_string(needed));
  Match m;
  for (;;) {
    auto more = st->step();
    if (!more) return Status::error(more.status().kind(), rule_name(rule) + ": " + more.status().message());
    if (!more.value()) break;
    m.rule = rule;
    m.event_id = st->column_optional_int(kEventId);
    m.time_us = st->column_optional_int(kTime);
    m.host_id = st->column_optional_int(kHost);
    m.source_id = st->is_null(kSource) ? 0 : st->column_int(kSource);
    m.location = st->column_optional_int(kLocation);
    if (st->is_null(kMessage))
      m.message.clear();
    else
      m.message.assign(st->column_text(kMessage));
    m.order_key = st->column_optional_int(kOrderKey);
    m.fields.clear();
    for (size_t f = 0; f < query.fields.size(); ++f) {
      const int col = kFirstField + static_cast<int>(f);
      if (!st->is_null(col)) m.fields.emplace(query.fields[f], std::string(st->column_text(col)));
    }
    if (!sink(m)) break;
  }
  return Status::ok();
}

Status run_query(db::Database& db, const CompiledQuery& query, const Rule* rule, std::vector<Match>& out) {
  return for_each_match(db, query, rule, [&out](const Match& m) {
    out.push_back(m);
    return true;
  });
}

Result<std::vector<Match>> match_rule(db::Database& db, const Rule& rule, const Mapping& mapping,
                                      const std::vector<std::string>& fields) {
  if (!rule.detection)
    return Status::error(ErrorKind::usage, "rule " + rule.id + " (" + rule.loc.str() +
                                               ") has no detection: a correlation runs through match_correlation");
  CompileOptions options;
  options.fields = fields;
  auto query = compile_detection(*rule.detection, rule.logsource, mapping, options);
  if (!query) return query.status();
  std::vector<Match> out;
  if (Status s = run_query(db, query.value(), &rule, out); !s) return s;
  return out;
}

}  // namespace pm::rules
