#include "parsers/events/xml_event_builder.h"

#include "parsers/core/net_util.h"
#include "parsers/events/event_fields.h"

namespace pm::events {
namespace {

std::string_view local_name(std::string_view qname) {
  size_t colon = qname.rfind(':');
  return colon == std::string_view::npos ? qname : qname.substr(colon + 1);
}

const char* attr(const char** attrs, std::string_view name) {
  for (int i = 0; attrs && attrs[i]; i += 2)
    if (local_name(attrs[i]) == name) return attrs[i + 1];
  return nullptr;
}

void set_attr(const char** attrs, std::string_view name, std::string& out) {
  if (const char* v = attr(attrs, name)) out = v;
}

}  // namespace

void XmlEventBuilder::begin(const char**) {
  section_ = Section::none;
  stack_.clear();
  data_elements_ = 0;
  row_ = WinEventRow{};
  for (std::string* s : {&event_id_text_, &level_, &version_, &task_, &opcode_, &record_id_, &qualifiers_, &pid_,
                         &tid_, &system_time_, &message_})
    s->clear();
  has_data_section_ = false;
}

void XmlEventBuilder::start(std::string_view local, const char** attrs, int depth) {
  if (!stack_.empty()) stack_.back().has_children = true;
  stack_.push_back(Frame{std::string(local), {}, false, {}});
  if (depth == 1) {
    section_ = local == "System"          ? Section::system
               : local == "EventData"     ? Section::event_data
               : local == "UserData"      ? Section::user_data
               : local == "RenderingInfo" ? Section::rendering
                                          : Section::none;
    if (section_ == Section::event_data || section_ == Section::user_data) {
      has_data_section_ = true;
      row_.data_kind = std::string(local);
    }
    return;
  }
  if (depth != 2) return;
  if (section_ == Section::system) {
    if (local == "Provider") {
      set_attr(attrs, "Name", row_.provider);
      set_attr(attrs, "Guid", row_.provider_guid);
      set_attr(attrs, "EventSourceName", row_.event_source_name);
    } else if (local == "EventID") {
      set_attr(attrs, "Qualifiers", qualifiers_);
    } else if (local == "TimeCreated") {
      set_attr(attrs, "SystemTime", system_time_);
    } else if (local == "Correlation") {
      set_attr(attrs, "ActivityID", row_.activity_id);
      set_attr(attrs, "RelatedActivityID", row_.related_activity_id);
    } else if (local == "Execution") {
      set_attr(attrs, "ProcessID", pid_);
      set_attr(attrs, "ThreadID", tid_);
    } else if (local == "Security") {
      set_attr(attrs, "UserID", row_.user_sid);
    }
  } else if (section_ == Section::event_data) {
    Frame& f = stack_.back();
    if (local == "Data") {
      ++data_elements_;
      const char* n = attr(attrs, "Name");
      f.data_name = n ? std::string(n) : "Data[" + std::to_string(data_elements_) + "]";
    } else {
      f.data_name = std::string(local);  // <Binary> and anything else: its own name
    }
  }
}

void XmlEventBuilder::text(std::string_view s) {
  if (!stack_.empty()) stack_.back().text.append(s);
}

void XmlEventBuilder::end(int depth) {
  if (stack_.empty()) return;
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  if (depth == 1) {
    section_ = Section::none;
    return;
  }
  switch (section_) {
    case Section::system:
      if (depth != 2) break;
      if (f.name == "EventID") event_id_text_ = f.text;
      else if (f.name == "Version") version_ = f.text;
      else if (f.name == "Level") level_ = f.text;
      else if (f.name == "Task") task_ = f.text;
      else if (f.name == "Opcode") opcode_ = f.text;
      else if (f.name == "Keywords") row_.keywords = std::string(trim(f.text));
      else if (f.name == "EventRecordID") record_id_ = f.text;
      else if (f.name == "Channel") row_.channel = f.text;
      else if (f.name == "Computer") row_.computer = std::string(trim(f.text));
      break;
    case Section::event_data:
      if (depth == 2) row_.data.emplace_back(std::move(f.data_name), std::move(f.text));
      break;
    case Section::user_data:
      if (depth >= 3 && !f.has_children) row_.data.emplace_back(std::move(f.name), std::move(f.text));
      break;
    case Section::rendering:
      if (depth != 2) break;
      if (f.name == "Message") message_ = std::move(f.text);
      else if (f.name == "Level") row_.level_text = std::string(trim(f.text));
      else if (f.name == "Task") row_.task_text = std::string(trim(f.text));
      else if (f.name == "Opcode") row_.opcode_text = std::string(trim(f.text));
      break;
    case Section::none: break;
  }
}

std::optional<int64_t> XmlEventBuilder::record_id() const { return parse_int(trim(record_id_)); }

bool XmlEventBuilder::finish(WinEventRow& row, EventRow& ev, std::string& reason) {
  auto id = parse_int(trim(event_id_text_));
  if (!id || *id < 0 || *id > 65535) {
    reason = event_id_text_.empty() ? "no <System><EventID>" : "EventID '" + event_id_text_ + "' is not a number";
    return false;
  }
  bool ok = true;
  row_.event_id = *id;
  set_number(row_.qualifiers, qualifiers_, ok);
  set_number(row_.version, version_, ok);
  set_number(row_.level, level_, ok);
  set_number(row_.task, task_, ok);
  set_number(row_.opcode, opcode_, ok);
  set_number(row_.record_id, record_id_, ok);
  set_number(row_.process_id, pid_, ok);
  set_number(row_.thread_id, tid_, ok);
  if (!has_data_section_) row_.data_kind.clear();
  row = std::move(row_);
  row_ = WinEventRow{};
  ev = EventRow{};
  if (!system_time_.empty()) {
    if (auto ticks = parse_utc_ticks(system_time_)) set_utc_time(*ticks, ev, row);
    else ok = false;
  }
  finish_rows(row, ev, message_);
  if (!ok) ev.flags |= event_flags::invalid_value;
  return true;
}

}  // namespace pm::events
