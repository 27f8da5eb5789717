// Windows events as CSV:
//  - Event Viewer "Save All Events As... CSV": header `Level,Date and Time,
//    Source,Event ID,Task Category` (German `Ebene,Datum und Uhrzeit,Quelle,
//    Ereignis-ID,Aufgabenkategorie`) and a sixth, unnamed column with the
//    message (often multi-line, quoted). No computer, record id or data.
//  - PowerShell `Get-WinEvent ... | Export-Csv`: an optional `#TYPE
//    System.Diagnostics.Eventing.Reader...` line, then quoted columns
//    "Message","Id","Version","Qualifiers","Level","Task","Opcode",
//    "Keywords","RecordId","ProviderName","ProviderId","LogName",
//    "ProcessId","ThreadId","MachineName","UserId","TimeCreated",
//    "ActivityId","RelatedActivityId",...,"LevelDisplayName",
//    "OpcodeDisplayName","TaskDisplayName" (looked up by name, any order).
//    Keywords (a signed decimal) become hexadecimal.
// The separator is the most frequent of , ; and tab in the header line
// (`Export-Csv -UseCulture` writes ';' in many cultures). Records follow RFC
// 4180 (csv_reader.h).
//
// Times are local wall-clock readings in the culture's format
// ("7/24/2020 10:21:33 AM", "24.07.2020 10:21:33", "2020-07-24 10:21:33"),
// converted with the source's zone (local_times() is true). The date order
// of a file is taken from the first date that decides it on its own
// (guess_date_order: '.', a 4-digit year first, AM/PM, a part above 12);
// before that, English headers mean M/D/YYYY and German ones D.M.YYYY. The
// order used is reported in ParseCounts::time_basis.
//
// Unit = one CSV record (a quoted multi-line message is one unit, whatever
// its number of lines): units_read = rows_stored + rows_rejected +
// header_units, header units being the #TYPE line, the header record and
// blank lines. Rejected: records with the wrong number of fields, an Event
// ID that is not a number, a date that does not parse, an unclosed quote.
// location = RecordId when the export has it, else the record's first line;
// rejected rows: the first line. EventRow::host = MachineName when present.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class EventCsvParser final : public Parser {
 public:
  std::string_view name() const override { return "evt-csv"; }
  std::string_view description() const override {
    return "Windows events as CSV (Event Viewer Save as CSV, PowerShell Get-WinEvent | Export-Csv)";
  }
  bool local_times() const override { return true; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
