#include "rules/explain/clock.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

namespace pm::rules {
namespace {

// How far apart two clocks may plausibly be; pairs beyond it are other connections.
constexpr int64_t kMaxOffsetUs = 3600LL * 1000000;

struct Row {
  int64_t time_us;
  std::string key;
};

Status read_rows(db::Database& db, int64_t host_id, int64_t from_us, int64_t to_us, bool send,
                 std::vector<Row>& out) {
  auto st = db.prepare(
      "SELECT e.time_us, coalesce(f.protocol,''), coalesce(f.src_ip,''), coalesce(f.src_port,''), "
      "coalesce(f.dst_ip,''), coalesce(f.dst_port,'') FROM events e JOIN firewall_log f USING(event_id) "
      "WHERE e.host_id = ?1 AND e.time_us BETWEEN ?2 AND ?3 AND e.format = 'pfirewall' AND f.path = ?4 "
      "AND f.src_port IS NOT NULL AND f.src_port <> ''");
  if (!st) return st.status();
  st->bind(1, host_id);
  st->bind(2, from_us);
  st->bind(3, to_us);
  st->bind(4, send ? "SEND" : "RECEIVE");
  return db::for_each_row(*st, [&](db::Statement&) {
    std::string key;
    for (int i = 1; i <= 5; ++i) {
      key += st->column_text(i);
      key += '|';
    }
    out.push_back({st->column_int(0), std::move(key)});
  });
}

}  // namespace

Result<std::optional<ClockOffset>> ClockTable::offset(int64_t reference_host_id, int64_t host_id, int64_t from_us,
                                                      int64_t to_us) {
  if (auto g = given_.find(host_id); g != given_.end()) {
    int64_t ref = 0;
    if (auto r = given_.find(reference_host_id); r != given_.end()) ref = r->second;
    return std::optional<ClockOffset>(ClockOffset{g->second - ref, "--skew"});
  }
  if (host_id == reference_host_id) return std::optional<ClockOffset>(ClockOffset{0, "reference clock"});
  auto key = std::make_pair(reference_host_id, host_id);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;

  std::vector<Row> sent, received;
  if (auto s = read_rows(db_, reference_host_id, from_us, to_us, true, sent); !s) return s;
  if (auto s = read_rows(db_, host_id, from_us - kMaxOffsetUs, to_us + kMaxOffsetUs, false, received); !s) return s;
  std::unordered_map<std::string, int64_t> sent_at;
  sent_at.reserve(sent.size());
  for (auto& r : sent) {
    auto [it, inserted] = sent_at.emplace(r.key, r.time_us);
    if (!inserted && r.time_us < it->second) it->second = r.time_us;
  }
  // A connection's first row only: a blocked SYN is retried (+3 s, +9 s) and
  // each retry is logged with the same addresses and ports.
  std::unordered_map<std::string, int64_t> first_received;
  for (auto& r : received) {
    auto [it, inserted] = first_received.emplace(r.key, r.time_us);
    if (!inserted && r.time_us < it->second) it->second = r.time_us;
  }
  std::vector<int64_t> deltas;
  for (const auto& [key, t] : first_received) {
    auto it = sent_at.find(key);
    if (it == sent_at.end()) continue;
    int64_t d = t - it->second;
    if (d > -kMaxOffsetUs && d < kMaxOffsetUs) deltas.push_back(d);
  }
  std::optional<ClockOffset> out;
  if (!deltas.empty()) {
    std::sort(deltas.begin(), deltas.end());
    int64_t median = deltas[deltas.size() / 2];
    double spread = static_cast<double>(deltas.back() - deltas.front()) / 1e6;
    out = ClockOffset{median, fmt::format("{} connection{} seen in both firewall logs (median; spread {:.0f} s)",
                                          deltas.size(), deltas.size() == 1 ? "" : "s", spread)};
  }
  cache_[key] = out;
  return out;
}

}  // namespace pm::rules
