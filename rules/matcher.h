// Runs compiled rules over a case and evaluates correlations. Base rules
// yield Matches; correlation rules (event_count, value_count, temporal,
// temporal_ordered) group their base rules' matches by the group-by fields
// (through aliases) and yield CorrelationHits. One Matcher per thread (it
// holds the Database reference); the Database must outlive it. Callers run
// build_derived_tables (rules/derived_tables.h) on the connection first.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"
#include "rules/compiler.h"
#include "rules/rule.h"

namespace pm::rules {

struct Match {
  const Rule* rule = nullptr;
  std::optional<int64_t> event_id, time_us, host_id, location, order_key;
  int64_t source_id = 0;
  std::string message;
  std::map<std::string, std::string> fields;  // requested fields that were not NULL
};

struct CorrelationHit {
  const Rule* rule = nullptr;                 // the correlation rule
  std::map<std::string, std::string> group;   // group-by field -> value
  std::vector<Match> members;                 // the base matches that satisfied it, in order
  std::optional<int64_t> first_us, last_us;   // over timed members
  int64_t count = 0;                          // event_count / value_count: the counted value;
                                              // temporal types: the number of rules seen
};

// Runs one query; rows are appended to `out` (fields named by query.fields).
Status run_query(db::Database& db, const CompiledQuery& query, const Rule* rule, std::vector<Match>& out);

// Runs one query and hands each row to `sink` as a Match without keeping
// them (memory stays bounded however many rows match); `sink` returns false
// to stop early.
Status for_each_match(db::Database& db, const CompiledQuery& query, const Rule* rule,
                      const std::function<bool(const Match&)>& sink);

// Base-rule matches of one detection rule (all hosts, whole case).
Result<std::vector<Match>> match_rule(db::Database& db, const Rule& rule, const Mapping& mapping,
                                      const std::vector<std::string>& fields = {});

// The rule a correlation names (`ref`: a rule's name, else its id) in
// `rules`, or nullptr.
const Rule* find_base_rule(const std::vector<Rule>& rules, const std::string& ref);

// The fields a correlation reads from one of its base rules, as that rule
// names them: each group-by field through `aliases` (a field that is not an
// alias keeps its name), then value_count's field (also through aliases).
// In that order, without duplicates.
std::vector<std::string> correlation_fields(const Correlation& correlation, const Rule& base);

// Evaluates a correlation rule over `rules` (which must contain its base
// rules). Ordering within a group: time_us when both rows have one, else
// order_key, else (source_id, location). Untimed rows never fail a timespan.
// Each group is reported once, for its first satisfying window (timespan
// inclusive, 0 = unlimited); for temporal_ordered the members also include
// every later match of the chain's last rule. Members carry the fields the
// correlation reads (correlation_fields) and their messages. A missing
// group-by value groups like SQL NULL and is left out of `group`. Hits come
// ordered by first_us (untimed groups last).
Result<std::vector<CorrelationHit>> match_correlation(db::Database& db, const Rule& correlation,
                                                      const std::vector<Rule>& rules, const Mapping& mapping);

}  // namespace pm::rules
