#include "parsers/dpm/dpm_text_hosts.h"

#include <array>
#include <string>

namespace pm::dpm::text_detail {
namespace {

constexpr std::array<sv, 44> kFileExtensions = {
    "exe",    "dll", "sys", "cpp",      "hpp",  "cs",  "log", "txt", "errlog", "crash", "xml",
    "config", "msi", "msp", "mof",      "cab",  "ini", "inf", "cat", "ps1",    "psm1",  "psd1",
    "bat",    "cmd", "vbs", "js",       "json", "tmp", "dat", "bin", "etl",    "evtx",  "evt",
    "zip",    "cer", "pfx", "manifest", "pdb",  "lib", "obj", "mui", "vhd",    "vhdx",  "csv"};

constexpr std::array<sv, 18> kNotNames = {"DPM",   "RPC",  "WMI",  "DCOM", "SCM",   "SQL", "VSS", "MSDPM", "DPMRA",
                                          "DPMAC", "NULL", "NONE", "TRUE", "FALSE", "SMB", "DNS", "IP",    "OK"};

bool is_label(sv l) {
  if (l.empty() || l.size() > 63 || l.front() == '-' || l.back() == '-') return false;
  for (char c : l)
    if (!is_alnum(c) && c != '-') return false;
  return true;
}

bool is_ipv4_text(sv tok) {
  int parts = 0;
  size_t pos = 0;
  for (;;) {
    size_t dot = tok.find('.', pos);
    sv p = tok.substr(pos, dot == npos ? npos : dot - pos);
    if (p.empty() || p.size() > 3 || skip(p, 0, is_digit) != p.size() || std::stoi(std::string(p)) > 255) return false;
    ++parts;
    if (dot == npos) break;
    pos = dot + 1;
  }
  return parts == 4;
}

}  // namespace

bool iequals(sv a, sv b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool is_fqdn(sv tok, size_t min_labels, bool one_case) {
  if (tok.size() > 253) return false;
  size_t labels = 0, pos = 0;
  sv last;
  for (;;) {
    size_t dot = tok.find('.', pos);
    sv l = tok.substr(pos, dot == npos ? npos : dot - pos);
    if (!is_label(l)) return false;
    ++labels;
    last = l;
    if (dot == npos) break;
    pos = dot + 1;
  }
  if (labels < min_labels || last.size() < 2 || last.size() > 24) return false;
  for (char c : last)
    if (!is_alpha(c)) return false;
  for (sv ext : kFileExtensions)
    if (iequals(last, ext)) return false;
  if (one_case) {
    bool up = false, low = false;
    for (char c : tok) {
      up |= is_upper(c);
      low |= is_lower(c);
    }
    if (up && low) return false;
  }
  return true;
}

bool is_netbios_upper(sv tok) {
  if (tok.size() < 2 || tok.size() > 15 || !is_label(tok)) return false;
  bool letter = false;
  for (char c : tok) {
    if (is_lower(c)) return false;
    letter |= is_upper(c);
  }
  if (!letter) return false;
  for (sv w : kNotNames)
    if (tok == w) return false;
  return true;
}

sv token_at(sv s, size_t i) {
  size_t end = skip(s, i, is_host_char);
  while (end > i && (s[end - 1] == '.' || s[end - 1] == '-')) --end;
  return s.substr(i, end - i);
}

namespace {

// An IPv4 address, an FQDN of 2+ labels in any case, or a single label with a
// digit or hyphen, or all upper case.
bool is_target_host(sv tok) {
  if (is_ipv4_text(tok)) return true;
  if (tok.find('.') != npos) return is_fqdn(tok, 2, false);
  if (!is_label(tok) || tok.size() > 15) return false;
  bool digit_or_hyphen = false, letter = false;
  for (char c : tok) {
    digit_or_hyphen |= is_digit(c) || c == '-';
    letter |= is_alpha(c);
  }
  return letter && (digit_or_hyphen || is_netbios_upper(tok));
}

sv target_after(sv t, size_t i) {
  i = skip(t, i, [](char c) { return is_blank(c) || c == '\'' || c == '"' || c == '['; });
  sv tok = token_at(t, i);
  return is_target_host(tok) ? tok : sv();
}

}  // namespace

sv find_attempt_target(sv t, sv l) {
  static constexpr std::array<sv, 7> kVerbs = {"install", "upgrad", "updat", "repair",  // stems: Upgrading, updated
                                               "attach",  "push",   "deploy"};
  // A1: <verb> ... agent on|to|for HOST
  for (size_t at = l.find("agent "); at != npos; at = l.find("agent ", at + 1)) {
    size_t i = skip(l, at + 6, is_blank);
    size_t w = skip(l, i, is_alpha);
    sv prep = l.substr(i, w - i);
    if (prep != "on" && prep != "to" && prep != "for") continue;
    sv window = l.substr(at > 40 ? at - 40 : 0, at > 40 ? 40 : at);
    bool verb = false;
    for (sv v : kVerbs) verb |= window.find(v) != npos;
    if (!verb) continue;
    if (sv host = target_after(t, w); !host.empty()) return host;
  }
  // A2: an agent operation with Target...: HOST
  static constexpr std::array<sv, 7> kOps = {"installagent",    "uninstallagent", "upgradeagent", "agentoperation",
                                             "agent operation", "install agent",  "agent install"};
  bool op = false;
  for (sv o : kOps) op |= l.find(o) != npos;
  if (op) {
    for (size_t at = l.find("target"); at != npos; at = l.find("target", at + 1)) {
      if (at > 0 && is_alpha(l[at - 1])) continue;
      size_t i = skip(l, at + 6, is_alpha);
      i = skip(l, i, is_blank);
      if (i >= l.size() || (l[i] != ':' && l[i] != '=')) continue;
      if (sv host = target_after(t, i + 1); !host.empty()) return host;
    }
  }
  // A3: agent operation ... on HOST
  if (size_t at = l.find("agent operation"); at != npos) {
    for (size_t on = l.find(" on ", at); on != npos; on = l.find(" on ", on + 1))
      if (sv host = target_after(t, on + 4); !host.empty()) return host;
  }
  return {};
}

}  // namespace pm::dpm::text_detail
