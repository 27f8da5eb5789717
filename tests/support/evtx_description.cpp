// EVTX writer text descriptions: parse_evtx_description (format in
// evtx_writer.h), the input of pm_make_evtx.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "support/evtx_encoding.h"
#include "support/evtx_values.h"
#include "support/evtx_writer.h"

namespace pm::test {
using namespace evtx_detail;

namespace {

std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char n = s[i + 1];
      if (n == 'n' || n == 't' || n == '\\') {
        out.push_back(n == 'n' ? '\n' : n == 't' ? '\t' : '\\');
        ++i;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

// Splits off the first space-separated word.
std::string_view next_word(std::string_view& rest) {
  size_t b = rest.find_first_not_of(" \t");
  if (b == std::string_view::npos) {
    rest = {};
    return {};
  }
  rest.remove_prefix(b);
  size_t e = rest.find_first_of(" \t");
  std::string_view w = rest.substr(0, e);
  rest = e == std::string_view::npos ? std::string_view() : rest.substr(e + 1);
  return w;
}

template <class Int>
std::optional<Int> number(std::string_view t) {
  auto v = parse_unsigned(t, true);
  if (!v || *v > static_cast<uint64_t>(std::numeric_limits<Int>::max())) return std::nullopt;
  return static_cast<Int>(*v);
}

// Applies one "key value" line to a record; an error message or "".
std::string record_line(EvtxRecordSpec& r, std::string_view key, std::string_view rest) {
  std::string value = unescape(rest);
  auto num = [&](auto& field) -> std::string {
    using F = std::remove_reference_t<decltype(field)>;
    auto n = number<F>(value);
    if (!n) return "'" + value + "' is not a valid number for " + std::string(key);
    field = *n;
    return "";
  };
  auto opt32 = [&](std::optional<uint32_t>& field) -> std::string {
    auto n = number<uint32_t>(value);
    if (!n) return "'" + value + "' is not a valid number for " + std::string(key);
    field = *n;
    return "";
  };
  if (key == "provider") r.provider = value;
  else if (key == "provider_guid") r.provider_guid = value;
  else if (key == "event_source_name") r.event_source_name = value;
  else if (key == "event_id") return num(r.event_id);
  else if (key == "qualifiers") {
    auto n = number<uint16_t>(value);
    if (!n) return "'" + value + "' is not a valid number for qualifiers";
    r.qualifiers = *n;
  } else if (key == "version") return num(r.version);
  else if (key == "level") return num(r.level);
  else if (key == "task") return num(r.task);
  else if (key == "opcode") return num(r.opcode);
  else if (key == "keywords") return num(r.keywords);
  else if (key == "time") {
    if (!parse_iso_ticks(value)) return "'" + value + "' is not an ISO 8601 UTC time";
    r.time = value;
  } else if (key == "record_id") return num(r.record_id);
  else if (key == "channel") r.channel = value;
  else if (key == "computer") r.computer = value;
  else if (key == "user_sid") r.user_sid = value;
  else if (key == "activity_id") r.activity_id = value;
  else if (key == "related_activity_id") r.related_activity_id = value;
  else if (key == "process_id") return opt32(r.process_id);
  else if (key == "thread_id") return opt32(r.thread_id);
  else if (key == "user_data") {
    std::string_view rr = rest;
    r.user_data_root = std::string(next_word(rr));
    r.user_data_ns = unescape(rr);
    if (r.user_data_root.empty()) return "user_data needs ROOT [NAMESPACE]";
  } else if (key == "data") {
    std::string_view rr = rest;
    std::string_view name = next_word(rr);
    std::string_view type_name = next_word(rr);
    auto type = evtx_type_from_name(type_name);
    if (name.empty() || !type) return "data needs NAME TYPE VALUE (unknown type '" + std::string(type_name) + "')";
    auto v = EvtxValue::parse(*type, unescape(rr));
    if (!v) return v.status().message();
    r.data.push_back(EvtxDataItem{name == "-" ? std::string() : std::string(name), std::move(v.value())});
  } else {
    return "unknown record key '" + std::string(key) + "'";
  }
  return "";
}

}  // namespace

Result<EvtxFileSpec> parse_evtx_description(std::string_view text) {
  EvtxFileSpec spec;
  EvtxRecordSpec current;
  enum { none, in_record, in_slack } state = none;
  int line_no = 0;
  auto error = [&](const std::string& m) { return bad("line " + std::to_string(line_no) + ": " + m); };
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view rest = line;
    std::string_view key = next_word(rest);
    if (key.empty() || key[0] == '#') continue;
    if (state != none) {
      if (key == "end") {
        (state == in_record ? spec.records : spec.damage.slack_records).push_back(std::move(current));
        current = EvtxRecordSpec{};
        state = none;
      } else if (std::string m = record_line(current, key, rest); !m.empty()) {
        return error(m);
      }
      continue;
    }
    std::string value = unescape(rest);
    if (key == "record") state = in_record;
    else if (key == "slack") state = in_slack;
    else if (key == "channel") spec.channel = value;
    else if (key == "computer") spec.computer = value;
    else if (key == "layout") {
      if (value != "nested" && value != "flat") return error("layout is nested or flat");
      spec.options.nested_event_data = value == "nested";
    } else if (key == "damage") {
      std::string_view rr = rest;
      std::string_view what = next_word(rr);
      std::string arg(next_word(rr));
      auto index = [&]() -> std::optional<int> {
        auto n = number<uint16_t>(arg);
        return n ? std::optional<int>(*n) : std::nullopt;
      };
      if (what == "dirty") spec.damage.dirty = true;
      else if (what == "bad_file_header_crc") spec.damage.bad_file_header_crc = true;
      else if (what == "header_chunk_count" && index()) spec.damage.header_chunk_count = static_cast<uint16_t>(*index());
      else if (what == "bad_chunk_magic" && index()) spec.damage.bad_chunk_magic.push_back(*index());
      else if (what == "bad_chunk_header_crc" && index()) spec.damage.bad_chunk_header_crc.push_back(*index());
      else if (what == "bad_chunk_data_crc" && index()) spec.damage.bad_chunk_data_crc.push_back(*index());
      else if (what == "slack_chunk" && index()) spec.damage.slack_chunk = *index();
      else if (what == "truncate" && number<uint64_t>(arg)) spec.damage.truncate_to = *number<uint64_t>(arg);
      else return error("unknown or incomplete damage '" + std::string(what) + " " + arg + "'");
    } else {
      return error("unknown directive '" + std::string(key) + "'");
    }
  }
  if (state != none) return error("record without 'end'");
  return spec;
}

}  // namespace pm::test
