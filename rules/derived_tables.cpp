// Builds the TEMP tables of rules/derived_tables.h. The console's untimed
// errors are matched to the errlog's timed attempts here, once, so that every
// rule sees the same attempts in the same order.
#include "rules/derived_tables.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/strings.h"

namespace pm::rules {
namespace {

// Errlog failure lines for one target and error within this span are one attempt.
constexpr int64_t kSameAttemptUs = 60LL * 1000000;

struct Attempt {
  int64_t event_id = 0, source_id = 0, location = 0;
  std::optional<int64_t> server_host_id, time_us, attached_event_id;
  std::string target_written, target;
  std::optional<int64_t> target_host_id;
  std::optional<int64_t> error_id;
  std::string hresult, details, operation, kind, message, time_basis, result = "failed";
  bool absorbed = false;  // errlog attempt represented by an attached console error
  int64_t seq = 0;
};

const char* kCreate = R"sql(
DROP TABLE IF EXISTS temp.pm_push_attempts;
CREATE TEMP TABLE pm_push_attempts (
  attempt_id INTEGER PRIMARY KEY, event_id INTEGER, source_id INTEGER, location INTEGER,
  server_host_id INTEGER, target TEXT, target_host_id INTEGER, target_written TEXT,
  time_us INTEGER, time_basis TEXT, seq INTEGER, error_id INTEGER, hresult TEXT, details TEXT,
  operation TEXT, kind TEXT, result TEXT, message TEXT, attached_event_id INTEGER);
DROP TABLE IF EXISTS temp.pm_host_channels;
CREATE TEMP TABLE pm_host_channels AS
SELECT DISTINCT e.host_id, w.channel FROM win_events w CROSS JOIN events e ON e.event_id = w.event_id
WHERE w.channel IS NOT NULL AND w.channel <> '';
DROP TABLE IF EXISTS temp.pm_firewall_profiles;
CREATE TEMP TABLE pm_firewall_profiles AS
SELECT p.*,
       CASE WHEN h.host_id IS NULL THEN 'unknown'
            WHEN joined.yes = 1 THEN CASE WHEN p.profile = 'Domain' THEN 'yes' ELSE 'no' END
            ELSE 'unknown' END AS active,
       p.profile || ' profile: firewall ' || coalesce(upper(p.state), '?') || ', inbound '
         || coalesce(p.inbound_policy, '?') || ', drop logging ' || coalesce(p.log_dropped, 'not shown')
         || ', allowed logging ' || coalesce(p.log_allowed, 'not shown') AS message
FROM firewall_profiles p
LEFT JOIN hosts h ON h.host_id = p.host_id
LEFT JOIN (SELECT host_id, 1 AS yes FROM hosts
           WHERE (domain IS NOT NULL AND domain <> '' AND upper(domain) <> 'WORKGROUP')
              OR host_id IN (SELECT host_id FROM host_facts WHERE fact = 'os_configuration'
                             AND (value LIKE '%Member%' OR value LIKE '%Domain Controller%'))) joined
  ON joined.host_id = p.host_id;
)sql";

std::string text_or_empty(const db::Statement& st, int i) { return st.is_null(i) ? std::string() : std::string(st.column_text(i)); }

// Resolves written target names to hosts of the case through host_aliases
// (the name, then its first DNS label).
class TargetResolver {
 public:
  explicit TargetResolver(db::Database& db) : db_(db) {}
  void resolve(Attempt& a) {
    auto hit = lookup(a.target_written);
    if (!hit && a.target_written.find('.') != std::string::npos && !looks_ipv4(a.target_written))
      hit = lookup(a.target_written.substr(0, a.target_written.find('.')));
    if (hit) {
      a.target_host_id = hit->first;
      a.target = hit->second;
    } else {
      a.target = ascii_lower(a.target_written);
    }
  }

 private:
  static bool looks_ipv4(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
  }
  std::optional<std::pair<int64_t, std::string>> lookup(const std::string& alias) {
    auto it = cache_.find(ascii_lower(alias));
    if (it != cache_.end()) return it->second;
    std::optional<std::pair<int64_t, std::string>> out;
    auto st = db_.prepare(
        "SELECT h.host_id, h.name FROM host_aliases a JOIN hosts h ON h.host_id = a.host_id "
        "WHERE a.alias = ?1 COLLATE NOCASE UNION ALL SELECT host_id, name FROM hosts WHERE name = ?1 COLLATE NOCASE "
        "LIMIT 1");
    if (st) {
      st->bind(1, alias);
      auto row = st->step();
      if (row && *row) out = std::make_pair(st->column_int(0), std::string(st->column_text(1)));
    }
    cache_[ascii_lower(alias)] = out;
    return out;
  }
  db::Database& db_;
  std::map<std::string, std::optional<std::pair<int64_t, std::string>>> cache_;
};

Status read_console(db::Database& db, TargetResolver& resolver, std::vector<Attempt>& out) {
  auto st = db.prepare(
      "SELECT e.event_id, e.source_id, e.location, e.host_id, p.target_host, p.error_id, p.hresult, p.details, "
      "p.operation, e.message FROM push_errors p CROSS JOIN events e ON e.event_id = p.event_id "
      "WHERE p.target_host IS NOT NULL AND p.target_host <> '' ORDER BY e.source_id, e.location");
  if (!st) return st.status();
  return db::for_each_row(*st, [&](db::Statement&) {
    Attempt a;
    a.event_id = st->column_int(0);
    a.source_id = st->column_int(1);
    a.location = st->column_optional_int(2).value_or(0);
    a.server_host_id = st->column_optional_int(3);
    a.target_written = text_or_empty(*st, 4);
    a.error_id = st->column_optional_int(5);
    a.hresult = text_or_empty(*st, 6);
    a.details = text_or_empty(*st, 7);
    a.operation = text_or_empty(*st, 8);
    a.message = text_or_empty(*st, 9);
    a.kind = "push-error";
    a.time_basis = "untimed";
    resolver.resolve(a);
    out.push_back(std::move(a));
  });
}

// Errlog lines that record a failed agent operation on a target (an error id
// on a line naming the attempt's target); one attempt per target and error
// within kSameAttemptUs.
Status read_errlog(db::Database& db, TargetResolver& resolver, std::vector<Attempt>& out) {
  auto st = db.prepare(
      "SELECT e.event_id, e.source_id, e.location, e.host_id, d.attempt_target, "
      "CAST(substr(d.error_ids, 1, instr(d.error_ids || ',', ',') - 1) AS INTEGER), "
      "NULLIF(substr(d.hresults, 1, instr(d.hresults || ',', ',') - 1), ''), e.message, e.time_us "
      "FROM dpm_trace d CROSS JOIN events e ON e.event_id = d.event_id "
      "WHERE d.attempt_target IS NOT NULL AND d.attempt_target <> '' AND d.error_ids IS NOT NULL "
      "AND d.error_ids <> '' ORDER BY e.time_us, e.source_id, e.location");
  if (!st) return st.status();
  std::map<std::pair<std::string, int64_t>, size_t> last;  // (target, error) -> index in out
  return db::for_each_row(*st, [&](db::Statement&) {
    Attempt a;
    a.event_id = st->column_int(0);
    a.source_id = st->column_int(1);
    a.location = st->column_optional_int(2).value_or(0);
    a.server_host_id = st->column_optional_int(3);
    a.target_written = text_or_empty(*st, 4);
    a.error_id = st->column_optional_int(5);
    a.hresult = text_or_empty(*st, 6);
    a.message = text_or_empty(*st, 7);
    a.details = a.message;
    a.time_us = st->column_optional_int(8);
    a.kind = "dpm-trace";
    a.time_basis = a.time_us ? "logged" : "untimed";
    resolver.resolve(a);
    auto key = std::make_pair(a.target, a.error_id.value_or(0));
    auto it = last.find(key);
    if (it != last.end() && a.time_us && out[it->second].time_us &&
        *a.time_us - *out[it->second].time_us <= kSameAttemptUs) {
      Attempt& first = out[it->second];
      if (first.hresult.empty()) first.hresult = a.hresult;
      return;  // the same failure, logged again
    }
    last[key] = out.size();
    out.push_back(std::move(a));
  });
}

// DPM agent installations found in MSI logs on targets: the outcome of a
// push seen from the target (succeeded, failed).
Status read_installs(db::Database& db, std::vector<Attempt>& out) {
  auto st = db.prepare(
      "SELECT i.install_id, i.source_id, i.first_line, i.host_id, h.name, i.start_us, i.result, "
      "coalesce(i.product, ''), coalesce(i.version, ''), i.result_code FROM installs i JOIN hosts h "
      "ON h.host_id = i.host_id WHERE i.product LIKE '%Protection Agent%' OR i.product LIKE '%DPM%' "
      "OR i.product LIKE '%Data Protection%' ORDER BY i.start_us, i.source_id, i.first_line");
  if (!st) return st.status();
  return db::for_each_row(*st, [&](db::Statement&) {
    Attempt a;
    a.source_id = st->column_int(1);
    a.location = st->column_optional_int(2).value_or(0);
    a.target_host_id = st->column_int(3);
    a.target = std::string(st->column_text(4));
    a.target_written = a.target;
    a.time_us = st->column_optional_int(5);
    std::string result = text_or_empty(*st, 6);
    bool ok = result == "success" || result == "reboot-required";
    a.result = ok ? "succeeded" : "failed";
    a.kind = "msi-install";
    a.time_basis = a.time_us ? "logged" : "untimed";
    a.operation = "Install protection agent";
    auto code = st->column_optional_int(9);
    a.details = text_or_empty(*st, 7) + (st->column_text(8).empty() ? "" : " " + std::string(st->column_text(8))) +
                ": " + result + (code ? " (" + std::to_string(*code) + ")" : "");
    a.message = "Windows Installer: " + a.details;
    out.push_back(std::move(a));
  });
}

// k-th console error for (target, error) takes the time of the k-th timed
// errlog attempt for the same (target, error).
void attach(std::vector<Attempt>& console, std::vector<Attempt>& errlog,
            const std::map<int64_t, std::string>& source_paths) {
  std::map<std::pair<std::string, int64_t>, std::vector<Attempt*>> timed;
  for (auto& a : errlog)
    if (a.time_us) timed[{a.target, a.error_id.value_or(0)}].push_back(&a);
  std::map<std::pair<std::string, int64_t>, size_t> used;
  for (auto& c : console) {
    auto key = std::make_pair(c.target, c.error_id.value_or(0));
    auto it = timed.find(key);
    if (it == timed.end()) continue;
    size_t& k = used[key];
    if (k >= it->second.size()) continue;
    Attempt* e = it->second[k++];
    c.time_us = e->time_us;
    c.attached_event_id = e->event_id;
    if (c.hresult.empty()) c.hresult = e->hresult;
    auto path = source_paths.find(e->source_id);
    c.time_basis = "attached " + (path == source_paths.end() ? std::string("errlog") : path->second) + ":" +
                   std::to_string(e->location);
    e->absorbed = true;
  }
}

// Orders each target's attempts: timed by time; an untimed console error
// right after the attempt before it in its file (or first when none is timed).
void number(std::vector<Attempt*>& all) {
  std::map<std::string, std::vector<Attempt*>> by_target;
  for (auto* a : all) by_target[a->target].push_back(a);
  for (auto& [target, list] : by_target) {
    std::vector<Attempt*> timed, untimed;
    for (auto* a : list) (a->time_us ? timed : untimed).push_back(a);
    std::stable_sort(timed.begin(), timed.end(), [](const Attempt* x, const Attempt* y) {
      if (*x->time_us != *y->time_us) return *x->time_us < *y->time_us;
      return std::pair(x->source_id, x->location) < std::pair(y->source_id, y->location);
    });
    std::vector<Attempt*> order = timed;
    std::sort(untimed.begin(), untimed.end(), [](const Attempt* x, const Attempt* y) {
      return std::pair(x->source_id, x->location) < std::pair(y->source_id, y->location);
    });
    for (auto* u : untimed) {
      // After the last attempt from the same file that precedes it, else
      // before the first that follows it, else at the end.
      size_t pos = order.size(), first_after = order.size();
      bool before_found = false;
      for (size_t i = 0; i < order.size(); ++i) {
        if (order[i]->source_id != u->source_id) continue;
        if (order[i]->location < u->location) {
          before_found = true;
          pos = i + 1;
        } else if (first_after == order.size()) {
          first_after = i;
        }
      }
      if (!before_found) pos = first_after;
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(pos), u);
    }
    int64_t seq = 0;
    for (auto* a : order) a->seq = ++seq;
  }
}

void bind_text(db::Statement& st, int i, const std::string& v) {
  if (v.empty()) st.bind_null(i);
  else st.bind(i, v);
}

Status write(db::Database& db, const std::vector<Attempt*>& all) {
  auto st = db.prepare(
      "INSERT INTO pm_push_attempts(event_id, source_id, location, server_host_id, target, target_host_id, "
      "target_written, time_us, time_basis, seq, error_id, hresult, details, operation, kind, message, "
      "attached_event_id, result) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18)");
  if (!st) return st.status();
  for (const auto* a : all) {
    if (a->event_id) st->bind(1, a->event_id);
    else st->bind_null(1);
    st->bind(2, a->source_id);
    st->bind(3, a->location);
    st->bind(4, a->server_host_id);
    st->bind(5, a->target);
    st->bind(6, a->target_host_id);
    st->bind(7, a->target_written);
    st->bind(8, a->time_us);
    st->bind(9, a->time_basis);
    st->bind(10, a->seq);
    st->bind(11, a->error_id);
    bind_text(*st, 12, a->hresult);
    bind_text(*st, 13, a->details);
    bind_text(*st, 14, a->operation);
    st->bind(15, a->kind);
    bind_text(*st, 16, a->message);
    st->bind(17, a->attached_event_id);
    st->bind(18, a->result);
    if (auto s = st->run(); !s) return s;
  }
  return Status::ok();
}

Result<std::map<int64_t, std::string>> read_source_paths(db::Database& db) {
  std::map<int64_t, std::string> out;
  auto st = db.prepare("SELECT source_id, path FROM sources WHERE format = 'dpm-errlog'");
  if (!st) return st.status();
  auto each = db::for_each_row(*st, [&](db::Statement&) {
    out[st->column_int(0)] = std::string(st->column_text(1));
  });
  if (!each) return each;
  return out;
}

}  // namespace

Status build_derived_tables(db::Database& db) {
  if (auto s = db.exec(kCreate); !s) return s;
  TargetResolver resolver(db);
  std::vector<Attempt> console, errlog;
  if (auto s = read_console(db, resolver, console); !s) return s;
  if (auto s = read_errlog(db, resolver, errlog); !s) return s;
  auto paths = read_source_paths(db);
  if (!paths) return paths.status();
  attach(console, errlog, *paths);
  std::vector<Attempt> installs;
  if (auto s = read_installs(db, installs); !s) return s;
  std::vector<Attempt*> all;
  for (auto& a : console) all.push_back(&a);
  for (auto& a : errlog)
    if (!a.absorbed) all.push_back(&a);
  for (auto& a : installs) all.push_back(&a);
  number(all);
  std::stable_sort(all.begin(), all.end(), [](const Attempt* x, const Attempt* y) {
    return std::pair(x->target, x->seq) < std::pair(y->target, y->seq);
  });
  return write(db, all);
}

}  // namespace pm::rules
