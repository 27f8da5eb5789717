#include "rules/explain/hit.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>

#include "parsers/core/strings.h"
#include "parsers/core/time_util.h"

namespace pm::rules {
namespace {

void span(const std::vector<Match>& members, std::optional<int64_t>& first, std::optional<int64_t>& last) {
  for (const auto& m : members) {
    if (!m.time_us) continue;
    if (!first || *m.time_us < *first) first = m.time_us;
    if (!last || *m.time_us > *last) last = m.time_us;
  }
}

std::optional<std::string> field_ci(const std::map<std::string, std::string>& fields, const std::string& name) {
  for (const auto& [k, v] : fields)
    if (ascii_lower(k) == ascii_lower(name)) return v;
  return std::nullopt;
}

const std::string kDefaultVersion = "<DPMVersion>";

}  // namespace

std::string format_offset(int64_t offset_us) {
  int64_t s = (offset_us >= 0 ? offset_us + 500000 : offset_us - 500000) / 1000000;
  if (s == 0) return "0 s";
  std::string sign = s > 0 ? "+" : "-";
  int64_t a = std::llabs(s);
  if (a < 120) return sign + std::to_string(a) + " s";
  if (a < 7200) return sign + std::to_string(a / 60) + " min " + std::to_string(a % 60) + " s";
  return sign + fmt::format("{:.1f} h", static_cast<double>(a) / 3600.0);
}

Result<std::vector<Hit>> collect_hits(db::Database& db, const Rule& rule, const std::vector<Rule>& rules,
                                      const Mapping& mapping, const CaseInfo& info) {
  const std::string& host_field = rule.extension->finding->host;
  std::vector<Hit> hits;
  if (rule.is_correlation()) {
    auto corr = match_correlation(db, rule, rules, mapping);
    if (!corr) return corr.status();
    for (auto& c : *corr) {
      Hit h;
      h.rule = &rule;
      h.host_value = field_ci(c.group, host_field).value_or("");
      h.members = std::move(c.members);
      h.first_us = c.first_us;
      h.last_us = c.last_us;
      if (!h.first_us) span(h.members, h.first_us, h.last_us);
      hits.push_back(std::move(h));
    }
    return hits;
  }
  const bool by_row_host = ascii_lower(host_field) == "host" || host_field.empty();
  auto matches = match_rule(db, rule, mapping, by_row_host ? std::vector<std::string>{} : std::vector{host_field});
  if (!matches) return matches.status();
  std::map<std::string, size_t> index;  // group key -> hits position (first-seen order)
  for (auto& m : *matches) {
    std::string key;
    std::optional<int64_t> host_id;
    if (by_row_host) {
      if (!m.host_id) continue;  // a row of no known host cannot make a host's finding
      host_id = m.host_id;
      key = info.host_name(m.host_id);
    } else {
      key = field_ci(m.fields, host_field).value_or("");
      if (key.empty()) continue;
      if (const HostInfo* h = info.find(key)) key = h->name;  // one finding per host, whatever name was used
    }
    auto [it, inserted] = index.emplace(ascii_lower(key), hits.size());
    if (inserted) {
      Hit h;
      h.rule = &rule;
      h.host_value = key;
      h.host_id = host_id;
      hits.push_back(std::move(h));
    }
    hits[it->second].members.push_back(std::move(m));
  }
  for (auto& h : hits) span(h.members, h.first_us, h.last_us);
  return hits;
}

Result<HitContext> build_context(db::Database& db, const CaseInfo& info, const Hit& hit) {
  HitContext ctx;
  ctx.target = hit.host_id ? info.host(*hit.host_id) : info.find(hit.host_value);
  const int64_t target_id = ctx.target ? ctx.target->host_id : -1;
  for (const auto& m : hit.members)
    if (m.host_id && *m.host_id != target_id &&
        std::find(ctx.server_ids.begin(), ctx.server_ids.end(), *m.host_id) == ctx.server_ids.end())
      ctx.server_ids.push_back(*m.host_id);
  if (ctx.server_ids.empty())
    for (int64_t id : info.dpm_servers())
      if (id != target_id) ctx.server_ids.push_back(id);
  if (!ctx.server_ids.empty()) ctx.reference = ctx.server_ids.front();

  std::string target_name = ctx.target ? ctx.target->name : hit.host_value;
  auto& ph = ctx.placeholders;
  ph["target"] = {target_name};
  ph["target_names"] = ctx.target ? ctx.target->names : std::vector<std::string>{hit.host_value};
  ph["target_ips"] = ctx.target ? ctx.target->ips : std::vector<std::string>{};
  for (int64_t id : ctx.server_ids) {
    const HostInfo* s = info.host(id);
    if (!s) continue;
    for (const auto& n : s->names) ph["server_names"].push_back(n);
    for (const auto& ip : s->ips) ph["server_ips"].push_back(ip);
  }
  for (const char* key : {"target_ips", "server_ips", "server_names"})
    if (ph[key].empty()) ph[key] = {"(none known)"};  // matches nothing, keeps the query valid

  TemplateArgs& a = ctx.args;
  a.set("target", target_name);
  a.set("target_fqdn", ctx.target && !ctx.target->fqdn.empty() ? ctx.target->fqdn : target_name);
  a.set("target_ip", ctx.target && !ctx.target->ips.empty() ? ctx.target->ips.front() : "(address unknown)");
  a.set("target_os", ctx.target && !ctx.target->os_name.empty() ? ctx.target->os_name : "(OS unknown)");
  const HostInfo* server = ctx.reference ? info.host(*ctx.reference) : nullptr;
  a.set("server", server ? server->name : "the DPM server");
  a.set("server_ip", server && !server->ips.empty() ? server->ips.front() : "(address unknown)");
  a.set("first_seen", hit.first_us ? format_iso8601_short(*hit.first_us) : "an unknown time");
  a.set("last_seen", hit.last_us ? format_iso8601_short(*hit.last_us) : "an unknown time");
  a.set("matches", static_cast<int64_t>(hit.members.size()));
  if (!hit.first_us)
    a.set("when", "at times the evidence does not record (console errors carry none)");
  else if (*hit.first_us == *hit.last_us)
    a.set("when", "at " + format_iso8601_short(*hit.first_us));
  else
    a.set("when", "between " + format_iso8601_short(*hit.first_us) + " and " + format_iso8601_short(*hit.last_us));
  std::string lines;
  for (const auto& m : hit.members)
    if (!m.message.empty() && lines.find(m.message) == std::string::npos) lines += (lines.empty() ? "" : "; ") + m.message;
  a.set("member_lines", lines);

  std::string version;
  for (int64_t id : ctx.server_ids)
    if (const HostInfo* s = info.host(id); s && !s->dpm_version.empty()) version = s->dpm_version;
  if (version.empty() && ctx.target) version = ctx.target->dpm_version;
  if (version.empty()) {
    version = kDefaultVersion;
    ctx.notes.push_back("the DPM version is not in the bundle: replace <DPMVersion> in the fix with the "
                        "server's version (DPM console: About; e.g. 10.19.58.0 for DPM 2019)");
  }
  a.set("dpm_version", version);
  a.set("coordinator_program", "%ProgramFiles%\\Microsoft Data Protection Manager\\DPM\\ProtectionAgents\\AC\\" +
                                   version + "\\dpmac.exe");

  // The target's push attempts, in order (pm_push_attempts).
  auto st = db.prepare(
      "SELECT error_id, result, time_us FROM temp.pm_push_attempts WHERE target = ?1 COLLATE NOCASE ORDER BY seq");
  if (!st) return st.status();
  st->bind(1, target_name);
  std::vector<std::string> sequence;
  int64_t failed = 0;
  auto each = db::for_each_row(*st, [&](db::Statement&) {
    if (std::string(st->column_text(1)) == "succeeded") {
      sequence.push_back("success");
    } else {
      ++failed;
      sequence.push_back(st->is_null(0) ? std::string("failure") : std::to_string(st->column_int(0)));
    }
  });
  if (!each) return each;
  std::string seq_text;
  for (const auto& s : sequence) seq_text += (seq_text.empty() ? "" : ", ") + s;
  a.set("attempts", static_cast<int64_t>(sequence.size()));
  a.set("failed_attempts", failed);
  a.set("attempt_sequence", seq_text.empty() ? "(none recorded)" : seq_text);
  return ctx;
}

}  // namespace pm::rules
