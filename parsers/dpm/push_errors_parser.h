// Push errors copied from the DPM console or PowerShell (no timestamps), any
// number per file, blank lines between them or not:
//
//   Install protection agent on fs01.contoso.com failed:      <- start line (any
//   Error 319: The agent operation failed because ...            verb: Install,
//   Error details: The RPC server is unavailable (0x800706BA)    Uninstall, Update,
//   Recommended action:                                          Upgrade, Attach,
//   1) Verify that fs01.contoso.com is remotely accessible ...   Detach, Remove,
//   2) If a firewall is enabled on fs01.contoso.com, ...         Repair, Enable,
//                                                                Disable, Refresh)
// A block may also start at its "Error NNN:" line (the start line was not
// copied). A line without a label continues the section above it (error
// text, details, recommended action); after a blank line only a numbered or
// bulleted step ("3)", "3.", "-", "*") continues the recommended action.
// The alert/job form "(ID 347 Details: ... (0x80010119))" is read anywhere
// in a line outside a block (several per line allowed).
//
// One PushErrorRow (sink.push_error) per block or alert: untimed
// (EventRow::time_us empty, file order = EventRow::location = the block's
// first line), EventRow::host empty (the file's host reported it; the target
// is PushErrorRow::target_host), event_code = the error id, level error,
// message "Error 319 on fs01.contoso.com: The RPC server is unavailable
// (0x800706BA)". operation: the start line's text before " on HOST" ("" when
// the block starts at its Error line); target_host: the start line's HOST,
// else the last " on|with|to HOST" of the error text (alerts: of the text
// before "(ID"; push_error_lines.h says what passes for a HOST). hresult: the "0x" + 8 hex digits written in the details
// (hresult_source "text"), else the catalog's HRESULT whose message the
// details are or contain (parsers/catalog/catalog.h; hresult_source
// "catalog"), else empty. details and recommended_action keep their line
// breaks; last_line is the block's last line.
//
// Counting (one unit = one line): units_read = rows_stored + rows_rejected + header_units.
//   stored   a block's first line; a line holding alert forms (one unit even
//            when it holds two alerts)
//   header   every other line of a block; blank lines
//   rejected every line of a block without an "Error NNN:" line; any other
//            non-blank line outside a block (with the reason); lines over 1 MiB.
//
// Host facts: role_facts.h over every line (a local path
// ...\ProtectionAgents\AC\<version>\dpmac.exe names the DPM server, its
// version and its agent coordinator path).
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class PushErrorsParser final : public Parser {
 public:
  std::string_view name() const override { return "dpm-push-errors"; }
  std::string_view description() const override {
    return "DPM agent push errors copied from the console or PowerShell (Error NNN blocks, alerts)";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
