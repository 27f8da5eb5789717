// The event fields of a decoded EVTX record (a Document from binxml.h), and
// the WinEventRow / EventRow made from them.
//
// Fields: <System> children Provider (Name, Guid, EventSourceName), EventID
// (text; Qualifiers), Version, Level, Task, Opcode, Keywords, TimeCreated
// (SystemTime), EventRecordID, Correlation (ActivityID, RelatedActivityID),
// Execution (ProcessID, ThreadID), Channel, Computer, Security (UserID).
// Data: the children of <EventData> in document order - <Data Name='n'> is
// named n, an unnamed <Data> "Data[k]" (k = its 1-based position among the
// Data elements), <Binary> "Binary", any other element its own name - or the
// leaf elements under <UserData> (name = element name).
//
// fill_rows() mapping: EventRow host = Computer, event_code = EventID text,
// level from Level (1 critical, 2 error, 3 warning, 4 and 0 info, 5 verbose),
// message = render_event_message(), location = EventRecordID (the record
// header's id when the XML has none), offset = the record's file offset,
// time_us and WinEventRow::filetime from TimeCreated (a FILETIME value, an
// ISO 8601 text, else the record header's time), flags = invalid_value when
// some value could not be decoded (its bytes are then kept as hex), a
// numeric field is not a number (kept as text), or the record was decoded
// only partially (Document::damage()).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/rows.h"
#include "parsers/evtx/binxml.h"
#include "parsers/evtx/values.h"

namespace pm::evtx {

// Where a record was found.
struct RecordMeta {
  uint64_t offset = 0;     // file offset of the record's signature
  uint64_t record_id = 0;  // from the record header
  uint64_t written = 0;    // FILETIME from the record header
  bool recovered = false;  // found by scanning damaged or slack space
};

enum Field : uint8_t {
  kProviderName, kProviderGuid, kEventSourceName, kEventId, kQualifiers, kVersion, kLevel, kTask, kOpcode,
  kKeywords, kTimeCreated, kRecordId, kActivityId, kRelatedActivityId, kProcessId, kThreadId, kChannel,
  kComputer, kUserId, kFieldCount
};

struct DataItem {
  int32_t name_attr = -1;  // the Name attribute, when there is one
  int32_t element = -1;    // the element holding the value
  int32_t unnamed = 0;     // > 0: named "Data[unnamed]"
  bool binary = false;     // named "Binary"
};

struct EventFields {
  std::array<int32_t, kFieldCount> node{};  // element or attribute node, -1 when absent
  std::string_view data_kind;               // "EventData", "UserData" or empty
  std::vector<DataItem> data;
};

// Finds the fields in a document (cheap: walks <System> and the data element).
void locate_fields(const Document& doc, EventFields& fields);

// Appends the text of an element or attribute: its value pieces (not child
// elements), escaped. False when some value was invalid.
bool append_text(const Document& doc, int32_t node, std::string& out, Escape esc);
// Appends a data item's name, escaped.
void append_data_name(const Document& doc, const DataItem& item, std::string& out, Escape esc);
// TimeCreated in 100 ns ticks since 1601 (see the header comment).
uint64_t time_created(const Document& doc, const EventFields& fields, const RecordMeta& meta);

// Fills both rows (strings are reused, not reallocated, when the rows are).
void fill_rows(const Document& doc, const EventFields& fields, const RecordMeta& meta, WinEventRow& row,
               EventRow& event);

}  // namespace pm::evtx
