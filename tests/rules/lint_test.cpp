// Rule lint (rules/lint.h): every problem of a rule set, each with its place.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <vector>

#include "rules/lint.h"
#include "rules/rule_loader.h"
#include "support/run_cli.h"

using namespace pm;
using namespace pm::rules;

namespace {

std::string all(const std::vector<Diagnostic>& diags) {
  std::string out;
  for (const auto& d : diags) out += d.str() + "\n";
  return out;
}

// Diagnostics of one YAML text written to a file of its own.
std::vector<Diagnostic> lint_text(const test::TempDir& tmp, const std::string& name, const std::string& yaml) {
  std::ofstream(tmp.path / name, std::ios::binary) << yaml;
  return lint_paths({tmp.path / name}, Mapping::builtin());
}

bool has(const std::vector<Diagnostic>& diags, Severity sev, const std::string& file_end, int line,
         const std::string& text) {
  for (const auto& d : diags) {
    const std::string& f = d.loc.file;
    bool file_ok = f.size() >= file_end.size() && f.compare(f.size() - file_end.size(), file_end.size(), file_end) == 0;
    if (d.severity == sev && file_ok && d.loc.line == line && d.message.find(text) != std::string::npos) return true;
  }
  return false;
}

const char* kPushRule = R"(title: Push failed with 319
id: push-319
name: push_319
logsource: {product: dpm, service: push-error}
detection:
  selection:
    ErrorId: 319
    Target|endswith: '.contoso.com'
  condition: selection
pushmortem:
  tests:
    hit:
      - {ErrorId: '319', Target: fs01.contoso.com, HResult: '0x800706BA'}
    miss:
      - {ErrorId: '347', Target: fs01.contoso.com}
      - {ErrorId: '319', Target: fs01.fabrikam.com}
)";

}  // namespace

TEST_CASE("the hunt fixtures and the built-in pack lint clean", "[rules][lint]") {
  auto fixtures = lint_paths({test::testdata("hunt/rules")}, Mapping::builtin());
  INFO(all(fixtures));
  CHECK(fixtures.empty());
  auto builtin = load_builtin_rules();
  INFO(builtin.status().message());
  REQUIRE(builtin);
  auto pack = lint_rules(builtin.value(), Mapping::builtin());
  INFO(all(pack));
  CHECK_FALSE(has_errors(pack));
}

TEST_CASE("lint reports every bad file, each at its line", "[rules][lint]") {
  auto diags = lint_paths({test::testdata("hunt/bad")}, Mapping::builtin());
  INFO(all(diags));
  CHECK(diags.size() == 5);
  CHECK(has_errors(diags));
  CHECK(has(diags, Severity::error, "bad_regex.yml", 11, "missing )"));
  CHECK(has(diags, Severity::error, "unsupported_modifier.yml", 11, "utf16le"));
  CHECK(has(diags, Severity::error, "unknown_field.yml", 12, "'direction'"));
  CHECK(has(diags, Severity::error, "failing_sample.yml", 16, "hit sample 2 does not match"));
  CHECK(has(diags, Severity::error, "failing_sample.yml", 18, "miss sample 1 matches"));
  CHECK_FALSE(has(diags, Severity::error, "failing_sample.yml", 15, "hit sample 1"));
}

TEST_CASE("lint names missing paths and empty folders", "[rules][lint]") {
  test::TempDir tmp;
  std::filesystem::create_directories(tmp.path / "empty");
  auto diags = lint_paths({tmp.path / "nope.yml", tmp.path / "empty"}, Mapping::builtin());
  INFO(all(diags));
  REQUIRE(diags.size() == 2);
  CHECK(diags[0].severity == Severity::error);
  CHECK(diags[0].message == "no such rule file or folder");
  CHECK(diags[1].severity == Severity::warning);
  CHECK_FALSE(has_errors({diags[1]}));
}

TEST_CASE("samples run on derived tables, event data and standalone tables", "[rules][lint]") {
  test::TempDir tmp;
  SECTION("derived push attempts") { CHECK(all(lint_text(tmp, "push.yml", kPushRule)).empty()); }
  SECTION("a sample that should miss but matches") {
    std::string yaml = kPushRule;
    yaml.replace(yaml.find("fs01.fabrikam.com"), 17, "fs02.contoso.com");
    auto diags = lint_text(tmp, "push.yml", yaml);
    INFO(all(diags));
    REQUIRE(diags.size() == 1);
    CHECK(has(diags, Severity::error, "push.yml", 16, "rule push-319: miss sample 2 matches but should not"));
  }
  SECTION("firewall rules (standalone, NOT NULL columns filled) and a field the logsource lacks") {
    auto diags = lint_text(tmp, "fw.yml", R"(title: Allow rule for the coordinator
id: fw-dpmac
logsource: {product: windows, service: firewall-rule}
detection:
  selection:
    Program|endswith: '\dpmac.exe'
    Enabled: 'yes'
  condition: selection
pushmortem:
  tests:
    hit:
      - {Program: 'C:\Program Files\Microsoft Data Protection Manager\DPM\ProtectionAgents\AC\10.19.58.0\dpmac.exe', Enabled: 'yes'}
    miss:
      - {Program: 'C:\Windows\dpmac.exe', Enabled: 'no'}
      - {Program: 'C:\Windows\dpmac.exe', Enabled: 'yes', Colour: blue}
)");
    INFO(all(diags));
    REQUIRE(diags.size() == 1);
    CHECK(has(diags, Severity::error, "fw.yml", 15, "miss sample 2 cannot be run: field 'Colour' is not a field of logsource"));
  }
  SECTION("Windows events: EventData items and the channel of the logsource") {
    auto diags = lint_text(tmp, "sec.yml", R"(title: Explicit credentials
id: sec-4648
logsource: {product: windows, service: security}
detection:
  selection:
    EventID: 4648
    TargetServerName|startswith: 'fs'
  condition: selection
pushmortem:
  tests:
    hit:
      - {EventID: '4648', TargetServerName: fs01.contoso.com}
      - {EventID: '4648', TargetServerName: FS02, Channel: System}
    miss:
      - {EventID: '4648', TargetServerName: dc01}
      - {EventID: '4624', TargetServerName: fs01}
)");
    INFO(all(diags));
    CHECK(diags.empty());
  }
}

TEST_CASE("evidence detections compile with placeholder values", "[rules][lint]") {
  test::TempDir tmp;
  std::string yaml = R"(title: Push failed with 319 and drops
id: ev-rule
logsource: {product: dpm, service: push-error}
detection:
  selection: {ErrorId: 319}
  condition: selection
pushmortem:
  finding:
    host: Target
    title: 319 on {target}
    summary: drops on {target}
    narrative: The push to {target} failed.
  evidence:
    - id: fw_drops
      title: Drops from the server
      role: supporting
      logsource: {product: windows, service: firewall-log}
      host: target
      detection:
        selection:
          action: DROP
          src-ip|expand: '%server_ips%'
          dst-ip|expand: '%target_ips%'
        condition: selection
      found: {weight: 0.2, text: 'drops seen'}
)";
  CHECK(all(lint_text(tmp, "ev.yml", yaml)).empty());
  yaml.replace(yaml.find("action: DROP"), 12, "verdict: DROP");
  auto diags = lint_text(tmp, "ev.yml", yaml);
  INFO(all(diags));
  REQUIRE(diags.size() == 1);
  CHECK(diags[0].loc.line > 13);
  CHECK(diags[0].message.find("evidence 'fw_drops': ") == 0);
  CHECK(diags[0].message.find("verdict") != std::string::npos);
  LintOptions no_evidence;
  no_evidence.evidence = false;
  CHECK(lint_paths({tmp.path / "ev.yml"}, Mapping::builtin(), no_evidence).empty());
}

TEST_CASE("correlations must read fields their base rules have", "[rules][lint]") {
  test::TempDir tmp;
  auto diags = lint_text(tmp, "corr.yml", R"(title: Drops
id: drops
name: drops
logsource: {product: windows, service: firewall-log}
detection:
  selection: {action: DROP}
  condition: selection
---
title: Many drops per user
id: many-drops
correlation:
  type: event_count
  rules: [drops]
  group-by: [src-ip, user]
  timespan: 5m
  condition: {gte: 10}
  aliases:
    user:
      drops: TargetUserName
)");
  INFO(all(diags));
  REQUIRE(diags.size() == 1);
  CHECK(has(diags, Severity::error, "corr.yml", 11, "reads field 'TargetUserName' of rule 'drops'"));
  CHECK(diags[0].message.find("windows-firewall-log") != std::string::npos);
}

TEST_CASE("set checks are reported with the rest", "[rules][lint]") {
  test::TempDir tmp;
  std::ofstream(tmp.path / "a.yml") << "title: A\nid: same\nlogsource: {product: windows, service: system}\n"
                                       "detection:\n  selection: {EventID: 1}\n  condition: selection\n";
  std::ofstream(tmp.path / "b.yml") << "title: B\nid: same\nlogsource: {product: windows, service: system}\n"
                                       "detection:\n  selection: {Bogus|nope: 1}\n  condition: selection\n";
  std::ofstream(tmp.path / "c.yml") << "title: C\nid: same\nlogsource: {product: windows, service: system}\n"
                                       "detection:\n  selection: {EventID: 3}\n  condition: selection\n";
  auto diags = lint_paths({tmp.path}, Mapping::builtin());
  INFO(all(diags));
  CHECK(has(diags, Severity::error, "b.yml", 5, "nope"));         // b does not load ...
  CHECK(has(diags, Severity::error, "c.yml", 1, "rule id 'same'"));  // ... and a and c still collide
}

TEST_CASE("diagnostic_from_status takes the place from the message", "[rules][lint]") {
  Diagnostic d = diagnostic_from_status(Status::error(ErrorKind::bad_input, "rules/x.yml:12: bad thing: here"), "o.yml");
  CHECK(d.loc.file == "rules/x.yml");
  CHECK(d.loc.line == 12);
  CHECK(d.message == "bad thing: here");
  CHECK(d.str() == "rules/x.yml:12: error: bad thing: here");
  Diagnostic plain = diagnostic_from_status(Status::error(ErrorKind::io, "cannot read: 12: x"), "o.yml");
  CHECK(plain.loc.file == "o.yml");
  CHECK(plain.loc.line == 0);
  CHECK(plain.message == "cannot read: 12: x");
  CHECK(plain.str() == "o.yml: error: cannot read: 12: x");
}
