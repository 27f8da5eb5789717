// `netsh advfirewall firewall show rule name=all [verbose]`: one
// FirewallRuleRow (origin "netsh") per "Rule Name:" block. English labels,
// and German ones (Regelname, Aktiviert, Richtung, Profile, Gruppierung,
// Lokale IP, Remote-IP, Protokoll, Lokaler Port, Remoteport, Edgeausnahme,
// Programm, Dienst, Schnittstellentypen, Sicherheit, Regelquelle, Aktion;
// spaces/hyphens in labels are ignored). enabled -> yes/no, direction ->
// in/out, action -> allow/block/bypass; other values as written. ICMP
// "Type Code" tables under Protocol become "ICMPv4:8,Any" (entries joined by
// ';'). Console wraps (a line that is no label, after a line of 79+ columns,
// or indented) are re-joined to the previous value.
// Counting (unit = line): the "Rule Name:" line is the stored row; dashed
// rules, label lines, continuations, ICMP table lines, blank lines, "Ok.",
// "No rules match" and prompt echoes are header_units; unknown labels and
// unexplained lines are rejected.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class NetshRulesParser final : public Parser {
 public:
  std::string_view name() const override { return "netsh-rules"; }
  std::string_view description() const override {
    return "Windows Firewall rules (netsh advfirewall firewall show rule name=all [verbose])";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
