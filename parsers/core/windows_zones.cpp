// Windows zone display names -> Windows zone ids, from the embedded data file
// parsers/data/windows_zone_names.tsv (one "display name<TAB>zone id" a line).
#include <algorithm>
#include <cctype>
#include <map>
#include <string>

#include "parsers/core/timezone.h"
#include "parsers/embedded.h"

namespace pm {
namespace {

// Lower case, single spaces, "GMT" offsets spelled "UTC", "(UTC)" as "(UTC+00:00)".
std::string normalize(std::string_view s) {
  std::string out;
  bool space = false;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isspace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  if (out.rfind("(gmt", 0) == 0) out.replace(1, 3, "utc");
  if (out.rfind("(utc)", 0) == 0) out.replace(0, 5, "(utc+00:00)");
  return out;
}

const std::map<std::string, std::string>& table() {
  static const std::map<std::string, std::string> t = [] {
    std::map<std::string, std::string> m;
    std::string_view data = embedded_file("windows_zone_names.tsv");
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line[0] == '#') continue;
      size_t tab = line.find('\t');
      if (tab == std::string_view::npos) continue;
      m.emplace(normalize(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    }
    return m;
  }();
  return t;
}

}  // namespace

std::string windows_zone_id_for_display_name(std::string_view display_name) {
  const auto& t = table();
  auto it = t.find(normalize(display_name));
  return it == t.end() ? std::string() : it->second;
}

}  // namespace pm
