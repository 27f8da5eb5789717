// XmlEventBuilder: turns the elements of one <Event> (as an XML parser
// reports them) into a WinEventRow. Knows the Windows event schema:
//   System: Provider@Name/@Guid/@EventSourceName, EventID (@Qualifiers),
//     Version, Level, Task, Opcode, Keywords, TimeCreated@SystemTime (UTC),
//     EventRecordID, Correlation@ActivityID/@RelatedActivityID,
//     Execution@ProcessID/@ThreadID, Channel, Computer, Security@UserID;
//   EventData: children in document order - <Data Name='n'> named n, an
//     unnamed <Data> "Data[k]" (k = 1-based position among the Data
//     elements), <Binary> "Binary", any other element its own name;
//   UserData: every leaf element below it, named by its local name;
//   RenderingInfo: Message, Level, Task, Opcode (localized texts).
// Namespace prefixes are ignored (local names). Values are kept as written
// (trimmed for System numbers); a System number that is not a number is
// kept as text and the row flagged invalid_value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/rows.h"

namespace pm::events {

class XmlEventBuilder {
 public:
  // Starts a new event; `attrs` is expat's NULL-terminated name/value list.
  void begin(const char** attrs);
  // An element below <Event> opens/closes; depth 1 = a child of <Event>.
  void start(std::string_view local, const char** attrs, int depth);
  void end(int depth);
  void text(std::string_view s);

  // After </Event>: fills the rows. False with `reason` when the event cannot
  // be stored (no numeric EventID).
  bool finish(WinEventRow& row, EventRow& ev, std::string& reason);

  std::optional<int64_t> record_id() const;

 private:
  enum class Section { none, system, event_data, user_data, rendering };
  struct Frame {
    std::string name;
    std::string text;
    bool has_children = false;
    std::string data_name;  // EventData item name
  };

  Section section_ = Section::none;
  std::vector<Frame> stack_;  // frames below <Event>
  int data_elements_ = 0;     // <Data> elements seen in EventData
  WinEventRow row_;
  std::string event_id_text_, level_, version_, task_, opcode_, record_id_, qualifiers_, pid_, tid_;
  std::string system_time_, message_;
  bool has_data_section_ = false;
};

}  // namespace pm::events
