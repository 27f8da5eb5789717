#include "parsers/events/messages.h"

#include <map>
#include <string_view>
#include <utility>

#include "parsers/embedded.h"

namespace pm {
namespace {

// (lower-case provider, event id) -> template text
using TemplateMap = std::map<std::pair<std::string, int64_t>, std::string>;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const TemplateMap& templates() {
  static const TemplateMap map = [] {
    TemplateMap m;
    std::string_view data = embedded_file("event_messages.tsv");
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line[0] == '#') continue;
      size_t t1 = line.find('\t');
      size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
      if (t2 == std::string_view::npos) continue;
      int64_t id = 0;
      for (char c : line.substr(t1 + 1, t2 - t1 - 1)) id = id * 10 + (c - '0');
      m.emplace(std::make_pair(lower(line.substr(0, t1)), id), std::string(line.substr(t2 + 1)));
    }
    return m;
  }();
  return map;
}

// Replaces %n (1-based EventData index) and the escapes \n and \t.
std::string fill(std::string_view text, const WinEventRow& row) {
  std::string out;
  out.reserve(text.size() + 64);
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
      size_t j = i + 1;
      size_t n = 0;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9') n = n * 10 + static_cast<size_t>(text[j++] - '0');
      if (n >= 1 && n <= row.data.size()) out += row.data[n - 1].second;
      else out += std::string(text.substr(i, j - i));  // keep %n visible when the value is missing
      i = j - 1;
    } else if (c == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't')) {
      out.push_back(text[i + 1] == 'n' ? '\n' : '\t');
      ++i;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

bool has_event_template(std::string_view provider, int64_t event_id) {
  return templates().count({lower(provider), event_id}) > 0;
}

std::string render_event_message(const WinEventRow& row) {
  const auto& t = templates();
  auto it = t.find({lower(row.provider), row.event_id});
  if (it == t.end() && !row.event_source_name.empty()) it = t.find({lower(row.event_source_name), row.event_id});
  if (it != t.end()) return fill(it->second, row);
  std::string out = (row.provider.empty() ? std::string("Event") : row.provider) + " " + std::to_string(row.event_id) + ":";
  for (const auto& [name, value] : row.data) out += " " + name + "=" + value;
  return out;
}

}  // namespace pm
