#include "rules/explain/evidence.h"

#include <algorithm>
#include <string>
#include <optional>
#include <tuple>
#include <variant>

#include "rules/compiler.h"

namespace pm::rules {

Result<EvidenceRun> run_evidence(db::Database& db, const Mapping& mapping, const EvidenceSpec& spec,
                                 const EvidenceQuery& query) {
  EvidenceRun run;
  if (query.no_host) return run;  // nothing from that host in the case: missing

  auto presence = compile_presence(spec.logsource, mapping, query.host_ids);
  if (!presence) return Status::error(presence.status().kind(), spec.loc.str() + ": evidence '" + spec.id + "': " +
                                                                    presence.status().message());
  std::string key = presence->sql;
  for (const auto& p : presence->params) {
    key += '\x1f';
    if (const auto* n = std::get_if<int64_t>(&p)) key += std::to_string(*n);
    else if (const auto* t = std::get_if<std::string>(&p)) key += *t;
  }
  std::optional<bool> present;
  if (query.presence_cache)
    if (auto it = query.presence_cache->find(key); it != query.presence_cache->end()) present = it->second;
  if (!present) {
    auto st = db.prepare(presence->sql);
    if (!st) return st.status();
    for (size_t i = 0; i < presence->params.size(); ++i) st->bind(static_cast<int>(i + 1), presence->params[i]);
    auto row = st->step();
    if (!row) return row.status();
    present = *row;
    if (query.presence_cache) (*query.presence_cache)[key] = *present;
  }
  if (!*present) return run;  // no such source for those hosts: missing

  CompileOptions options;
  options.host_ids = query.host_ids;
  options.from_us = query.from_us;
  options.to_us = query.to_us;
  options.placeholders = query.placeholders;
  // Unordered, so that the LIMIT stops the scan early; sorted here instead.
  options.ordered = false;
  const size_t limit = static_cast<size_t>(std::max(spec.limit, 1));
  options.limit = static_cast<int64_t>(limit);
  auto compiled = compile_detection(spec.detection, spec.logsource, mapping, options);
  if (!compiled) return Status::error(compiled.status().kind(), spec.loc.str() + ": evidence '" + spec.id + "': " +
                                                                    compiled.status().message());
  std::vector<Match> rows;
  if (auto s = run_query(db, *compiled, nullptr, rows); !s) return s;
  std::sort(rows.begin(), rows.end(), [](const Match& a, const Match& b) {
    return std::tuple(!a.time_us, a.time_us.value_or(0), a.source_id, a.location.value_or(0)) <
           std::tuple(!b.time_us, b.time_us.value_or(0), b.source_id, b.location.value_or(0));
  });
  run.count = static_cast<int64_t>(rows.size());
  if (rows.size() >= limit) {
    // More than the rows kept: count them, up to kCountCap (a bounded scan).
    options.limit = kCountCap + 1;
    auto all = compile_detection(spec.detection, spec.logsource, mapping, options);
    if (!all) return all.status();
    auto st = db.prepare("SELECT count(*) FROM (" + all->sql + ")");
    if (!st) return st.status();
    for (size_t i = 0; i < all->params.size(); ++i) st->bind(static_cast<int>(i + 1), all->params[i]);
    auto row = st->step();
    if (!row) return row.status();
    if (*row) run.count = st->column_int(0);
    run.count_capped = run.count > kCountCap;
    if (run.count_capped) run.count = kCountCap;
  }
  run.state = rows.empty() ? EvidenceRun::State::absent : EvidenceRun::State::found;
  run.rows = std::move(rows);
  return run;
}

}  // namespace pm::rules
