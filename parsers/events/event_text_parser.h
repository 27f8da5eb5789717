// Windows events as `wevtutil qe LOG /f:text` writes them:
//   Event[0]:
//     Log Name: System
//     Source: Service Control Manager
//     Date: 2020-07-24T10:21:33.456
//     Event ID: 7045
//     Task: N/A
//     Level: Information
//     Opcode: Info
//     Keyword: Classic
//     User: S-1-5-18
//     User Name: NT AUTHORITY\SYSTEM
//     Computer: fs01.contoso.com
//     Description:
//   A service was installed in the system. ...
// Labels in English or German (Protokollname, Quelle, Datum, Ereignis-ID,
// Aufgabenkategorie, Ebene, Opcode, Schlüsselwörter, Benutzer, Benutzername,
// Computer, Beschreibung); unknown labels are ignored. The lines after
// Description (up to the next Event[N]: line, trailing blank lines removed)
// are the message. Date is a local wall-clock time without offset
// (local_times() is true; converted with the source's zone; a trailing 'Z'
// means UTC), milliseconds kept.
//
// Unit = one Event[N] block (all its lines): units_read = rows_stored +
// rows_rejected + header_units; text before the first Event[N]: line is one
// header unit when blank, else one rejected unit. Rejected blocks: no
// numeric Event ID, a Date that does not parse. location = the line of
// Event[N]:, offset = its byte offset. The export has no record id, no
// EventData and no qualifiers. EventRow::host = Computer.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class EventTextParser final : public Parser {
 public:
  std::string_view name() const override { return "evt-text"; }
  std::string_view description() const override { return "Windows events as text (wevtutil qe /f:text)"; }
  bool local_times() const override { return true; }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
