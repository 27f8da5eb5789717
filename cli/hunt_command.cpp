// `pushmortem hunt --case FILE --rules PATH... [--format text|jsonl|json]`: runs
// Sigma detection and correlation rules (not the explanations) over a case.
// PATH is a rule file or a folder (searched recursively for .yml/.yaml).
//
// Every rule is loaded and compiled before any runs: a file that does not
// load or a rule that does not compile is reported as FILE:LINE with the
// feature, and nothing runs (exit 3). The case is opened read-only; the
// derived TEMP tables (rules/derived_tables.h) are built on that connection,
// then writes are refused for the rest of the run. Base rules of a
// correlation are reported on their own only when a correlation naming them
// has `generate: true` (Sigma).
//
//   jsonl one object per line per match, rules in load order: rule_id, title,
//         level, rule_type (detection|correlation), host (hosts.name),
//         datetime (ISO 8601 UTC with microseconds, null when untimed),
//         source_file (sources.path), location, message; a correlation hit
//         gives these of its first member and adds last_datetime, group (the
//         group-by values), count (event_count / value_count: the counted
//         value; temporal: the rules seen) and members (the matches behind it).
//   json  the same objects as one JSON array ("[\n{...},\n{...}\n]\n").
//   text  an aligned table (time, level, rule id, host, source:location, and
//         the event message with whitespace runs squeezed, or the
//         correlation's count, group and last time) and a summary line (not
//         with --quiet). On a terminal the table fits its width and levels
//         are coloured (--color); a phase line shows on stderr after a second.
//
// --fail-on-findings: exit 5 when any match or correlation hit was reported.
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/platform.h"
#include "cli/read_common.h"
#include "cli/style.h"
#include "parsers/core/time_util.h"
#include "rules/compiler.h"
#include "rules/derived_tables.h"
#include "rules/lint.h"
#include "rules/matcher.h"

namespace pm::cli {
namespace {

struct HuntArgs {
  std::string case_file;
  std::vector<std::string> rules;
  std::string format = "text";
  ColorMode color = ColorMode::auto_detect;
  Verbosity verbosity;
  bool fail_on_findings = false;
};

// hosts.name by host_id and sources.path by source_id.
struct Names {
  std::map<int64_t, std::string> hosts, sources;
  std::optional<std::string> host(const std::optional<int64_t>& id) const {
    if (!id) return std::nullopt;
    auto it = hosts.find(*id);
    return it == hosts.end() ? std::nullopt : std::optional<std::string>(it->second);
  }
  std::string source(int64_t id) const {
    auto it = sources.find(id);
    return it == sources.end() ? std::string() : it->second;
  }
};

Status read_names(db::Database& db, Names& names) {
  for (auto [sql, target] : {std::pair<const char*, std::map<int64_t, std::string>*>{"SELECT host_id, name FROM hosts", &names.hosts},
                             {"SELECT source_id, path FROM sources", &names.sources}}) {
    auto st = db.prepare(sql);
    if (!st) return st.status();
    for (;;) {
      auto more = st->step();
      if (!more) return more.status();
      if (!more.value()) break;
      (*target)[st->column_int(0)] = std::string(st->column_text(1));
    }
  }
  return Status::ok();
}

// Detection rules whose matches only feed correlations (no naming correlation has generate: true).
std::set<const rules::Rule*> feeding_only(const std::vector<rules::Rule>& set) {
  std::map<const rules::Rule*, bool> generate;
  for (const rules::Rule& r : set) {
    if (!r.correlation) continue;
    for (const std::string& ref : r.correlation->rules)
      if (const rules::Rule* base = rules::find_base_rule(set, ref)) generate[base] |= r.correlation->generate;
  }
  std::set<const rules::Rule*> out;
  for (const auto& [rule, gen] : generate)
    if (!gen) out.insert(rule);
  return out;
}

class Printer {
 public:
  // `spinner` is stopped before the first line reaches a terminal on stdout.
  Printer(const HuntArgs& args, const Names& names, Spinner& spinner)
      : json_(args.format != "text"),
        array_(args.format == "json"),
        summary_(!args.verbosity.quiet),
        names_(names),
        spinner_(spinner),
        stdout_terminal_(stdout_is_terminal()) {
    if (!json_) {
      table_ = std::make_unique<TableWriter>(std::cout,
                                             std::vector<std::string>{"time", "level", "rule", "host", "where", "what"},
                                             std::vector<bool>{}, stdout_table_options(stdout_color(args.color)));
    }
  }
  size_t reported() const { return matches_ + hits_; }

  void match(const rules::Match& m) {
    ++matches_;
    const rules::Rule& r = *m.rule;
    if (json_) {
      std::string line;
      JsonObject o(line);
      common(o, r, "detection", m);
      o.text_or_null("message", m.message.empty() ? std::nullopt : std::optional<std::string>(m.message));
      o.close();
      write(line);
    } else {
      add_row({time(m.time_us), r.level, r.id, names_.host(m.host_id).value_or("-"), where(m), squeeze(m.message)});
    }
  }

  void hit(const rules::CorrelationHit& h) {
    ++hits_;
    const rules::Rule& r = *h.rule;
    static const rules::Match kNone;
    const rules::Match& first = h.members.empty() ? kNone : h.members.front();
    if (json_) {
      std::string line;
      JsonObject o(line);
      common(o, r, "correlation", first);
      o.text_or_null("last_datetime", h.last_us ? std::optional<std::string>(format_iso8601_us(*h.last_us)) : std::nullopt);
      std::string group;
      JsonObject g(group);
      for (const auto& [k, v] : h.group) g.text(k, v);
      g.close();
      o.raw("group", group).number("count", h.count).number("members", static_cast<int64_t>(h.members.size()));
      o.close();
      write(line);
    } else {
      std::string what = "count " + std::to_string(h.count) + ", " + std::to_string(h.members.size()) + " matches";
      for (const auto& [k, v] : h.group) what += ", " + k + "=" + v;
      if (h.last_us && h.first_us && *h.last_us != *h.first_us) what += ", until " + format_iso8601_us(*h.last_us);
      add_row({time(h.first_us), r.level, r.id, names_.host(first.host_id).value_or("-"), where(first), what});
    }
  }

  void finish(size_t rules_run) {
    if (finished_) return;
    finished_ = true;
    before_output();
    if (table_) {
      table_->finish();
      if (summary_)
        std::cout << matches_ << (matches_ == 1 ? " match" : " matches") << " and " << hits_
                  << (hits_ == 1 ? " correlation hit" : " correlation hits") << " from " << rules_run
                  << (rules_run == 1 ? " rule\n" : " rules\n");
    } else if (array_) {
      std::cout << (reported() == 0 ? "[]\n" : "\n]\n");
    }
    std::cout.flush();
  }

 private:
  void common(JsonObject& o, const rules::Rule& r, const char* type, const rules::Match& m) {
    o.text("rule_id", r.id);
    o.text_or_null("rule_name", r.name.empty() ? std::nullopt : std::optional<std::string>(r.name));
    o.text("title", r.title).text("level", r.level).text("rule_type", type);
    o.text_or_null("host", names_.host(m.host_id));
    o.text_or_null("datetime", m.time_us ? std::optional<std::string>(format_iso8601_us(*m.time_us)) : std::nullopt);
    o.text_or_null("source_file", m.source_id ? std::optional<std::string>(names_.source(m.source_id)) : std::nullopt);
    o.number_or_null("location", m.location);
  }
  // Runs of whitespace (the line breaks and tabs of rendered event messages) as one space.
  static std::string squeeze(const std::string& text) {
    std::string out;
    for (char c : text) {
      const bool space = c == ' ' || c == '\n' || c == '\r' || c == '\t';
      if (space && (out.empty() || out.back() == ' ')) continue;
      out += space ? ' ' : c;
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  }
  static std::string time(const std::optional<int64_t>& t) { return t ? format_iso8601_us(*t) : "(untimed)"; }
  std::string where(const rules::Match& m) const {
    std::string w = names_.source(m.source_id);
    if (m.location) w += ":" + std::to_string(*m.location);
    return w;
  }
  void before_output() {
    if (stdout_terminal_) spinner_.stop();
  }
  void add_row(const std::vector<std::string>& cells) {
    if (table_->rows_until_output() <= 1) before_output();
    table_->add_row(cells, {"", std::string(level_sgr(cells[1]))});
  }
  // `line` is the object of the match just counted.
  void write(std::string& line) {
    before_output();
    if (array_) line.insert(0, reported() == 1 ? "[\n" : ",\n");
    else line += '\n';
    std::cout << line;
  }

  bool json_, array_, summary_;
  bool finished_ = false;
  const Names& names_;
  Spinner& spinner_;
  bool stdout_terminal_;
  std::unique_ptr<TableWriter> table_;
  size_t matches_ = 0, hits_ = 0;
};

void print_diagnostics(const std::vector<rules::Diagnostic>& diags) {
  for (const auto& d : diags) report_error(std::cerr, "hunt", d.str());
}

int run_hunt(const HuntArgs& args) {
  std::vector<std::filesystem::path> paths(args.rules.begin(), args.rules.end());
  rules::RuleFiles files = rules::load_rule_files(paths);
  if (rules::has_errors(files.diagnostics)) {
    print_diagnostics(files.diagnostics);
    report_error(std::cerr, "hunt", "rules did not load: nothing was run (check them with `pushmortem rules lint PATH`)");
    return kExitInput;
  }
  print_diagnostics(files.diagnostics);  // warnings
  if (files.rules.empty()) {
    report_error(std::cerr, "hunt", "no rules found in the --rules paths");
    return kExitInput;
  }
  const rules::Mapping& mapping = rules::Mapping::builtin();
  rules::LintOptions checks;
  checks.evidence = false;
  checks.samples = false;
  std::vector<rules::Diagnostic> problems = rules::lint_rules(files.rules, mapping, checks);
  print_diagnostics(problems);  // errors, or warnings that do not stop the run
  if (rules::has_errors(problems)) {
    report_error(std::cerr, "hunt", "rules did not compile: nothing was run");
    return kExitInput;
  }

  auto c = db::CaseDb::open_read_only(args.case_file);
  if (!c) {
    report_error(std::cerr, "hunt", c.status().message());
    return exit_code_for(c.status());
  }
  const auto start = std::chrono::steady_clock::now();
  Spinner spinner("hunt", progress_wanted(args.verbosity.quiet));
  spinner.phase("preparing the case");
  db::Database& db = c->db();
  if (Status s = rules::build_derived_tables(db); !s) {
    spinner.stop();
    report_error(std::cerr, "hunt", "preparing the case for rules failed: " + s.message());
    return kExitFailure;
  }
  db.make_read_only_guarded();
  Names names;
  if (Status s = read_names(db, names); !s) {
    spinner.stop();
    report_error(std::cerr, "hunt", "reading hosts and sources failed: " + s.message());
    return exit_code_for(s);
  }

  const std::set<const rules::Rule*> quiet = feeding_only(files.rules);
  const size_t to_run = files.rules.size() - quiet.size();
  std::vector<std::string> timings;  // --verbose
  Printer printer(args, names, spinner);
  size_t run = 0;
  for (const rules::Rule& rule : files.rules) {
    if (quiet.count(&rule)) continue;
    ++run;
    spinner.phase("rule " + std::to_string(run) + "/" + std::to_string(to_run) + ": " + rule.id);
    const auto rule_start = std::chrono::steady_clock::now();
    const size_t before = printer.reported();
    if (rule.correlation) {
      auto hits = rules::match_correlation(db, rule, files.rules, mapping);
      if (!hits) {
        printer.finish(run);
        spinner.stop();
        report_error(std::cerr, "hunt", hits.status().message());
        return kExitFailure;
      }
      for (const auto& h : hits.value()) printer.hit(h);
    } else {
      // Streamed: a detection matching millions of events is never held in memory.
      auto query = rules::compile_detection(*rule.detection, rule.logsource, mapping, {});
      Status s = query ? rules::for_each_match(db, query.value(), &rule,
                                               [&printer](const rules::Match& m) {
                                                 printer.match(m);
                                                 return true;
                                               })
                       : query.status();
      if (!s) {
        printer.finish(run);
        spinner.stop();
        report_error(std::cerr, "hunt", "rule " + rule.id + " (" + rule.loc.str() + "): " + s.message());
        return kExitFailure;
      }
    }
    if (args.verbosity.verbose)
      timings.push_back(fmt::format("rule {}: {} reported in {:.3f} s", rule.id, printer.reported() - before,
                                    seconds_since(rule_start)));
  }
  printer.finish(run);
  spinner.stop();
  if (!std::cout) {
    report_error(std::cerr, "hunt", "writing the output failed");
    return kExitFailure;
  }
  for (const auto& t : timings) report_error(std::cerr, "hunt", t);
  if (args.verbosity.verbose)
    report_error(std::cerr, "hunt", fmt::format("{} rules run in {:.3f} s", run, seconds_since(start)));
  if (args.fail_on_findings && printer.reported() > 0) return kExitFindings;
  return kExitOk;
}

}  // namespace

void add_hunt_command(CLI::App& app, CommandState& state) {
  auto args = std::make_shared<HuntArgs>();
  CLI::App* cmd = app.add_subcommand("hunt", "Run Sigma detection and correlation rules over a case");
  cmd->add_option("--case", args->case_file, "Case database file")->required();
  cmd->add_option("--rules", args->rules, "Rule file or folder (.yml/.yaml, searched recursively); repeatable")
      ->required()
      ->take_all();
  add_format_option(cmd, args->format, {"text", "jsonl", "json"},
                    "Output format: text (a table), jsonl (one object per match a line) or json (one array)");
  add_color_option(cmd, args->color);
  add_verbosity_flags(cmd, args->verbosity, "No progress line and no summary line: only the matches and errors",
                      "Also print matches and time per rule (standard error)");
  cmd->add_flag("--fail-on-findings", args->fail_on_findings,
                "Exit with code 5 when at least one match or correlation hit is reported (for scripts)");
  cmd->footer(
      "Example: pushmortem hunt --case case.db --rules my-rules/ --rules extra.yml --format jsonl\n"
      "  pushmortem hunt --case case.db --rules my-rules/ --quiet --fail-on-findings || echo \"matches found\"\n"
      "Exit codes: 0 done; 1 a rule failed while running; 2 usage; 3 rules that do not load or compile, or the case "
      "unreadable; 4 case from a newer pushmortem; 5 matches reported (with --fail-on-findings).");
  cmd->callback([args, &state] { state.exit_code = run_hunt(*args); });
}

}  // namespace pm::cli
