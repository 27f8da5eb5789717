// The window search of correlation rules (rules/correlation_window.h).
#include "rules/correlation_window.h"

#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace pm::rules::correlation_detail {
namespace {

bool condition_holds(const std::map<std::string, int64_t>& ops, int64_t v) {
  for (const auto& [op, n] : ops) {
    bool ok = op == "gt" ? v > n : op == "gte" ? v >= n : op == "lt" ? v < n : op == "lte" ? v <= n
            : op == "eq" ? v == n : op == "neq" ? v != n : false;
    if (!ok) return false;
  }
  return true;
}

// Timed rows by time; untimed ones by order key, then file position.
bool timed_less(const Row* a, const Row* b) {
  return std::tie(*a->time_us, a->order_key, a->source_id, a->location, a->rule, a->row) <
         std::tie(*b->time_us, b->order_key, b->source_id, b->location, b->rule, b->row);
}
bool untimed_less(const Row* a, const Row* b) {
  if (a->order_key.has_value() != b->order_key.has_value()) return a->order_key.has_value();
  return std::tie(a->order_key, a->source_id, a->location, a->rule, a->row) <
         std::tie(b->order_key, b->source_id, b->location, b->rule, b->row);
}
// Where an untimed row goes among timed ones: by order key when both have
// one, else by (source_id, location); a tie keeps the timed one first.
bool untimed_before_timed(const Row* u, const Row* t) {
  if (u->order_key && t->order_key) return *u->order_key < *t->order_key;
  return std::tie(u->source_id, u->location) < std::tie(t->source_id, t->location);
}

// Microseconds between the first and the last timed rows of [i, j] of a
// sequence whose timed rows are in time order (0 when fewer than two).
class Span {
 public:
  explicit Span(const std::vector<const Row*>& seq) : seq_(seq), next_(seq.size()), prev_(seq.size()) {
    const size_t n = seq.size();
    size_t last = n;
    for (size_t i = 0; i < n; ++i) prev_[i] = last = seq[i]->time_us ? i : last;
    last = n;
    for (size_t i = n; i-- > 0;) next_[i] = last = seq[i]->time_us ? i : last;
  }
  int64_t width(size_t i, size_t j) const {
    const size_t a = next_[i], b = prev_[j];
    if (a == seq_.size() || b == seq_.size() || a > b) return 0;
    return *seq_[b]->time_us - *seq_[a]->time_us;
  }

 private:
  const std::vector<const Row*>& seq_;
  std::vector<size_t> next_, prev_;  // seq.size() = none
};

// event_count, value_count, temporal: the first maximal window whose
// statistic satisfies the condition.
std::optional<Found> sliding(const Correlation& c, const std::vector<const Row*>& seq, size_t rule_count,
                             size_t value_count) {
  const size_t n = seq.size();
  std::vector<size_t> ends(n, n - 1);  // ends[i]: last position of start i's longest window
  if (c.timespan_us > 0) {
    Span span(seq);
    for (size_t i = 0, j = 0; i < n; ++i) {
      j = std::max(j, i);
      while (j + 1 < n && span.width(i, j + 1) <= c.timespan_us) ++j;
      ends[i] = j;
    }
  }
  std::vector<int64_t> per_value(value_count, 0), per_rule(rule_count, 0);
  int64_t distinct_values = 0, distinct_rules = 0;
  auto update = [&](size_t p, int delta) {
    const Row& r = *seq[p];
    if (r.value >= 0) {
      int64_t& k = per_value[static_cast<size_t>(r.value)];
      distinct_values += (k == 0 && delta > 0) - (k == 1 && delta < 0);
      k += delta;
    }
    int64_t& k = per_rule[static_cast<size_t>(r.rule)];
    distinct_rules += (k == 0 && delta > 0) - (k == 1 && delta < 0);
    k += delta;
  };
  size_t added = 0;  // positions [i, added) are in the window state
  for (size_t i = 0; i < n; ++i) {
    if (i > 0) update(i - 1, -1);
    while (added <= ends[i]) update(added++, +1);
    if (i > 0 && ends[i] == ends[i - 1]) continue;  // not maximal: inside the previous window
    int64_t stat = 0;
    bool ok = false;
    if (c.type == CorrelationType::event_count) {
      stat = static_cast<int64_t>(ends[i] - i + 1);
      ok = condition_holds(c.condition.ops, stat);
    } else if (c.type == CorrelationType::value_count) {
      stat = distinct_values;
      ok = stat > 0 && condition_holds(c.condition.ops, stat);
    } else {
      stat = distinct_rules;
      ok = c.condition.ops.empty() ? stat == static_cast<int64_t>(rule_count) : condition_holds(c.condition.ops, stat);
    }
    if (!ok) continue;
    Found f;
    f.count = stat;
    for (size_t p = i; p <= ends[i]; ++p)
      if (c.type != CorrelationType::value_count || seq[p]->value >= 0) f.positions.push_back(p);
    return f;
  }
  return std::nullopt;
}

// temporal_ordered for one ordered subset of the rules: the chain with the
// earliest start (greedy earliest successors give the earliest end, so a
// start whose greedy chain is too wide has no chain at all).
std::optional<std::vector<size_t>> ordered_chain(const std::vector<std::vector<size_t>>& pos, const std::vector<int>& subset,
                                                 const Span& span, int64_t timespan_us) {
  for (size_t start : pos[static_cast<size_t>(subset[0])]) {
    std::vector<size_t> chain{start};
    for (size_t k = 1; k < subset.size(); ++k) {
      const auto& p = pos[static_cast<size_t>(subset[k])];
      auto next = std::upper_bound(p.begin(), p.end(), chain.back());
      if (next == p.end()) return std::nullopt;  // later starts cannot do better
      chain.push_back(*next);
    }
    if (timespan_us <= 0 || span.width(chain.front(), chain.back()) <= timespan_us) return chain;
  }
  return std::nullopt;
}

// Every subset of `n` rules with `size` members, in list order.
void subsets(int n, int size, std::vector<int>& cur, int from, std::vector<std::vector<int>>& out) {
  if (static_cast<int>(cur.size()) == size) return out.push_back(cur);
  for (int i = from; i < n; ++i) {
    cur.push_back(i);
    subsets(n, size, cur, i + 1, out);
    cur.pop_back();
  }
}

std::optional<Found> ordered(const Correlation& c, const std::vector<const Row*>& seq, int rule_count) {
  int need = rule_count;  // "at least N of the rules" when the condition says so
  if (!c.condition.ops.empty()) {
    need = 0;
    for (int k = 1; k <= rule_count && need == 0; ++k)
      if (condition_holds(c.condition.ops, k)) need = k;
    if (need == 0) return std::nullopt;
  }
  std::vector<std::vector<size_t>> pos(static_cast<size_t>(rule_count));
  for (size_t p = 0; p < seq.size(); ++p) pos[static_cast<size_t>(seq[p]->rule)].push_back(p);
  std::vector<std::vector<int>> candidates;
  std::vector<int> cur;
  subsets(rule_count, need, cur, 0, candidates);
  Span span(seq);
  std::optional<std::vector<size_t>> best;
  int best_last_rule = 0;
  for (const auto& subset : candidates) {
    auto chain = ordered_chain(pos, subset, span, c.timespan_us);
    if (chain && (!best || std::pair(chain->front(), chain->back()) < std::pair(best->front(), best->back()))) {
      best = std::move(chain);
      best_last_rule = subset.back();
    }
  }
  if (!best) return std::nullopt;
  Found f;
  f.count = need;
  f.positions = *best;
  // Every later match of the chain's last rule is evidence too ("every later push fails").
  for (size_t p : pos[static_cast<size_t>(best_last_rule)])
    if (p > best->back()) f.positions.push_back(p);
  return f;
}

}  // namespace

// A group's rows in correlation order: the timed ones keep their time order
// and the untimed ones are merged in (one comparator mixing both would not
// be a strict weak order).
std::vector<const Row*> order_group(const std::vector<const Row*>& rows) {
  std::vector<const Row*> timed, untimed, out;
  for (const Row* r : rows) (r->time_us ? timed : untimed).push_back(r);
  std::sort(timed.begin(), timed.end(), timed_less);
  std::sort(untimed.begin(), untimed.end(), untimed_less);
  out.reserve(rows.size());
  size_t t = 0, u = 0;
  while (t < timed.size() || u < untimed.size()) {
    if (u < untimed.size() && (t == timed.size() || untimed_before_timed(untimed[u], timed[t])))
      out.push_back(untimed[u++]);
    else
      out.push_back(timed[t++]);
  }
  return out;
}

std::optional<Found> evaluate(const Correlation& c, const std::vector<const Row*>& seq, size_t rule_count,
                              size_t value_count) {
  if (seq.empty()) return std::nullopt;
  if (c.type == CorrelationType::temporal_ordered) return ordered(c, seq, static_cast<int>(rule_count));
  return sliding(c, seq, rule_count, value_count);
}

}  // namespace pm::rules::correlation_detail
