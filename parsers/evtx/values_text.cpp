// Text output of values.h: UTF-16 to UTF-8 and XML / JSON escaping.
#include <string>

#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/values.h"

namespace pm::evtx {
namespace {

constexpr char kHexLower[] = "0123456789abcdef";
constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Escapes one ASCII byte; false when it needs no escaping.
inline bool escape_ascii(std::string& out, unsigned char c, Escape esc) {
  if (esc == Escape::xml) {
    switch (c) {
      case '&': out.append("&amp;"); return true;
      case '<': out.append("&lt;"); return true;
      case '>': out.append("&gt;"); return true;
      case '\'': out.append("&apos;"); return true;
      case '"': out.append("&quot;"); return true;
      case '\t': case '\n': case '\r': return false;
      default:
        if (c >= 0x20) return false;
        out.append(kReplacement);  // forbidden in XML 1.0
        return true;
    }
  }
  if (esc == Escape::json) {
    switch (c) {
      case '"': out.append("\\\""); return true;
      case '\\': out.append("\\\\"); return true;
      case '\n': out.append("\\n"); return true;
      case '\r': out.append("\\r"); return true;
      case '\t': out.append("\\t"); return true;
      default:
        if (c < 0x20) {
          char b[7] = {'\\', 'u', '0', '0', kHexLower[c >> 4], kHexLower[c & 15], 0};
          out.append(b, 6);
          return true;
        }
        return false;
    }
  }
  return false;
}

// Bytes that may need escaping under xml or json.
inline bool special(unsigned char c) {
  return c < 0x20 || c == '&' || c == '<' || c == '>' || c == '\'' || c == '"' || c == '\\';
}

}  // namespace

void append_escaped(std::string& out, const char* p, size_t n, Escape esc) {
  if (esc == Escape::none) {
    out.append(p, n);
    return;
  }
  size_t run = 0;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(p[i]);
    if (special(c)) {
      out.append(p + run, i - run);
      if (!escape_ascii(out, c, esc)) out.push_back(static_cast<char>(c));
      run = i + 1;
    }
  }
  out.append(p + run, n - run);
}

void append_code_point(std::string& out, uint32_t cp, Escape esc) {
  if (cp < 0x80) {
    if (!escape_ascii(out, static_cast<unsigned char>(cp), esc)) out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    if ((cp >= 0xD800 && cp < 0xE000) || (esc == Escape::xml && cp >= 0xFFFE)) {
      out.append(kReplacement);
      return;
    }
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x110000) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.append(kReplacement);
  }
}

void append_utf16(std::string& out, const uint8_t* p, size_t n, Escape esc) {
  size_t units = n / 2;
  out.reserve(out.size() + units);
  for (size_t i = 0; i < units; ++i) {
    uint32_t u = rd16(p + 2 * i);
    if (u < 0x80) {
      unsigned char c = static_cast<unsigned char>(u);
      if (esc == Escape::none || !special(c) || !escape_ascii(out, c, esc)) out.push_back(static_cast<char>(c));
      continue;
    }
    if (u >= 0xD800 && u < 0xDC00 && i + 1 < units) {
      uint32_t lo = rd16(p + 2 * i + 2);
      if (lo >= 0xDC00 && lo < 0xE000) {
        append_code_point(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), esc);
        ++i;
        continue;
      }
    }
    append_code_point(out, u, esc);
  }
}

}  // namespace pm::evtx
