// Rule documents, files, the built-in pack (rules/rule_loader.h). The parts of
// a rule are parsed in rule_loader_{detection,modifiers,correlation,extension}.cpp,
// the cross-rule checks live in rule_loader_set.cpp.
#include "rules/rule_loader.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "parsers/core/strings.h"
#include "rules/embedded.h"
#include "rules/rule_loader_internal.h"
#include "rules/yaml_documents.h"

namespace pm::rules {
namespace {

using loader::fail_at;
using loader::MapEntry;

Status read_text_field(const MapEntry& e, std::string& out) {
  auto t = loader::text(e.value, e.value_loc, "'" + e.key + "'");
  if (!t) return t.status();
  out = std::move(t.value());
  return Status::ok();
}

Status read_list_field(const MapEntry& e, std::vector<std::string>& out) {
  auto t = loader::text_list(e.value, e.value_loc, "'" + e.key + "'");
  if (!t) return t.status();
  out = std::move(t.value());
  return Status::ok();
}

Status check_level(const MapEntry& e, const std::string& level) {
  for (const char* known : {"informational", "low", "medium", "high", "critical"})
    if (level == known) return Status::ok();
  return fail_at(ErrorKind::bad_input, e.value_loc,
                 "level '" + level + "' is unknown; use informational, low, medium, high or critical");
}

// One YAML document -> one rule. `index` is the 1-based document number.
Result<Rule> parse_rule(const YAML::Node& doc, const std::string& origin, int index) {
  Rule rule;
  rule.origin = origin;
  rule.loc = loader::loc_of(origin, doc);
  auto entries = loader::map_entries(doc, rule.loc, "a rule document");
  if (!entries) return entries.status();
  const MapEntry* logsource = nullptr;
  const MapEntry* detection = nullptr;
  for (const MapEntry& e : entries.value()) {
    Status st;
    const std::string& k = e.key;
    if (k == "title") st = read_text_field(e, rule.title);
    else if (k == "id") st = read_text_field(e, rule.id);
    else if (k == "name") st = read_text_field(e, rule.name);
    else if (k == "status") st = read_text_field(e, rule.status);
    else if (k == "description") st = read_text_field(e, rule.description);
    else if (k == "author") st = read_text_field(e, rule.author);
    else if (k == "date") st = read_text_field(e, rule.date);
    else if (k == "modified") st = read_text_field(e, rule.modified);
    else if (k == "references") st = read_list_field(e, rule.references);
    else if (k == "tags") st = read_list_field(e, rule.tags);
    else if (k == "falsepositives") st = read_list_field(e, rule.falsepositives);
    else if (k == "level") {
      st = read_text_field(e, rule.level);
      if (st) st = check_level(e, rule.level);
    } else if (k == "logsource") {
      logsource = &e;
    } else if (k == "detection") {
      detection = &e;
    } else if (k == "correlation") {
      auto c = loader::parse_correlation(e.value, e.key_loc);
      if (!c) return c.status();
      rule.correlation = std::move(c.value());
    } else if (k == "pushmortem") {
      auto x = loader::parse_extension(e.value, e.key_loc);
      if (!x) return x.status();
      rule.extension = std::move(x.value());
    } else if (k == "action") {
      st = fail_at(ErrorKind::unsupported, e.key_loc,
                   "rule collections (action: global/reset/repeat) are not supported; write each rule in full");
    }
    // Any other key is a custom attribute, which Sigma allows and we ignore.
    if (!st) return st;
  }
  if (rule.title.empty())
    return fail_at(ErrorKind::bad_input, rule.loc, "the rule has no title; add title: <what it detects>");
  if (rule.correlation) {
    if (detection)
      return fail_at(ErrorKind::bad_input, detection->key_loc,
                     "a rule has either detection or correlation, not both; split it into two documents (---)");
  } else {
    if (!detection && !logsource)
      return fail_at(ErrorKind::bad_input, rule.loc,
                     "the rule has neither logsource+detection nor correlation; add what it matches");
    if (!logsource)
      return fail_at(ErrorKind::bad_input, detection->key_loc, "the rule has a detection but no logsource; add one");
    if (!detection)
      return fail_at(ErrorKind::bad_input, logsource->key_loc, "the rule has a logsource but no detection; add one");
    auto ls = loader::parse_logsource(logsource->value, logsource->key_loc, false);
    if (!ls) return ls.status();
    rule.logsource = std::move(ls.value());
    auto d = loader::parse_detection(detection->value, detection->key_loc);
    if (!d) return d.status();
    rule.detection = std::move(d.value());
  }
  if (rule.id.empty()) rule.id = rule.name;
  if (rule.id.empty())
    rule.id = std::filesystem::path(origin).stem().string() + "#" + std::to_string(index);
  return rule;
}

bool is_rule_file(const std::filesystem::path& p) {
  std::string ext = ascii_lower(p.extension().string());
  return ext == ".yml" || ext == ".yaml";
}

Result<std::vector<Rule>> load_rule_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::error(ErrorKind::io, file.string() + ": cannot be read; check the path and permissions");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Status::error(ErrorKind::io, file.string() + ": read error; check the file");
  return load_rules_text(bytes.str(), file.string());
}

}  // namespace

Result<std::vector<Rule>> load_rules_text(std::string_view yaml_text, const std::string& origin) {
  std::string text(yaml_text);
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);  // UTF-8 BOM
  std::vector<Rule> rules;
  try {
    std::vector<YAML::Node> docs = load_yaml_documents(text);
    int index = 0;
    for (const YAML::Node& doc : docs) {
      ++index;
      if (doc.IsNull()) continue;  // an empty document, e.g. a trailing ---
      auto rule = parse_rule(doc, origin, index);
      if (!rule) return rule.status();
      rules.push_back(std::move(rule.value()));
    }
  } catch (const YAML::ParserException& e) {
    SourceLoc loc{origin, e.mark.line >= 0 ? e.mark.line + 1 : 0};
    return fail_at(ErrorKind::bad_input, loc, "YAML syntax error: " + e.msg + "; fix the indentation, quotes or brackets");
  } catch (const YAML::Exception& e) {
    SourceLoc loc{origin, e.mark.line >= 0 ? e.mark.line + 1 : 0};
    return fail_at(ErrorKind::bad_input, loc, "the YAML cannot be read as a rule: " + e.msg + "; check its structure");
  }
  return rules;
}

Result<std::vector<Rule>> load_rules_path(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path, ec)) {
    if (!is_rule_file(path))
      return Status::error(ErrorKind::usage, path.string() + ": not a rule file; rule files end in .yml or .yaml");
    return load_rule_file(path);
  }
  if (!std::filesystem::is_directory(path, ec))
    return Status::error(ErrorKind::io, path.string() + ": no such file or folder; check the path");
  std::vector<std::filesystem::path> files;
  std::filesystem::recursive_directory_iterator it(path, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec) && is_rule_file(it->path())) files.push_back(it->path());
  }
  if (ec) return Status::error(ErrorKind::io, path.string() + ": cannot list the folder: " + ec.message());
  std::sort(files.begin(), files.end());
  std::vector<Rule> rules;
  for (const auto& file : files) {
    auto loaded = load_rule_file(file);
    if (!loaded) return loaded.status();
    for (Rule& r : loaded.value()) rules.push_back(std::move(r));
  }
  return rules;
}

Result<std::vector<Rule>> load_builtin_rules() {
  std::vector<std::string_view> names = data::embedded_names();
  std::sort(names.begin(), names.end());
  std::vector<Rule> rules;
  for (std::string_view name : names) {
    if (name == "mapping.yml" || name.size() < 4 || name.substr(name.size() - 4) != ".yml") continue;
    auto loaded = load_rules_text(data::embedded_file(name), "builtin:dpm/" + std::string(name));
    if (!loaded) return loaded.status();
    for (Rule& r : loaded.value()) rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace pm::rules
