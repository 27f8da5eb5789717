#include "cli/report_timeline.h"

#include <algorithm>
#include <map>
#include <utility>

#include "cli/output.h"
#include "db/reader.h"
#include "parsers/core/tally.h"

namespace pm::cli {
namespace {

constexpr size_t kMaxMessageBytes = 2000;
constexpr int64_t kMinMarginUs = 120LL * 1000000;

// MarkKind of an event row (aliases e: events, f: firewall_log), as an integer.
constexpr const char* kKindSql =
    "CASE WHEN e.format = 'pfirewall' THEN CASE upper(f.action) WHEN 'DROP' THEN 1 WHEN 'ALLOW' THEN 0 "
    "WHEN 'OPEN' THEN 0 WHEN 'OPEN-INBOUND' THEN 0 ELSE 2 END "
    "WHEN e.format IN ('evtx','evt-xml','evt-csv','evt-text') AND e.event_code IN ('5152','5157') THEN 1 "
    "WHEN e.format IN ('evtx','evt-xml','evt-csv','evt-text') AND e.event_code IN ('5156','5158') THEN 0 "
    "WHEN lower(e.level) IN ('error','critical') THEN 3 WHEN lower(e.level) = 'warning' THEN 4 ELSE 5 END";

std::string where_text(std::string_view path, std::optional<int64_t> location) {
  std::string s(path);
  if (location) s += ":" + std::to_string(*location);
  return s;
}

MarkKind kind_from(int64_t v) { return v >= 0 && v < kMarkKinds ? static_cast<MarkKind>(v) : MarkKind::info; }

std::string text_of(const db::Statement& st, int i) { return st.is_null(i) ? std::string() : std::string(st.column_text(i)); }

struct LaneHost {
  std::optional<int64_t> host_id;  // empty: the evidence named no host
  std::string name;
  std::string role;
};

// The lanes' hosts in display order: target, servers, others; one per host id.
class LaneSet {
 public:
  size_t add(std::optional<int64_t> id, const std::string& name, const std::string& role) {
    for (size_t i = 0; i < hosts_.size(); ++i)
      if (hosts_[i].host_id == id && (id || hosts_[i].name == name)) return i;
    hosts_.push_back({id, name, role});
    return hosts_.size() - 1;
  }
  std::vector<LaneHost>& hosts() { return hosts_; }

 private:
  std::vector<LaneHost> hosts_;
};

struct HostInfo {
  std::string name;
  bool dpm_server = false;  // hosts.dpm_role = 'server'
};

Result<std::map<int64_t, HostInfo>> read_hosts(db::Database& db) {
  std::map<int64_t, HostInfo> out;
  auto st = db.prepare("SELECT host_id, name, dpm_role FROM hosts");
  if (!st) return st.status();
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    out[st->column_int(0)] = HostInfo{std::string(st->column_text(1)), text_of(*st, 2) == "server"};
  }
  return out;
}

struct RawAttempt {
  std::optional<int64_t> time_us;
  int64_t lane_host = 0;
  AttemptMark mark;
};

Result<std::vector<RawAttempt>> read_attempts(db::Database& db, int64_t target_host_id) {
  std::vector<RawAttempt> out;
  auto st = db.prepare(
      "SELECT a.time_us, coalesce(a.server_host_id, a.target_host_id), a.result, a.error_id, a.hresult, a.message, "
      "s.path, a.location FROM temp.pm_push_attempts a LEFT JOIN sources s ON s.source_id = a.source_id "
      "WHERE a.target_host_id = ?1 ORDER BY a.seq, a.attempt_id");
  if (!st) return st.status();
  st->bind(1, target_host_id);
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    RawAttempt a;
    a.time_us = st->column_optional_int(0);
    a.lane_host = st->column_int(1);
    a.mark.result = text_of(*st, 2);
    if (a.mark.result == "succeeded") a.mark.label = "success";
    else if (!st->is_null(3)) a.mark.label = std::to_string(st->column_int(3));
    else if (!st->is_null(4) && !st->column_text(4).empty()) a.mark.label = text_of(*st, 4);
    else a.mark.label = "failed";
    a.mark.message = clip_utf8(text_of(*st, 5), kMaxMessageBytes);
    a.mark.where = where_text(text_of(*st, 6), st->column_optional_int(7));
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::optional<int64_t>> single_int(db::Database& db, const char* sql, int64_t host_id) {
  auto st = db.prepare(sql);
  if (!st) return st.status();
  st->bind(1, host_id);
  auto row = st->step();
  if (!row) return row.status();
  if (!*row) return std::optional<int64_t>();
  return st->column_optional_int(0);
}

// Widens `span` to include `t`.
void take_time(std::optional<std::pair<int64_t, int64_t>>& span, const std::optional<int64_t>& t) {
  if (!t) return;
  if (!span) span = std::make_pair(*t, *t);
  span->first = std::min(span->first, *t);
  span->second = std::max(span->second, *t);
}

Status read_marks(db::Database& db, int64_t host_id, int64_t from, int64_t to, TimelineLane& lane) {
  std::string sql = std::string("SELECT e.time_us, ") + kKindSql +
                    ", e.event_code, e.message, s.path, e.location FROM events e "
                    "JOIN sources s ON s.source_id = e.source_id LEFT JOIN firewall_log f ON f.event_id = e.event_id "
                    "WHERE e.host_id = ?1 AND e.time_us BETWEEN ?2 AND ?3 ORDER BY e.time_us, e.event_id";
  auto st = db.prepare(sql);
  if (!st) return st.status();
  st->bind(1, host_id);
  st->bind(2, from);
  st->bind(3, to);
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    lane.marks.push_back({st->column_int(0), kind_from(st->column_int(1)), text_of(*st, 2),
                          clip_utf8(text_of(*st, 3), kMaxMessageBytes),
                          where_text(text_of(*st, 4), st->column_optional_int(5))});
  }
  return Status::ok();
}

Status read_buckets(db::Database& db, int64_t host_id, int64_t from, int64_t to, const TimelineLimits& limits,
                    TimelineLane& lane) {
  lane.aggregated = true;
  lane.bucket_us = std::max<int64_t>(1, (to - from) / std::max<int64_t>(1, limits.buckets) + 1);
  std::string sql = std::string("SELECT (e.time_us - ?2) / ?4, ") + kKindSql +
                    ", count(*) FROM events e LEFT JOIN firewall_log f ON f.event_id = e.event_id "
                    "WHERE e.host_id = ?1 AND e.time_us BETWEEN ?2 AND ?3 GROUP BY 1, 2 ORDER BY 1";
  auto st = db.prepare(sql);
  if (!st) return st.status();
  st->bind(1, host_id);
  st->bind(2, from);
  st->bind(3, to);
  st->bind(4, lane.bucket_us);
  for (;;) {
    auto row = st->step();
    if (!row) return row.status();
    if (!*row) break;
    int64_t index = st->column_int(0);
    if (lane.buckets.empty() || lane.buckets.back().index != index) lane.buckets.push_back(TimelineBucket{index, {}});
    lane.buckets.back().counts[static_cast<int>(kind_from(st->column_int(1)))] += st->column_int(2);
  }
  // The errors stay individual marks (the first ones, by time).
  std::string errors = std::string("SELECT t, c, m, p, l FROM (SELECT e.time_us AS t, ") + kKindSql +
                       " AS k, e.event_code AS c, e.message AS m, s.path AS p, e.location AS l, e.event_id AS id "
                       "FROM events e JOIN sources s ON s.source_id = e.source_id "
                       "LEFT JOIN firewall_log f ON f.event_id = e.event_id "
                       "WHERE e.host_id = ?1 AND e.time_us BETWEEN ?2 AND ?3) WHERE k = 3 ORDER BY t, id LIMIT ?4";
  auto er = db.prepare(errors);
  if (!er) return er.status();
  er->bind(1, host_id);
  er->bind(2, from);
  er->bind(3, to);
  er->bind(4, std::max<int64_t>(1, limits.max_lane_marks / 4));
  for (;;) {
    auto row = er->step();
    if (!row) return row.status();
    if (!*row) break;
    lane.marks.push_back({er->column_int(0), MarkKind::error, text_of(*er, 1), clip_utf8(text_of(*er, 2), kMaxMessageBytes),
                          where_text(text_of(*er, 3), er->column_optional_int(4))});
  }
  return Status::ok();
}

}  // namespace

const char* mark_kind_name(MarkKind kind) {
  switch (kind) {
    case MarkKind::allow: return "allow";
    case MarkKind::drop: return "drop";
    case MarkKind::firewall_other: return "fw";
    case MarkKind::error: return "error";
    case MarkKind::warning: return "warning";
    case MarkKind::info: return "info";
  }
  return "info";
}

Result<FindingTimeline> read_finding_timeline(db::Database& db, const rules::Finding& finding,
                                              const TimelineLimits& limits) {
  FindingTimeline out;
  auto hosts = read_hosts(db);
  if (!hosts) return hosts.status();
  auto name_of = [&](int64_t id) { return (*hosts)[id].name; };
  auto resolve = [&](const std::string& name) -> std::optional<int64_t> {
    if (name.empty()) return std::nullopt;
    auto id = db::resolve_host(db, name);
    return id ? std::optional<int64_t>(*id) : std::nullopt;
  };

  LaneSet lanes;
  std::optional<int64_t> target = resolve(finding.host);
  if (target) lanes.add(target, name_of(*target), "target");
  std::vector<RawAttempt> attempts;
  if (target) {
    auto a = read_attempts(db, *target);
    if (!a) return a.status();
    attempts = std::move(*a);
    for (const auto& at : attempts)
      if (at.lane_host != *target) lanes.add(at.lane_host, name_of(at.lane_host), "server");
  }
  std::vector<size_t> evidence_lane(finding.evidence.size());
  for (size_t i = 0; i < finding.evidence.size(); ++i) {
    const auto& l = finding.evidence[i];
    if (!l.time_us) continue;
    std::optional<int64_t> id = resolve(l.host);
    evidence_lane[i] = lanes.add(id, id ? name_of(*id) : l.host, id && (*hosts)[*id].dpm_server ? "server" : "other");
  }

  // The window: the finding's times, else its hosts' whole range; then its timed evidence.
  std::optional<std::pair<int64_t, int64_t>> span;
  take_time(span, finding.first_us);
  take_time(span, finding.last_us);
  out.basis = "finding";
  if (!span) {
    for (const auto& h : lanes.hosts()) {
      if (!h.host_id) continue;
      for (const char* sql : {"SELECT min(time_us) FROM events WHERE host_id = ?1 AND time_us IS NOT NULL",
                              "SELECT max(time_us) FROM events WHERE host_id = ?1 AND time_us IS NOT NULL"}) {
        auto t = single_int(db, sql, *h.host_id);
        if (!t) return t.status();
        take_time(span, *t);
      }
    }
    out.basis = "host-range";
  }
  for (const auto& l : finding.evidence) take_time(span, l.time_us);
  if (!span) out.basis = "none";
  for (const auto& l : finding.evidence)
    if (!l.time_us) ++out.untimed_evidence;
  for (const auto& a : attempts)
    if (!a.time_us) ++out.untimed_attempts;
  if (!span) return out;
  int64_t margin = std::max(kMinMarginUs, (span->second - span->first) / 10);
  out.from_us = span->first - margin;
  out.to_us = span->second + margin;

  for (auto& a : attempts) {
    if (!a.time_us || *a.time_us < *out.from_us || *a.time_us > *out.to_us) continue;
    a.mark.time_us = *a.time_us;
    a.mark.host = name_of(a.lane_host);
    out.attempts.push_back(std::move(a.mark));
  }
  std::stable_sort(out.attempts.begin(), out.attempts.end(),
                   [](const AttemptMark& a, const AttemptMark& b) { return a.time_us < b.time_us; });

  for (const auto& h : lanes.hosts()) {
    TimelineLane lane;
    lane.host = h.name;
    lane.role = h.role;
    out.lanes.push_back(std::move(lane));
  }
  for (size_t i = 0; i < finding.evidence.size(); ++i) {
    const auto& l = finding.evidence[i];
    if (!l.time_us) continue;
    out.lanes[evidence_lane[i]].evidence.push_back(
        {*l.time_us, l.role, l.evidence_id, l.message, where_text(l.source_file, l.location)});
  }
  auto count = db.prepare("SELECT count(*) FROM events WHERE host_id = ?1 AND time_us BETWEEN ?2 AND ?3");
  if (!count) return count.status();
  for (size_t i = 0; i < out.lanes.size(); ++i) {
    const LaneHost& h = lanes.hosts()[i];
    TimelineLane& lane = out.lanes[i];
    std::sort(lane.evidence.begin(), lane.evidence.end(),
              [](const EvidenceMark& a, const EvidenceMark& b) { return a.time_us < b.time_us; });
    if (!h.host_id) continue;
    count->reset();
    count->bind(1, *h.host_id);
    count->bind(2, *out.from_us);
    count->bind(3, *out.to_us);
    auto row = count->step();
    if (!row) return row.status();
    lane.total = *row ? count->column_int(0) : 0;
    Status s = lane.total <= limits.max_lane_marks
                   ? read_marks(db, *h.host_id, *out.from_us, *out.to_us, lane)
                   : read_buckets(db, *h.host_id, *out.from_us, *out.to_us, limits, lane);
    if (!s) return s;
  }
  return out;
}

std::string timeline_json(const FindingTimeline& t) {
  std::string out = "{\"from_us\":";
  out += t.from_us ? std::to_string(*t.from_us) : "null";
  out += ",\"to_us\":";
  out += t.to_us ? std::to_string(*t.to_us) : "null";
  out += ",\"basis\":" + json_string(t.basis) + ",\"lanes\":[";
  for (size_t i = 0; i < t.lanes.size(); ++i) {
    const TimelineLane& l = t.lanes[i];
    if (i) out += ",";
    out += "{\"host\":" + json_string(l.host) + ",\"role\":" + json_string(l.role) +
           ",\"total\":" + std::to_string(l.total) + ",\"aggregated\":" + (l.aggregated ? "true" : "false") +
           ",\"bucket_us\":" + std::to_string(l.bucket_us) + ",\"buckets\":[";
    for (size_t b = 0; b < l.buckets.size(); ++b) {
      out += b ? ",[" : "[";
      out += std::to_string(l.buckets[b].index);
      for (int64_t c : l.buckets[b].counts) out += "," + std::to_string(c);
      out += "]";
    }
    out += "],\"marks\":[";
    for (size_t m = 0; m < l.marks.size(); ++m) {
      const TimelineMark& k = l.marks[m];
      out += m ? ",[" : "[";
      out += std::to_string(k.time_us) + ",\"" + mark_kind_name(k.kind) + "\",";
      append_json_string(out, k.code);
      out += ",";
      append_json_string(out, k.message);
      out += ",";
      append_json_string(out, k.where);
      out += "]";
    }
    out += "],\"evidence\":[";
    for (size_t m = 0; m < l.evidence.size(); ++m) {
      const EvidenceMark& e = l.evidence[m];
      out += m ? ",[" : "[";
      out += std::to_string(e.time_us) + "," + json_string(e.role) + "," + json_string(e.check) + "," +
             json_string(e.message) + "," + json_string(e.where) + "]";
    }
    out += "]}";
  }
  out += "],\"attempts\":[";
  for (size_t i = 0; i < t.attempts.size(); ++i) {
    const AttemptMark& a = t.attempts[i];
    out += i ? ",[" : "[";
    out += std::to_string(a.time_us) + "," + json_string(a.host) + "," + json_string(a.result) + "," +
           json_string(a.label) + "," + json_string(a.message) + "," + json_string(a.where) + "]";
  }
  out += "],\"untimed_evidence\":" + std::to_string(t.untimed_evidence) +
         ",\"untimed_attempts\":" + std::to_string(t.untimed_attempts) + "}";
  return out;
}

}  // namespace pm::cli
