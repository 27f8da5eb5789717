#include "parsers/catalog/catalog.h"

#include <map>

#include "parsers/core/net_util.h"
#include "parsers/embedded.h"

namespace pm::catalog {
namespace {

std::vector<std::string_view> split_tabs(std::string_view line) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return out;
}

// Calls fn(fields, line) for each data line (not blank, not a # comment).
template <class Fn>
void for_each_row(std::string_view file, std::vector<std::string>& problems, Fn fn) {
  std::string_view data = embedded_file(file);
  if (data.empty()) problems.push_back(std::string(file) + ": not embedded");
  int line_no = 0;
  while (!data.empty()) {
    size_t nl = data.find('\n');
    std::string_view line = data.substr(0, nl);
    data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (!fn(split_tabs(line))) problems.push_back(std::string(file) + ":" + std::to_string(line_no) + ": " + std::string(line));
  }
}

char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Lower case, runs of white space as one space, no surrounding white space, no
// trailing punctuation.
std::string normalize(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(lower_ascii(c));
  }
  while (!out.empty() && (out.back() == '.' || out.back() == ',' || out.back() == ';' || out.back() == ':' ||
                          out.back() == '!' || out.back() == ' '))
    out.pop_back();
  return out;
}

std::optional<uint32_t> parse_hex8(std::string_view s) {
  if (s.size() != 8) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = (v << 4) | static_cast<uint32_t>(d);
  }
  return v;
}

std::vector<int64_t> version_parts(std::string_view v) {
  std::vector<int64_t> parts;
  size_t start = 0;
  for (;;) {
    size_t dot = v.find('.', start);
    std::string_view p = v.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (p.empty() || p.size() > 9 || p.find_first_not_of("0123456789") != std::string_view::npos) return {};
    parts.push_back(*parse_int(p));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.size() < 2 || parts.size() > 4) return {};
  return parts;
}

struct Tables {
  std::vector<DpmError> errors;
  std::vector<HresultEntry> hresults;
  std::vector<DpmRelease> releases;
  std::vector<DpmPort> ports;
  std::map<std::string, size_t> by_message;  // normalized message -> hresults index
  std::vector<std::string> problems;
};

const Tables& tables() {
  static const Tables t = [] {
    Tables t;
    for_each_row("dpm_errors.tsv", t.problems, [&](const std::vector<std::string_view>& f) {
      auto id = f.size() == 4 ? parse_int(f[0]) : std::nullopt;
      if (!id || *id <= 0 || (f[1] != "agent" && f[1] != "other") || f[2].empty()) return false;
      t.errors.push_back({*id, std::string(f[1]), std::string(f[2]), std::string(f[3])});
      return true;
    });
    for_each_row("hresults.tsv", t.problems, [&](const std::vector<std::string_view>& f) {
      if (f.size() < 3 || f.size() > 4 || f[0].substr(0, 2) != "0x" || f[1].empty() || f[2].empty()) return false;
      auto code = parse_hex8(f[0].substr(2));
      if (!code || format_hresult(*code) != f[0]) return false;
      HresultEntry e{*code, std::string(f[0]), std::string(f[1]), std::string(f[2]), {}};
      if (f.size() == 4) {
        std::string_view rest = f[3];
        while (!rest.empty()) {
          size_t bar = rest.find(" | ");
          e.also_seen_as.emplace_back(rest.substr(0, bar));
          rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 3);
        }
      }
      t.hresults.push_back(std::move(e));
      return true;
    });
    for_each_row("dpm_versions.tsv", t.problems, [&](const std::vector<std::string_view>& f) {
      if (f.size() < 4 || f.size() > 5 || f[0].empty() || version_parts(f[1]).empty() ||
          (f[2] != "rtm" && f[2] != "latest") || f[3].find("dpmac.exe") == std::string_view::npos)
        return false;
      t.releases.push_back({std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]),
                            f.size() == 5 ? std::string(f[4]) : std::string()});
      return true;
    });
    for_each_row("dpm_ports.tsv", t.problems, [&](const std::vector<std::string_view>& f) {
      if (f.size() != 4 || f[0].empty() || f[0].find_first_not_of("0123456789-") != std::string_view::npos ||
          (f[1] != "TCP" && f[1] != "UDP") || f[2].empty())
        return false;
      t.ports.push_back({std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3])});
      return true;
    });
    for (size_t i = 0; i < t.hresults.size(); ++i) {
      t.by_message.emplace(normalize(t.hresults[i].message), i);
      for (const auto& alt : t.hresults[i].also_seen_as) t.by_message.emplace(normalize(alt), i);
    }
    return t;
  }();
  return t;
}

}  // namespace

const std::vector<DpmError>& dpm_errors() { return tables().errors; }
const std::vector<HresultEntry>& hresults() { return tables().hresults; }
const std::vector<DpmRelease>& releases() { return tables().releases; }
const std::vector<DpmPort>& ports() { return tables().ports; }
std::vector<std::string> load_problems() { return tables().problems; }

const DpmError* find_dpm_error(int64_t id) {
  for (const auto& e : dpm_errors())
    if (e.id == id) return &e;
  return nullptr;
}

const HresultEntry* find_hresult(uint32_t code) {
  for (const auto& e : hresults())
    if (e.code == code) return &e;
  return nullptr;
}

std::optional<uint32_t> parse_hresult(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() == 10 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) return parse_hex8(text.substr(2));
  // Eight hex digits without the prefix: an HRESULT when the severity bit is set
  // ("80070005" is hex, not the decimal 80,070,005, which is no HRESULT).
  if (auto hex = text.size() == 8 ? parse_hex8(text) : std::nullopt; hex && *hex >= 0x80000000u) return hex;
  auto n = parse_int(text);
  if (!n) return std::nullopt;
  if (*n < 0 && *n >= INT32_MIN) return static_cast<uint32_t>(static_cast<int32_t>(*n));
  if (*n >= 0x80000000LL && *n <= 0xFFFFFFFFLL) return static_cast<uint32_t>(*n);
  return std::nullopt;
}

std::string format_hresult(uint32_t code) {
  static const char* digits = "0123456789ABCDEF";
  std::string s = "0x";
  for (int shift = 28; shift >= 0; shift -= 4) s.push_back(digits[(code >> shift) & 0xF]);
  return s;
}

std::optional<uint32_t> win32_error(uint32_t hresult) {
  if ((hresult & 0xFFFF0000u) == 0x80070000u) return hresult & 0xFFFFu;
  return std::nullopt;
}

uint32_t hresult_from_win32(uint32_t win32) { return win32 == 0 ? 0 : 0x80070000u | (win32 & 0xFFFFu); }

const HresultEntry* hresult_for_message(std::string_view text) {
  const Tables& t = tables();
  auto it = t.by_message.find(normalize(text));
  return it == t.by_message.end() ? nullptr : &t.hresults[it->second];
}

const HresultEntry* hresult_in_text(std::string_view text) {
  const Tables& t = tables();
  std::string hay = normalize(text);
  const HresultEntry* best = nullptr;
  size_t best_len = 0;
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  for (const auto& [message, index] : t.by_message) {
    if (message.size() < 15 || message.size() <= best_len) continue;
    for (size_t at = hay.find(message); at != std::string::npos; at = hay.find(message, at + 1)) {
      size_t end = at + message.size();
      if ((at > 0 && word(hay[at - 1])) || (end < hay.size() && word(hay[end]))) continue;  // inside a word
      best = &t.hresults[index];
      best_len = message.size();
      break;
    }
  }
  return best;
}

std::optional<ReleaseMatch> release_for_version(std::string_view version) {
  auto parts = version_parts(version);
  if (parts.empty()) return std::nullopt;
  const auto& all = releases();
  for (const auto& r : all) {
    if (version_parts(r.version) != parts) continue;
    // A listed build: name the release's rtm entry, keep "exact".
    for (const auto& rtm : all)
      if (rtm.release == r.release && rtm.build == "rtm")
        return ReleaseMatch{&rtm, true, r.build == "rtm" ? "exact build (RTM)" : "exact build (" + r.note + ")"};
  }
  const DpmRelease* best = nullptr;
  const DpmRelease* first = nullptr;
  std::string newest;
  for (const auto& r : all) {
    auto rp = version_parts(r.version);
    if (rp.size() < 2 || rp[0] != parts[0] || rp[1] != parts[1]) continue;
    if (r.build == "latest") {
      if (rp < parts) newest = r.version;
      continue;
    }
    if (!first || rp < version_parts(first->version)) first = &r;
    if (rp <= parts && (!best || rp > version_parts(best->version))) best = &r;
  }
  std::string line = std::to_string(parts[0]) + "." + std::to_string(parts[1]);
  if (best) {
    std::string basis = "update of " + best->release + " (same " + line + " line, after RTM " + best->version + ")";
    if (!newest.empty()) basis += "; newer than the newest update rollup known (" + newest + ")";
    return ReleaseMatch{best, false, basis};
  }
  if (first) return ReleaseMatch{first, false, "same " + line + " line as " + first->release + ", but before its RTM " + first->version};
  return std::nullopt;
}

}  // namespace pm::catalog
