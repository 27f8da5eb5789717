#include "parsers/dpm/push_error_lines.h"

#include "parsers/core/net_util.h"

namespace pm::push {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

constexpr std::string_view kVerbs[] = {"Install", "Uninstall", "Update", "Upgrade", "Attach", "Detach",
                                       "Remove",  "Repair",    "Enable", "Disable", "Refresh"};

bool host_shaped(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  bool digit_or_hyphen = false, lower_letter = false, dot = false;
  for (char c : h) {
    if (c == '.') dot = true;
    else if (is_digit(c) || c == '-') digit_or_hyphen = true;
    else if (c >= 'a' && c <= 'z') lower_letter = true;
    else if (!is_alpha(c) && c != '_') return false;
  }
  if (h.front() == '.' || h.back() == '.' || h.front() == '-') return false;
  return dot || is_ipv4(h) || digit_or_hyphen || !lower_letter;
}

}  // namespace

std::optional<StartLine> parse_start_line(std::string_view line) {
  bool verb = false;
  for (std::string_view v : kVerbs)
    if (line.starts_with(v) && line.size() > v.size() && line[v.size()] == ' ') verb = true;
  if (!verb) return std::nullopt;
  for (std::string_view end : {" failed:", " failed.", " failed"}) {
    if (!line.ends_with(end)) continue;
    std::string_view head = line.substr(0, line.size() - end.size());
    size_t on = head.rfind(" on ");
    if (on == std::string_view::npos) return std::nullopt;
    std::string_view host = head.substr(on + 4);
    if (host.empty() || host.find(' ') != std::string_view::npos) return std::nullopt;
    return StartLine{head.substr(0, on), host};
  }
  return std::nullopt;
}

std::optional<ErrorLine> parse_error_line(std::string_view line) {
  if (!line.starts_with("Error ")) return std::nullopt;
  size_t i = 6;
  while (i < line.size() && is_digit(line[i])) ++i;
  if (i == 6 || i - 6 > 5 || i >= line.size() || line[i] != ':') return std::nullopt;
  std::string_view text = line.substr(i + 1);
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return ErrorLine{*parse_int(line.substr(6, i - 6)), text};
}

std::optional<std::string_view> after_label(std::string_view line, std::string_view label) {
  if (line.size() < label.size() || !iequals(line.substr(0, label.size()), label)) return std::nullopt;
  std::string_view rest = line.substr(label.size());
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  return rest;
}

bool is_step(std::string_view line) {
  if (line.starts_with("- ") || line.starts_with("* ") || line.starts_with("\xE2\x80\xA2")) return true;
  size_t i = 0;
  while (i < line.size() && i < 3 && is_digit(line[i])) ++i;
  return i > 0 && i + 1 < line.size() && (line[i] == ')' || line[i] == '.') && line[i + 1] == ' ';
}

std::vector<Alert> find_alerts(std::string_view line) {
  std::vector<Alert> out;
  size_t at = line.find("(ID ");
  while (at != std::string_view::npos) {
    size_t i = at + 4;
    while (i < line.size() && is_digit(line[i])) ++i;
    constexpr std::string_view kDetails = " Details: ";
    if (i > at + 4 && i - at - 4 <= 5 && line.compare(i, kDetails.size(), kDetails) == 0) {
      size_t start = i + kDetails.size();
      int depth = 1;
      size_t j = start;
      for (; j < line.size() && depth > 0; ++j) {
        if (line[j] == '(') ++depth;
        else if (line[j] == ')') --depth;
      }
      size_t end = depth == 0 ? j - 1 : line.size();  // unbalanced: up to the end of the line
      std::string_view details = line.substr(start, end - start);
      while (!details.empty() && details.back() == ' ') details.remove_suffix(1);
      out.push_back({*parse_int(line.substr(at + 4, i - at - 4)), details, at});
      at = line.find("(ID ", end);
    } else {
      at = line.find("(ID ", at + 4);
    }
  }
  return out;
}

std::string_view host_after_on(std::string_view text) {
  std::string_view best;
  size_t best_at = 0;
  for (std::string_view word : {" on ", " with ", " to "}) {
    for (size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
      std::string_view rest = text.substr(at + word.size());
      std::string_view host = rest.substr(0, rest.find_first_of(" \t,;:()"));
      while (!host.empty() && (host.back() == '.' || host.back() == '!' || host.back() == '?')) host.remove_suffix(1);
      if (host_shaped(host) && (best.empty() || at > best_at)) {
        best = host;
        best_at = at;
      }
    }
  }
  return best;
}

std::string hex_hresult_in(std::string_view text) {
  for (size_t at = text.find("0x"); at != std::string_view::npos; at = text.find("0x", at + 2)) {
    if (at > 0 && (is_hex(text[at - 1]) || is_alpha(text[at - 1]))) continue;
    if (at + 10 > text.size()) break;
    bool ok = true;
    for (size_t i = at + 2; i < at + 10; ++i) ok = ok && is_hex(text[i]);
    if (!ok || (at + 10 < text.size() && is_hex(text[at + 10]))) continue;
    std::string out = "0x";
    for (size_t i = at + 2; i < at + 10; ++i) out.push_back(text[i] >= 'a' && text[i] <= 'f' ? static_cast<char>(text[i] - 32) : text[i]);
    return out;
  }
  return {};
}

std::string_view without_hresult_suffix(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.size() >= 12 && text.back() == ')' && text.compare(text.size() - 12, 3, "(0x") == 0) {
    text.remove_suffix(12);
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  }
  return text;
}

}  // namespace pm::push
