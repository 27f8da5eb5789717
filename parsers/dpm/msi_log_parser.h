// Windows Installer verbose logs (msiexec /l*v): the DPM agent install logs
// %windir%\Temp\MSDPM*.log and any other MSI log. ANSI, UTF-8 or UTF-16LE
// (with or without BOM). Times are local: converted with the source's zone
// (rows flagged zone_unknown when none is known).
//
// Installs: every "=== Verbose logging started: <date> <time> ..." line (also
// "=== Logging started:") opens one install; "=== Logging stopped: <date>
// <time> ===" (also "=== Verbose logging stopped:") closes it. An install ends
// with one InstallRow (sink.install) at its footer, at the next header or at
// the end of the file:
//   start/end   header and footer date/time (else the first/last timed line), UTC
//   product     "Windows Installer installed the product. Product Name: X."
//               > "Product: X -- ..." > "Property(S): ProductName = X"
//   version     "... Product Version: Y." > "Property(S): ProductVersion = Y"
//   result_code "Installation success or error status: N" > "MainEngineThread
//               is returning N"; result: 0 success, 3010/1641 reboot-required,
//               1602 cancelled, any other code failure; without a code:
//               "-- Installation failed." / "-- ... completed successfully.",
//               else the INSTALL action's Return value (1 success, 2
//               cancelled, 3 failure), else unknown
//   failing_action  the first action that ended with "Return value 3"
//   date_basis  how the header date was read: "M/D/YYYY", "D.M.YYYY", ...;
//               "<order> (ambiguous <date>; decided by <clue>)"; "ambiguous:
//               <date> read as M/D/YYYY, ..." when nothing decides (msi_dates.h);
//               "no header: date unknown" for lines before any header.
// Dates: the header's locale date; each later time that goes back by more
// than 6 hours is the next day (midnight rollover); a smaller step back keeps
// the day and flags the row out_of_order. Lines of an install without a
// header date are untimed.
//
// Counting (one unit = one line): units_read = rows_stored + rows_rejected + header_units.
//   stored   every "MSI (c|s) (pid:tid) [hh:mm:ss:mmm]: ..." line (pid!tid on
//            custom action threads); "Action start|ended hh:mm:ss: X." and
//            "Action hh:mm:ss: X. ..." lines; every other non-blank line
//            inside an install (CustomAction ... returned actual error code,
//            Error/Info/DEBUG lines): untimed in the file, it takes the time
//            of the last timed line before it (msi_log.local_time stays NULL).
//            Each is one event with an MsiLineRow.
//   header   blank lines, the header and footer lines, the property dump
//            ("Property(S): Name = Value" and the lines continuing a value).
//   rejected lines outside any install (before the first header or after a
//            footer) that are not MSI lines, "MSI (" lines with a malformed
//            prefix or time, lines with control characters or undecodable
//            bytes (U+FFFD), lines over 1 MiB.
// Events: event_code action-start, action-end, action, install-status
// (status, MainEngineThread and "Product: ... --" lines), error (Error NNNN,
// "returned actual error code"), else empty; level error for failures
// (Return value 3, failure codes, "-- Installation failed."), warning for
// cancels (Return value 2, 1602), else info.
// MsiLineRow::local_time is "YYYY-MM-DD hh:mm:ss:mmm" (the resolved local
// date and the time as written), or the time alone when the date is unknown.
//
// Host facts (role_facts.h): dpm_role target/server, dpm_version and
// agent_coordinator_path from the products and dpmac.exe paths the log names.
// ParseCounts::time_basis: the distinct date bases of the file's installs.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class MsiLogParser final : public Parser {
 public:
  std::string_view name() const override { return "msi-log"; }
  std::string_view description() const override {
    return "Windows Installer verbose log (msdpm*.log and any msiexec /l*v log)";
  }
  bool local_times() const override { return true; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
