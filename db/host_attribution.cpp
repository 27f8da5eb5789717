#include "db/host_attribution.h"

#include <algorithm>
#include <iterator>
#include <cctype>

#include "parsers/core/net_util.h"
#include "parsers/core/strings.h"

namespace pm::db {
namespace {

// File and archive extensions that make "name.ext" a file, not a host.
bool is_file_extension(std::string_view ext) {
  static constexpr std::string_view kExt[] = {
      "log", "txt", "zip", "cab", "7z", "tar", "gz", "tgz", "bz2", "xz", "rar", "evtx", "evt", "xml",
      "csv", "old", "etl", "errlog", "crash", "json", "html", "htm", "bak", "tmp"};
  std::string e = ascii_lower(ext);
  return std::find(std::begin(kExt), std::end(kExt), e) != std::end(kExt);
}

bool is_archive_name(std::string_view name) {
  std::string n = ascii_lower(name);
  for (std::string_view ext : {".zip", ".cab", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".rar"})
    if (n.size() > ext.size() && n.compare(n.size() - ext.size(), ext.size(), ext) == 0) return true;
  return false;
}

// Folder names that are never machine names.
bool is_common_folder(std::string_view name) {
  static constexpr std::string_view kCommon[] = {
      "logs", "log", "logfiles", "firewall", "temp", "tmp", "windows", "system32", "syswow64", "winevt", "evtx",
      "events", "eventlogs", "eventlog", "dpm", "bin", "data", "export", "exports", "bundle", "bundles", "collect",
      "collected", "output", "out", "server", "servers", "target", "targets", "client", "clients", "config",
      "netsh", "powershell", "ps", "msi", "install", "setup", "microsoft", "programdata", "users", "appdata",
      "roaming", "local", "case", "cases", "files", "misc", "agent", "agents", "traces", "dumps"};
  std::string n = ascii_lower(name);
  return std::find(std::begin(kCommon), std::end(kCommon), n) != std::end(kCommon);
}

bool valid_label(std::string_view l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  return std::all_of(l.begin(), l.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; });
}

}  // namespace

std::vector<std::string> folder_components(std::string_view path) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) break;  // the rest is the file name
    std::string_view part = path.substr(start, slash - start);
    if (!part.empty() && !is_archive_name(part)) parts.emplace_back(part);
    start = slash + 1;
  }
  return parts;
}

bool looks_like_fqdn(std::string_view name) {
  if (name.size() > 253 || name.find('.') == std::string_view::npos || is_ip_address(name)) return false;
  std::vector<std::string_view> labels;
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    labels.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!std::all_of(labels.begin(), labels.end(), valid_label)) return false;
  std::string_view tld = labels.back();
  if (tld.size() < 2 || !std::all_of(tld.begin(), tld.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); }))
    return false;
  return !is_file_extension(tld) && std::isalpha(static_cast<unsigned char>(labels.front().front()));
}

bool looks_like_netbios(std::string_view name) {
  if (name.empty() || name.size() > 15 || !valid_label(name) || is_common_folder(name)) return false;
  return std::any_of(name.begin(), name.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

std::optional<FolderHost> host_from_folders(std::string_view path, bool skip_top,
                                            const std::function<bool(std::string_view)>& is_known) {
  std::vector<std::string> parts = folder_components(path);
  if (skip_top && !parts.empty()) parts.erase(parts.begin());
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    if (is_known && is_known(*it)) return FolderHost{*it, "folder '" + *it + "' names a known host"};
  for (auto it = parts.rbegin(); it != parts.rend(); ++it)
    if (looks_like_fqdn(*it)) return FolderHost{*it, "folder '" + *it + "' is a host name (FQDN)"};
  for (const std::string& p : parts)
    if (looks_like_netbios(p)) return FolderHost{p, "folder '" + p + "' is a host name (NetBIOS)"};
  return std::nullopt;
}

std::string parent_folder(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string() : std::string(path.substr(0, slash));
}

}  // namespace pm::db
