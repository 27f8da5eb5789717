// RowSink: where a parser sends what it reads. db/ implements it for the case
// database; tests implement it to collect rows. A sink is used by one thread.
#pragma once

#include <string_view>

#include "parsers/core/rows.h"

namespace pm {

class RowSink {
 public:
  virtual ~RowSink() = default;
  // The content names the machine it came from (systeminfo Host Name, ...).
  // Used for host attribution when neither --host nor the folder decided it.
  virtual void claim_host(std::string_view name, std::string_view reason) = 0;
  virtual void event(const EventRow& row) = 0;
  virtual void firewall_log(const EventRow& event, const FirewallLogRow& row) = 0;
  virtual void firewall_profile(const FirewallProfileRow& row) = 0;
  virtual void firewall_rule(const FirewallRuleRow& row) = 0;
  virtual void host_fact(const HostFactRow& row) = 0;
  virtual void rejected(const RejectedRow& row) = 0;
  virtual void dpm_trace(const EventRow& event, const DpmTraceRow& row) = 0;
  virtual void msi_line(const EventRow& event, const MsiLineRow& row) = 0;
  virtual void install(const InstallRow& row) = 0;
  virtual void push_error(const EventRow& event, const PushErrorRow& row) = 0;
  virtual void win_event(const EventRow& event, const WinEventRow& row) = 0;
};

}  // namespace pm
