// A RowSink that only counts, for fuzz targets and the fuzz regression tests:
// rows are checked against the parser's ParseCounts, not kept.
#pragma once

#include <cstdint>
#include <string_view>

#include "parsers/core/parser.h"
#include "parsers/core/sink.h"

namespace pm::fuzz {

struct CountingSink final : RowSink {
  int64_t claims = 0;
  int64_t events = 0;   // every row that carries an EventRow
  int64_t details = 0;  // rows without one: profiles, rules, facts, installs
  int64_t rejects = 0;

  void claim_host(std::string_view, std::string_view) override { ++claims; }
  void event(const EventRow&) override { ++events; }
  void firewall_log(const EventRow&, const FirewallLogRow&) override { ++events; }
  void firewall_profile(const FirewallProfileRow&) override { ++details; }
  void firewall_rule(const FirewallRuleRow&) override { ++details; }
  void host_fact(const HostFactRow&) override { ++details; }
  void rejected(const RejectedRow&) override { ++rejects; }
  void dpm_trace(const EventRow&, const DpmTraceRow&) override { ++events; }
  void msi_line(const EventRow&, const MsiLineRow&) override { ++events; }
  void install(const InstallRow&) override { ++details; }
  void push_error(const EventRow&, const PushErrorRow&) override { ++events; }
  void win_event(const EventRow&, const WinEventRow&) override { ++events; }
};

// What every parse owes, whatever the input: counts that reconcile, none
// negative, and one RejectedRow per rejected unit.
inline bool counts_hold(const ParseCounts& c, const CountingSink& sink) {
  return c.reconciles() && c.units_read >= 0 && c.rows_stored >= 0 && c.rows_rejected >= 0 &&
         c.header_units >= 0 && sink.rejects == c.rows_rejected;
}

}  // namespace pm::fuzz
