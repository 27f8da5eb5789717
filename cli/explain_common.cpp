#include "cli/explain_common.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>

#include "cli/exit_codes.h"
#include "cli/findings_output.h"
#include "cli/platform.h"
#include "cli/read_common.h"
#include "db/case_db.h"
#include "rules/derived_tables.h"
#include "rules/explain/engine.h"
#include "rules/rule_loader.h"

namespace pm::cli {
namespace {

Result<std::map<std::string, int64_t>> parse_skews(const std::vector<std::string>& skews) {
  std::map<std::string, int64_t> out;
  for (const auto& s : skews) {
    size_t eq = s.rfind('=');
    char* end = nullptr;
    double seconds = eq == std::string::npos ? 0 : std::strtod(s.c_str() + eq + 1, &end);
    if (eq == std::string::npos || eq == 0 || end == s.c_str() + eq + 1 || *end != '\0')
      return Status::error(ErrorKind::usage, "--skew " + s + ": expected HOST=SECONDS, e.g. --skew fs01=90 (fs01's clock "
                                             "runs 90 s ahead of the DPM server's)");
    out[s.substr(0, eq)] = static_cast<int64_t>(seconds * 1e6);
  }
  return out;
}

Result<std::vector<rules::Rule>> load_rule_set(const ExplainArgs& args) {
  std::vector<rules::Rule> set;
  if (!args.no_builtin) {
    auto builtin = rules::load_builtin_rules();
    if (!builtin) return builtin.status();
    set = std::move(*builtin);
  }
  for (const auto& p : args.rule_paths) {
    auto extra = rules::load_rules_path(p);
    if (!extra) return extra.status();
    set = rules::merge_rules(std::move(set), std::move(*extra));
  }
  if (auto s = rules::check_rule_set(set); !s) return s;
  return set;
}

}  // namespace

void add_explain_options(CLI::App* cmd, ExplainArgs& args) {
  cmd->add_option("--format", args.format, "Output: text (for a person), json (an array of findings), md (for a ticket)")
      ->check(CLI::IsMember({"text", "json", "md"}));
  cmd->add_option("--rules", args.rule_paths, "Rule file or folder to add (same id replaces a built-in rule); repeatable");
  cmd->add_flag("--no-builtin", args.no_builtin, "Do not load the built-in DPM rule pack (only --rules)");
  cmd->add_option("--skew", args.skews,
                  "HOST=SECONDS: HOST's clock runs SECONDS ahead of the DPM server's (negative: behind); "
                  "overrides the estimate; repeatable");
  cmd->add_flag("--all", args.all, "Also show findings whose confidence ended below their rule's reporting threshold");
}

Result<ExplainedCase> explain_case_file(const std::string& case_file, const ExplainArgs& args) {
  auto skews = parse_skews(args.skews);
  if (!skews) return skews.status();
  auto rule_set = load_rule_set(args);
  if (!rule_set) return rule_set.status();
  if (case_file.empty())
    return Status::error(ErrorKind::usage, "--case FILE is required: the case database to explain");
  auto c = db::CaseDb::open_read_only(case_file);
  if (!c) return c.status();
  if (auto s = rules::build_derived_tables(c->db()); !s)
    return Status::error(s.kind(), "reading push attempts: " + s.message());
  rules::ExplainOptions options;
  options.skew_us = std::move(*skews);
  options.include_suppressed = args.all;
  auto result = rules::explain_case(c->db(), *rule_set, rules::Mapping::builtin(), options);
  if (!result) return result.status();
  return ExplainedCase{std::move(*c), std::move(*result)};
}

int run_explain(const std::string& command, const std::string& case_file, const ExplainArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  Spinner spinner(command, progress_wanted(args.verbosity.quiet));
  spinner.phase("running the rules over the case");
  auto explained = explain_case_file(case_file, args);
  spinner.stop();
  if (!explained) {
    report_error(std::cerr, command, explained.status().message());
    return exit_code_for(explained.status());
  }
  const rules::ExplainResult& result = explained->result;
  std::string out;
  if (args.format == "json") {
    out = findings_json(result);
    for (const auto& n : result.notes) report_error(std::cerr, command, "note: " + n);
  } else if (args.format == "md") {
    out = findings_markdown(result);
  } else {
    out = findings_text(result, stdout_color(args.color));
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (args.verbosity.verbose)
    report_error(std::cerr, command,
                 fmt::format("{} finding(s) in {:.3f} s", result.findings.size(), seconds_since(start)));
  if (args.fail_on_findings && !result.findings.empty()) return kExitFindings;
  return kExitOk;
}

}  // namespace pm::cli
