// pfirewall.log (W3C extended, Windows Firewall): pfirewall.log,
// pfirewall_<profile>.log, *.log.old, XP/2003 and Vista+ variants.
// Columns come from `#Fields` (re-applied when repeated mid-file); local
// times are converted with the source's zone; invalid values are kept
// verbatim and flagged; INFO-EVENTS-LOST keeps its lost count.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class PfirewallParser final : public Parser {
 public:
  std::string_view name() const override { return "pfirewall"; }
  std::string_view description() const override {
    return "Windows Firewall log (pfirewall.log, W3C extended)";
  }
  bool local_times() const override { return true; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
