// Tests for `netsh advfirewall firewall show rule name=all [verbose]`
// (parsers/firewall/netsh_rules_parser.cpp). Fixtures: testdata/netsh/rules_*.txt
// with golden dumps <case>.expected (counts line + pm::test::dump_rows);
// PM_UPDATE_GOLDEN=1 rewrites them: review the diff.
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

const pm::NetshRulesParser& parser() {
  static const pm::NetshRulesParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("netsh/" + name); }

using pm::test::Parsed;

// parse_file's checks; rule rows only.
Parsed parse(const fs::path& file) {
  Parsed p = pm::test::parse_file(parser(), file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.sink.rules.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.profiles.empty());
  return p;
}

const pm::FirewallRuleRow& rule(const Parsed& p, const std::string& name) {
  return pm::test::find_row(p.sink.rules, &pm::FirewallRuleRow::name, name);
}

const std::string kDpmac =
    R"(C:\Program Files\Microsoft System Center\DPM\DPM\ProtectionAgents\AC\10.19.58.0\dpmac.exe)";

// Everything but the line number.
bool same_rule(pm::FirewallRuleRow a, pm::FirewallRuleRow b) {
  a.location = b.location = 0;
  pm::test::CollectingSink x, y;
  x.rules.push_back(a);
  y.rules.push_back(b);
  return pm::test::dump_rows(x) == pm::test::dump_rows(y);
}

}  // namespace

TEST_CASE("netsh rules: golden dumps", "[parsers][netsh]") {
  for (const char* name : {"rules_verbose.txt", "rules_plain.txt", "rules_wrapped.txt", "rules_german_utf16.txt",
                           "rules_garbage.txt", "rules_none.txt"}) {
    SECTION(name) { pm::test::check_golden(parse(fixture(name)), fixture(name)); }
  }
}

TEST_CASE("netsh rules: verbose output", "[parsers][netsh]") {
  Parsed p = parse(fixture("rules_verbose.txt"));
  REQUIRE(p.sink.rules.size() == 11);
  CHECK(p.counts.rows_rejected == 0);
  for (const auto& r : p.sink.rules) {
    INFO(r.name);
    CHECK(r.origin == "netsh");
    CHECK(r.rule_id.empty());
    CHECK(r.interface_types == "Any");
    CHECK(r.rule_source == "Local Setting");
  }
  const auto& dpm = rule(p, "DPM Agent Coordinator");
  CHECK(dpm.location == 2);
  CHECK(dpm.program == kDpmac);
  CHECK(dpm.local_port == "RPC");
  CHECK(dpm.remote_port == "Any");
  CHECK(dpm.protocol == "TCP");
  CHECK(dpm.profiles == "Domain");
  CHECK(dpm.grouping.empty());
  CHECK(dpm.enabled == "yes");
  CHECK(dpm.direction == "in");
  CHECK(dpm.action == "allow");
  CHECK(dpm.description.rfind("Allows DCOM activation", 0) == 0);

  const auto& epmap = rule(p, "Remote Service Management (RPC-EPMAP)");
  CHECK(epmap.local_port == "RPC-EPMap");
  CHECK(epmap.grouping == "@FirewallAPI.dll,-29502");
  CHECK(epmap.enabled == "no");
  CHECK(epmap.service == "RPCSS");
  CHECK(rule(p, "Remote Service Management (RPC)").local_port == "RPC");
  CHECK(rule(p, "Windows Management Instrumentation (DCOM-In)").grouping == "@FirewallAPI.dll,-34251");
  CHECK(rule(p, "File and Printer Sharing (SMB-In)").grouping == "@FirewallAPI.dll,-28502");
  CHECK(rule(p, "File and Printer Sharing (SMB-In)").program == "System");
  CHECK(rule(p, "Core Networking - IPHTTPS (TCP-In)").local_port == "IPHTTPS");

  const auto& icmp = rule(p, "File and Printer Sharing (Echo Request - ICMPv4-In)");
  CHECK(icmp.protocol == "ICMPv4:8,Any");
  CHECK(icmp.local_port.empty());
  CHECK(icmp.edge_traversal == "No");

  const auto& block = rule(p, "Block SMB to the Internet");
  CHECK(block.direction == "out");
  CHECK(block.action == "block");
  CHECK(block.remote_port == "445");
  CHECK(block.remote_ip == "0.0.0.0-9.255.255.255,11.0.0.0-255.255.255.255");

  const auto& bypass = rule(p, "DPM server IPsec bypass");
  CHECK(bypass.action == "bypass");
  CHECK(bypass.protocol == "Any");
  CHECK(bypass.local_port.empty());
  CHECK(bypass.remote_port.empty());
  CHECK(bypass.security == "Authenticate");
  CHECK(bypass.description.empty());
}

TEST_CASE("netsh rules: without verbose", "[parsers][netsh]") {
  Parsed p = parse(fixture("rules_plain.txt"));
  REQUIRE(p.sink.rules.size() == 4);
  CHECK(p.counts.rows_rejected == 0);
  for (const auto& r : p.sink.rules) {
    INFO(r.name);
    CHECK(r.program.empty());
    CHECK(r.service.empty());
    CHECK(r.description.empty());
    CHECK(r.rule_source.empty());
    CHECK(!r.action.empty());
  }
  const auto& teredo = rule(p, "Core Networking - Teredo (UDP-In)");
  CHECK(teredo.edge_traversal == "Defer to user");
  CHECK(teredo.local_port == "Teredo");
  CHECK(teredo.protocol == "UDP");
  CHECK(rule(p, "File and Printer Sharing (SMB-Out)").direction == "out");
  CHECK(rule(p, "DPM Agent Coordinator").local_port == "RPC");
}

TEST_CASE("netsh rules: 80-column console wraps give the same rules", "[parsers][netsh]") {
  Parsed wrapped = parse(fixture("rules_wrapped.txt"));
  Parsed flat = parse(fixture("rules_verbose.txt"));
  REQUIRE(wrapped.sink.rules.size() == 4);
  CHECK(wrapped.counts.rows_rejected == 0);
  for (size_t i = 0; i < 3; ++i) {
    INFO(flat.sink.rules[i].name);
    CHECK(same_rule(wrapped.sink.rules[i], flat.sink.rules[i]));
  }
  CHECK(rule(wrapped, "DPM Agent Coordinator").program == kDpmac);
  CHECK(rule(wrapped, "DPMRA_DCOM_135").description == "DPM protection agent: RPC endpoint mapper (DCOM).");
  const auto& icmp = rule(wrapped, "File and Printer Sharing (Echo Request - ICMPv4-In)");  // name wrapped too
  CHECK(icmp.protocol == "ICMPv4:8,Any");
  CHECK(icmp.description ==
        "Echo Request messages are sent as ping requests to other nodes. This rule is the Domain profile copy.");
  CHECK(icmp.grouping == "File and Printer Sharing");
}

TEST_CASE("netsh rules: German labels and values, UTF-16LE", "[parsers][netsh]") {
  Parsed p = parse(fixture("rules_german_utf16.txt"));
  REQUIRE(p.sink.rules.size() == 4);
  CHECK(p.counts.rows_rejected == 0);
  const auto& smb = rule(p, "Datei- und Druckerfreigabe (SMB eingehend)");
  CHECK(smb.enabled == "yes");
  CHECK(smb.direction == "in");
  CHECK(smb.action == "allow");
  CHECK(smb.profiles == "Domäne");
  CHECK(smb.local_port == "445");
  CHECK(smb.local_ip == "Beliebig");
  CHECK(smb.grouping == "Datei- und Druckerfreigabe");
  CHECK(smb.description.find("Übertragung") != std::string::npos);
  CHECK(smb.rule_source == "Lokale Einstellung");
  const auto& echo = rule(p, "Datei- und Druckerfreigabe (Echoanforderung - ICMPv4 eingehend)");
  CHECK(echo.enabled == "no");
  CHECK(echo.profiles == "Privat,Öffentlich");
  CHECK(echo.protocol == "ICMPv4:8,Beliebig");
  CHECK(rule(p, "DPM Agent Coordinator").program == kDpmac);
  const auto& block = rule(p, "SMB ins Internet sperren");
  CHECK(block.direction == "out");
  CHECK(block.action == "block");
  CHECK(block.remote_port == "445");
}

TEST_CASE("netsh rules: label spelling variants", "[parsers][netsh]") {
  pm::test::TempFile f("rules_spelling.txt",
                       "Regelname:                            X\n" + std::string(70, '-') + "\n" +
                           "LokaleIP:                             10.0.0.1\n"
                           "RemoteIP:                             10.0.0.2\n"
                           "Lokaler Port:                         80\n"
                           "Remote-Port:                          81\n"
                           "Enabled: Yes\n"  // squeezed by hand: known labels need one blank only
                           "Aktion:                               Umgehen\n");
  Parsed p = parse(f);
  REQUIRE(p.sink.rules.size() == 1);
  const auto& r = p.sink.rules[0];
  CHECK(r.local_ip == "10.0.0.1");
  CHECK(r.remote_ip == "10.0.0.2");
  CHECK(r.local_port == "80");
  CHECK(r.remote_port == "81");
  CHECK(r.enabled == "yes");
  CHECK(r.action == "bypass");
  CHECK(p.counts.rows_rejected == 0);
}

TEST_CASE("netsh rules: garbage is rejected, a cut rule is kept", "[parsers][netsh]") {
  Parsed p = parse(fixture("rules_garbage.txt"));
  REQUIRE(p.sink.rules.size() == 2);
  REQUIRE(p.sink.rejects.size() == 5);
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[1].location == 2);
  CHECK(p.sink.rejects[2].reason == "rule field outside a 'Rule Name:' block");
  CHECK(p.sink.rejects[3].reason == "unknown rule field 'Owner'");
  CHECK(p.sink.rejects[4].raw == "Press any key to continue . . .");
  const auto& rdp = rule(p, "Remote Desktop - User Mode (TCP-In)");
  CHECK(rdp.grouping == "Remote Desktop");  // the unknown label did not swallow the next line
  CHECK(rdp.local_ip == "Any");
  CHECK(rdp.protocol == "TCP");
  CHECK(rdp.local_port == "3389");
  const auto& cut = rule(p, "Cut short");
  CHECK(cut.enabled == "yes");
  CHECK(cut.direction == "in");
  CHECK(cut.action.empty());
}

TEST_CASE("netsh rules: no rules match", "[parsers][netsh]") {
  Parsed p = parse(fixture("rules_none.txt"));
  CHECK(p.sink.rules.empty());
  CHECK(p.counts.rows_rejected == 0);
  CHECK(p.counts.header_units == p.counts.units_read);
}

TEST_CASE("netsh rules: sniff claims only netsh rule dumps", "[parsers][netsh]") {
  const pm::NetshProfilesParser profiles;
  const pm::PsFirewallProfileParser ps_profiles;
  const pm::PsFirewallRuleParser ps_rules;
  const pm::PfirewallParser pfirewall;
  auto files = pm::test::fixture_inputs({"netsh", "powershell", "pfirewall"});
  REQUIRE(files.size() >= 12);
  auto mine = [](const std::string& name) {
    return name.rfind("rules_", 0) == 0 && name != "rules_none.txt";  // nothing to claim there
  };
  pm::test::check_sniff_claims(parser(), {&profiles, &ps_profiles, &ps_rules, &pfirewall}, files, mine);
}

TEST_CASE("netsh rules: open failure and cancellation", "[parsers][netsh]") {
  std::string one = pm::test::read_bytes(fixture("rules_verbose.txt"));
  pm::test::TempFile big("rules_verbose_x30.txt", pm::test::repeated(one, 30));  // > 4096 lines
  pm::test::check_open_fails(parser(), fixture("no_such_file.txt"));
  pm::test::check_cancelled(parser(), big);
  Parsed p = parse(big);
  CHECK(p.counts.rows_stored == 330);
  CHECK(p.counts.rows_rejected == 0);
}
