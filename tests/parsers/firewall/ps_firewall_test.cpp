// Tests for the PowerShell Get-NetFirewallProfile / Get-NetFirewallRule list
// parsers (parsers/firewall/ps_firewall_parsers.cpp). Fixtures:
// testdata/powershell/netfirewall{profile,rule}*.txt with golden dumps
// <case>.expected (counts line + pm::test::dump_rows); PM_UPDATE_GOLDEN=1
// rewrites them: review the diff.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parsers/firewall/netsh_profiles_parser.h"
#include "parsers/firewall/netsh_rules_parser.h"
#include "parsers/firewall/pfirewall_parser.h"
#include "parsers/firewall/ps_firewall_parsers.h"
#include "support/parse_fixture.h"

namespace {

namespace fs = std::filesystem;

const pm::PsFirewallProfileParser kProfiles;
const pm::PsFirewallRuleParser kRules;

fs::path fixture(const std::string& name) { return pm::test::testdata("powershell/" + name); }

using pm::test::Parsed;

// parse_file's checks; profile and rule rows only.
Parsed parse(const pm::Parser& parser, const fs::path& file) {
  Parsed p = pm::test::parse_file(parser, file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.sink.profiles.size() + p.sink.rules.size() == static_cast<size_t>(p.counts.rows_stored));
  return p;
}

// A profile by name, a rule by its rule_id (PowerShell Name).
const pm::FirewallProfileRow& find(const std::vector<pm::FirewallProfileRow>& rows, const std::string& key) {
  return pm::test::find_row(rows, &pm::FirewallProfileRow::profile, key);
}
const pm::FirewallRuleRow& find(const std::vector<pm::FirewallRuleRow>& rows, const std::string& key) {
  return pm::test::find_row(rows, &pm::FirewallRuleRow::rule_id, key);
}

const std::string kSysLog = R"(%systemroot%\system32\LogFiles\Firewall\pfirewall.log)";
const std::string kDpmac =
    R"(C:\Program Files\Microsoft System Center\DPM\DPM\ProtectionAgents\AC\10.19.58.0\dpmac.exe)";

}  // namespace

TEST_CASE("powershell firewall: golden dumps", "[parsers][powershell]") {
  struct Case {
    const pm::Parser* parser;
    const char* name;
  };
  for (const Case& c : {Case{&kProfiles, "netfirewallprofile.txt"}, Case{&kProfiles, "netfirewallprofile_copied.txt"},
                        Case{&kRules, "netfirewallrule.txt"}, Case{&kRules, "netfirewallrule_copied.txt"}}) {
    SECTION(c.name) { pm::test::check_golden(parse(*c.parser, fixture(c.name)), fixture(c.name)); }
  }
}

TEST_CASE("powershell firewall: Get-NetFirewallProfile, UTF-16LE redirect", "[parsers][powershell]") {
  Parsed p = parse(kProfiles, fixture("netfirewallprofile.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  const auto& d = find(p.sink.profiles, "Domain");
  CHECK(d.origin == "powershell");
  CHECK(d.location == 3);
  CHECK(d.state == "on");
  CHECK(d.inbound_policy == "Block");
  CHECK(d.outbound_policy == "Allow");
  CHECK(d.log_allowed == "disabled");
  CHECK(d.log_dropped == "enabled");
  CHECK(d.log_file == R"(C:\Firewall Logs\Domain Profile of CONTOSO-FS01\pfirewall_domain.log)");  // word wrap
  CHECK(d.log_max_size_kb == pm::Value{int64_t{32767}});
  const auto& priv = find(p.sink.profiles, "Private");
  CHECK(priv.state == "off");
  CHECK(priv.log_file == kSysLog);  // a word wider than the field, cut inside
  const auto& pub = find(p.sink.profiles, "Public");
  CHECK(pub.outbound_policy == "Block");
  CHECK(pub.log_allowed == "enabled");
  CHECK(pub.log_dropped == "enabled");
  CHECK(pub.log_max_size_kb == pm::Value{int64_t{16384}});
}

TEST_CASE("powershell firewall: Get-NetFirewallProfile copied from the console", "[parsers][powershell]") {
  Parsed p = parse(kProfiles, fixture("netfirewallprofile_copied.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  CHECK(find(p.sink.profiles, "Domain").log_file == kSysLog);
  CHECK(find(p.sink.profiles, "Domain").inbound_policy == "NotConfigured");
  const auto& pub = find(p.sink.profiles, "Public");
  CHECK(pub.state == "not configured");
  CHECK(pub.log_allowed == "not configured");
  CHECK(pub.log_dropped == "not configured");
  CHECK(pub.log_max_size_kb == pm::Value{std::string("NotConfigured")});
  // the blank that ended the wrapped line was lost by the copy: put back
  CHECK(pub.log_file == R"(C:\Windows\System32\LogFiles\Firewall\public profile log of the web frontend server.log)");
}

TEST_CASE("powershell firewall: Get-NetFirewallRule, UTF-16LE redirect", "[parsers][powershell]") {
  Parsed p = parse(kRules, fixture("netfirewallrule.txt"));
  REQUIRE(p.sink.rules.size() == 7);
  CHECK(p.counts.rows_rejected == 0);
  for (const auto& r : p.sink.rules) {
    INFO(r.rule_id);
    CHECK(r.origin == "powershell");
    CHECK(r.rule_source == "PersistentStore");
    CHECK(r.program.empty());
    CHECK(r.local_port.empty());
  }
  const auto& dpm = find(p.sink.rules, "{6F3A1C2B-5D4E-4B7A-9C11-2E8F0A7D3B64}");
  CHECK(dpm.name == "DPM Agent Coordinator");
  CHECK(dpm.location == 3);
  CHECK(dpm.enabled == "yes");
  CHECK(dpm.direction == "in");
  CHECK(dpm.action == "allow");
  CHECK(dpm.profiles == "Domain");
  CHECK(dpm.grouping.empty());
  CHECK(dpm.description ==
        "Allows DCOM activation of the DPM Agent Coordinator service used to install, upgrade and remove "
        "protection agents.");
  CHECK(find(p.sink.rules, "FPS-SMB-In-TCP").grouping == "@FirewallAPI.dll,-28502");  // Group before DisplayGroup
  const auto& rsm = find(p.sink.rules, "RemoteSvcAdmin-RPCSS-In-TCP");
  CHECK(rsm.enabled == "no");
  CHECK(rsm.grouping == "@FirewallAPI.dll,-29502");
  CHECK(find(p.sink.rules, "WMI-RPCSS-In-TCP").profiles == "Domain, Private");
  const auto& teredo = find(p.sink.rules, "CoreNet-Teredo-In");
  CHECK(teredo.edge_traversal == "DeferToUser");
  CHECK(teredo.description ==
        "Inbound UDP rule to allow Teredo edge traversal, a technology that provides address assignment and "
        "automatic tunneling for unicast IPv6 traffic when an IPv6/IPv4 host is located behind an IPv4 network "
        "address translator.");
  const auto& block = find(p.sink.rules, "{0B5C7E91-3A2F-4C8D-B6E4-71D29F0C5A38}");
  CHECK(block.direction == "out");
  CHECK(block.action == "block");
  CHECK(block.description.empty());
  CHECK(find(p.sink.rules, "{9D04E2A7-61B3-4F5C-8E2D-3C7A1B9F6E05}").description == kDpmac);
  CHECK(find(p.sink.rules, "{9D04E2A7-61B3-4F5C-8E2D-3C7A1B9F6E05}").grouping == "DPM");
}

TEST_CASE("powershell firewall: Get-NetFirewallRule with errors and stray text", "[parsers][powershell]") {
  Parsed p = parse(kRules, fixture("netfirewallrule_copied.txt"));
  REQUIRE(p.sink.rules.size() == 2);
  REQUIRE(p.sink.rejects.size() == 8);
  CHECK(p.sink.rejects[0].raw.rfind("Get-NetFirewallRule : No MSFT_NetFirewallRule", 0) == 0);
  CHECK(p.sink.rejects[5].raw.rfind("    + CategoryInfo", 0) == 0);
  CHECK(p.sink.rejects[7].reason == "PowerShell record without Name or DisplayName");
  CHECK(p.sink.rejects[7].raw.rfind("DisplayGroup", 0) == 0);
  CHECK(find(p.sink.rules, "FPS-SMB-In-TCP").description ==
        "Inbound rule for File and Printer Sharing to allow Server Message Block transmission and reception via "
        "Named Pipes. [TCP 445]");
}

TEST_CASE("powershell firewall: UTF-16LE without BOM reads the same", "[parsers][powershell]") {
  std::string all = pm::test::read_bytes(fixture("netfirewallrule.txt"));
  REQUIRE(all.rfind("\xFF\xFE", 0) == 0);
  pm::test::TempFile f("netfirewallrule_nobom.txt", all.substr(2));
  Parsed a = parse(kRules, fixture("netfirewallrule.txt"));
  Parsed b = parse(kRules, f);
  CHECK(pm::test::dump_rows(a.sink) == pm::test::dump_rows(b.sink));
}

TEST_CASE("powershell firewall: records without blank lines, and the wrong record kind", "[parsers][powershell]") {
  pm::test::TempFile f("records.txt",
                       "Name                  : Domain\n"
                       "Enabled               : False\n"
                       "Name                  : Public\n"  // a repeated property starts a new record
                       "Enabled               : True\n"
                       "\n"
                       "Name                  : CoreNet-DNS-Out-UDP\n"
                       "DisplayName           : Core Networking - DNS (UDP-Out)\n"
                       "Direction             : Outbound\n"
                       "\n"
                       "DisplayName           : x\n");
  Parsed p = parse(kProfiles, f);
  Parsed r = parse(kRules, f);
  REQUIRE(p.sink.profiles.size() == 2);
  CHECK(p.sink.profiles[1].profile == "Public");
  CHECK(p.sink.profiles[1].state == "on");
  REQUIRE(p.sink.rejects.size() == 2);
  CHECK(p.sink.rejects[0].location == 6);
  CHECK(p.sink.rejects[1].reason == "PowerShell record without Name");
  REQUIRE(r.sink.rules.size() == 1);
  CHECK(r.sink.rules[0].direction == "out");
  CHECK(r.sink.rejects.size() == 3);  // two profile records and the DisplayName-only one
}

TEST_CASE("powershell firewall: sniff claims only its own list output", "[parsers][powershell]") {
  const pm::NetshProfilesParser netsh_profiles;
  const pm::NetshRulesParser netsh_rules;
  const pm::PfirewallParser pfirewall;
  auto files = pm::test::fixture_inputs({"netsh", "powershell", "pfirewall"});
  if (pm::test::have_shared_corpus())
    for (const auto& e : fs::directory_iterator(pm::test::shared_dir() / "corpus" / "firewall"))
      if (e.path().extension() == ".log") files.push_back(e.path());
  REQUIRE(files.size() >= 12);
  // Each claims its own files; neither the other nor netsh or pfirewall claims them.
  pm::test::check_sniff_claims(kProfiles, {&kRules, &netsh_profiles, &netsh_rules, &pfirewall}, files,
                               [](const std::string& name) { return name.rfind("netfirewallprofile", 0) == 0; });
  pm::test::check_sniff_claims(kRules, {&kProfiles, &netsh_profiles, &netsh_rules, &pfirewall}, files,
                               [](const std::string& name) { return name.rfind("netfirewallrule", 0) == 0; });
}

TEST_CASE("powershell firewall: open failure and cancellation", "[parsers][powershell]") {
  pm::test::check_open_fails(kProfiles, fixture("no_such_file.txt"));
  pm::test::check_open_fails(kRules, fixture("no_such_file.txt"));
  pm::test::TempFile big("profiles_x2000.txt", pm::test::repeated("\nName    : Domain\nEnabled : True\n", 2000));
  pm::test::check_cancelled(kProfiles, big);
  Parsed p = parse(kProfiles, big);
  CHECK(p.counts.rows_stored == 2000);
}
