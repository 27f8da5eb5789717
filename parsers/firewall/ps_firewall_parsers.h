// PowerShell Format-List output of Get-NetFirewallProfile and
// Get-NetFirewallRule (default list view or Format-List *), as redirected
// (often UTF-16LE) or copied from the console. Records are groups of
// "Property : value" lines separated by blank lines (a repeated property also
// starts a new record); indented lines continue the previous value (word
// wraps keep their space; a hard split of a long word is glued back).
// Property names are not localized. Unmapped properties are read and ignored.
// Counting (unit = line): a record's first line is the stored row (or the
// rejected one when the record is not a profile/rule); its other lines, blank
// lines and prompt echoes are header_units; other lines are rejected.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

// Get-NetFirewallProfile -> FirewallProfileRow (origin "powershell"):
// profile = Name, state from Enabled (True/False/NotConfigured -> on/off/not
// configured), DefaultInbound/OutboundAction as written, LogAllowed/LogBlocked
// -> enabled/disabled/not configured, LogFileName, LogMaxSizeKilobytes.
class PsFirewallProfileParser final : public Parser {
 public:
  std::string_view name() const override { return "ps-netfirewallprofile"; }
  std::string_view description() const override {
    return "Windows Firewall profiles (PowerShell Get-NetFirewallProfile list output)";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

// Get-NetFirewallRule -> FirewallRuleRow (origin "powershell"): rule_id =
// Name, name = DisplayName, grouping = Group (resource id) else DisplayGroup,
// enabled yes/no, direction in/out, action lower case, profiles = Profile,
// edge_traversal = EdgeTraversalPolicy, rule_source = PolicyStoreSource.
// Ports, addresses and programs are not in this output (left empty).
class PsFirewallRuleParser final : public Parser {
 public:
  std::string_view name() const override { return "ps-netfirewallrule"; }
  std::string_view description() const override {
    return "Windows Firewall rules (PowerShell Get-NetFirewallRule list output)";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
