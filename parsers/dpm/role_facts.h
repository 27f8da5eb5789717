// DPM role and version of the machine a file comes from, detected from what
// the file says (issue #3 section 5). Used by the msi-log and
// dpm-push-errors parsers; the facts go to HostFactRow and the case database
// copies them into hosts.dpm_role, hosts.dpm_version and
// hosts.agent_coordinator_path (db/case_writer.cpp).
//
// Evidence, strongest first:
//   - an installed product (MSI): a name with "DPM" or "Data Protection
//     Manager" and "Agent" (not "Central Console" or "Remote Administration")
//     -> role target, version = the product version; "DPM" / "Data Protection
//     Manager" without "Agent", "Console", "Central" or "Remote Administration"
//     -> role server, version = the product version;
//   - a local dpmac.exe path (drive letter or %ProgramFiles%; UNC paths name
//     another machine and are ignored): ...\DPM\ProtectionAgents\AC\<version>\dpmac.exe
//     -> role server, agent_coordinator_path = the path, version = <version>
//     when no product gave one; ...\DPMAC\bin\dpmac.exe -> role target,
//     agent_coordinator_path = the path.
// A path whose role contradicts the product's is ignored. One file emits each
// fact at most once (finish()): dpm_role, dpm_version, agent_coordinator_path,
// each at the line of its evidence. Not thread-shared: one per parse.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/sink.h"

namespace pm::dpm {

// "server", "target" or "" (not a DPM product) for an MSI product name.
std::string_view product_role(std::string_view product);

struct CoordinatorPath {
  std::string path;     // as written
  std::string role;     // server or target
  std::string version;  // <version> of ...\ProtectionAgents\AC\<version>\, else empty
};
// The first local dpmac.exe path in `text` (case-insensitive) and the role it implies.
std::optional<CoordinatorPath> find_coordinator_path(std::string_view text);

class RoleFacts {
 public:
  // An installed (or attempted) product; `succeeded` prefers it over failed attempts.
  void product(std::string_view name, std::string_view version, int64_t line, bool succeeded);
  // Scans one line of text for a coordinator path.
  void scan(std::string_view text, int64_t line);
  // Emits the facts through the sink (nothing when the file named no DPM role).
  void finish(RowSink& sink) const;

 private:
  struct Fact {
    std::string value;
    int64_t line = 0;
  };
  std::string product_role_;   // from products; decides conflicts
  Fact product_version_;
  bool product_succeeded_ = false;
  std::string path_role_;
  Fact path_;
  Fact path_version_;
  int64_t role_line_ = 0;
};

}  // namespace pm::dpm
