// Host attribution from bundle paths. Pure functions; the order of the rules
// (documented in docs/ARCHITECTURE.md and README.md) is applied by ingest:
//   1. --host;
//   2. a folder named after a machine: the deepest folder that is a known host
//      name or address, else the deepest FQDN-shaped folder, else the
//      shallowest NetBIOS-shaped folder that is not a common folder name
//      (a single wrapper folder holding the whole bundle is skipped);
//   3. what the content says (systeminfo/ipconfig Host Name, EVTX Computer),
//      or host facts found in the same folder (or the nearest parent folder);
//   4. unknown.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pm::db {

// The folder components of a '/'-separated bundle path (the file name and
// archive names excluded), outermost first.
std::vector<std::string> folder_components(std::string_view path);

bool looks_like_fqdn(std::string_view name);     // fs01.contoso.com (not a file or archive name, not an IP)
bool looks_like_netbios(std::string_view name);  // FS01, DPM-SRV-01 (not a common folder name)

struct FolderHost {
  std::string name;    // the folder's name, used as the host name
  std::string reason;  // for sources.host_reason
};

// Applies rule 2 to one file's bundle path. `is_known` says whether a name is
// already a host alias in the case. `skip_top` skips the first component (a
// wrapper folder that holds the whole bundle).
std::optional<FolderHost> host_from_folders(std::string_view path, bool skip_top,
                                            const std::function<bool(std::string_view)>& is_known);

// The folder part of a bundle path ("a/b/c.log" -> "a/b"; "c.log" -> "").
std::string parent_folder(std::string_view path);

}  // namespace pm::db
