// What the explanation engine needs to know about a case's hosts and
// sources, read once: names, aliases, addresses, DPM role and version, OS,
// and source paths. Small (hosts and files, never rows). Not thread-shared.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"
#include "parsers/core/status.h"

namespace pm::rules {

struct HostInfo {
  int64_t host_id = 0;
  std::string name, fqdn, netbios, os_name, dpm_role, dpm_version, coordinator_path, time_zone;
  std::vector<std::string> ips, names;  // addresses; every name alias (fqdn, netbios, folder name)
};

class CaseInfo {
 public:
  static Result<CaseInfo> load(db::Database& db);
  const HostInfo* host(int64_t host_id) const;
  // A host by name, FQDN, NetBIOS name, address or folder alias (case-insensitive).
  const HostInfo* find(const std::string& name_or_alias) const;
  std::string host_name(const std::optional<int64_t>& host_id) const;
  std::string source_path(int64_t source_id) const;
  // Hosts with dpm_role 'server', else hosts that recorded push attempts.
  std::vector<int64_t> dpm_servers() const { return servers_; }
  const std::map<int64_t, HostInfo>& hosts() const { return hosts_; }

 private:
  std::map<int64_t, HostInfo> hosts_;
  std::map<std::string, int64_t> by_alias_;  // lower-case alias -> host
  std::map<int64_t, std::string> sources_;
  std::vector<int64_t> servers_;
};

}  // namespace pm::rules
