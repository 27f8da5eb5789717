#include "parsers/dpm/dpm_text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "parsers/dpm/dpm_text_hosts.h"

namespace pm::dpm {

using namespace text_detail;

namespace {

// Case-insensitive find of a lower-case needle.
size_t ifind(sv hay, sv needle, size_t from = 0) {
  if (needle.empty() || hay.size() < needle.size()) return npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (lower(hay[i]) != needle[0]) continue;
    size_t k = 1;
    while (k < needle.size() && lower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return npos;
}

void add_unique(std::string& list, sv item, bool fold_case) {
  size_t pos = 0;
  while (pos <= list.size() && !list.empty()) {
    size_t end = list.find(',', pos);
    sv have = sv(list).substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    if (fold_case ? iequals(have, item) : have == item) return;
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  if (!list.empty()) list.push_back(',');
  list.append(item);
}

// ------------------------------------------------------------ HRESULTs

std::string hex8(uint32_t v) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string s = "0x00000000";
  for (int k = 9; k >= 2; --k, v >>= 4) s[static_cast<size_t>(k)] = kDigits[v & 0xF];
  return s;
}

// Exactly 8 hex digits at s[i] not followed by a word character.
bool read_hex8(sv s, size_t i, uint32_t& v) {
  if (i + 8 > s.size()) return false;
  v = 0;
  for (size_t k = 0; k < 8; ++k) {
    char c = s[i + k];
    if (!is_hex(c)) return false;
    v = v * 16 + static_cast<uint32_t>(is_digit(c) ? c - '0' : lower(c) - 'a' + 10);
  }
  return i + 8 == s.size() || !(is_alnum(s[i + 8]) || s[i + 8] == '_');
}

// A negative 32-bit decimal at s[i] ("-2147023174"), as its unsigned value.
bool read_negative(sv s, size_t i, uint32_t& v) {
  if (i >= s.size() || s[i] != '-') return false;
  size_t end = skip(s, i + 1, is_digit);
  size_t n = end - i - 1;
  if (n < 1 || n > 10 || (end < s.size() && is_alnum(s[end]))) return false;
  int64_t x = 0;
  for (size_t k = i + 1; k < end; ++k) x = x * 10 + (s[k] - '0');
  if (x < 1 || x > 2147483648LL) return false;
  v = static_cast<uint32_t>(4294967296LL - x);
  return true;
}

// ------------------------------------------------------------ one pass over the text

// Up to N findings with their positions (more are ignored: a line never has that many).
template <class T, size_t N>
struct Found {
  std::array<std::pair<size_t, T>, N> items;
  size_t n = 0;
  void add(size_t pos, T v) {
    if (n < N) items[n++] = {pos, v};
  }
  void sort() {
    std::sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
};

bool starts(sv s, size_t i, sv word) { return s.size() - i >= word.size() && s.compare(i, word.size(), word) == 0; }

// 1..max digits at s[i] not followed by a letter: the number without leading zeros (empty when none).
sv read_id(sv s, size_t i, size_t min_digits, size_t max_digits) {
  size_t end = skip(s, i, is_digit);
  size_t n = end - i;
  if (n < min_digits || n > max_digits || (end < s.size() && is_alpha(s[end]))) return {};
  while (i + 1 < end && s[i] == '0') ++i;
  return s.substr(i, end - i);
}

bool is_separator(char c) { return is_blank(c) || c == ':' || c == '='; }
bool is_separator_or_bracket(char c) { return is_separator(c) || c == '['; }

size_t skip_separators(sv s, size_t i, bool bracket) {
  return skip(s, i, bracket ? is_separator_or_bracket : is_separator);
}

// What one pass finds; `t` is the text, `l` the same text in lower case.
struct Scan {
  sv t, l;
  Found<uint32_t, 16> hresults;
  Found<sv, 16> ids;
  Found<sv, 16> hosts;
  bool agent = false;

  bool word_start(size_t i) const { return i == 0 || !is_alnum(t[i - 1]); }

  // After "hresult", "hr", "error code": a negative decimal (or, for error code, 8 hex digits).
  void hresult_context(size_t after, bool error_code) {
    size_t i = skip_separators(t, after, true);
    uint32_t v;
    if (read_negative(t, i, v)) {
      hresults.add(i, v);
    } else if (error_code) {
      size_t h = starts(l, i, "0x") ? i + 2 : i;
      if (read_hex8(t, h, v) && v != 0) hresults.add(i, v);
    }
  }

  void error_word(size_t i) {  // l[i..] starts with "error"
    size_t after = i + 5;
    if (starts(l, after, " code"))
      hresult_context(after + 5, true);
    else if (starts(l, after, "code"))
      hresult_context(after + 4, true);
    if (!word_start(i)) return;
    if (after < l.size() && l[after] == ' ') {  // Error 319:
      size_t end = skip(t, after + 1, is_digit);
      if (end < t.size() && t[end] == ':')
        if (sv id = read_id(t, after + 1, 3, 5); !id.empty()) ids.add(i, id);
    }
    for (sv key : {sv(" id"), sv("id"), sv("_id")}) {  // error id: 347, errorid=347, error_id 347
      if (!starts(l, after, key)) continue;
      size_t j = after + key.size();
      if (j < l.size() && is_alpha(l[j])) break;
      if (sv id = read_id(t, skip_separators(t, j, false), 1, 5); !id.empty()) ids.add(i, id);
      break;
    }
    if (i >= 4 && starts(l, i - 4, "dpm ") && word_start(i - 4)) {  // DPM error [id] 319
      size_t j = skip(l, after, is_blank);
      if (starts(l, j, "id")) j += 2;
      if (j < l.size() && is_alpha(l[j])) return;
      if (sv id = read_id(t, skip_separators(t, j, false), 1, 5); !id.empty()) ids.add(i - 4, id);
    }
  }

  void id_word(size_t i) {  // t[i..] starts with "ID "
    bool paren = i > 0 && t[i - 1] == '(';
    if (!paren && !word_start(i)) return;
    sv id = read_id(t, i + 3, 1, 5);
    if (id.empty()) return;
    size_t end = skip(t, i + 3, is_digit);
    if (paren || starts(t, end, " Details")) ids.add(i, id);
  }

  void host_key(size_t i, size_t len) {  // server/computer/machine/target NAME
    size_t after = i + len;
    if (!(i == 0 || !is_alpha(t[i - 1])) || (after < t.size() && is_alpha(t[after]))) return;
    size_t j = skip_separators(t, after, false);
    if (j == after) return;
    sv tok = t.substr(j, skip(t, j, is_host_char) - j);
    if (tok.find('.') == npos && is_netbios_upper(tok)) hosts.add(i, tok);
  }

  void fqdns() {
    for (size_t dot = t.find('.'); dot != npos; dot = t.find('.', dot)) {
      size_t b = dot;
      while (b > 0 && is_host_char(t[b - 1])) --b;
      size_t end = skip(t, dot, is_host_char);
      while (b < end && (t[b] == '.' || t[b] == '-')) ++b;
      sv tok = token_at(t, b);
      bool after_at = b > 0 && t[b - 1] == '@';
      bool call = end < t.size() && t[end] == '(';
      if (tok.find('.') != npos && !after_at && !call && is_fqdn(tok, 3, true)) hosts.add(b, tok);
      dot = end;
    }
  }

  void run() {
    const size_t n = l.size();
    for (size_t i = 0; i < n; ++i) {
      switch (l[i]) {
        case '0':
          if (i + 1 < n && l[i + 1] == 'x' && !(i > 0 && (is_alnum(t[i - 1]) || t[i - 1] == '_'))) {
            uint32_t v;
            if (read_hex8(t, i + 2, v) && v >= 0x80000000u) hresults.add(i, v);
          }
          break;
        case 'e':
          if (i + 1 < n && l[i + 1] == 'r' && starts(l, i, "error")) error_word(i);
          break;
        case 'h':
          if (i + 1 == n || l[i + 1] != 'r') break;
          if (starts(l, i, "hresult"))
            hresult_context(i + 7, false);
          else if (starts(l, i, "hr") && (i == 0 || !is_alpha(t[i - 1])) && (i + 2 == n || !is_alpha(t[i + 2])))
            hresult_context(i + 2, false);
          break;
        case 'i':
          if (t[i] == 'I' && starts(t, i, "ID ")) id_word(i);
          break;
        case 's':
          if (i + 1 < n && l[i + 1] == 'e' && starts(l, i, "server")) host_key(i, 6);
          break;
        case 'c':
          if (i + 1 < n && l[i + 1] == 'o' && starts(l, i, "computer")) host_key(i, 8);
          break;
        case 'm':
          if (i + 1 < n && l[i + 1] == 'a' && starts(l, i, "machine")) host_key(i, 7);
          break;
        case 't':
          if (i + 1 < n && l[i + 1] == 'a' && starts(l, i, "target")) host_key(i, 6);
          break;
        case 'a':
          agent = agent || (i + 1 < n && l[i + 1] == 'g' && starts(l, i, "agent"));
          break;
        default:
          break;
      }
    }
    fqdns();
  }
};

}  // namespace

void find_mentions(std::string_view text, Mentions& out) {
  out.clear();
  thread_local std::string lower_case;
  lower_case.resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) {  // branch-free, so that it vectorises
    auto c = static_cast<unsigned char>(text[i]);
    lower_case[i] = static_cast<char>(c + (static_cast<unsigned char>(c - 'A') < 26 ? 32 : 0));
  }
  Scan scan;
  scan.t = text;
  scan.l = lower_case;
  scan.run();
  scan.hresults.sort();
  for (size_t i = 0; i < scan.hresults.n; ++i) add_unique(out.hresults, hex8(scan.hresults.items[i].second), false);
  scan.ids.sort();
  for (size_t i = 0; i < scan.ids.n; ++i) add_unique(out.error_ids, scan.ids.items[i].second, false);
  sv target = scan.agent ? find_attempt_target(text, lower_case) : sv();
  if (!target.empty()) scan.hosts.add(text.size(), target);  // last, unless already named
  scan.hosts.sort();
  for (size_t i = 0; i < scan.hosts.n; ++i) add_unique(out.hosts, scan.hosts.items[i].second, true);
  out.attempt_target.assign(target);
}

std::string_view first_item(std::string_view list) { return list.substr(0, list.find(',')); }

std::string binary_from_file_name(std::string_view path) {
  static constexpr std::array<sv, 11> kKnown = {
      "MSDPM",  "DPMRA",   "AgentBootStrapper", "DPMAC",     "DPMAccessManager", "DPMUI",
      "DPMCLI", "LAAgent", "DpmBackup",         "DPMWriter", "CBEngine"};
  sv base = path.substr(path.find_last_of("/\\") == npos ? 0 : path.find_last_of("/\\") + 1);
  if (size_t e = ifind(base, ".errlog"); e != npos)
    base = base.substr(0, e);
  else if (size_t dot = base.rfind('.'); dot != npos && dot > 0)
    base = base.substr(0, dot);
  if (base.size() > 4 && iequals(base.substr(base.size() - 4), "curr"))
    base.remove_suffix(4);
  else
    while (!base.empty() && is_digit(base.back())) base.remove_suffix(1);
  auto known = [&](sv name) -> sv {
    for (sv k : kKnown)
      if (iequals(name, k)) return k;
    return {};
  };
  if (sv k = known(base); !k.empty()) return std::string(k);
  if (size_t sep = base.find_last_of("-_ "); sep != npos)
    if (sv k = known(base.substr(sep + 1)); !k.empty()) return std::string(k);
  return std::string(base);
}

}  // namespace pm::dpm
