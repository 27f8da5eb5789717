// Windows events as XML: Event Viewer "Save All Events As... XML" (<Events>
// root, single-quoted attributes, RenderingInfo with localized Message,
// Level, Task, Opcode), `wevtutil qe LOG /f:xml` (bare <Event> elements
// without a root) and `/f:RenderedXml`. Any text encoding (UTF-8, UTF-16
// with or without BOM, Windows-1252); the XML declaration's encoding is
// ignored in favour of the detected one.
//
// Streaming with expat: the text is fed to expat in 64 KiB pieces inside a
// synthetic root element, so both shapes parse the same way. Refused: DTDs
// (a DOCTYPE or an entity declaration stops the parser; without a DTD only
// the five predefined entities and character references exist, so entity
// expansion cannot blow up), nesting deeper than 64 elements, one event
// larger than 16 MiB. The hash salt is random per parse.
//
// Unit = one <Event> element: units_read = rows_stored + rows_rejected, no
// header units. A stored event gives one win_event (fields: see
// xml_event_builder.h; time = System/TimeCreated/@SystemTime, UTC, 100 ns
// kept; location = EventRecordID, else the line of <Event>; offset = the
// byte offset of <Event> in the file; message = RenderingInfo/Message when
// present, else the template message). Rejected, with location = the line
// where the unit starts and the reason:
//  - an event without a numeric EventID;
//  - an element other than <Event> among the events (one unit);
//  - not well-formed XML: expat stops at the first error and cannot resume,
//    so the event in progress ("event N (line L): ... at line X, column Y")
//    - or, between events, the text from the last complete event to the
//    error - is rejected as one unit, and parsing restarts with a new parser
//    at the next "<Event" start tag after the error (the reason says where).
//    When no further <Event> follows, the rest of the file is that one
//    rejected unit. Nothing is dropped silently.
// Host: EventRow::host = Computer per event; the parser claims nothing.
#pragma once

#include "parsers/core/parser.h"

namespace pm {

class EventXmlParser final : public Parser {
 public:
  std::string_view name() const override { return "evt-xml"; }
  std::string_view description() const override {
    return "Windows events as XML (Event Viewer Save as XML, wevtutil /f:xml and /f:RenderedXml)";
  }
  SniffResult sniff(const Head& head) const override;
  Result<ParseCounts> parse(const SourceRef& source, RowSink& sink) const override;
};

}  // namespace pm
