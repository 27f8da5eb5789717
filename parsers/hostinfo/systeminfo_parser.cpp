#include "parsers/hostinfo/systeminfo_parser.h"


#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/net_util.h"
#include "parsers/core/tally.h"

namespace pm {
namespace {

// How a field's value is laid out.
enum class Kind {
  value,  // one value on the label line
  host,   // Host Name: a value, and the host claim
  list,   // "N Xxx(s) Installed." then one "[nn]: item" line per item
  nics,   // Network Card(s): nested NIC blocks with their own sub-labels
  lines,  // a value on the label line and more on indented lines
};

struct Field {
  std::string_view label;
  std::string_view fact;
  Kind kind;
};

// English labels first, then German. Non-ASCII letters match any non-ASCII
// character (see match_label), so umlauts read through the wrong code page
// still match.
constexpr Field kFields[] = {
    {"Host Name", "host_name", Kind::host},
    {"OS Name", "os_name", Kind::value},
    {"OS Version", "os_version", Kind::value},
    {"OS Manufacturer", "os_manufacturer", Kind::value},
    {"OS Configuration", "os_configuration", Kind::value},
    {"OS Build Type", "os_build_type", Kind::value},
    {"Registered Owner", "registered_owner", Kind::value},
    {"Registered Organization", "registered_organization", Kind::value},
    {"Product ID", "product_id", Kind::value},
    {"Original Install Date", "install_date", Kind::value},
    {"System Boot Time", "boot_time", Kind::value},
    {"System Up Time", "up_time", Kind::value},
    {"System Manufacturer", "system_manufacturer", Kind::value},
    {"System Model", "system_model", Kind::value},
    {"System Type", "system_type", Kind::value},
    {"Processor(s)", "processor", Kind::list},
    {"BIOS Version", "bios_version", Kind::value},
    {"Windows Directory", "windows_directory", Kind::value},
    {"System Directory", "system_directory", Kind::value},
    {"Boot Device", "boot_device", Kind::value},
    {"System Locale", "system_locale", Kind::value},
    {"Input Locale", "input_locale", Kind::value},
    {"Time Zone", "time_zone", Kind::value},
    {"Total Physical Memory", "total_physical_memory", Kind::value},
    {"Available Physical Memory", "available_physical_memory", Kind::value},
    {"Virtual Memory: Max Size", "virtual_memory_max_size", Kind::value},
    {"Virtual Memory: Available", "virtual_memory_available", Kind::value},
    {"Virtual Memory: In Use", "virtual_memory_in_use", Kind::value},
    {"Page File: Max Size", "virtual_memory_max_size", Kind::value},
    {"Page File: Available", "virtual_memory_available", Kind::value},
    {"Page File: In Use", "virtual_memory_in_use", Kind::value},
    {"Page File Location(s)", "page_file", Kind::lines},
    {"Domain", "domain", Kind::value},
    {"Logon Server", "logon_server", Kind::value},
    {"Hotfix(s)", "hotfix", Kind::list},
    {"Network Card(s)", "network_adapter", Kind::nics},
    {"Hyper-V Requirements", "hyper_v_requirements", Kind::lines},
    // German (Windows 7 and later); keep "Hostname" first (kGermanFields).
    {"Hostname", "host_name", Kind::host},
    {"Betriebssystemname", "os_name", Kind::value},
    {"Betriebssystemversion", "os_version", Kind::value},
    {"Betriebssystemhersteller", "os_manufacturer", Kind::value},
    {"Betriebssystemkonfiguration", "os_configuration", Kind::value},
    {"Betriebssystem-Buildtyp", "os_build_type", Kind::value},
    {"Registrierter Benutzer", "registered_owner", Kind::value},
    {"Registrierte Organisation", "registered_organization", Kind::value},
    {"Produkt-ID", "product_id", Kind::value},
    {"Ursprüngliches Installationsdatum", "install_date", Kind::value},
    {"Systemstartzeit", "boot_time", Kind::value},
    {"Systembetriebszeit", "up_time", Kind::value},
    {"Systemhersteller", "system_manufacturer", Kind::value},
    {"Systemmodell", "system_model", Kind::value},
    {"Systemtyp", "system_type", Kind::value},
    {"Prozessor(en)", "processor", Kind::list},
    {"BIOS-Version", "bios_version", Kind::value},
    {"Windows-Verzeichnis", "windows_directory", Kind::value},
    {"System-Verzeichnis", "system_directory", Kind::value},
    {"Startgerät", "boot_device", Kind::value},
    {"Systemgebietsschema", "system_locale", Kind::value},
    {"Eingabegebietsschema", "input_locale", Kind::value},
    {"Zeitzone", "time_zone", Kind::value},
    {"Gesamter physischer Speicher", "total_physical_memory", Kind::value},
    {"Verfügbarer physischer Speicher", "available_physical_memory", Kind::value},
    {"Virtueller Arbeitsspeicher: Maximale Größe", "virtual_memory_max_size", Kind::value},
    {"Virtueller Arbeitsspeicher: Verfügbar", "virtual_memory_available", Kind::value},
    {"Virtueller Arbeitsspeicher: Zurzeit verwendet", "virtual_memory_in_use", Kind::value},
    {"Auslagerungsdateipfad(e)", "page_file", Kind::lines},
    {"Domäne", "domain", Kind::value},
    {"Anmeldeserver", "logon_server", Kind::value},
    {"Hotfix(es)", "hotfix", Kind::list},
    {"Netzwerkkarte(n)", "network_adapter", Kind::nics},
    {"Hyper-V-Anforderungen", "hyper_v_requirements", Kind::lines},
};

constexpr const Field* kGermanFields = [] {
  for (const Field& f : kFields)
    if (f.label == "Hostname") return &f;
  return &kFields[0];
}();

// Sub-labels inside a Network Card(s) block.
struct NicField {
  std::string_view label;
  std::string_view fact;  // empty: the "IP address(es)" list title
};

constexpr NicField kNicFields[] = {
    {"Connection Name", "network_connection_name"},
    {"DHCP Enabled", "dhcp_enabled"},
    {"DHCP Server", "dhcp_server"},
    {"Status", "network_status"},
    {"IP address(es)", ""},
    {"Verbindungsname", "network_connection_name"},
    {"DHCP aktiviert", "dhcp_enabled"},
    {"DHCP-Server", "dhcp_server"},
    {"IP-Adresse(n)", ""},
};

constexpr size_t npos = std::string_view::npos;

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && (is_space(s.front()) || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (is_space(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

size_t utf8_len(unsigned char c) {
  return c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Length of the prefix of `text` that spells `label` (ASCII case ignored; a
// non-ASCII character of the label matches any one non-ASCII character), or
// npos. *recoded is set when such a character differs from the label's.
size_t match_label(std::string_view text, std::string_view label, bool* recoded = nullptr) {
  size_t i = 0, j = 0;
  bool differs = false;
  while (j < label.size()) {
    if (i >= text.size()) return npos;
    auto a = static_cast<unsigned char>(text[i]);
    auto b = static_cast<unsigned char>(label[j]);
    if (b >= 0x80) {
      if (a < 0x80) return npos;
      size_t la = utf8_len(a), lb = utf8_len(b);
      if (text.substr(i, la) != label.substr(j, lb)) differs = true;
      i += la;
      j += lb;
      continue;
    }
    if (a >= 0x80 || lower(text[i]) != lower(label[j])) return npos;
    ++i;
    ++j;
  }
  if (recoded) *recoded = differs;
  return i;
}

// The field whose "Label:" starts this line (longest match), and where the value starts.
const Field* find_field(std::string_view text, size_t* value_at, bool* recoded) {
  const Field* best = nullptr;
  size_t best_len = 0;
  for (const Field& f : kFields) {
    bool r = false;
    size_t n = match_label(text, f.label, &r);
    if (n == npos || n >= text.size() || text[n] != ':' || n < best_len) continue;
    best = &f;
    best_len = n;
    *recoded = r;
  }
  if (best) *value_at = best_len + 1;
  return best;
}

// "[01]: value" -> "value".
std::optional<std::string_view> bracket_item(std::string_view t) {
  if (t.size() < 4 || t[0] != '[') return std::nullopt;
  size_t close = t.find("]:");
  if (close == npos || close > 5) return std::nullopt;
  for (size_t i = 1; i < close; ++i)
    if (t[i] < '0' || t[i] > '9') return std::nullopt;
  return trim(t.substr(close + 2));
}

// "C:\Users\admin>systeminfo": a console capture's prompt.
bool is_prompt(std::string_view t) {
  return t.size() >= 4 && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z')) && t[1] == ':' &&
         t[2] == '\\' && t.find('>') != npos;
}

bool looks_like_address(std::string_view v) {
  if (v.empty()) return false;
  bool digit = false;
  for (char c : v) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex && c != '.' && c != ':' && c != '%') return false;
    digit |= c >= '0' && c <= '9';
  }
  return digit && (v.find('.') != npos || v.find(':') != npos);
}

// ------------------------------------------------------- OEM code page repair

// Windows-1252 code points for bytes 0x80..0x9F (as the text decoder maps them).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// CP850 letters for bytes 0x80..0xA5 (accented Latin letters; the same in CP437 but 9B/9D/9E).
constexpr char16_t kCp850Letters[38] = {
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB,
    0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4,
    0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6, 0x00DC, 0x00F8, 0x00A3, 0x00D8,
    0x00D7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1};

void put_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t code_point(std::string_view s, size_t i, size_t len) {
  auto c = static_cast<unsigned char>(s[i]);
  if (len == 2) return ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
  if (len == 3) return ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
  return c;
}

// True when German text shows CP850 umlauts read as Windows-1252 (ä as „,
// ö as ”, ü as U+0081, Ä as Ž, Ö as ™, Ü as š) and no real umlaut.
bool looks_oem(std::string_view s) {
  bool signature = false;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = std::min(utf8_len(c), s.size() - i);
    uint32_t cp = code_point(s, i, len);
    i += len;
    switch (cp) {
      case 0x0081: case 0x201E: case 0x201D: case 0x017D: case 0x2122: case 0x0161: signature = true; break;
      case 0x00E4: case 0x00F6: case 0x00FC: case 0x00C4: case 0x00D6: case 0x00DC: case 0x00DF: return false;
      default: break;
    }
  }
  return signature;
}

// Text that was CP850 bytes decoded as Windows-1252, decoded as CP850 letters
// instead (umlauts, accents, ß); other characters are kept.
std::string repair_oem(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = utf8_len(c);
    if (c < 0x80 || i + len > s.size() || len > 3) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    uint32_t cp = code_point(s, i, len);
    int byte = -1;
    if (cp >= 0xA0 && cp <= 0xFF) byte = static_cast<int>(cp);
    for (int k = 0; k < 32 && byte < 0; ++k)
      if (kCp1252High[k] == cp) byte = 0x80 + k;
    if (byte >= 0x80 && byte <= 0xA5) put_utf8(out, kCp850Letters[byte - 0x80]);
    else if (byte == 0xE1) put_utf8(out, 0x00DF);  // ß
    else out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

// ------------------------------------------------------------------- CSV

// Splits one CSV record ("a","b,c","d""e"); false when a quote is unbalanced.
bool split_csv(std::string_view line, std::vector<std::string>& cells) {
  cells.clear();
  size_t i = 0;
  for (;;) {
    std::string cell;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell.push_back(line[i++]);
      }
      if (i < line.size() && line[i] != ',') return false;
    } else {
      size_t comma = line.find(',', i);
      cell.assign(line.substr(i, comma == npos ? npos : comma - i));
      i = comma == npos ? line.size() : comma;
    }
    cells.push_back(std::move(cell));
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

const Field* field_by_whole_label(std::string_view label) {
  for (const Field& f : kFields) {
    size_t n = match_label(label, f.label);
    if (n == label.size()) return &f;
  }
  return nullptr;
}

// ------------------------------------------------------------------ parse

using Outcome = LineVerdict;

class Run {
 public:
  Run(RowSink& sink, bool maybe_oem) : sink_(sink), maybe_oem_(maybe_oem) {}

  Outcome line(std::string_view text, int64_t number) {
    number_ = number;
    emitted_ = 0;
    std::string_view t = trim(text);
    if (t.empty()) return {Outcome::header, {}};
    if (!csv_columns_.empty() || (!seen_field_ && t.front() == '"')) return csv_line(t);
    if (!is_space(text.front())) return label_line(text, t);
    return continuation(t);
  }

 private:
  Outcome label_line(std::string_view text, std::string_view t) {
    size_t value_at = 0;
    bool recoded = false;
    const Field* f = find_field(text, &value_at, &recoded);
    if (!f) {
      current_ = nullptr;  // indented lines that follow belong to what was not understood
      after_unknown_ = true;
      if (t.rfind("Loading ", 0) == 0 && t.find("...") != npos) return {Outcome::header, {}};  // console progress
      if (is_prompt(t)) return reject("command prompt line, not systeminfo output");
      size_t colon = t.find(':');
      if (colon != npos && colon > 0 && colon < 60)
        return reject("unknown systeminfo field '" + std::string(t.substr(0, colon)) + "'");
      return reject("not a systeminfo line");
    }
    if (recoded && maybe_oem_) oem_ = true;  // "Dom„ne": CP850 text read as Windows-1252
    german_ |= f >= kGermanFields;
    seen_field_ = true;
    after_unknown_ = false;
    current_ = f;
    in_ip_list_ = false;
    if (f->kind == Kind::list || f->kind == Kind::nics) return {Outcome::header, {}};  // "3 Hotfix(s) Installed."
    return value(*f, trim(text.substr(value_at)));
  }

  // The value of a single-line field (or the first line of a multi-line one).
  Outcome value(const Field& f, std::string_view v) {
    if (v.empty()) return {Outcome::header, {}};
    std::string value = fix(v);
    emit(f.fact, value);
    if (f.kind == Kind::host) {
      if (host_.empty()) {
        host_ = value;
        sink_.claim_host(host_, "systeminfo Host Name");
      }
      maybe_fqdn();
    } else if (f.fact == "domain") {
      if (domain_.empty()) domain_ = value;
      maybe_fqdn();
    }
    return {Outcome::stored, {}};
  }

  Outcome continuation(std::string_view t) {
    if (!current_)
      return reject(after_unknown_ ? "indented line after a line that was not understood"
                                   : "indented line before any systeminfo field");
    switch (current_->kind) {
      case Kind::host:
        return reject("unexpected continuation of the host name");
      case Kind::value:
      case Kind::lines:
        emit(current_->fact, fix(t));
        return {Outcome::stored, {}};
      case Kind::list: {
        auto item = bracket_item(t);
        std::string_view v = item ? *item : t;
        if (v.empty()) return {Outcome::header, {}};
        emit(current_->fact, fix(v));
        return {Outcome::stored, {}};
      }
      case Kind::nics:
        return nic_line(t);
    }
    return reject("unexpected line");
  }

  Outcome nic_line(std::string_view t) {
    if (auto item = bracket_item(t)) {
      if (in_ip_list_) {
        if (is_ip_address(*item)) {
          emit("ip_address", std::string(*item));
          return {Outcome::stored, {}};
        }
        if (looks_like_address(*item)) return reject("invalid IP address '" + std::string(*item) + "'");
      }
      in_ip_list_ = false;
      if (item->empty()) return {Outcome::header, {}};
      emit("network_adapter", fix(*item));
      return {Outcome::stored, {}};
    }
    for (const NicField& nf : kNicFields) {
      size_t n = match_label(t, nf.label);
      if (n == npos) continue;
      if (nf.fact.empty()) {  // "IP address(es)"
        if (n != t.size()) continue;
        in_ip_list_ = true;
        return {Outcome::header, {}};
      }
      if (n >= t.size() || t[n] != ':') continue;
      std::string_view v = trim(t.substr(n + 1));
      if (v.empty()) return {Outcome::header, {}};
      emit(nf.fact, fix(v));
      return {Outcome::stored, {}};
    }
    return reject("unknown line in the Network Card(s) block");
  }

  Outcome csv_line(std::string_view t) {
    if (!split_csv(t, cells_)) return reject("malformed CSV record");
    if (csv_columns_.empty()) {  // the header row
      for (const auto& c : cells_) {
        csv_columns_.push_back(field_by_whole_label(trim(c)));
        german_ |= csv_columns_.back() && csv_columns_.back() >= kGermanFields;
      }
      if (cells_.size() < 3 || !csv_columns_[0]) {
        csv_columns_.clear();
        return reject("not a systeminfo CSV header");
      }
      seen_field_ = true;
      return {Outcome::header, {}};
    }
    if (cells_.size() != csv_columns_.size()) {
      if (field_by_whole_label(trim(cells_[0])) == csv_columns_[0]) return {Outcome::header, {}};  // repeated header
      return reject("found " + std::to_string(cells_.size()) + " CSV fields, expected " +
                    std::to_string(csv_columns_.size()));
    }
    if (field_by_whole_label(trim(cells_[0])) == csv_columns_[0]) return {Outcome::header, {}};  // repeated header
    for (size_t i = 0; i < cells_.size(); ++i) {
      const Field* f = csv_columns_[i];
      if (!f) continue;
      current_ = f;
      in_ip_list_ = false;
      std::string_view cell = trim(cells_[i]);
      if (f->kind == Kind::value || f->kind == Kind::host) {
        value(*f, cell);
        continue;
      }
      // Multi-line values are joined with commas: split them back into lines.
      bool first = true;
      size_t pos = 0;
      while (pos <= cell.size()) {
        size_t comma = cell.find(',', pos);
        std::string_view part = trim(cell.substr(pos, comma == npos ? npos : comma - pos));
        pos = comma == npos ? cell.size() + 1 : comma + 1;
        if (first && f->kind == Kind::lines) value(*f, part);
        else if (!first && !part.empty() && continuation(part).what == Outcome::rejected)
          emit("unparsed", std::string(part));  // a cell part is not a unit of its own: keep it
        first = false;
      }
    }
    if (emitted_ == 0) return reject("CSV record without values");
    return {Outcome::stored, {}};
  }

  // A value as text: repaired when it is CP850 read as Windows-1252.
  std::string fix(std::string_view v) {
    if (!oem_ && maybe_oem_ && german_ && looks_oem(v)) oem_ = true;
    return oem_ ? repair_oem(v) : std::string(v);
  }

  void emit(std::string_view fact, std::string value) {
    row_.fact.assign(fact);
    row_.value = std::move(value);
    row_.location = number_;
    sink_.host_fact(row_);
    ++emitted_;
  }

  void maybe_fqdn() {
    if (fqdn_done_ || host_.empty() || domain_.find('.') == std::string::npos) return;
    fqdn_done_ = true;
    emit("fqdn", host_ + "." + domain_);
  }

  Outcome reject(std::string reason) { return {Outcome::rejected, std::move(reason)}; }

  RowSink& sink_;
  bool maybe_oem_ = false;
  bool oem_ = false;
  bool german_ = false;
  bool seen_field_ = false;
  bool after_unknown_ = false;
  const Field* current_ = nullptr;
  bool in_ip_list_ = false;
  std::string host_, domain_;
  bool fqdn_done_ = false;
  int64_t number_ = 0;
  int emitted_ = 0;
  HostFactRow row_;
  std::vector<const Field*> csv_columns_;
  std::vector<std::string> cells_;
};

}  // namespace

SniffResult SysteminfoParser::sniff(const Head& head) const {
  std::string_view t = head.text;
  int labels = 0;
  bool host = false, csv = false;
  size_t pos = 0;
  int lines = 0;
  while (pos < t.size() && lines < 200) {
    size_t nl = t.find('\n', pos);
    std::string_view line = t.substr(pos, nl == npos ? npos : nl - pos);
    pos = nl == npos ? t.size() : nl + 1;
    ++lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || is_space(line.front())) continue;
    if (line.front() == '"') {
      std::vector<std::string> cells;
      if (split_csv(line, cells) && cells.size() >= 5) {
        int known = 0;
        for (const auto& c : cells) known += field_by_whole_label(trim(c)) != nullptr;
        if (field_by_whole_label(trim(cells[0])) && field_by_whole_label(trim(cells[0]))->kind == Kind::host &&
            known >= 5)
          csv = true;
      }
      continue;
    }
    size_t value_at = 0;
    bool recoded = false;
    if (const Field* f = find_field(line, &value_at, &recoded)) {
      ++labels;
      host |= f->kind == Kind::host;
    }
  }
  if (csv) return {90, "CSV header row with systeminfo columns (\"Host Name\",\"OS Name\",...)"};
  if (host && labels >= 4)
    return {95, "systeminfo list: 'Host Name:' and " + std::to_string(labels - 1) + " more systeminfo labels"};
  if (labels >= 4) return {70, std::to_string(labels) + " systeminfo labels (no Host Name in the first lines)"};
  return {0, "no systeminfo labels"};
}

Result<ParseCounts> SysteminfoParser::parse(const SourceRef& source, RowSink& sink) const {
  auto reader = LineReader::open(source.file);
  if (!reader) return reader.status();
  Tally tally(sink);
  Run run(sink, reader->encoding().encoding == Encoding::windows1252);
  Line line;
  while (reader->next(line)) {
    if (!tally.read(source)) return Status::error(ErrorKind::interrupted, "interrupted");
    tally.record(line, line.truncated ? Outcome{Outcome::rejected, "line longer than the line limit: not systeminfo output"}
                                      : run.line(line.text, line.number));
  }
  if (!reader->status()) return reader->status();
  return tally.counts();
}

}  // namespace pm
