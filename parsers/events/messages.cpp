#include "parsers/events/messages.h"

#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "parsers/embedded.h"
#include "parsers/core/strings.h"

namespace pm {
namespace {

struct Catalog {
  std::map<std::pair<std::string, int64_t>, std::string> templates;  // (lower provider, id) -> text
  std::map<std::string, std::string> aliases;                          // lower alias -> lower provider
  std::map<int64_t, std::string> parameters;                           // %%N -> text
};

std::optional<int64_t> number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

const Catalog& catalog() {
  static const Catalog cat = [] {
    Catalog c;
    std::string_view data = embedded_file("event_messages.tsv");
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty() || line[0] == '#') continue;
      size_t t1 = line.find('\t');
      size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
      if (t2 == std::string_view::npos) continue;
      std::string_view first = line.substr(0, t1), second = line.substr(t1 + 1, t2 - t1 - 1), text = line.substr(t2 + 1);
      if (second == "*") {
        c.aliases.emplace(ascii_lower(first), ascii_lower(text));
      } else if (auto id = number(second)) {
        if (first == "%%") c.parameters.emplace(*id, std::string(text));
        else c.templates.emplace(std::make_pair(ascii_lower(first), *id), std::string(text));
      }
    }
    return c;
  }();
  return cat;
}

const std::string* find_template(std::string_view provider, int64_t event_id) {
  if (provider.empty()) return nullptr;
  const Catalog& c = catalog();
  std::string key = ascii_lower(provider);
  if (auto a = c.aliases.find(key); a != c.aliases.end()) key = a->second;
  auto it = c.templates.find({key, event_id});
  return it == c.templates.end() ? nullptr : &it->second;
}

const std::string* data_by_name(const WinEventRow& row, std::string_view name) {
  for (const auto& [n, v] : row.data) {
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < n.size() && same; ++i) {
      char a = n[i], b = name[i];
      if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
      if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
      same = a == b;
    }
    if (same) return &v;
  }
  return nullptr;
}

// Fills `text` into `out`. Returns false when an insertion had no value
// (it is then written as in the template).
bool fill(std::string_view text, const WinEventRow& row, std::string& out) {
  bool complete = true;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '[' && text.substr(i, 2) == "[[") {
      size_t close = text.find("]]", i + 2);
      if (close != std::string_view::npos) {
        std::string part;
        if (fill(text.substr(i + 2, close - i - 2), row, part)) out += part;
        i = close + 1;
        continue;
      }
    }
    if (c == '%' && i + 1 < text.size() && text[i + 1] >= '1' && text[i + 1] <= '9') {
      size_t j = i + 1;
      size_t n = 0;
      while (j < text.size() && text[j] >= '0' && text[j] <= '9' && n < 100000)
        n = n * 10 + static_cast<size_t>(text[j++] - '0');
      if (n >= 1 && n <= row.data.size()) {
        out += expand_parameter_string(row.data[n - 1].second);
      } else {
        out += text.substr(i, j - i);
        complete = false;
      }
      i = j - 1;
    } else if (c == '%' && text.substr(i, 2) == "%{" && text.find('}', i) != std::string_view::npos) {
      size_t close = text.find('}', i);
      std::string_view name = text.substr(i + 2, close - i - 2);
      if (const std::string* v = data_by_name(row, name)) {
        out += expand_parameter_string(*v);
      } else {
        out += text.substr(i, close - i + 1);
        complete = false;
      }
      i = close;
    } else if (c == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 't')) {
      out.push_back(text[i + 1] == 'n' ? '\n' : '\t');
      ++i;
    } else {
      out.push_back(c);
    }
  }
  return complete;
}

}  // namespace

std::string expand_parameter_string(std::string_view value) {
  if (value.size() > 2 && value[0] == '%' && value[1] == '%') {
    if (auto id = number(value.substr(2))) {
      const auto& p = catalog().parameters;
      if (auto it = p.find(*id); it != p.end()) return it->second;
    }
  }
  return std::string(value);
}

bool has_event_template(std::string_view provider, int64_t event_id) {
  return find_template(provider, event_id) != nullptr;
}

std::string render_event_message(const WinEventRow& row) {
  const std::string* t = find_template(row.provider, row.event_id);
  if (!t) t = find_template(row.event_source_name, row.event_id);
  if (t) {
    std::string out;
    out.reserve(t->size() + 64);
    fill(*t, row, out);
    return out;
  }
  std::string out = (row.provider.empty() ? std::string("Event") : row.provider) + " " + std::to_string(row.event_id) + ":";
  for (const auto& [name, value] : row.data) out += " " + name + "=" + value;
  return out;
}

}  // namespace pm
