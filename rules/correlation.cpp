// Correlation rules (Sigma correlation spec): the base rules' matches are
// grouped by the group-by fields, ordered within each group, and searched
// with a sliding timespan window. After the queries everything is
// O(n log n) in the number of matches: one sort per group, then linear
// two-pointer sweeps (temporal_ordered adds a binary search per chain step).
// Matches are held as compact rows (group and counted values interned, no
// message); only the members of hits become Matches, and their messages are
// read afterwards (by event_id, or by running a standalone table's query
// again), so memory does not hold every matched event's text.
//
// Windows. A window is a run of consecutive matches of a group (in group
// order) whose timed members lie within `timespan` (both ends included);
// untimed members never fail it; timespan 0 is unlimited. Only maximal
// windows are evaluated (each start's longest window, when it reaches further
// than the previous one), so `lt`/`lte` ask about whole clusters, not about a
// single match. Each group is reported once, for its first satisfying window.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rules/correlation_window.h"
#include "rules/matcher.h"

namespace pm::rules {
namespace {

using correlation_detail::Row;

template <class T>
struct Interner {
  std::unordered_map<std::string, uint32_t> ids;
  std::vector<T> values;
  uint32_t id(const std::string& key, const T& value) {
    auto [it, fresh] = ids.emplace(key, static_cast<uint32_t>(values.size()));
    if (fresh) values.push_back(value);
    return it->second;
  }
};
using GroupValues = std::vector<std::optional<std::string>>;

// The field `base` uses for the correlation-level name `field`.
std::string base_field(const Correlation& c, const Rule& base, const std::string& field) {
  auto alias = c.aliases.find(field);
  if (alias == c.aliases.end()) return field;
  for (const std::string* key : {&base.name, &base.id}) {
    if (key->empty()) continue;
    auto it = alias->second.find(*key);
    if (it != alias->second.end()) return it->second;
  }
  return field;
}

// One base rule of the correlation: its query and which output fields hold
// the group-by values and the counted value.
struct Base {
  const Rule* rule = nullptr;
  CompiledQuery query;
  std::vector<int> group_columns;  // per group-by name: column of the query
  int value_column = -1;
};

Status load_rows(db::Database& db, const Base& b, int rule_index, Interner<GroupValues>& groups,
                 Interner<std::string>& values, std::vector<Row>& out) {
  auto st = db.prepare(b.query.sql);
  if (!st) return Status::error(st.status().kind(), "rule " + b.rule->id + ": " + st.status().message());
  for (size_t i = 0; i < b.query.params.size(); ++i) st->bind(static_cast<int>(i + 1), b.query.params[i]);
  GroupValues key_values(b.group_columns.size());
  std::string key;
  for (uint32_t n = 0;; ++n) {
    auto more = st->step();
    if (!more) return Status::error(more.status().kind(), "rule " + b.rule->id + ": " + more.status().message());
    if (!more.value()) break;
    Row r;
    r.event_id = st->column_optional_int(0);
    r.time_us = st->column_optional_int(1);
    r.host_id = st->column_optional_int(2);
    r.source_id = st->is_null(3) ? 0 : st->column_int(3);
    r.location = st->column_optional_int(4);
    r.order_key = st->column_optional_int(6);
    r.row = n;
    r.rule = rule_index;
    key.clear();
    for (size_t g = 0; g < b.group_columns.size(); ++g) {
      const int col = b.group_columns[g];
      key_values[g] = st->is_null(col) ? std::nullopt : std::optional<std::string>(st->column_text(col));
      key += key_values[g] ? '\x01' + *key_values[g] : std::string(1, '\x00');
      key += '\x1f';
    }
    r.group = groups.id(key, key_values);
    if (b.value_column >= 0 && !st->is_null(b.value_column)) {
      std::string v(st->column_text(b.value_column));
      r.value = static_cast<int32_t>(values.id(v, v));
    }
    out.push_back(std::move(r));
  }
  return Status::ok();
}

// Reads the messages of the hits' members: by event_id for event tables,
// else by running the base query again.
Status fill_messages(db::Database& db, const std::vector<Base>& bases, const Mapping& mapping,
                     std::vector<std::pair<const Row*, Match*>>& members) {
  auto by_id = db.prepare("SELECT message FROM events WHERE event_id = ?1");
  if (!by_id) return by_id.status();
  std::vector<std::map<uint32_t, std::vector<Match*>>> rerun(bases.size());
  for (auto& [row, match] : members) {
    const Base& b = bases[static_cast<size_t>(row->rule)];
    const TableDef* table = b.query.logsource ? mapping.table(b.query.logsource->table) : nullptr;
    if (!(table && table->event_keyed && row->event_id)) {
      rerun[static_cast<size_t>(row->rule)][row->row].push_back(match);
      continue;
    }
    by_id->reset();
    by_id->bind(1, *row->event_id);
    auto more = by_id->step();
    if (!more) return more.status();
    if (more.value() && !by_id->is_null(0)) match->message.assign(by_id->column_text(0));
  }
  for (size_t i = 0; i < bases.size(); ++i) {
    if (rerun[i].empty()) continue;
    uint32_t n = 0;
    auto it = rerun[i].begin();
    Status s = for_each_match(db, bases[i].query, bases[i].rule, [&](const Match& m) {
      if (n++ == it->first) {
        for (Match* target : it->second) target->message = m.message;
        ++it;
      }
      return it != rerun[i].end();
    });
    if (!s) return s;
  }
  return Status::ok();
}

}  // namespace

const Rule* find_base_rule(const std::vector<Rule>& rules, const std::string& ref) {
  for (const Rule& r : rules)
    if (!r.name.empty() && r.name == ref) return &r;
  for (const Rule& r : rules)
    if (r.id == ref) return &r;
  return nullptr;
}

std::vector<std::string> correlation_fields(const Correlation& correlation, const Rule& base) {
  std::vector<std::string> out;
  auto add = [&](const std::string& f) {
    if (!f.empty() && std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  };
  for (const std::string& g : correlation.group_by) add(base_field(correlation, base, g));
  if (correlation.type == CorrelationType::value_count) add(base_field(correlation, base, correlation.condition.field));
  return out;
}

Result<std::vector<CorrelationHit>> match_correlation(db::Database& db, const Rule& correlation,
                                                      const std::vector<Rule>& rules, const Mapping& mapping) {
  if (!correlation.correlation)
    return Status::error(ErrorKind::usage, "rule " + correlation.id + " (" + correlation.loc.str() + ") is not a correlation");
  const Correlation& c = *correlation.correlation;
  const std::string where = "correlation " + correlation.id + " (" + c.loc.str() + ")";
  std::vector<Base> bases;
  for (const std::string& ref : c.rules) {
    const Rule* r = find_base_rule(rules, ref);
    if (r == nullptr) return Status::error(ErrorKind::bad_input, where + ": no rule named '" + ref + "'");
    if (!r->detection)
      return Status::error(ErrorKind::unsupported, where + ": rule '" + ref + "' is a correlation (correlations of "
                                                           "correlations are not supported)");
    if (std::any_of(bases.begin(), bases.end(), [r](const Base& b) { return b.rule == r; })) continue;
    Base b;
    b.rule = r;
    CompileOptions options;
    options.fields = correlation_fields(c, *r);
    auto q = compile_detection(*r->detection, r->logsource, mapping, options);
    if (!q) return Status::error(q.status().kind(), where + ": " + q.status().message());
    b.query = std::move(q.value());
    auto column = [&](const std::string& name) {
      const auto& f = b.query.fields;
      return 7 + static_cast<int>(std::find(f.begin(), f.end(), base_field(c, *r, name)) - f.begin());
    };
    for (const std::string& g : c.group_by) b.group_columns.push_back(column(g));
    if (c.type == CorrelationType::value_count) b.value_column = column(c.condition.field);
    bases.push_back(std::move(b));
  }
  if (bases.empty()) return Status::error(ErrorKind::bad_input, where + ": names no rules");

  std::vector<Row> rows;
  Interner<GroupValues> groups;
  Interner<std::string> values;
  for (size_t b = 0; b < bases.size(); ++b)
    if (Status s = load_rows(db, bases[b], static_cast<int>(b), groups, values, rows); !s)
      return Status::error(s.kind(), where + ": " + s.message());
  // A missing group-by value is a value of its own (as SQL GROUP BY treats NULL).
  std::vector<std::vector<const Row*>> by_group(groups.values.size());
  for (const Row& r : rows) by_group[r.group].push_back(&r);

  std::vector<CorrelationHit> hits;
  std::vector<std::pair<const Row*, size_t>> member_rows;  // row, hit index
  for (uint32_t g = 0; g < by_group.size(); ++g) {
    std::vector<const Row*> seq = correlation_detail::order_group(by_group[g]);
    auto found = correlation_detail::evaluate(c, seq, bases.size(), values.values.size());
    if (!found) continue;
    CorrelationHit hit;
    hit.rule = &correlation;
    for (size_t k = 0; k < c.group_by.size(); ++k)
      if (const auto& v = groups.values[g][k]) hit.group.emplace(c.group_by[k], *v);
    hit.count = found->count;
    for (size_t p : found->positions) {
      const Row& r = *seq[p];
      if (r.time_us) {
        if (!hit.first_us || *r.time_us < *hit.first_us) hit.first_us = r.time_us;
        if (!hit.last_us || *r.time_us > *hit.last_us) hit.last_us = r.time_us;
      }
      member_rows.emplace_back(&r, hits.size());
    }
    hits.push_back(std::move(hit));
  }
  // Members as Matches: the fields the base query read, then the messages.
  for (const auto& [row, h] : member_rows) {
    const Base& b = bases[static_cast<size_t>(row->rule)];
    Match m;
    m.rule = b.rule;
    m.event_id = row->event_id;
    m.time_us = row->time_us;
    m.host_id = row->host_id;
    m.location = row->location;
    m.order_key = row->order_key;
    m.source_id = row->source_id;
    for (size_t k = 0; k < b.group_columns.size(); ++k)
      if (const auto& v = groups.values[row->group][k]) m.fields.emplace(b.query.fields[static_cast<size_t>(b.group_columns[k] - 7)], *v);
    if (row->value >= 0)
      m.fields.emplace(b.query.fields[static_cast<size_t>(b.value_column - 7)], values.values[static_cast<size_t>(row->value)]);
    hits[h].members.push_back(std::move(m));
  }
  std::vector<std::pair<const Row*, Match*>> members;
  std::vector<size_t> next(hits.size(), 0);
  for (const auto& [row, h] : member_rows) members.emplace_back(row, &hits[h].members[next[h]++]);
  if (Status s = fill_messages(db, bases, mapping, members); !s) return Status::error(s.kind(), where + ": " + s.message());
  // Reported by first time (untimed groups last), then in group order.
  std::stable_sort(hits.begin(), hits.end(), [](const CorrelationHit& a, const CorrelationHit& b) {
    if (a.first_us.has_value() != b.first_us.has_value()) return a.first_us.has_value();
    return a.first_us < b.first_us;
  });
  return hits;
}

}  // namespace pm::rules
