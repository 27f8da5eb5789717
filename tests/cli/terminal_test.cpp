// The terminal conventions every command shares (cli/style.h, issue #6
// section 2): colour decided once (--color, NO_COLOR), tables fitted to the
// terminal's width, progress helpers, --format names, -q/-v, exit codes
// (--fail-on-findings) and an example in every --help. Pure functions are
// tested directly; the commands through the binary, on a pseudo-terminal
// (util-linux `script`) where the behaviour needs one.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/output.h"
#include "cli/style.h"
#include "db/ingest.h"
#include "support/run_cli.h"

using namespace pm::test;
using pm::cli::ColorMode;
using pm::cli::TableWriter;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

// Text without ANSI SGR sequences (ESC [ ... m).
std::string strip_sgr(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\033' && i + 1 < s.size() && s[i + 1] == '[') {
      size_t m = s.find('m', i);
      if (m != std::string::npos) {
        i = m;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool has_escape(const std::string& s) { return s.find('\033') != std::string::npos; }

// Runs `pushmortem ARGS` with stdout and stderr on a pseudo-terminal; `env`
// is put before the command ("NO_COLOR=1"). Empty when `script` is missing.
std::optional<CommandResult> run_on_terminal(const std::string& args, const std::string& env = "") {
  if (run_command("command -v script >/dev/null").exit_code != 0) return std::nullopt;
  std::string inner = (env.empty() ? "" : env + " ") + quote(binary_path().string()) + " " + args;
  return run_command("script -qec " + quote(inner) + " /dev/null");
}

std::string bundle_case(const TempDir& tmp, const std::string& bundle) {
  std::string c = tmp.str(bundle + ".db");
  auto r = run_pm("ingest -q --case " + quote(c) + " " + quote(testdata("bundles/" + bundle).string()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return c;
}

// The names listed under "SUBCOMMANDS:" in a --help text.
std::vector<std::string> subcommands_of(const std::string& help) {
  std::vector<std::string> out;
  bool in = false;
  for (const auto& line : lines_of(help)) {
    if (line.rfind("Subcommands:", 0) == 0 || line.rfind("SUBCOMMANDS:", 0) == 0) {
      in = true;
      continue;
    }
    if (!in) continue;
    if (line.empty() || line[0] != ' ') {
      if (!out.empty()) break;
      continue;
    }
    size_t start = line.find_first_not_of(' ');
    size_t end = line.find(' ', start);
    out.push_back(line.substr(start, end - start));
  }
  return out;
}

}  // namespace

// ----------------------------------------------------------- pure helpers

TEST_CASE("colour: --color wins, auto needs a terminal and an unset or empty NO_COLOR", "[cli][terminal]") {
  using pm::cli::decide_color;
  CHECK(decide_color(ColorMode::auto_detect, true, nullptr));
  CHECK(decide_color(ColorMode::auto_detect, true, ""));
  CHECK_FALSE(decide_color(ColorMode::auto_detect, true, "1"));
  CHECK_FALSE(decide_color(ColorMode::auto_detect, true, "0"));  // any non-empty value
  CHECK_FALSE(decide_color(ColorMode::auto_detect, false, nullptr));
  CHECK(decide_color(ColorMode::always, false, "1"));
  CHECK_FALSE(decide_color(ColorMode::never, true, nullptr));
  pm::cli::Style on(true), off(false);
  CHECK(on.bold("x") == "\033[1mx\033[0m");
  CHECK(off.bold("x") == "x");
  CHECK(on.paint("high", pm::cli::level_sgr("high")) == "\033[31mhigh\033[0m");
  CHECK(on.paint("informational", pm::cli::level_sgr("informational")) == "informational");
}

TEST_CASE("table width: only on a terminal; COLUMNS over the terminal's own width", "[cli][terminal]") {
  using pm::cli::decide_table_width;
  CHECK(decide_table_width(false, "40", 120) == 0);
  CHECK(decide_table_width(true, nullptr, 120) == 120);
  CHECK(decide_table_width(true, "40", 120) == 40);
  CHECK(decide_table_width(true, "", 120) == 120);
  CHECK(decide_table_width(true, "wide", 120) == 120);
  CHECK(decide_table_width(true, "-3", 0) == 0);
}

TEST_CASE("table writer: fits a width by narrowing the widest columns; colours without breaking alignment",
          "[cli][terminal][output]") {
  auto render = [](TableWriter::Options o) {
    std::ostringstream out;
    {
      TableWriter t(out, {"id", "path", "note"}, {true, false, false}, o);
      t.add_row({"1", "dpm01.contoso.com/MSDPMCurr.errlog", "ok"});
      t.add_row({"22", "fs01/pfirewall.log", "a longer note than the rest"}, {"", "", "31"});
    }
    return out.str();
  };
  TableWriter::Options plain;
  const std::string natural = render(plain);
  CHECK(natural ==
        "id  path                                note\n"
        "--  ----------------------------------  ---------------------------\n"
        " 1  dpm01.contoso.com/MSDPMCurr.errlog  ok\n"
        "22  fs01/pfirewall.log                  a longer note than the rest\n");

  TableWriter::Options narrow;
  narrow.max_width = 40;
  const std::string fitted = render(narrow);
  CHECK(fitted ==
        "id  path               note\n"
        "--  -----------------  -----------------\n"
        " 1  dpm01.contoso.co…  ok\n"
        "22  fs01/pfirewall.l…  a longer note th…\n");
  for (const auto& line : lines_of(fitted)) CHECK(pm::cli::display_width(line) <= 40);

  TableWriter::Options tiny;
  tiny.max_width = 5;  // cannot fit: no column goes below its minimum
  auto tiny_lines = lines_of(render(tiny));
  REQUIRE(tiny_lines.size() == 4);
  CHECK(tiny_lines[1] == "--  ------  ------");
  for (const auto& line : tiny_lines) CHECK(pm::cli::display_width(line) <= 2 + 2 + 6 + 2 + 6);

  TableWriter::Options wide;
  wide.max_width = 200;  // room enough: unchanged
  CHECK(render(wide) == natural);

  TableWriter::Options color;
  color.color = true;
  const std::string painted = render(color);
  CHECK(painted.find("\033[1mid\033[0m  \033[1mpath\033[0m") == 0);
  CHECK(painted.find("\033[31ma longer note than the rest\033[0m\n") != std::string::npos);
  CHECK(strip_sgr(painted) == natural);
}

TEST_CASE("JSON tree: nested objects in first-insertion order, values replaced in place", "[cli][terminal][output]") {
  pm::cli::JsonTree t;
  t.set_text({"@timestamp"}, "2021-06-22T10:19:41.000000Z");
  t.set_text({"source", "ip"}, "10.0.0.5");
  t.set_number({"source", "port"}, 50432);
  t.set_text({"event", "kind"}, "event");
  t.set_number({"source", "port"}, 135);
  t.set_value({"pushmortem", "x.y"}, pm::db::SqlValue{std::string("dotted \"key\"")});
  t.set_text({"a"}, "value");
  t.set_text({"a", "b"}, "now an object");
  std::string out;
  t.append_to(out);
  CHECK(out == R"({"@timestamp":"2021-06-22T10:19:41.000000Z","source":{"ip":"10.0.0.5","port":135},)"
               R"("event":{"kind":"event"},"pushmortem":{"x.y":"dotted \"key\""},"a":{"b":"now an object"}})");
  pm::cli::JsonTree empty;
  std::string e;
  empty.append_to(e);
  CHECK(e == "{}");
}

TEST_CASE("progress: bar and ingest line fit their width", "[cli][terminal]") {
  CHECK(pm::cli::progress_bar(0.0, 4) == "[....]");
  CHECK(pm::cli::progress_bar(0.5, 4) == "[##..]");
  CHECK(pm::cli::progress_bar(2.0, 4) == "[####]");
  pm::db::IngestProgress p;
  p.files_done = 3;
  p.files_total = 7;
  p.bytes_done = 42;
  p.bytes_total = 100;
  p.current = "fs01.contoso.com/logs/firewall/pfirewall.log";
  CHECK(pm::cli::ingest_progress_text(p, 200) ==
        "[########............]  42%  3/7 files  fs01.contoso.com/logs/firewall/pfirewall.log");
  std::string cut = pm::cli::ingest_progress_text(p, 60);
  CHECK(pm::cli::display_width(cut) == 59);
  CHECK_THAT(cut, Catch::EndsWith("  \xE2\x80\xA6" "wall/pfirewall.log"));  // the end of the path is kept
  p.bytes_total = 0;
  CHECK(pm::cli::ingest_progress_text(p, 30).rfind("[....................]   0%  3/7 files", 0) == 0);
}

// ------------------------------------------------------------- commands

TEST_CASE("every subcommand's --help has an example", "[cli][terminal][help]") {
  auto top = run_pm("--help");
  REQUIRE(top.exit_code == 0);
  std::vector<std::string> commands = subcommands_of(top.out);
  INFO(top.out);
  for (const char* known : {"analyze", "ingest", "explain", "hunt", "rules", "sources", "timeline", "query", "export",
                            "dump", "catalog"})
    CHECK(std::find(commands.begin(), commands.end(), known) != commands.end());
  size_t checked = 0;
  for (const auto& cmd : commands) {
    auto help = run_pm(cmd + " --help");
    INFO(cmd << " --help:\n" << help.out);
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("Example") != std::string::npos);
    ++checked;
    for (const auto& sub : subcommands_of(help.out)) {
      auto h = run_pm(cmd + " " + sub + " --help");
      INFO(cmd << " " << sub << " --help:\n" << h.out);
      CHECK(h.exit_code == 0);
      CHECK(h.out.find("Example") != std::string::npos);
      ++checked;
    }
  }
  CHECK(checked >= 19);  // 11 commands, rules list/lint/sql, catalog errors/hresults/versions/ports/lookup
  for (const char* cmd : {"explain", "analyze", "hunt"}) {
    auto h = run_pm(std::string(cmd) + " --help");
    INFO(h.out);
    CHECK(h.out.find("--fail-on-findings") != std::string::npos);
    CHECK((h.out.find("5 findings reported") != std::string::npos || h.out.find("5 matches reported") != std::string::npos));
    CHECK(h.out.find("Exit codes:") != std::string::npos);
  }
}

TEST_CASE("quiet and verbose mean the same on every command that prints progress or summaries", "[cli][terminal]") {
  for (const char* cmd : {"analyze", "ingest", "explain", "hunt", "dump", "export"}) {
    auto h = run_pm(std::string(cmd) + " --help");
    INFO(cmd << ":\n" << h.out);
    CHECK(h.out.find("-q,--quiet") != std::string::npos);
    CHECK(h.out.find("-v,--verbose") != std::string::npos);
  }
  TempDir tmp;
  auto both = run_pm("export --case " + quote(tmp.str("x.db")) + " -q -v");
  CHECK(both.exit_code == pm::cli::kExitUsage);
  CHECK(both.err.find("--quiet excludes --verbose") != std::string::npos);

  auto quiet = run_pm("analyze -q " + quote(testdata("bundles/wrong-credentials").string()));
  REQUIRE(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  CHECK(quiet.out.rfind("1 finding\n", 0) == 0);
  auto verbose = run_pm("analyze -v " + quote(testdata("bundles/wrong-credentials").string()));
  REQUIRE(verbose.exit_code == 0);
  CHECK(verbose.err.find("pushmortem analyze: ingest took ") != std::string::npos);
  CHECK(verbose.err.find("pushmortem analyze: 1 finding(s) in ") != std::string::npos);
  CHECK(verbose.out == quiet.out);
  // Piped: no progress drawing, no colour.
  CHECK(verbose.err.find('\r') == std::string::npos);
  CHECK_FALSE(has_escape(verbose.err + verbose.out));

  auto dump_quiet = run_pm("dump -q --format jsonl " +
                           quote(testdata("bundles/wrong-credentials/file02.contoso.com/Security.evtx").string()));
  REQUIRE(dump_quiet.exit_code == 0);
  CHECK(dump_quiet.err.empty());
  CHECK_FALSE(dump_quiet.out.empty());
  auto dump_verbose = run_pm("dump -v --format jsonl " +
                             quote(testdata("bundles/wrong-credentials/file02.contoso.com/Security.evtx").string()));
  CHECK(dump_verbose.err.find("Security.evtx: ") != std::string::npos);  // the per-file statistics of --stats
  CHECK(dump_verbose.out == dump_quiet.out);
}

TEST_CASE("fail-on-findings: exit 5 when something is reported, 0 otherwise", "[cli][terminal][exit]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "wrong-credentials");  // 1 finding (testdata/bundles/README.md)
  auto plain = run_pm("explain --case " + quote(c));
  CHECK(plain.exit_code == 0);
  auto flagged = run_pm("explain --case " + quote(c) + " --fail-on-findings");
  CHECK(flagged.exit_code == pm::cli::kExitFindings);
  CHECK(flagged.exit_code == 5);
  CHECK(flagged.out == plain.out);  // the output is the same
  auto json = run_pm("explain --case " + quote(c) + " --format json --fail-on-findings");
  CHECK(json.exit_code == 5);

  // A bundle with nothing to find: only an ipconfig.txt.
  std::filesystem::create_directories(tmp.path / "quiet-host");
  std::filesystem::copy_file(testdata("bundles/wrong-credentials/file02.contoso.com/ipconfig.txt"),
                             tmp.path / "quiet-host/ipconfig.txt");
  auto none = run_pm("analyze --fail-on-findings " + quote(tmp.str("quiet-host")) + " --case " +
                     quote(tmp.str("quiet.db")));
  INFO(none.out << none.err);
  CHECK(none.exit_code == 0);
  CHECK(none.out.rfind("No findings", 0) == 0);
  auto some = run_pm("analyze --fail-on-findings -q " + quote(testdata("bundles/wrong-credentials").string()));
  CHECK(some.exit_code == 5);

  // hunt: matches on the hunt fixtures, none on the ipconfig-only case.
  std::string h = tmp.str("hunt.db");
  REQUIRE(run_pm("ingest -q --case " + quote(h) + " " + quote(testdata("hunt/evtx").string())).exit_code == 0);
  const std::string rules = " --rules " + quote(testdata("hunt/rules").string());
  CHECK(run_pm("hunt --case " + quote(h) + rules).exit_code == 0);
  CHECK(run_pm("hunt --case " + quote(h) + rules + " --fail-on-findings").exit_code == 5);
  auto nothing = run_pm("hunt --case " + quote(tmp.str("quiet.db")) + rules + " --fail-on-findings");
  INFO(nothing.err);
  CHECK(nothing.exit_code == 0);
  CHECK(nothing.out.find("0 matches and 0 correlation hits") != std::string::npos);
  // Errors come first: an unreadable case is 3 even with the flag.
  CHECK(run_pm("explain --case " + quote(tmp.str("missing.db")) + " --fail-on-findings").exit_code == 3);
}

TEST_CASE("format: text and table name the people form everywhere; hunt has jsonl and json", "[cli][terminal]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "wrong-credentials");
  const std::string cs = " --case " + quote(c);
  CHECK(run_pm("sources" + cs + " --format text").out == run_pm("sources" + cs).out);
  CHECK(run_pm("query" + cs + " --format text \"SELECT 1 AS one\"").out == "one\n---\n  1\n(1 row)\n");
  CHECK(run_pm("explain" + cs + " --format table").out == run_pm("explain" + cs).out);
  CHECK(run_pm("catalog errors --format text").out == run_pm("catalog errors").out);
  CHECK(run_pm("rules list --format table").out == run_pm("rules list").out);
  CHECK(run_pm("timeline" + cs + " --format table").out == run_pm("timeline" + cs).out);
  CHECK(run_pm("export" + cs + " --format xml").exit_code == 2);

  std::string h = tmp.str("hunt.db");
  REQUIRE(run_pm("ingest -q --case " + quote(h) + " " + quote(testdata("hunt/evtx").string())).exit_code == 0);
  const std::string hunt = "hunt --case " + quote(h) + " --rules " + quote(testdata("hunt/rules").string());
  CHECK(run_pm(hunt + " --format table").out == run_pm(hunt).out);
  auto jsonl = run_pm(hunt + " --format jsonl");
  auto json = run_pm(hunt + " --format json");
  REQUIRE(jsonl.exit_code == 0);
  REQUIRE(json.exit_code == 0);
  // json is the jsonl objects in one array.
  std::string expected = "[\n";
  auto lines = lines_of(jsonl.out);
  REQUIRE(lines.size() > 1);
  for (size_t i = 0; i < lines.size(); ++i) expected += lines[i] + (i + 1 < lines.size() ? ",\n" : "\n");
  CHECK(json.out == expected + "]\n");
  auto quiet = run_pm(hunt + " -q");
  CHECK(quiet.out.find("correlation hits from") == std::string::npos);
  CHECK(run_pm(hunt).out.find("correlation hits from") != std::string::npos);
}

TEST_CASE("colour: --color=always paints, a pipe gets none, NO_COLOR on a terminal turns it off", "[cli][terminal]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "wrong-credentials");
  const std::string cs = " --case " + quote(c);
  auto piped = run_pm("explain" + cs);
  REQUIRE(piped.exit_code == 0);
  CHECK_FALSE(has_escape(piped.out));
  auto always = run_pm("explain" + cs + " --color=always");
  CHECK(always.out.find("\033[1m[1] ") != std::string::npos);
  CHECK(always.out.find("\033[1mWhat happened\033[0m") != std::string::npos);
  CHECK(strip_sgr(always.out) == piped.out);
  CHECK_FALSE(has_escape(run_pm("explain" + cs + " --color=always --format json").out));  // text only

  auto sources = run_pm("sources" + cs + " --color always");
  CHECK(sources.out.rfind("\033[1mid\033[0m", 0) == 0);
  CHECK(strip_sgr(sources.out) == run_pm("sources" + cs).out);
  CHECK(run_pm("sources" + cs + " --color sometimes").exit_code == 2);

  std::string h = tmp.str("hunt.db");
  REQUIRE(run_pm("ingest -q --case " + quote(h) + " " + quote(testdata("hunt/evtx").string())).exit_code == 0);
  auto hunt = run_pm("hunt --case " + quote(h) + " --rules " + quote(testdata("hunt/rules").string()) + " --color=always");
  CHECK(hunt.out.find("  \033[31mhigh\033[0m  ") != std::string::npos);  // the level column

  auto tty = run_on_terminal("explain" + cs);
  if (!tty) {
    WARN("util-linux `script` is not installed: the terminal half of this test did not run");
    return;
  }
  CHECK(tty->exit_code == 0);
  CHECK(tty->out.find("\033[1m[1] ") != std::string::npos);
  auto no_color = run_on_terminal("explain" + cs, "NO_COLOR=1");
  REQUIRE(no_color);
  CHECK(no_color->out.find("[1] ") != std::string::npos);
  CHECK_FALSE(has_escape(no_color->out));
  auto empty = run_on_terminal("explain" + cs, "NO_COLOR=");
  CHECK(empty->out.find("\033[1m[1] ") != std::string::npos);  // empty NO_COLOR: colour stays
  auto never = run_on_terminal("explain" + cs + " --color=never");
  CHECK_FALSE(has_escape(never->out));
  auto forced = run_on_terminal("explain" + cs + " --color=always", "NO_COLOR=1");
  CHECK(forced->out.find("\033[1m[1] ") != std::string::npos);  // the command line wins
}

TEST_CASE("tables fit the terminal's width (COLUMNS honoured); piped tables do not change", "[cli][terminal]") {
  TempDir tmp;
  std::string c = bundle_case(tmp, "wrong-credentials");
  const std::string args = "sources --case " + quote(c) + " --color=never";
  auto piped = run_pm(args);
  REQUIRE(piped.exit_code == 0);
  size_t natural = 0;
  for (const auto& line : lines_of(piped.out)) natural = std::max(natural, pm::cli::display_width(line));
  REQUIRE(natural > 100);
  // COLUMNS is for terminals only: a pipe keeps the full table.
  CHECK(run_command("COLUMNS=80 " + quote(binary_path().string()) + " " + args).out == piped.out);

  auto tty = run_on_terminal(args, "COLUMNS=100");
  if (!tty) {
    WARN("util-linux `script` is not installed: the terminal half of this test did not run");
    return;
  }
  REQUIRE(tty->exit_code == 0);
  auto lines = lines_of(tty->out);
  REQUIRE(lines.size() == lines_of(piped.out).size());
  size_t table_lines = 0;
  for (const auto& line : lines) {
    INFO(line);
    if (line.find(" sources: ") != std::string::npos || line.rfind("(assumed)", 0) == 0) continue;  // text after the table
    CHECK(pm::cli::display_width(line) <= 100);
    ++table_lines;
  }
  CHECK(table_lines > 5);
  CHECK(tty->out.find("\xE2\x80\xA6") != std::string::npos);  // cut cells end in …
}
