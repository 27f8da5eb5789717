// Sigma string values for the compiler (rules/compiler_detail.h): escapes and
// wildcards, LIKE/GLOB patterns, base64, base64offset, windash and expand.
#include <string>

#include "rules/compiler_detail.h"

namespace pm::rules::compiler {

// Sigma escaping: "\*", "\?" and "\\" stand for the character itself; a
// backslash before anything else is a plain backslash.
Pattern parse_sigma_string(std::string_view raw) {
  Pattern out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\\' && i + 1 < raw.size() && (raw[i + 1] == '*' || raw[i + 1] == '?' || raw[i + 1] == '\\')) {
      out.push_back({Token::Kind::literal, raw[++i]});
    } else if (c == '*') {
      out.push_back({Token::Kind::any, 0});
    } else if (c == '?') {
      out.push_back({Token::Kind::one, 0});
    } else {
      out.push_back({Token::Kind::literal, c});
    }
  }
  return out;
}

Pattern literal_pattern(std::string_view text) {
  Pattern out;
  out.reserve(text.size());
  for (char c : text) out.push_back({Token::Kind::literal, c});
  return out;
}

bool has_wildcards(const Pattern& p) {
  for (const Token& t : p)
    if (t.kind != Token::Kind::literal) return true;
  return false;
}

std::string literal_text(const Pattern& p) {
  std::string out;
  out.reserve(p.size());
  for (const Token& t : p) out += t.kind == Token::Kind::literal ? t.c : (t.kind == Token::Kind::any ? '*' : '?');
  return out;
}

std::string like_pattern(const Pattern& p) {
  std::string out;
  out.reserve(p.size() + 4);
  for (const Token& t : p) {
    if (t.kind == Token::Kind::any) {
      out += '%';
    } else if (t.kind == Token::Kind::one) {
      out += '_';
    } else {
      if (t.c == '%' || t.c == '_' || t.c == '\\') out += '\\';
      out += t.c;
    }
  }
  return out;
}

std::string glob_pattern(const Pattern& p) {
  std::string out;
  out.reserve(p.size() + 4);
  for (const Token& t : p) {
    if (t.kind == Token::Kind::any) {
      out += '*';
    } else if (t.kind == Token::Kind::one) {
      out += '?';
    } else if (t.c == '*' || t.c == '?' || t.c == '[') {
      out += '[';
      out += t.c;
      out += ']';
    } else {
      out += t.c;
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t n = byte(i) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t n = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// With i bytes before the value, the first characters also encode those bytes
// (drop 0, 2 or 3), and the last ones depend on the bytes after it (drop
// nothing, 3 or 2 characters, by where the value ends in its 3-byte group).
std::vector<std::string> base64_offsets(std::string_view bytes) {
  static constexpr size_t kDropStart[3] = {0, 2, 3};
  static constexpr size_t kDropEnd[3] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string encoded = base64_encode(std::string(i, ' ') + std::string(bytes));
    size_t end_drop = kDropEnd[(bytes.size() + i) % 3];
    if (encoded.size() < kDropStart[i] + end_drop) continue;
    std::string part = encoded.substr(kDropStart[i], encoded.size() - kDropStart[i] - end_drop);
    if (!part.empty()) out.push_back(std::move(part));
  }
  return out;
}

std::vector<Pattern> windash_variants(const Pattern& p) {
  std::vector<Pattern> out{p};
  bool dash = false;
  for (const Token& t : p) dash = dash || (t.kind == Token::Kind::literal && t.c == '-');
  if (!dash) return out;
  // slash, en dash U+2013, em dash U+2014, horizontal bar U+2015 (UTF-8)
  for (std::string_view repl : {"/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"}) {
    Pattern v;
    v.reserve(p.size() + 4);
    for (const Token& t : p) {
      if (t.kind == Token::Kind::literal && t.c == '-') {
        for (char c : repl) v.push_back({Token::Kind::literal, c});
      } else {
        v.push_back(t);
      }
    }
    out.push_back(std::move(v));
  }
  return out;
}

namespace {

struct Segment {
  bool placeholder = false;
  std::string text;  // literal raw text, or the placeholder's name
};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

// Splits "a%x%b" into literal "a", placeholder x, literal "b". A '%' that does
// not open a %name% is literal text.
std::vector<Segment> split_placeholders(std::string_view raw) {
  std::vector<Segment> out;
  std::string literal;
  size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] == '%') {
      size_t end = raw.find('%', i + 1);
      if (end != std::string_view::npos && end > i + 1) {
        std::string_view name = raw.substr(i + 1, end - i - 1);
        bool ok = true;
        for (char c : name) ok = ok && name_char(c);
        if (ok) {
          if (!literal.empty()) out.push_back({false, std::move(literal)});
          literal.clear();
          out.push_back({true, std::string(name)});
          i = end + 1;
          continue;
        }
      }
    }
    literal += raw[i++];
  }
  if (!literal.empty()) out.push_back({false, std::move(literal)});
  return out;
}

// Every combination of the segments' alternatives, joined.
template <class T, class Parse>
Result<std::vector<T>> expand(std::string_view raw, const Placeholders& placeholders, const SourceLoc& loc,
                              Parse parse) {
  std::vector<T> acc{T{}};
  for (const Segment& s : split_placeholders(raw)) {
    std::vector<T> choices;
    if (!s.placeholder) {
      choices.push_back(parse(s.text));
    } else {
      auto it = placeholders.find(s.text);
      if (it == placeholders.end()) {
        std::string known;
        for (const auto& [name, unused] : placeholders) known += (known.empty() ? "%" : ", %") + name + "%";
        return Status::error(ErrorKind::usage, loc.str() + ": placeholder %" + s.text + "% of 'expand' has no values" +
                                                   (known.empty() ? "" : " (known: " + known + ")"));
      }
      for (const std::string& v : it->second) choices.push_back(parse(v));
    }
    std::vector<T> next;
    next.reserve(acc.size() * choices.size());
    for (const T& prefix : acc)
      for (const T& choice : choices) {
        T joined = prefix;
        joined.insert(joined.end(), choice.begin(), choice.end());
        next.push_back(std::move(joined));
      }
    acc = std::move(next);
  }
  return acc;
}

}  // namespace

Result<std::vector<std::string>> expand_raw(std::string_view raw, const Placeholders& placeholders,
                                            const SourceLoc& loc) {
  return expand<std::string>(raw, placeholders, loc, [](const std::string& s) { return s; });
}

Result<std::vector<Pattern>> expand_patterns(std::string_view raw, const Placeholders& placeholders,
                                             const SourceLoc& loc) {
  return expand<Pattern>(raw, placeholders, loc, [](const std::string& s) { return parse_sigma_string(s); });
}

}  // namespace pm::rules::compiler
