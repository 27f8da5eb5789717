#include "parsers/firewall/kv_lines.h"

#include <utility>

#include "parsers/core/net_util.h"

namespace pm::fwcfg {

std::string_view ltrim(std::string_view s) {
  size_t i = s.find_first_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view{} : s.substr(i);
}

std::string_view rtrim(std::string_view s) {
  size_t i = s.find_last_not_of(" \t\r\n");
  return i == std::string_view::npos ? std::string_view{} : s.substr(0, i + 1);
}

std::string_view trim(std::string_view s) { return rtrim(ltrim(s)); }

bool is_dash_rule(std::string_view s) {
  s = rtrim(s);
  return s.size() >= 10 && s.find_first_not_of('-') == std::string_view::npos;
}

bool is_ok_line(std::string_view s) {
  std::string f = fold(trim(s));  // fold drops the dot
  return f == "ok";
}

bool is_command_echo(std::string_view s) {
  s = trim(s);
  if (s.rfind("PS ", 0) == 0) s.remove_prefix(3);
  // A drive path followed by '>' and a command: C:\...>netsh ... / C:\> Get-...
  if (s.size() < 4 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) || s[1] != ':' ||
      s[2] != '\\')
    return false;
  size_t gt = s.find('>');
  return gt != std::string_view::npos && s.find_first_of("\"|<", 0) > gt;
}

size_t display_width(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string fold(std::string_view s) {
  // Multi-byte sequences mapped to a lower-case umlaut (UTF-8 bytes).
  struct Map { std::string_view from, to; };
  static constexpr Map kMaps[] = {
      {"\xC3\x84", "\xC3\xA4"}, {"\xC3\x96", "\xC3\xB6"}, {"\xC3\x9C", "\xC3\xBC"},  // Ä Ö Ü
      {"\xE2\x80\x9E", "\xC3\xA4"},  // „ = CP850 ä read as 1252
      {"\xE2\x80\x9D", "\xC3\xB6"},  // ” = CP850 ö
      {"\xC2\x81", "\xC3\xBC"},      // U+0081 = CP850 ü
      {"\xC5\xBD", "\xC3\xA4"},      // Ž = CP850 Ä
      {"\xE2\x84\xA2", "\xC3\xB6"},  // ™ = CP850 Ö
      {"\xC5\xA1", "\xC3\xBC"},      // š = CP850 Ü
      {"\xC3\xA1", "\xC3\x9F"},      // á = CP850 ß
  };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '.') {
      ++i;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x80) {
      out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
      ++i;
      continue;
    }
    bool mapped = false;
    for (const auto& m : kMaps) {
      if (s.substr(i, m.from.size()) == m.from) {
        out.append(m.to);
        i += m.from.size();
        mapped = true;
        break;
      }
    }
    if (!mapped) out.push_back(s[i++]);
  }
  return out;
}

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i == s.size()) break;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    out.push_back(s.substr(start, i - start));
  }
  return out;
}

Value number_or_text(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::monostate{};
  if (auto n = parse_int(s)) return *n;
  return std::string(s);
}


void join_fragment(std::string& value, std::string_view fragment, bool glue) {
  if (glue) {
    value.append(fragment);
    return;
  }
  fragment = trim(fragment);
  if (fragment.empty()) return;
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
  if (!value.empty()) value.push_back(' ');
  value.append(fragment);
}

std::vector<std::string_view> head_lines(const Head& head, size_t max_lines) {
  std::vector<std::string_view> out;
  std::string_view t = head.text;
  size_t pos = 0;
  while (pos < t.size() && out.size() < max_lines) {
    size_t nl = t.find('\n', pos);
    if (nl == std::string_view::npos && head.file_size > head.raw.size()) break;  // cut by the head limit
    std::string_view line = t.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    pos = nl == std::string_view::npos ? t.size() : nl + 1;
  }
  return out;
}

bool absorb_wrap_or_echo(std::string* last, std::string_view text, size_t prev_width, Tally& tally) {
  if (last && (is_indented(text) || prev_width >= 79)) {
    join_fragment(*last, text, prev_width >= 80);  // console wrap: re-join
    tally.header();
    return true;
  }
  if (is_command_echo(text)) {
    tally.header();
    return true;
  }
  return false;
}

}  // namespace pm::fwcfg
