#include "parsers/evtx/evtx_record.h"

#include <algorithm>
#include <charconv>

#include "parsers/core/time_util.h"
#include "parsers/events/messages.h"
#include "parsers/evtx/evtx_file.h"

namespace pm::evtx {
namespace {

constexpr int64_t kUnixEpochTicks = 116'444'736'000'000'000LL;  // 1970-01-01 in FILETIME ticks

int32_t find_attr(const Document& doc, int32_t element, std::string_view name) {
  for (int32_t a = doc.node(element).first_attr; a >= 0; a = doc.node(a).next)
    if (doc.name(doc.node(a).name) == name) return a;
  return -1;
}

void system_field(const Document& doc, int32_t e, EventFields& f) {
  std::string_view n = doc.name(doc.node(e).name);
  auto& at = f.node;
  switch (n.size()) {
    case 5:
      if (n == "Level") at[kLevel] = e;
      break;
    case 4:
      if (n == "Task") at[kTask] = e;
      break;
    case 6:
      if (n == "Opcode") at[kOpcode] = e;
      break;
    case 7:
      if (n == "EventID") {
        at[kEventId] = e;
        at[kQualifiers] = find_attr(doc, e, "Qualifiers");
      } else if (n == "Version") {
        at[kVersion] = e;
      } else if (n == "Channel") {
        at[kChannel] = e;
      }
      break;
    case 8:
      if (n == "Provider") {
        at[kProviderName] = find_attr(doc, e, "Name");
        at[kProviderGuid] = find_attr(doc, e, "Guid");
        at[kEventSourceName] = find_attr(doc, e, "EventSourceName");
      } else if (n == "Keywords") {
        at[kKeywords] = e;
      } else if (n == "Computer") {
        at[kComputer] = e;
      } else if (n == "Security") {
        at[kUserId] = find_attr(doc, e, "UserID");
      }
      break;
    case 9:
      if (n == "Execution") {
        at[kProcessId] = find_attr(doc, e, "ProcessID");
        at[kThreadId] = find_attr(doc, e, "ThreadID");
      }
      break;
    case 11:
      if (n == "TimeCreated") {
        at[kTimeCreated] = find_attr(doc, e, "SystemTime");
      } else if (n == "Correlation") {
        at[kActivityId] = find_attr(doc, e, "ActivityID");
        at[kRelatedActivityId] = find_attr(doc, e, "RelatedActivityID");
      }
      break;
    case 13:
      if (n == "EventRecordID") at[kRecordId] = e;
      break;
    default: break;
  }
}

bool has_child_element(const Document& doc, int32_t e) {
  for (int32_t c = doc.node(e).first_child; c >= 0; c = doc.node(c).next)
    if (doc.node(c).kind == NodeKind::element) return true;
  return false;
}

// Leaf elements under `e` in document order (iterative: depth is unbounded in damaged data).
void user_data_leaves(const Document& doc, int32_t top, std::vector<DataItem>& out) {
  std::vector<int32_t> stack{top};
  while (!stack.empty()) {
    int32_t e = stack.back();
    stack.pop_back();
    if (!has_child_element(doc, e)) {
      DataItem item;
      item.element = e;
      out.push_back(item);
      continue;
    }
    size_t mark = stack.size();
    for (int32_t c = doc.node(e).first_child; c >= 0; c = doc.node(c).next)
      if (doc.node(c).kind == NodeKind::element) stack.push_back(c);
    std::reverse(stack.begin() + static_cast<ptrdiff_t>(mark), stack.end());
  }
}

bool parse_int(std::string_view s, int64_t& v) {
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

void set_text(const Document& doc, int32_t node, std::string& out, bool& ok) {
  out.clear();
  if (node >= 0) ok &= append_text(doc, node, out, Escape::none);
}

void set_value(const Document& doc, int32_t node, Value& v, std::string& scratch, bool& ok) {
  if (node < 0) {
    v = std::monostate{};
    return;
  }
  scratch.clear();
  ok &= append_text(doc, node, scratch, Escape::none);
  int64_t n;
  if (scratch.empty()) v = std::monostate{};
  else if (parse_int(scratch, n)) v = n;
  else {
    v = scratch;
    ok = false;
  }
}

}  // namespace

void locate_fields(const Document& doc, EventFields& f) {
  f.node.fill(-1);
  f.data_kind = {};
  f.data.clear();
  int32_t root = doc.root();
  if (root < 0) return;
  for (int32_t c = doc.node(root).first_child; c >= 0; c = doc.node(c).next) {
    const Node& child = doc.node(c);
    if (child.kind != NodeKind::element) continue;
    std::string_view name = doc.name(child.name);
    if (name == "System") {
      for (int32_t s = child.first_child; s >= 0; s = doc.node(s).next)
        if (doc.node(s).kind == NodeKind::element) system_field(doc, s, f);
    } else if (name == "EventData" && f.data_kind.empty()) {
      f.data_kind = "EventData";
      int32_t position = 0;
      for (int32_t d = child.first_child; d >= 0; d = doc.node(d).next) {
        const Node& dn = doc.node(d);
        if (dn.kind != NodeKind::element) continue;
        std::string_view dname = doc.name(dn.name);
        DataItem item;
        item.element = d;
        if (dname == "Data") {
          ++position;
          item.name_attr = find_attr(doc, d, "Name");
          if (item.name_attr < 0) item.unnamed = position;
        } else if (dname == "Binary") {
          item.binary = true;
        }
        f.data.push_back(item);
      }
    } else if (name == "UserData" && f.data_kind.empty()) {
      f.data_kind = "UserData";
      for (int32_t top = child.first_child; top >= 0; top = doc.node(top).next)
        if (doc.node(top).kind == NodeKind::element) user_data_leaves(doc, top, f.data);
    }
  }
}

bool append_text(const Document& doc, int32_t node, std::string& out, Escape esc) {
  bool ok = true;
  for (int32_t c = doc.node(node).first_child; c >= 0; c = doc.node(c).next) {
    const Node& p = doc.node(c);
    switch (p.kind) {
      case NodeKind::value: ok &= append_value(out, p.type, p.data, p.size, esc); break;
      case NodeKind::cdata: append_utf16(out, p.data, p.size, esc); break;
      case NodeKind::char_ref: append_code_point(out, p.size, esc); break;
      case NodeKind::entity_ref: {
        std::string_view n = doc.name(p.name);
        char ch = n == "lt" ? '<' : n == "gt" ? '>' : n == "amp" ? '&' : n == "quot" ? '"' : n == "apos" ? '\'' : 0;
        if (ch) {
          append_escaped(out, &ch, 1, esc);
        } else {
          out.push_back('&');
          append_escaped(out, n.data(), n.size(), esc);
          out.push_back(';');
        }
        break;
      }
      default: break;
    }
  }
  return ok;
}

void append_data_name(const Document& doc, const DataItem& item, std::string& out, Escape esc) {
  if (item.name_attr >= 0) {
    append_text(doc, item.name_attr, out, esc);
  } else if (item.unnamed > 0) {
    out.append("Data[");
    char buf[16];
    auto r = std::to_chars(buf, buf + 16, item.unnamed);
    out.append(buf, r.ptr);
    out.push_back(']');
  } else if (item.binary) {
    out.append("Binary");
  } else {
    std::string_view n = doc.name(doc.node(item.element).name);
    append_escaped(out, n.data(), n.size(), esc);
  }
}

uint64_t time_created(const Document& doc, const EventFields& f, const RecordMeta& meta) {
  int32_t a = f.node[kTimeCreated];
  if (a < 0) return meta.written;
  int32_t c = doc.node(a).first_child;
  if (c >= 0 && doc.node(c).next < 0 && doc.node(c).kind == NodeKind::value && doc.node(c).type == kFileTime &&
      doc.node(c).size == 8)
    return rd64(doc.node(c).data);
  std::string text;
  append_text(doc, a, text, Escape::none);
  if (auto us = parse_iso8601_us(text)) {
    int64_t ticks = *us * 10 + kUnixEpochTicks;
    if (ticks >= 0) return static_cast<uint64_t>(ticks);
  }
  return meta.written;
}

void fill_rows(const Document& doc, const EventFields& f, const RecordMeta& meta, WinEventRow& row, EventRow& ev) {
  bool ok = true;
  std::string& scratch = ev.event_code;
  set_text(doc, f.node[kProviderName], row.provider, ok);
  set_text(doc, f.node[kProviderGuid], row.provider_guid, ok);
  set_text(doc, f.node[kEventSourceName], row.event_source_name, ok);
  set_value(doc, f.node[kQualifiers], row.qualifiers, scratch, ok);
  set_value(doc, f.node[kVersion], row.version, scratch, ok);
  set_value(doc, f.node[kLevel], row.level, scratch, ok);
  set_value(doc, f.node[kTask], row.task, scratch, ok);
  set_value(doc, f.node[kOpcode], row.opcode, scratch, ok);
  set_text(doc, f.node[kKeywords], row.keywords, ok);
  set_value(doc, f.node[kRecordId], row.record_id, scratch, ok);
  if (std::holds_alternative<std::monostate>(row.record_id)) row.record_id = static_cast<int64_t>(meta.record_id);
  set_text(doc, f.node[kActivityId], row.activity_id, ok);
  set_text(doc, f.node[kRelatedActivityId], row.related_activity_id, ok);
  set_value(doc, f.node[kProcessId], row.process_id, scratch, ok);
  set_value(doc, f.node[kThreadId], row.thread_id, scratch, ok);
  set_text(doc, f.node[kChannel], row.channel, ok);
  set_text(doc, f.node[kComputer], row.computer, ok);
  set_text(doc, f.node[kUserId], row.user_sid, ok);
  row.level_text.clear();
  row.task_text.clear();
  row.opcode_text.clear();
  row.data_kind.assign(f.data_kind);
  row.data.resize(f.data.size());
  for (size_t i = 0; i < f.data.size(); ++i) {
    auto& [name, value] = row.data[i];
    name.clear();
    value.clear();
    append_data_name(doc, f.data[i], name, Escape::none);
    ok &= append_text(doc, f.data[i].element, value, Escape::none);
  }
  row.recovered = meta.recovered;
  uint64_t ticks = time_created(doc, f, meta);
  row.filetime = static_cast<int64_t>(ticks);
  ev.time_us = filetime_to_unix_us(ticks);

  ev.event_code.clear();
  if (f.node[kEventId] >= 0) ok &= append_text(doc, f.node[kEventId], ev.event_code, Escape::none);
  int64_t id = 0;
  if (!parse_int(ev.event_code, id)) {
    id = 0;
    if (!ev.event_code.empty()) ok = false;
  }
  row.event_id = id;
  ev.host = row.computer;
  int64_t* level = std::get_if<int64_t>(&row.level);
  switch (level ? *level : 0) {
    case 1: ev.level = Level::critical; break;
    case 2: ev.level = Level::error; break;
    case 3: ev.level = Level::warning; break;
    case 5: ev.level = Level::verbose; break;
    default: ev.level = Level::info; break;
  }
  ev.location = std::get<int64_t>(row.record_id.index() == 1 ? row.record_id : Value{int64_t(meta.record_id)});
  ev.offset = static_cast<int64_t>(meta.offset);
  ev.flags = ok && doc.damage().empty() ? 0 : event_flags::invalid_value;
  ev.message = render_event_message(row);
}

}  // namespace pm::evtx
