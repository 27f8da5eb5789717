#include "parsers/evtx/evtx_render.h"

#include <algorithm>
#include <charconv>

#include "parsers/evtx/values.h"

namespace pm::evtx {
namespace {

bool is_integer(std::string_view s) {
  size_t i = s.size() > 1 && s[0] == '-' ? 1 : 0;
  if (i == s.size() || s.size() > 19) return false;
  if (s[i] == '0' && s.size() > i + 1) return false;  // no leading zeros in JSON numbers
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

void append_name(const Document& doc, uint32_t name, std::string& out) {
  std::string_view n = doc.name(name);
  append_escaped(out, n.data(), n.size(), Escape::xml);
}

}  // namespace

void RecordRenderer::append_xml(const Document& doc, std::string& out) {
  int32_t root = doc.root();
  if (root < 0) return;
  if (!doc.damage().empty()) {
    out.append("<!-- pushmortem: record decoded only partially: ");
    for (char c : doc.damage()) out.push_back(c == '-' ? '_' : c);  // no "--" inside a comment
    out.append(" -->");
  }
  stack_.clear();
  stack_.emplace_back(root, false);
  while (!stack_.empty()) {
    auto [i, closing] = stack_.back();
    stack_.pop_back();
    const Node& n = doc.node(i);
    if (closing) {
      out.append("</");
      append_name(doc, n.name, out);
      out.push_back('>');
      continue;
    }
    switch (n.kind) {
      case NodeKind::element: {
        out.push_back('<');
        append_name(doc, n.name, out);
        for (int32_t a = n.first_attr; a >= 0; a = doc.node(a).next) {
          out.push_back(' ');
          append_name(doc, doc.node(a).name, out);
          out.append("='");
          append_text(doc, a, out, Escape::xml);
          out.push_back('\'');
        }
        if (n.first_child < 0) {
          out.append("/>");
          break;
        }
        out.push_back('>');
        stack_.emplace_back(i, true);
        size_t mark = stack_.size();
        for (int32_t c = n.first_child; c >= 0; c = doc.node(c).next) stack_.emplace_back(c, false);
        std::reverse(stack_.begin() + static_cast<ptrdiff_t>(mark), stack_.end());
        break;
      }
      case NodeKind::value: append_value(out, n.type, n.data, n.size, Escape::xml); break;
      case NodeKind::cdata:
        out.append("<![CDATA[");
        append_utf16(out, n.data, n.size, Escape::none);
        out.append("]]>");
        break;
      case NodeKind::char_ref: {
        out.append("&#");
        char buf[16];
        auto r = std::to_chars(buf, buf + 16, n.size);
        out.append(buf, r.ptr);
        out.push_back(';');
        break;
      }
      case NodeKind::entity_ref:
        out.push_back('&');
        append_name(doc, n.name, out);
        out.push_back(';');
        break;
      case NodeKind::pi:
        out.append("<?");
        append_name(doc, n.name, out);
        if (n.size) {
          out.push_back(' ');
          append_utf16(out, n.data, n.size, Escape::xml);
        }
        out.append("?>");
        break;
      case NodeKind::attribute: break;
    }
  }
}

void RecordRenderer::append_json(const Document& doc, const EventFields& f, const RecordMeta& meta,
                                 std::string& out) {
  auto key = [&](std::string_view k) {
    if (out.back() != '{') out.push_back(',');
    out.push_back('"');
    out.append(k);
    out.append("\":");
  };
  auto text_field = [&](std::string_view k, Field field) {
    if (f.node[field] < 0) return;
    key(k);
    out.push_back('"');
    append_text(doc, f.node[field], out, Escape::json);
    out.push_back('"');
  };
  auto number_field = [&](std::string_view k, Field field) {
    if (f.node[field] < 0) return;
    scratch_.clear();
    append_text(doc, f.node[field], scratch_, Escape::json);
    key(k);
    if (is_integer(scratch_)) {
      out.append(scratch_);
    } else {
      out.push_back('"');
      out.append(scratch_);
      out.push_back('"');
    }
  };
  out.push_back('{');
  if (f.node[kRecordId] >= 0) {
    number_field("record_id", kRecordId);
  } else {
    key("record_id");
    char buf[24];
    auto r = std::to_chars(buf, buf + 24, meta.record_id);
    out.append(buf, r.ptr);
  }
  key("time");
  out.push_back('"');
  append_filetime(out, time_created(doc, f, meta));
  out.push_back('"');
  number_field("event_id", kEventId);
  number_field("qualifiers", kQualifiers);
  number_field("version", kVersion);
  number_field("level", kLevel);
  number_field("task", kTask);
  number_field("opcode", kOpcode);
  text_field("keywords", kKeywords);
  text_field("provider", kProviderName);
  text_field("provider_guid", kProviderGuid);
  text_field("event_source_name", kEventSourceName);
  text_field("channel", kChannel);
  text_field("computer", kComputer);
  text_field("user_sid", kUserId);
  text_field("activity_id", kActivityId);
  text_field("related_activity_id", kRelatedActivityId);
  number_field("process_id", kProcessId);
  number_field("thread_id", kThreadId);
  if (!f.data_kind.empty()) {
    key("data_kind");
    out.push_back('"');
    out.append(f.data_kind);
    out.push_back('"');
    key("data");
    out.push_back('{');
    size_t n = f.data.size();
    if (names_.size() < n) names_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      names_[i].clear();
      append_data_name(doc, f.data[i], names_[i], Escape::json);
    }
    done_.assign(n, 0);
    for (size_t i = 0; i < n; ++i) {
      if (done_[i]) continue;
      size_t same = 0;
      for (size_t j = i + 1; j < n; ++j) same += names_[j] == names_[i];
      if (i) out.push_back(',');
      out.push_back('"');
      out.append(names_[i]);
      out.append("\":");
      if (same) out.push_back('[');
      for (size_t j = i; j < n; ++j) {
        if (done_[j] || names_[j] != names_[i]) continue;
        if (j != i) out.push_back(',');
        done_[j] = 1;
        out.push_back('"');
        append_text(doc, f.data[j].element, out, Escape::json);
        out.push_back('"');
      }
      if (same) out.push_back(']');
    }
    out.push_back('}');
  }
  if (!doc.damage().empty()) {
    key("partial");
    out.push_back('"');
    append_escaped(out, doc.damage().data(), doc.damage().size(), Escape::json);
    out.push_back('"');
  }
  key("recovered");
  out.append(meta.recovered ? "true" : "false");
  key("offset");
  char buf[24];
  auto r = std::to_chars(buf, buf + 24, meta.offset);
  out.append(buf, r.ptr);
  out.push_back('}');
}

}  // namespace pm::evtx
