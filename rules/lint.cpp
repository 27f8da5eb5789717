// Rule lint (rules/lint.h): per-file loading, set checks, compilation,
// regexes and correlation fields. The embedded samples are run by
// rules/lint_samples.cpp.
#include "rules/lint.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <system_error>

#include <re2/re2.h>

#include "rules/compiler.h"
#include "rules/lint_samples.h"
#include "rules/matcher.h"
#include "rules/rule_loader.h"

namespace pm::rules {
namespace {

bool is_rule_file(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".yml" || ext == ".yaml";
}

// Splits a leading "FILE:LINE: " off a message.
bool split_location(const std::string& message, SourceLoc& loc, std::string& rest) {
  for (size_t colon = message.find(':'); colon != std::string::npos; colon = message.find(':', colon + 1)) {
    size_t d = colon + 1;
    while (d < message.size() && std::isdigit(static_cast<unsigned char>(message[d]))) ++d;
    if (d == colon + 1 || d >= message.size() || message[d] != ':') continue;
    if (colon == 0 || message.find(' ') < colon) return false;
    loc.file = message.substr(0, colon);
    loc.line = std::stoi(message.substr(colon + 1, d - colon - 1));
    rest = message.substr(d + 1);
    if (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    return true;
  }
  return false;
}

Diagnostic make(Severity s, const SourceLoc& loc, std::string message) {
  Diagnostic d;
  d.severity = s;
  d.loc = loc;
  d.message = std::move(message);
  return d;
}

// A compile or check failure at `fallback` unless the message names its own place.
Diagnostic from_status(const Status& status, const SourceLoc& fallback, const std::string& prefix) {
  Diagnostic d = diagnostic_from_status(status, fallback.file);
  if (d.loc.line == 0 && (d.loc.file.empty() || d.loc.file == fallback.file)) d.loc = fallback;
  if (!prefix.empty()) d.message = prefix + d.message;
  return d;
}

// Every `re` value of a detection as RE2 compiles it (flags i, m, s).
void check_regexes(const Detection& detection, const SourceLoc& rule_loc, std::vector<Diagnostic>& out, bool& any) {
  for (const Selection& sel : detection.selections) {
    for (const auto& alt : sel.alternatives) {
      for (const FieldMatch& fm : alt) {
        const auto& mods = fm.modifiers;
        if (std::find(mods.begin(), mods.end(), "re") == mods.end()) continue;
        std::string flags;
        for (const char* f : {"i", "m", "s"})
          if (std::find(mods.begin(), mods.end(), f) != mods.end()) flags += f;
        for (const SigmaValue& v : fm.values) {
          if (v.kind != SigmaValue::Kind::string) continue;
          RE2 re(flags.empty() ? v.text : "(?" + flags + ")" + v.text, RE2::Quiet);
          if (re.ok()) continue;
          any = true;
          SourceLoc at = v.loc.line > 0 ? v.loc : fm.loc.line > 0 ? fm.loc : rule_loc;
          out.push_back(make(Severity::error, at,
                             "selection '" + sel.name + "', field '" + fm.field + "': invalid regular expression '" +
                                 v.text + "': " + re.error()));
        }
      }
    }
  }
}

// Compiles a detection; regex errors are reported by check_regexes and the
// compiler's message for the same detection is then left out.
void check_detection(const Detection& detection, const Logsource& logsource, const Mapping& mapping,
                     const CompileOptions& options, const SourceLoc& at, const std::string& what,
                     std::vector<Diagnostic>& out) {
  bool bad_regex = false;
  check_regexes(detection, at, out, bad_regex);
  auto q = compile_detection(detection, logsource, mapping, options);
  if (!q && !bad_regex) out.push_back(from_status(q.status(), at, what));
}

void check_correlation(const Rule& rule, const std::vector<Rule>& rules, const Mapping& mapping,
                       std::vector<Diagnostic>& out) {
  const Correlation& c = *rule.correlation;
  const SourceLoc at = c.loc.line > 0 ? c.loc : rule.loc;
  for (const std::string& ref : c.rules) {
    const Rule* base = find_base_rule(rules, ref);
    if (base == nullptr || !base->detection) continue;  // check_rule_set reports unresolved references
    auto ls = mapping.resolve(base->logsource);
    if (!ls) continue;  // reported with the base rule
    const TableDef* table = mapping.table(ls.value()->table);
    if (table == nullptr) continue;
    for (const std::string& f : correlation_fields(c, *base))
      if (!mapping.field(*table, f))
        out.push_back(make(Severity::error, at,
                           "correlation " + rule.id + " reads field '" + f + "' of rule '" + ref +
                               "', but logsource " + ls.value()->key + " has no such field"));
  }
  if (rule.extension && (!rule.extension->hits.empty() || !rule.extension->misses.empty()))
    out.push_back(make(Severity::warning, rule.extension->loc.line > 0 ? rule.extension->loc : at,
                       "correlation " + rule.id + " has samples: only detection rules' samples are run"));
}

const std::map<std::string, std::vector<std::string>>& dummy_placeholders() {
  static const std::map<std::string, std::vector<std::string>> p = {
      {"server_ips", {"192.0.2.10"}}, {"target_ips", {"192.0.2.20"}}, {"server_names", {"dpm01.example.test"}},
      {"target_names", {"fs01.example.test"}}, {"target", {"fs01.example.test"}}};
  return p;
}

}  // namespace

const char* to_string(Severity severity) { return severity == Severity::error ? "error" : "warning"; }

std::string Diagnostic::str() const {
  std::string where = loc.str();
  return (where.empty() ? std::string("(rule set)") : where) + ": " + to_string(severity) + ": " + message;
}

bool has_errors(const std::vector<Diagnostic>& diagnostics) {
  return std::any_of(diagnostics.begin(), diagnostics.end(),
                     [](const Diagnostic& d) { return d.severity == Severity::error; });
}

Diagnostic diagnostic_from_status(const Status& status, const std::string& origin) {
  Diagnostic d;
  d.loc.file = origin;
  std::string rest;
  SourceLoc loc;
  if (split_location(status.message(), loc, rest)) {
    d.loc = loc;
    d.message = rest;
  } else {
    d.message = status.message();
  }
  return d;
}

RuleFiles load_rule_files(const std::vector<std::filesystem::path>& paths) {
  RuleFiles out;
  std::vector<std::filesystem::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> found;
      for (auto it = std::filesystem::recursive_directory_iterator(path, ec);
           !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec))
        if (it->is_regular_file(ec) && is_rule_file(it->path())) found.push_back(it->path());
      if (ec) out.diagnostics.push_back(make(Severity::error, {path.string(), 0}, "cannot read the folder: " + ec.message()));
      std::sort(found.begin(), found.end());
      if (found.empty() && !ec)
        out.diagnostics.push_back(make(Severity::warning, {path.string(), 0}, "no .yml or .yaml rule files in this folder"));
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(path, ec)) {
      files.push_back(path);
    } else {
      out.diagnostics.push_back(make(Severity::error, {path.string(), 0}, "no such rule file or folder"));
    }
  }
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) {
      out.diagnostics.push_back(make(Severity::error, {file.string(), 0}, "cannot read the file"));
      continue;
    }
    auto loaded = load_rules_text(text.str(), file.string());
    if (!loaded) {
      out.diagnostics.push_back(diagnostic_from_status(loaded.status(), file.string()));
      continue;
    }
    for (Rule& r : loaded.value()) out.rules.push_back(std::move(r));
  }
  return out;
}

std::vector<Diagnostic> lint_rules(const std::vector<Rule>& rules, const Mapping& mapping, const LintOptions& options) {
  std::vector<Diagnostic> out;
  if (Status s = check_rule_set(rules); !s) out.push_back(diagnostic_from_status(s, ""));
  std::optional<SampleCase> samples;
  for (const Rule& rule : rules) {
    if (rule.correlation) {
      check_correlation(rule, rules, mapping, out);
      continue;
    }
    if (!rule.detection) {
      out.push_back(make(Severity::error, rule.loc, "rule " + rule.id + " has neither a detection nor a correlation"));
      continue;
    }
    const SourceLoc at = rule.detection->condition_loc.line > 0 ? rule.detection->condition_loc : rule.loc;
    size_t before = out.size();
    check_detection(*rule.detection, rule.logsource, mapping, {}, at, "", out);
    const bool compiled = out.size() == before;
    if (!rule.extension) continue;
    if (options.evidence) {
      CompileOptions eo;
      eo.placeholders = dummy_placeholders();
      for (const EvidenceSpec& ev : rule.extension->evidence)
        check_detection(ev.detection, ev.logsource, mapping, eo, ev.loc.line > 0 ? ev.loc : rule.loc,
                        "evidence '" + ev.id + "': ", out);
    }
    if (!options.samples || !compiled) continue;
    if (rule.extension->hits.empty() && rule.extension->misses.empty()) continue;
    if (!samples) {
      auto sc = SampleCase::create();
      if (!sc) {
        out.push_back(make(Severity::error, rule.loc, "cannot run samples: " + sc.status().message()));
        return out;
      }
      samples.emplace(std::move(sc.value()));
    }
    samples->check(rule, mapping, out);
  }
  return out;
}

std::vector<Diagnostic> lint_paths(const std::vector<std::filesystem::path>& paths, const Mapping& mapping,
                                   const LintOptions& options) {
  RuleFiles files = load_rule_files(paths);
  std::vector<Diagnostic> out = std::move(files.diagnostics);
  std::vector<Diagnostic> more = lint_rules(files.rules, mapping, options);
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
  return out;
}

}  // namespace pm::rules
