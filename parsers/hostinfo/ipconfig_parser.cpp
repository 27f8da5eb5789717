#include "parsers/hostinfo/ipconfig_parser.h"


#include <string>

#include "parsers/core/net_util.h"
#include "parsers/core/tally.h"

namespace pm {
namespace {

enum class Kind {
  value,    // stored as written
  host,     // Host Name: also claims the host
  suffix,   // Primary Dns Suffix: also makes the fqdn
  address,  // an IP address of this host: "(Preferred)" and "%zone" removed, validated
  mac,      // Physical Address
};

struct Field {
  std::string_view label;
  std::string_view fact;
  Kind kind;
};

// Longer labels that share a prefix with a shorter one are found by taking
// the longest match. Non-ASCII letters match any non-ASCII character (OEM
// code page text read as Windows-1252 keeps matching).
constexpr Field kFields[] = {
    {"Host Name", "host_name", Kind::host},
    {"Primary Dns Suffix", "dns_suffix", Kind::suffix},
    {"Node Type", "node_type", Kind::value},
    {"IP Routing Enabled", "ip_routing_enabled", Kind::value},
    {"WINS Proxy Enabled", "wins_proxy_enabled", Kind::value},
    {"DNS Suffix Search List", "dns_suffix_search", Kind::value},
    {"Media State", "media_state", Kind::value},
    {"Connection-specific DNS Suffix", "connection_dns_suffix", Kind::value},
    {"Connection-specific DNS Suffix Search List", "connection_dns_suffix_search", Kind::value},
    {"Description", "adapter_description", Kind::value},
    {"Physical Address", "mac_address", Kind::mac},
    {"DHCP Enabled", "dhcp_enabled", Kind::value},
    {"Autoconfiguration Enabled", "autoconfiguration_enabled", Kind::value},
    {"IPv4 Address", "ip_address", Kind::address},
    {"IPv6 Address", "ip_address", Kind::address},
    {"Temporary IPv6 Address", "ip_address", Kind::address},
    {"Link-local IPv6 Address", "ip_address", Kind::address},
    {"Autoconfiguration IPv4 Address", "ip_address", Kind::address},
    {"Autoconfiguration IP Address", "ip_address", Kind::address},
    {"IP Address", "ip_address", Kind::address},
    {"Subnet Mask", "subnet_mask", Kind::value},
    {"Lease Obtained", "lease_obtained", Kind::value},
    {"Lease Expires", "lease_expires", Kind::value},
    {"Default Gateway", "default_gateway", Kind::value},
    {"DHCP Server", "dhcp_server", Kind::value},
    {"DHCPv6 IAID", "dhcpv6_iaid", Kind::value},
    {"DHCPv6 Client DUID", "dhcpv6_client_duid", Kind::value},
    {"DNS Servers", "dns_server", Kind::value},
    {"Primary WINS Server", "wins_server", Kind::value},
    {"Secondary WINS Server", "wins_server", Kind::value},
    {"NetBIOS over Tcpip", "netbios_over_tcpip", Kind::value},
    // German.
    {"Hostname", "host_name", Kind::host},
    {"Primäres DNS-Suffix", "dns_suffix", Kind::suffix},
    {"Knotentyp", "node_type", Kind::value},
    {"IP-Routing aktiviert", "ip_routing_enabled", Kind::value},
    {"WINS-Proxy aktiviert", "wins_proxy_enabled", Kind::value},
    {"DNS-Suffixsuchliste", "dns_suffix_search", Kind::value},
    {"Medienstatus", "media_state", Kind::value},
    {"Verbindungsspezifisches DNS-Suffix", "connection_dns_suffix", Kind::value},
    {"Beschreibung", "adapter_description", Kind::value},
    {"Physische Adresse", "mac_address", Kind::mac},
    {"DHCP aktiviert", "dhcp_enabled", Kind::value},
    {"Autokonfiguration aktiviert", "autoconfiguration_enabled", Kind::value},
    {"IPv4-Adresse", "ip_address", Kind::address},
    {"IPv6-Adresse", "ip_address", Kind::address},
    {"Temporäre IPv6-Adresse", "ip_address", Kind::address},
    {"Verbindungslokale IPv6-Adresse", "ip_address", Kind::address},
    {"Autokonfigurations-IPv4-Adresse", "ip_address", Kind::address},
    {"IP-Adresse", "ip_address", Kind::address},
    {"Subnetzmaske", "subnet_mask", Kind::value},
    {"Lease erhalten", "lease_obtained", Kind::value},
    {"Lease läuft ab", "lease_expires", Kind::value},
    {"Standardgateway", "default_gateway", Kind::value},
    {"DHCP-Server", "dhcp_server", Kind::value},
    {"DHCPv6-IAID", "dhcpv6_iaid", Kind::value},
    {"DHCPv6-Client-DUID", "dhcpv6_client_duid", Kind::value},
    {"DNS-Server", "dns_server", Kind::value},
    {"Primärer WINS-Server", "wins_server", Kind::value},
    {"Sekundärer WINS-Server", "wins_server", Kind::value},
    {"NetBIOS über TCP/IP", "netbios_over_tcpip", Kind::value},
};

constexpr size_t npos = std::string_view::npos;
constexpr size_t kContinuationIndent = 16;  // labels are indented 3 (Vista+) or 8 (XP); values start at 39/44

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

size_t indent_of(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_space(s[i])) i += s[i] == '\t' ? 8 : 1;
  return i;
}

size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_folded(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Length of the prefix of `text` that spells `label` (ASCII case ignored; a
// non-ASCII character of the label matches any one non-ASCII character), or npos.
size_t match_label(std::string_view text, std::string_view label) {
  size_t i = 0, j = 0;
  while (j < label.size()) {
    if (i >= text.size()) return npos;
    auto a = static_cast<unsigned char>(text[i]);
    auto b = static_cast<unsigned char>(label[j]);
    if (b >= 0x80) {
      if (a < 0x80) return npos;
      i += utf8_len(a);
      j += utf8_len(b);
      continue;
    }
    if (a >= 0x80 || lower(text[i]) != lower(label[j])) return npos;
    ++i;
    ++j;
  }
  return i;
}

// The field whose label starts `t` (trimmed line) followed by a dotted leader
// and a colon; *value_at is where the value starts.
const Field* find_field(std::string_view t, size_t* value_at) {
  const Field* best = nullptr;
  size_t best_len = 0, best_colon = 0;
  for (const Field& f : kFields) {
    size_t n = match_label(t, f.label);
    if (n == npos || n < best_len) continue;
    size_t k = n;
    while (k < t.size() && (t[k] == ' ' || t[k] == '.' || t[k] == '\t')) ++k;
    if (k >= t.size() || t[k] != ':') continue;
    if (k > n && t[n] != ' ' && t[n] != '.') continue;  // the label went on: "IP Address" vs "IP Addressx"
    best = &f;
    best_len = n;
    best_colon = k;
  }
  if (best) *value_at = best_colon + 1;
  return best;
}

// "Label . . . . :" with a dotted leader, for fields not in the table.
bool has_leader(std::string_view t) {
  size_t colon = t.find(':');
  if (colon == npos) return false;
  std::string_view before = t.substr(0, colon);
  return before.find(" . ") != npos || before.find(". .") != npos;
}

bool is_adapter_title(std::string_view t) {
  if (t.size() < 3 || t.back() != ':') return false;
  for (size_t i = 0; i + 7 <= t.size(); ++i)
    if (equals_folded(t.substr(i, 7), "adapter")) return true;
  return false;
}

// "C:\Users\admin>ipconfig /all": a console capture's prompt.
bool is_prompt(std::string_view t) {
  return t.size() >= 4 && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z')) && t[1] == ':' &&
         t[2] == '\\' && t.find('>') != npos;
}

bool is_banner(std::string_view t) {
  return equals_folded(t, "Windows IP Configuration") || equals_folded(t, "Windows-IP-Konfiguration");
}

// "fe80::1%12(Preferred)" -> "fe80::1"; "10.0.0.5(Bevorzugt)" -> "10.0.0.5".
std::string_view clean_address(std::string_view v) {
  if (!v.empty() && v.back() == ')') {
    size_t open = v.rfind('(');
    if (open != npos) v = trim(v.substr(0, open));
  }
  if (size_t pct = v.find('%'); pct != npos && v.find(':') != npos) v = v.substr(0, pct);
  return v;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// 00-50-56-9A-3B-12 (six octets, not all zero).
bool is_mac48(std::string_view v) {
  if (v.size() != 17) return false;
  bool nonzero = false;
  for (size_t i = 0; i < 17; ++i) {
    if (i % 3 == 2) {
      if (v[i] != '-' && v[i] != ':') return false;
    } else {
      if (!is_hex(v[i])) return false;
      nonzero |= v[i] != '0';
    }
  }
  return nonzero;
}

using Outcome = LineVerdict;

class Run {
 public:
  explicit Run(RowSink& sink) : sink_(sink) {}

  Outcome line(std::string_view text, int64_t number) {
    number_ = number;
    std::string_view t = trim(text);
    if (t.empty() || is_banner(t)) return {Outcome::header, {}};
    size_t indent = indent_of(text);
    if (indent == 0) {
      if (is_adapter_title(t)) {
        current_ = nullptr;
        emit("adapter", t.substr(0, t.size() - 1));
        return {Outcome::stored, {}};
      }
      if (is_prompt(t)) return reject("command prompt line, not ipconfig output");
      return reject("not an ipconfig line");
    }
    if (indent >= kContinuationIndent) {
      if (!current_) return reject("indented value without a field");
      return value(*current_, t);
    }
    size_t value_at = 0;
    const Field* f = find_field(t, &value_at);
    if (!f) {
      current_ = nullptr;
      if (has_leader(t)) {
        std::string_view label = t.substr(0, t.find(':'));
        while (!label.empty() && (label.back() == '.' || label.back() == ' ')) label.remove_suffix(1);
        return reject("unknown ipconfig field '" + std::string(label) + "'");
      }
      return reject("not an ipconfig line");
    }
    current_ = f;
    return value(*f, trim(t.substr(value_at)));
  }

 private:
  Outcome value(const Field& f, std::string_view v) {
    if (v.empty()) return {Outcome::header, {}};
    switch (f.kind) {
      case Kind::value:
        emit(f.fact, v);
        break;
      case Kind::host:
        emit(f.fact, v);
        if (host_.empty()) {
          host_ = v;
          sink_.claim_host(host_, "ipconfig Host Name");
        }
        maybe_fqdn();
        break;
      case Kind::suffix:
        emit(f.fact, v);
        if (suffix_.empty()) suffix_ = v;
        maybe_fqdn();
        break;
      case Kind::address: {
        std::string_view a = clean_address(v);
        if (!is_ip_address(a)) return reject("invalid IP address '" + std::string(v) + "'");
        emit(f.fact, a);
        break;
      }
      case Kind::mac:
        emit(is_mac48(v) ? "mac_address" : "physical_address", v);
        break;
    }
    return {Outcome::stored, {}};
  }

  void emit(std::string_view fact, std::string_view value) {
    row_.fact.assign(fact);
    row_.value.assign(value);
    row_.location = number_;
    sink_.host_fact(row_);
  }

  void maybe_fqdn() {
    if (fqdn_done_ || host_.empty() || suffix_.empty()) return;
    fqdn_done_ = true;
    emit("fqdn", host_ + "." + suffix_);
  }

  Outcome reject(std::string reason) { return {Outcome::rejected, std::move(reason)}; }

  RowSink& sink_;
  const Field* current_ = nullptr;
  std::string host_, suffix_;
  bool fqdn_done_ = false;
  int64_t number_ = 0;
  HostFactRow row_;
};

}  // namespace

SniffResult IpconfigParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  bool banner = false;
  int labels = 0;
  size_t pos = 0;
  int lines = 0;
  while (pos < t.size() && lines < 200) {
    size_t nl = t.find('\n', pos);
    std::string_view line = t.substr(pos, nl == npos ? npos : nl - pos);
    pos = nl == npos ? t.size() : nl + 1;
    ++lines;
    std::string_view tr = trim(line);
    if (tr.empty()) continue;
    if (is_banner(tr)) {
      banner = true;
      continue;
    }
    size_t indent = indent_of(line);
    size_t value_at = 0;
    if (indent > 0 && indent < kContinuationIndent && find_field(tr, &value_at)) ++labels;
  }
  if (banner && labels >= 2)
    return {95, "'Windows IP Configuration' banner and " + std::to_string(labels) + " ipconfig fields"};
  if (labels >= 4) return {75, std::to_string(labels) + " ipconfig fields with dotted leaders"};
  if (banner) return {55, "'Windows IP Configuration' banner"};
  return {0, "no ipconfig banner or fields"};
}

Result<ParseCounts> IpconfigParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  Run run(sink);
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    tally.record(line, line.truncated ? Outcome{Outcome::rejected, "line longer than the line limit: not ipconfig output"}
                                      : run.line(line.text, line.number));
  }
  if (!reader->status()) return reader->status();
  return tally.counts();
}

}  // namespace pm
