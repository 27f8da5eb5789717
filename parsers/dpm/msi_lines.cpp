#include "parsers/dpm/msi_lines.h"

#include "parsers/core/net_util.h"
#include "parsers/dpm/msi_dates.h"

namespace pm::msi {
namespace {

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

void skip_spaces(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string_view token(std::string_view s, size_t& i) {
  skip_spaces(s, i);
  size_t start = i;
  while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
  return s.substr(start, i - start);
}

std::optional<int64_t> leading_number(std::string_view s) {
  size_t n = 0;
  if (n < s.size() && s[n] == '-') ++n;
  while (n < s.size() && is_digit(s[n])) ++n;
  return parse_int(s.substr(0, n));
}

std::optional<int64_t> number_after(std::string_view s, std::string_view label) {
  size_t at = s.find(label);
  if (at == std::string_view::npos) return std::nullopt;
  return leading_number(s.substr(at + label.size()));
}

}  // namespace

bool parse_banner(std::string_view line, Banner& out) {
  if (!line.starts_with("=== ")) return false;
  std::string_view rest = line.substr(4);
  static constexpr std::pair<std::string_view, bool> kinds[] = {{"Verbose logging started:", true},
                                                               {"Logging started:", true},
                                                               {"Logging stopped:", false},
                                                               {"Verbose logging stopped:", false}};
  for (const auto& [label, started] : kinds) {
    if (!rest.starts_with(label)) continue;
    out = Banner{};
    out.started = started;
    size_t i = label.size();
    out.date = token(rest, i);
    std::string_view t = token(rest, i);
    size_t after = i;
    std::string_view ampm = token(rest, after);
    size_t begin = static_cast<size_t>(t.data() - rest.data());
    if (ampm == "AM" || ampm == "PM" || ampm == "am" || ampm == "pm") t = rest.substr(begin, after - begin);
    out.time_text = t;
    out.time_ms = parse_time_of_day(t);
    return true;
  }
  return false;
}

Shape parse_msi_line(std::string_view line, MsiLine& out, const char** why) {
  if (!line.starts_with("MSI (")) return Shape::no;
  *why = "malformed MSI line prefix (expected 'MSI (c|s) (pid:tid) [hh:mm:ss:mmm]: ')";
  size_t i = 5, start = i;
  while (i < line.size() && is_letter(line[i])) ++i;
  if (i == start || i - start > 2 || line.compare(i, 3, ") (") != 0) return Shape::malformed;
  out.context = line.substr(start, i - start);
  i += 3;
  start = i;
  while (i < line.size() && is_hex(line[i])) ++i;
  if (i == start || i - start > 8 || i >= line.size() || (line[i] != ':' && line[i] != '!')) return Shape::malformed;
  ++i;
  size_t tid = i;
  while (i < line.size() && is_hex(line[i])) ++i;
  if (i == tid || i - tid > 8) return Shape::malformed;
  out.process_thread = line.substr(start, i - start);
  if (line.compare(i, 3, ") [") != 0) return Shape::malformed;
  i += 3;
  size_t close = line.find(']', i);
  if (close == std::string_view::npos || line.compare(close, 2, "]:") != 0) return Shape::malformed;
  out.time_text = line.substr(i, close - i);
  auto ms = parse_time_of_day(out.time_text);
  if (!ms || out.time_text.size() != 12) {
    *why = "invalid time in an MSI line (expected [hh:mm:ss:mmm])";
    return Shape::malformed;
  }
  out.time_ms = *ms;
  i = close + 2;
  if (i < line.size() && line[i] == ' ') ++i;
  out.message = line.substr(i);
  return Shape::ok;
}

Shape parse_action_line(std::string_view line, ActionLine& out, const char** why) {
  size_t i;
  if (line.starts_with("Action start ")) {
    out.kind = ActionLine::start;
    i = 13;
  } else if (line.starts_with("Action ended ")) {
    out.kind = ActionLine::ended;
    i = 13;
  } else if (line.starts_with("Action ") && line.size() > 7 && is_digit(line[7])) {
    out.kind = ActionLine::progress;
    i = 7;
  } else {
    return Shape::no;
  }
  *why = "invalid time in an Action line (expected 'Action start|ended hh:mm:ss: Name.')";
  size_t colon = line.find(": ", i);
  if (colon == std::string_view::npos) return Shape::malformed;
  out.time_text = line.substr(i, colon - i);
  auto ms = parse_time_of_day(out.time_text);
  if (!ms) return Shape::malformed;
  out.time_ms = *ms;
  std::string_view rest = line.substr(colon + 2);
  size_t dot = rest.find('.');
  out.action = rest.substr(0, dot);
  out.return_value = number_after(rest, "Return value ");
  return Shape::ok;
}

bool parse_property(std::string_view line, std::string_view& name, std::string_view& value) {
  if (!line.starts_with("Property(")) return false;
  size_t close = line.find("): ", 9);
  if (close == std::string_view::npos || close > 12) return false;
  size_t eq = line.find(" = ", close + 3);
  if (eq == std::string_view::npos) {
    name = line.substr(close + 3);
    value = {};
  } else {
    name = line.substr(close + 3, eq - close - 3);
    value = line.substr(eq + 3);
  }
  return true;
}

MessageFacts message_facts(std::string_view m) {
  MessageFacts f;
  f.status = number_after(m, "Installation success or error status: ");
  f.main_engine = number_after(m, "MainEngineThread is returning ");
  if (m.starts_with("Windows Installer ")) {
    if (size_t at = m.find("Product Name: "); at != std::string_view::npos) {
      std::string_view rest = m.substr(at + 14);
      size_t end = rest.find(". Product Version: ");
      f.product = rest.substr(0, end == std::string_view::npos ? rest.find(". ") : end);
      f.product_from_installer = true;
    }
    if (size_t at = m.find("Product Version: "); at != std::string_view::npos) {
      std::string_view rest = m.substr(at + 17);
      f.version = rest.substr(0, rest.find(". "));
      if (f.version.ends_with('.')) f.version.remove_suffix(1);
    }
  } else if (m.starts_with("Product: ")) {
    size_t sep = m.find(" -- ");
    if (sep != std::string_view::npos) {
      f.product = m.substr(9, sep - 9);
      std::string_view what = m.substr(sep + 4);
      if (what.starts_with("Installation failed")) f.outcome = -1;
      else if (what.find("completed successfully") != std::string_view::npos) f.outcome = 1;
      else if (what.starts_with("Error ")) f.error = true;
    }
  }
  if ((m.starts_with("Error ") && m.size() > 6 && is_digit(m[6])) || m.starts_with("DEBUG: Error ") ||
      m.find("returned actual error code") != std::string_view::npos)
    f.error = true;
  return f;
}

bool looks_binary(std::string_view line) {
  for (char c : line) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7F) return true;
  }
  return line.find("\xEF\xBF\xBD") != std::string_view::npos;
}

}  // namespace pm::msi
