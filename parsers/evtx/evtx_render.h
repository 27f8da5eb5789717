// Text renderings of decoded EVTX records, appended to a caller's buffer.
//
// XML: the record's element tree as Event Viewer's "Save as XML" writes it:
// one <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>
// element per line, single-quoted attributes, empty elements as <X/>, values
// in the text forms of values.h, everything escaped (characters XML 1.0
// forbids become U+FFFD). A partially decoded record (Document::damage())
// is preceded by an XML comment saying so. kXmlPrologue/kXmlEpilogue wrap a whole dump in
// <Events>...</Events>.
//
// JSON (one object per line, keys in this order, absent fields left out):
// record_id, time (TimeCreated, ISO 8601 UTC with 7 fractional digits),
// event_id, qualifiers, version, level, task, opcode, keywords, provider,
// provider_guid, event_source_name, channel, computer, user_sid,
// activity_id, related_activity_id, process_id, thread_id, data_kind, data
// (object: name -> value; a name that occurs more than once maps to an array
// of its values in order), partial (why the record was decoded only
// partially; only then), recovered (bool), offset (file offset). Numeric
// fields are JSON numbers when their text is an integer, else strings.
//
// Neither adds a trailing newline. Not thread-safe (scratch buffers): one
// RecordRenderer per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "parsers/evtx/binxml.h"
#include "parsers/evtx/evtx_record.h"

namespace pm::evtx {

inline constexpr std::string_view kXmlPrologue =
    "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<Events>\n";
inline constexpr std::string_view kXmlEpilogue = "</Events>\n";

class RecordRenderer {
 public:
  void append_xml(const Document& doc, std::string& out);
  void append_json(const Document& doc, const EventFields& fields, const RecordMeta& meta, std::string& out);

 private:
  std::vector<std::pair<int32_t, bool>> stack_;  // node, closing
  std::vector<std::string> names_;
  std::vector<uint8_t> done_;
  std::string scratch_;
};

}  // namespace pm::evtx
