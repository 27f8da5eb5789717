// `pushmortem rules list|lint|sql`: the rule sets pushmortem runs.
//
//   rules list [--rules PATH]... [--format text|json]
//       The built-in pack plus the rules of each PATH (a rule with the id of a
//       built-in one replaces it): id, level, type (detection|correlation),
//       whether it has an explanation (a `pushmortem: finding:` block),
//       title and origin. json: one array of objects with those keys.
//   rules lint [PATH]...
//       Checks rule files (rules/lint.h); the built-in pack when no PATH.
//       Prints "file:line: severity: message" per problem and a summary
//       line; exit 0 when there are no errors (warnings allowed), 3 otherwise.
//   rules sql RULE [--rules PATH]...
//       The SQL a rule compiles to and its bound parameters, as SQL comments
//       around the statement; for a correlation, each base rule's SQL with
//       the fields the correlation reads. RULE is an id or a name.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "rules/compiler.h"
#include "rules/lint.h"
#include "rules/matcher.h"
#include "rules/rule_loader.h"

namespace pm::cli {
namespace {

struct RulesArgs {
  std::vector<std::string> paths;
  std::string format = "text";
  std::string rule;
  ColorMode color = ColorMode::auto_detect;
};

std::vector<std::filesystem::path> as_paths(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// The built-in pack merged with the rules of `paths`; diagnostics printed on failure.
std::optional<std::vector<rules::Rule>> rule_set(const char* command, const std::vector<std::string>& paths, int& rc) {
  auto builtin = rules::load_builtin_rules();
  if (!builtin) {
    report_error(std::cerr, command, "the built-in rule pack does not load: " + builtin.status().message());
    rc = kExitInternal;
    return std::nullopt;
  }
  if (paths.empty()) return std::move(builtin.value());
  rules::RuleFiles files = rules::load_rule_files(as_paths(paths));
  for (const auto& d : files.diagnostics) report_error(std::cerr, command, d.str());
  if (rules::has_errors(files.diagnostics)) {
    rc = kExitInput;
    return std::nullopt;
  }
  return rules::merge_rules(std::move(builtin.value()), std::move(files.rules));
}

bool has_explanation(const rules::Rule& r) { return r.extension && r.extension->finding.has_value(); }

int run_list(const RulesArgs& args) {
  int rc = kExitOk;
  auto set = rule_set("rules list", args.paths, rc);
  if (!set) return rc;
  if (args.format == "json") {
    std::string buf = "[";
    for (const rules::Rule& r : *set) {
      buf += &r == &set->front() ? "\n" : ",\n";
      JsonObject o(buf);
      o.text("id", r.id)
          .text_or_null("name", r.name.empty() ? std::nullopt : std::optional<std::string>(r.name))
          .text("level", r.level)
          .text("type", r.is_correlation() ? "correlation" : "detection")
          .boolean("explanation", has_explanation(r))
          .text("title", r.title)
          .text("origin", r.origin);
      o.close();
    }
    buf += set->empty() ? "]\n" : "\n]\n";
    std::cout << buf;
  } else {
    // `rule`: the Sigma name where there is one (what findings and correlations use), else the id
    TableWriter table(std::cout, {"rule", "level", "type", "explanation", "title", "origin"}, {},
                      stdout_table_options(stdout_color(args.color)));
    for (const rules::Rule& r : *set)
      table.add_row({r.ref(), r.level, r.is_correlation() ? "correlation" : "detection", has_explanation(r) ? "yes" : "no",
                     r.title, r.origin},
                    {"", std::string(level_sgr(r.level))});
    table.finish();
    std::cout << set->size() << (set->size() == 1 ? " rule\n" : " rules\n");
  }
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

int run_lint(const RulesArgs& args) {
  const rules::Mapping& mapping = rules::Mapping::builtin();
  std::vector<rules::Diagnostic> diags;
  size_t rule_count = 0;
  if (args.paths.empty()) {
    auto builtin = rules::load_builtin_rules();
    if (!builtin) {
      diags.push_back(rules::diagnostic_from_status(builtin.status(), "builtin"));
    } else {
      rule_count = builtin->size();
      diags = rules::lint_rules(builtin.value(), mapping);
    }
  } else {
    rules::RuleFiles files = rules::load_rule_files(as_paths(args.paths));
    rule_count = files.rules.size();
    diags = std::move(files.diagnostics);
    auto more = rules::lint_rules(files.rules, mapping);
    diags.insert(diags.end(), more.begin(), more.end());
  }
  size_t errors = 0;
  std::string out;
  for (const auto& d : diags) {
    errors += d.severity == rules::Severity::error;
    out += one_line(d.str()) + "\n";
  }
  const size_t warnings = diags.size() - errors;
  out += std::to_string(rule_count) + (rule_count == 1 ? " rule checked: " : " rules checked: ") +
         std::to_string(errors) + (errors == 1 ? " error, " : " errors, ") + std::to_string(warnings) +
         (warnings == 1 ? " warning\n" : " warnings\n");
  std::cout << out;
  std::cout.flush();
  return errors > 0 ? kExitInput : kExitOk;
}

std::string param_text(const Value& v) {
  if (const auto* n = std::get_if<int64_t>(&v)) return std::to_string(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    std::string q = "'";
    for (char c : one_line(*s)) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  }
  return "NULL";
}

void print_query(std::string& out, const rules::CompiledQuery& q) {
  if (q.logsource) out += "-- logsource " + q.logsource->key + " (table " + q.logsource->table + ")\n";
  if (!q.fields.empty()) {
    out += "-- extra columns:";
    for (const auto& f : q.fields) out += " " + f;
    out += "\n";
  }
  out += q.sql + ";\n";
  if (q.params.empty()) {
    out += "-- no parameters\n";
    return;
  }
  out += "-- parameters:\n";
  for (size_t i = 0; i < q.params.size(); ++i) out += "--   ?" + std::to_string(i + 1) + " = " + param_text(q.params[i]) + "\n";
}

int run_sql(const RulesArgs& args) {
  int rc = kExitOk;
  auto set = rule_set("rules sql", args.paths, rc);
  if (!set) return rc;
  const rules::Rule* rule = rules::find_base_rule(*set, args.rule);
  if (rule == nullptr) {
    report_error(std::cerr, "rules sql", "no rule with id or name '" + args.rule + "' (see `pushmortem rules list`)");
    return kExitUsage;
  }
  const rules::Mapping& mapping = rules::Mapping::builtin();
  std::string out = "-- rule " + rule->ref() + (rule->name.empty() ? "" : " (id " + rule->id + ")") + ": " +
                    one_line(rule->title) + " (" + rule->loc.str() + ")\n";
  auto compile = [&](const rules::Rule& r, const std::vector<std::string>& fields) -> bool {
    if (!r.detection) {
      report_error(std::cerr, "rules sql", "rule " + r.id + " (" + r.loc.str() + ") has no detection");
      return false;
    }
    rules::CompileOptions options;
    options.fields = fields;
    auto q = rules::compile_detection(*r.detection, r.logsource, mapping, options);
    if (!q) {
      report_error(std::cerr, "rules sql", "rule " + r.id + " (" + r.loc.str() + "): " + q.status().message());
      return false;
    }
    print_query(out, q.value());
    return true;
  };
  if (rule->correlation) {
    for (const std::string& ref : rule->correlation->rules) {
      const rules::Rule* base = rules::find_base_rule(*set, ref);
      if (base == nullptr) {
        report_error(std::cerr, "rules sql", "correlation " + rule->id + " names '" + ref + "', which is not a rule");
        return kExitInput;
      }
      out += "\n-- base rule " + base->ref() + (base->name.empty() ? "" : " (id " + base->id + ")") + "\n";
      if (!compile(*base, rules::correlation_fields(*rule->correlation, *base))) return kExitInput;
    }
  } else if (!compile(*rule, {})) {
    return kExitInput;
  }
  std::cout << out;
  std::cout.flush();
  return std::cout ? kExitOk : kExitFailure;
}

}  // namespace

void add_rules_command(CLI::App& app, CommandState& state) {
  CLI::App* cmd = app.add_subcommand("rules", "List, check and show the SQL of detection rules");
  cmd->require_subcommand(1);
  cmd->footer("Examples:\n  pushmortem rules list\n  pushmortem rules lint my-rules/\n"
              "  pushmortem rules sql my-rule-id --rules my-rules/");

  auto list = std::make_shared<RulesArgs>();
  CLI::App* l = cmd->add_subcommand("list", "The built-in rules and those of --rules: id, level, type, title, origin");
  l->add_option("--rules", list->paths, "Rule file or folder to add (repeatable)");
  add_format_option(l, list->format, {"text", "json"}, "Output format: text (a table) or json");
  add_color_option(l, list->color);
  l->footer("Example: pushmortem rules list --rules my-rules/ --format json\n"
            "Exit codes: 0 listed; 1 writing the output failed; 2 usage; 3 a --rules file does not load.");
  l->callback([list, &state] { state.exit_code = run_list(*list); });

  auto lint = std::make_shared<RulesArgs>();
  CLI::App* n = cmd->add_subcommand("lint", "Check rule files: loading, fields, regexes, embedded samples");
  n->add_option("PATH", lint->paths, "Rule files or folders (default: the built-in pack)");
  n->footer("Example: pushmortem rules lint my-rules/ extra.yml\nExit code 0 when no errors, 3 otherwise.");
  n->callback([lint, &state] { state.exit_code = run_lint(*lint); });

  auto sql = std::make_shared<RulesArgs>();
  CLI::App* s = cmd->add_subcommand("sql", "Show the SQL and bound parameters a rule compiles to");
  s->add_option("RULE", sql->rule, "Rule id or name")->required();
  s->add_option("--rules", sql->paths, "Rule file or folder to add (repeatable)");
  s->footer("Example: pushmortem rules sql win-system-suspicious-service --rules testdata/hunt/rules\n"
            "Exit codes: 0 shown; 2 usage or no such rule; 3 a --rules file does not load or the rule does not compile.");
  s->callback([sql, &state] { state.exit_code = run_sql(*sql); });
}

}  // namespace pm::cli
