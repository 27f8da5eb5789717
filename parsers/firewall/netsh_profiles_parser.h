// `netsh advfirewall show allprofiles` (and show currentprofile /
// domainprofile / privateprofile / publicprofile): one FirewallProfileRow
// (origin "netsh") per "<X> Profile Settings:" block. English and German
// block titles and main keys (State/Status, Firewall Policy/Firewallrichtlinie,
// Logging/Protokollierung, Enable/Aktivieren, ON/EIN ...); CP850 umlauts read
// as Windows-1252 are tolerated in titles and keys. Console wraps (a line
// that is no key, after a line of 79+ columns, or indented) are re-joined.
// Counting (unit = line): a block's title line is the stored row; its dashed
// rule, "Logging:", key/value lines, continuations, blank lines, "Ok." and
// prompt echoes are header_units; unknown keys and unexplained lines are
// rejected.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class NetshProfilesParser final : public Parser {
 public:
  std::string_view name() const override { return "netsh-allprofiles"; }
  std::string_view description() const override {
    return "Windows Firewall profile settings (netsh advfirewall show allprofiles)";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
