#include "rules/explain/case_info.h"

#include <algorithm>

#include "parsers/core/strings.h"

namespace pm::rules {
namespace {

std::string col(const db::Statement& st, int i) { return st.is_null(i) ? std::string() : std::string(st.column_text(i)); }

template <class F>
Status each_row(db::Database& db, const char* sql, F&& f) {
  auto st = db.prepare(sql);
  if (!st) return st.status();
  return db::for_each_row(*st, f);
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (!s.empty() && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

}  // namespace

Result<CaseInfo> CaseInfo::load(db::Database& db) {
  CaseInfo info;
  auto s = each_row(db,
                    "SELECT host_id, name, fqdn, netbios, os_name, dpm_role, dpm_version, agent_coordinator_path, "
                    "time_zone FROM hosts ORDER BY host_id",
                    [&](const db::Statement& st) {
                      HostInfo h;
                      h.host_id = st.column_int(0);
                      h.name = col(st, 1);
                      h.fqdn = col(st, 2);
                      h.netbios = col(st, 3);
                      h.os_name = col(st, 4);
                      h.dpm_role = col(st, 5);
                      h.dpm_version = col(st, 6);
                      h.coordinator_path = col(st, 7);
                      h.time_zone = col(st, 8);
                      add_unique(h.names, h.name);
                      add_unique(h.names, h.fqdn);
                      add_unique(h.names, h.netbios);
                      for (const auto& n : h.names) info.by_alias_[ascii_lower(n)] = h.host_id;
                      info.hosts_[h.host_id] = std::move(h);
                    });
  if (!s) return s;
  s = each_row(db, "SELECT alias, host_id, kind FROM host_aliases ORDER BY rowid", [&](const db::Statement& st) {
    auto it = info.hosts_.find(st.column_int(1));
    if (it == info.hosts_.end()) return;
    std::string alias = col(st, 0), kind = col(st, 2);
    if (kind == "ip") add_unique(it->second.ips, alias);
    else add_unique(it->second.names, alias);
    info.by_alias_.emplace(ascii_lower(alias), it->first);
  });
  if (!s) return s;
  // IPv4 first: firewall logs and DCOM messages mostly name those.
  for (auto& [id, h] : info.hosts_)
    std::stable_partition(h.ips.begin(), h.ips.end(), [](const std::string& ip) { return ip.find(':') == std::string::npos; });
  s = each_row(db, "SELECT source_id, path FROM sources", [&](const db::Statement& st) {
    info.sources_[st.column_int(0)] = col(st, 1);
  });
  if (!s) return s;
  for (const auto& [id, h] : info.hosts_)
    if (h.dpm_role == "server") info.servers_.push_back(id);
  if (info.servers_.empty()) {
    s = each_row(db,
                 "SELECT DISTINCT server_host_id FROM temp.pm_push_attempts WHERE server_host_id IS NOT NULL "
                 "ORDER BY server_host_id",
                 [&](const db::Statement& st) { info.servers_.push_back(st.column_int(0)); });
    if (!s) return s;
  }
  return info;
}

const HostInfo* CaseInfo::host(int64_t host_id) const {
  auto it = hosts_.find(host_id);
  return it == hosts_.end() ? nullptr : &it->second;
}

const HostInfo* CaseInfo::find(const std::string& name_or_alias) const {
  auto it = by_alias_.find(ascii_lower(name_or_alias));
  if (it == by_alias_.end() && name_or_alias.find('.') != std::string::npos)
    it = by_alias_.find(ascii_lower(name_or_alias.substr(0, name_or_alias.find('.'))));
  return it == by_alias_.end() ? nullptr : host(it->second);
}

std::string CaseInfo::host_name(const std::optional<int64_t>& host_id) const {
  if (!host_id) return {};
  const HostInfo* h = host(*host_id);
  return h ? h->name : std::string();
}

std::string CaseInfo::source_path(int64_t source_id) const {
  auto it = sources_.find(source_id);
  return it == sources_.end() ? std::string() : it->second;
}

}  // namespace pm::rules
