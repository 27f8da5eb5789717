#include "parsers/bundle/member_names.h"
#include "parsers/core/strings.h"

#include <unicode/unistr.h>

#include <array>
#include <cstring>

namespace pm::bundle_detail {
namespace {

constexpr size_t kMaxComponentBytes = 200;

bool is_ascii_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

bool is_windows_device_name(std::string_view stem) {
  std::string up;
  for (char c : stem) up.push_back(ascii_upper(c));
  while (!up.empty() && up.back() == ' ') up.pop_back();
  static constexpr std::array<std::string_view, 6> kPlain = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"};
  for (auto name : kPlain)
    if (up == name) return true;
  if (up.size() == 4 && (up.compare(0, 3, "COM") == 0 || up.compare(0, 3, "LPT") == 0) && up[3] >= '0' && up[3] <= '9')
    return true;
  return false;
}

}  // namespace

MemberName clean_member_name(std::string_view name) {
  MemberName m;
  std::string s(name);
  for (char& c : s)
    if (c == '\\') c = '/';
  if (s.empty()) {
    m.reason = "member without a name";
    return m;
  }
  if (s[0] == '/') {
    m.reason = "absolute member path";
    return m;
  }
  if (s.size() >= 2 && is_ascii_alpha(s[0]) && s[1] == ':') {
    m.reason = "absolute member path (drive letter)";
    return m;
  }
  m.is_dir = s.back() == '/';
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find('/', start);
    if (end == std::string::npos) end = s.size();
    std::string_view part(s.data() + start, end - start);
    if (part == "..") {
      m.components.clear();
      m.reason = "member path with a '..' component";
      return m;
    }
    if (!part.empty() && part != ".") m.components.emplace_back(part);
    start = end + 1;
  }
  if (m.components.empty()) {
    m.reason = "member without a name";
    return m;
  }
  for (const auto& c : m.components) {
    if (!m.display.empty()) m.display.push_back('/');
    m.display += c;
  }
  m.ok = true;
  return m;
}

std::string disk_component(std::string_view component) {
  std::string s;
  s.reserve(component.size());
  for (char ch : component) {
    auto u = static_cast<unsigned char>(ch);
    bool bad = u < 0x20 || u == 0x7F || (u < 0x80 && std::strchr("<>:\"|?*/\\", ch) != nullptr);
    s.push_back(bad ? '_' : ch);
  }
  if (s.size() > kMaxComponentBytes) {
    size_t cut = kMaxComponentBytes;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    s.resize(cut);
  }
  if (s.empty() || s == "." || s == "..") return "_" + s;
  if (s.back() == '.' || s.back() == ' ') s.back() = '_';
  if (is_windows_device_name(std::string_view(s).substr(0, s.find('.')))) s.insert(s.begin(), '_');
  return s;
}

std::string fold_case(std::string_view utf8) {
  std::string out;
  icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())))
      .foldCase()
      .toUTF8String(out);
  return out;
}

std::string raw_member_name(std::string_view archive_name) {
  std::string name(archive_name);
  std::string lower = ascii_lower(name);
  struct Suffix {
    std::string_view ext, replacement;
  };
  static constexpr std::array<Suffix, 13> kSuffixes = {{
      {".tgz", ".tar"}, {".taz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"},
      {".tzst", ".tar"}, {".gz", ""}, {".gzip", ""}, {".bz2", ""}, {".xz", ""}, {".lzma", ""},
      {".zst", ""}, {".z", ""},
  }};
  for (const auto& sfx : kSuffixes) {
    if (lower.size() > sfx.ext.size() && lower.compare(lower.size() - sfx.ext.size(), sfx.ext.size(), sfx.ext) == 0) {
      std::string stem = name.substr(0, name.size() - sfx.ext.size());
      return sfx.replacement.empty() ? stem : stem + std::string(sfx.replacement);
    }
  }
  return name.empty() ? std::string("data") : name;
}

std::filesystem::path path_from_utf8(std::string_view utf8) {
  return std::filesystem::path(std::u8string(reinterpret_cast<const char8_t*>(utf8.data()), utf8.size()));
}

std::string path_to_utf8(const std::filesystem::path& p) {
  auto u = p.u8string();
  return std::string(u.begin(), u.end());
}

std::string generic_utf8(const std::filesystem::path& p) {
  auto u = p.generic_u8string();
  return std::string(u.begin(), u.end());
}

}  // namespace pm::bundle_detail
