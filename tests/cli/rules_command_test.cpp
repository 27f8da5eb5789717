// End-to-end tests of `pushmortem rules list|lint|sql` through the real binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "support/run_cli.h"

using namespace pm::test;

namespace {

std::string rules_dir() { return testdata("hunt/rules").string(); }

std::string last_line(const std::string& text) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

int leading_number(const std::string& s) { return std::stoi(s.substr(0, s.find(' '))); }

}  // namespace

TEST_CASE("rules list shows the built-in pack and added rules", "[cli][rules]") {
  auto builtin = run_pm("rules list");
  INFO(builtin.err);
  REQUIRE(builtin.exit_code == 0);
  CHECK(builtin.out.rfind("rule ", 0) == 0);  // the Sigma name where there is one, else the id
  CHECK(builtin.out.find("dpm-347-then-319-firewall") != std::string::npos);
  CHECK(builtin.out.find("builtin:dpm/") != std::string::npos);
  const int n = leading_number(last_line(builtin.out));
  CHECK(n > 0);

  auto added = run_pm("rules list --rules " + quote(rules_dir()));
  REQUIRE(added.exit_code == 0);
  CHECK(leading_number(last_line(added.out)) == n + 10);
  CHECK(added.out.find("d4b7e0c3-9a26-4f58-b1e2-6f83a0c5d917  high           correlation  no") != std::string::npos);

  auto json = run_pm("rules list --format json --rules " + quote(rules_dir() + "/log_cleared.yml"));
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.rfind("[\n{\"id\":", 0) == 0);
  CHECK(json.out.find("{\"id\":\"0d7c2b91-84e6-4a5f-b3c8-61f29e0a7d44\",\"name\":\"win_security_log_cleared\",\"level\":\"high\",\"type\":\"detection\","
                      "\"explanation\":false,\"title\":\"Security event log cleared\",\"origin\":\"" +
                      rules_dir() + "/log_cleared.yml\"}") != std::string::npos);
  CHECK(json.out.find("\"name\":\"dpm-347-then-319-firewall\",\"level\":\"high\",\"type\":\"correlation\","
                      "\"explanation\":true") != std::string::npos);
  REQUIRE(json.out.size() > 4);
  CHECK(json.out.substr(json.out.size() - 4) == "}\n]\n");
}

TEST_CASE("rules list: an added rule with a built-in name replaces it", "[cli][rules]") {
  TempDir tmp;
  std::ofstream(tmp.path / "mine.yml") << "title: My own 319 rule\nid: 1b1b5c0e-3d52-4f7e-9a43-2f6c8e1d0a77\nname: dpm-push-319\nlevel: low\n"
                                          "logsource: {product: dpm, service: push-error}\n"
                                          "detection:\n  selection: {ErrorId: 319}\n  condition: selection\n";
  auto before = run_pm("rules list");
  auto after = run_pm("rules list --rules " + quote(tmp.str("mine.yml")));
  INFO(after.err);
  REQUIRE(after.exit_code == 0);
  CHECK(last_line(after.out) == last_line(before.out));
  CHECK(after.out.find("My own 319 rule") != std::string::npos);
  CHECK(after.out.find("mine.yml") != std::string::npos);
}

TEST_CASE("rules lint prints every problem and sets the exit code", "[cli][rules]") {
  auto clean = run_pm("rules lint " + quote(rules_dir()));
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(clean.out == "10 rules checked: 0 errors, 0 warnings\n");

  auto builtin = run_pm("rules lint");
  INFO(builtin.out);
  CHECK(builtin.exit_code == 0);
  CHECK(builtin.out.find(" 0 errors") != std::string::npos);

  const std::string bad = testdata("hunt/bad").string();
  auto r = run_pm("rules lint " + quote(bad) + " " + quote(rules_dir() + "/log_cleared.yml"));
  INFO(r.out);
  CHECK(r.exit_code == 3);
  CHECK(r.out.find(bad + "/bad_regex.yml:11: error: ") != std::string::npos);
  CHECK(r.out.find(bad + "/unsupported_modifier.yml:11: error: unsupported modifier 'utf16le'") != std::string::npos);
  CHECK(r.out.find(bad + "/unknown_field.yml:12: error: field 'direction'") != std::string::npos);
  CHECK(r.out.find(bad + "/failing_sample.yml:16: error: rule bad-failing-sample: hit sample 2 does not match "
                         "(EventID=4720, TargetUserName=newadmin)") != std::string::npos);
  CHECK(r.out.find(bad + "/failing_sample.yml:18: error: rule bad-failing-sample: miss sample 1 matches") !=
        std::string::npos);
  CHECK(last_line(r.out) == "4 rules checked: 5 errors, 0 warnings");

  auto help = run_pm("rules lint --help");
  CHECK(help.out.find("Example: pushmortem rules lint") != std::string::npos);
}

TEST_CASE("rules sql shows the compiled SQL with its parameters apart", "[cli][rules]") {
  auto r = run_pm("rules sql win_service_suspicious_image --rules " + quote(rules_dir()));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("-- rule win_service_suspicious_image (id 3c5b8e2a-71d4-4f0e-9b6a-0e8f1d2c4a51): Service installed from a temporary folder", 0) == 0);
  CHECK(r.out.find("-- logsource windows-system (table win_events)") != std::string::npos);
  CHECK(r.out.find("SELECT") != std::string::npos);
  CHECK(r.out.find("-- parameters:\n--   ?1 = ") != std::string::npos);
  CHECK(r.out.find("'Service Control Manager'") != std::string::npos);
  CHECK(r.out.find(" = 7045\n") != std::string::npos);
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {  // values never in the SQL text
    if (line.rfind("--", 0) == 0) continue;
    CHECK(line.find("Service Control Manager") == std::string::npos);
    CHECK(line.find("AppData") == std::string::npos);
  }

  auto corr = run_pm("rules sql d4b7e0c3-9a26-4f58-b1e2-6f83a0c5d917 --rules " + quote(rules_dir()));
  INFO(corr.err);
  REQUIRE(corr.exit_code == 0);
  CHECK(corr.out.find("-- base rule win_failed_logon (id 2b9f4c70-6d13-4e8a-95f2-c0a7e3b41d86)") != std::string::npos);
  CHECK(corr.out.find("-- base rule win_network_logon (id 8e6d0a25-b471-4c9f-a3d8-17f5c2e09b64)") != std::string::npos);
  CHECK(corr.out.find("-- extra columns: TargetUserName") != std::string::npos);

  auto builtin = run_pm("rules sql dpm-push-319");
  CHECK(builtin.exit_code == 0);
  CHECK(builtin.out.find("(table pm_push_attempts)") != std::string::npos);

  auto unknown = run_pm("rules sql no-such-rule");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("no rule with id or name 'no-such-rule'") != std::string::npos);

  auto bad = run_pm("rules sql bad-unknown-field --rules " + quote(testdata("hunt/bad/unknown_field.yml").string()));
  CHECK(bad.exit_code == 3);
  CHECK(bad.err.find("unknown_field.yml:12") != std::string::npos);
}

TEST_CASE("rules subcommands have examples in their help", "[cli][rules]") {
  for (const char* sub : {"rules --help", "rules list --help", "rules sql --help"}) {
    auto r = run_pm(sub);
    INFO(sub);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("Example") != std::string::npos);
  }
  CHECK(run_pm("rules").exit_code == 2);
}
