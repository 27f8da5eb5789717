// A RowSink that keeps every row in memory, for parser tests.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "parsers/core/sink.h"

namespace pm::test {

struct CollectingSink final : RowSink {
  std::vector<std::pair<std::string, std::string>> claims;  // name, reason
  std::vector<EventRow> events;                              // every event, also those with details
  std::vector<FirewallLogRow> firewall;
  std::vector<FirewallProfileRow> profiles;
  std::vector<FirewallRuleRow> rules;
  std::vector<HostFactRow> facts;
  std::vector<RejectedRow> rejects;
  std::vector<DpmTraceRow> traces;
  std::vector<MsiLineRow> msi_lines;
  std::vector<InstallRow> installs;
  std::vector<PushErrorRow> push_errors;
  std::vector<WinEventRow> win_events;

  void claim_host(std::string_view name, std::string_view reason) override {
    claims.emplace_back(std::string(name), std::string(reason));
  }
  void event(const EventRow& row) override { events.push_back(row); }
  void firewall_log(const EventRow& e, const FirewallLogRow& row) override {
    events.push_back(e);
    firewall.push_back(row);
  }
  void firewall_profile(const FirewallProfileRow& row) override { profiles.push_back(row); }
  void firewall_rule(const FirewallRuleRow& row) override { rules.push_back(row); }
  void host_fact(const HostFactRow& row) override { facts.push_back(row); }
  void rejected(const RejectedRow& row) override { rejects.push_back(row); }
  void dpm_trace(const EventRow& e, const DpmTraceRow& row) override {
    events.push_back(e);
    traces.push_back(row);
  }
  void msi_line(const EventRow& e, const MsiLineRow& row) override {
    events.push_back(e);
    msi_lines.push_back(row);
  }
  void install(const InstallRow& row) override { installs.push_back(row); }
  void push_error(const EventRow& e, const PushErrorRow& row) override {
    events.push_back(e);
    push_errors.push_back(row);
  }
  void win_event(const EventRow& e, const WinEventRow& row) override {
    events.push_back(e);
    win_events.push_back(row);
  }

  // The value of the first fact with this name, or "".
  std::string fact(std::string_view name) const {
    for (const auto& f : facts)
      if (f.fact == name) return f.value;
    return {};
  }
};

}  // namespace pm::test
