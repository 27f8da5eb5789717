// Tests for `netsh advfirewall show allprofiles` (parsers/firewall/netsh_profiles_parser.cpp).
// Fixtures: testdata/netsh/{allprofiles,currentprofile}_*.txt with golden dumps
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

const pm::NetshProfilesParser& parser() {
  static const pm::NetshProfilesParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("netsh/" + name); }

using pm::test::Parsed;

// parse_file's checks; profile rows only.
Parsed parse(const fs::path& file) {
  Parsed p = pm::test::parse_file(parser(), file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.sink.profiles.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.rules.empty());
  CHECK(p.sink.events.empty());
  return p;
}

const pm::FirewallProfileRow& profile(const Parsed& p, const std::string& name) {
  return pm::test::find_row(p.sink.profiles, &pm::FirewallProfileRow::profile, name);
}

const std::string kSysLog = R"(%systemroot%\system32\LogFiles\Firewall\pfirewall.log)";

}  // namespace

TEST_CASE("netsh profiles: golden dumps", "[parsers][netsh]") {
  for (const char* name : {"allprofiles_default.txt", "allprofiles_wrapped.txt", "allprofiles_utf16.txt",
                           "allprofiles_german_cp850.txt", "allprofiles_garbage.txt", "currentprofile_public.txt"}) {
    SECTION(name) { pm::test::check_golden(parse(fixture(name)), fixture(name)); }
  }
}

TEST_CASE("netsh profiles: defaults have logging off everywhere", "[parsers][netsh]") {
  Parsed p = parse(fixture("allprofiles_default.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  CHECK(p.sink.profiles[0].profile == "Domain");
  CHECK(p.sink.profiles[1].profile == "Private");
  CHECK(p.sink.profiles[2].profile == "Public");
  CHECK(p.sink.profiles[0].location == 2);
  for (const auto& r : p.sink.profiles) {
    INFO(r.profile);
    CHECK(r.origin == "netsh");
    CHECK(r.state == "on");
    CHECK(r.inbound_policy == "BlockInbound");
    CHECK(r.outbound_policy == "AllowOutbound");
    CHECK(r.log_allowed == "disabled");
    CHECK(r.log_dropped == "disabled");
    CHECK(r.log_file == kSysLog);
    CHECK(r.log_max_size_kb == pm::Value{int64_t{4096}});
  }
}

TEST_CASE("netsh profiles: 80-column console wraps are re-joined", "[parsers][netsh]") {
  Parsed p = parse(fixture("allprofiles_wrapped.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  const auto& d = profile(p, "Domain");
  CHECK(d.log_file == R"(D:\Forensics\FirewallLogs\CONTOSO-FS01\domain\pfirewall_Domain.log)");  // cut mid-word
  CHECK(d.log_dropped == "enabled");
  CHECK(d.log_allowed == "disabled");
  CHECK(d.log_max_size_kb == pm::Value{int64_t{32767}});
  // the continuation starts with the blank that fell on column 81
  CHECK(profile(p, "Private").log_file == R"(C:\Firewall Logs\Contoso File Server 01\FW Private\pfirewall_private.log)");
  CHECK(profile(p, "Private").state == "off");
  CHECK(profile(p, "Private").inbound_policy == "AllowInbound");
  // the blank on column 80 was trimmed by the copy (79 columns): put back
  CHECK(profile(p, "Public").log_file == R"(C:\FW\Logs of the public network profiles for\pfirewall public.log)");
  CHECK(profile(p, "Public").outbound_policy == "BlockOutbound");
}

TEST_CASE("netsh profiles: UTF-16LE with BOM", "[parsers][netsh]") {
  Parsed p = parse(fixture("allprofiles_utf16.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  CHECK(profile(p, "Domain").log_file == R"(%systemroot%\system32\LogFiles\Firewall\domainfw.log)");
  CHECK(profile(p, "Private").state == "off");
  CHECK(profile(p, "Private").log_allowed == "not configured");
  CHECK(profile(p, "Public").log_allowed == "enabled");
  CHECK(profile(p, "Public").log_dropped == "enabled");
  CHECK(profile(p, "Public").log_max_size_kb == pm::Value{int64_t{32767}});
}

TEST_CASE("netsh profiles: German output in code page 850", "[parsers][netsh]") {
  Parsed p = parse(fixture("allprofiles_german_cp850.txt"));
  REQUIRE(p.sink.profiles.size() == 3);
  CHECK(p.counts.rows_rejected == 0);
  CHECK(profile(p, "Domain").state == "on");
  CHECK(profile(p, "Domain").log_dropped == "enabled");
  CHECK(profile(p, "Domain").inbound_policy == "BlockInbound");
  CHECK(profile(p, "Private").log_dropped == "disabled");
  CHECK(profile(p, "Public").state == "off");
  CHECK(profile(p, "Public").log_allowed == "not configured");
  CHECK(profile(p, "Public").log_file == kSysLog);
}

TEST_CASE("netsh profiles: show currentprofile (one block, LF)", "[parsers][netsh]") {
  Parsed p = parse(fixture("currentprofile_public.txt"));
  REQUIRE(p.sink.profiles.size() == 1);
  CHECK(p.sink.profiles[0].profile == "Public");
  CHECK(p.counts.header_units == p.counts.units_read - 1);
}

TEST_CASE("netsh profiles: garbage is rejected, never dropped", "[parsers][netsh]") {
  Parsed p = parse(fixture("allprofiles_garbage.txt"));
  REQUIRE(p.sink.profiles.size() == 2);
  REQUIRE(p.sink.rejects.size() == 5);
  CHECK(p.sink.rejects[0].raw == "Microsoft Windows [Version 10.0.17763.5329]");
  CHECK(p.sink.rejects[0].location == 1);
  CHECK(p.sink.rejects[0].offset == 0);
  CHECK(p.sink.rejects[1].location == 2);
  CHECK(p.sink.rejects[2].reason.find("outside") != std::string::npos);
  CHECK(p.sink.rejects[3].raw == "??? the quick brown fox");
  CHECK(p.sink.rejects[4].reason == "unknown profile setting 'StealthModeIPsec'");
  CHECK(profile(p, "Domain").log_dropped == "enabled");
  // the file ends inside the Public block: kept with what it has
  const auto& pub = profile(p, "Public");
  CHECK(pub.state == "on");
  CHECK(pub.inbound_policy == "NotConfigured");
  CHECK(pub.outbound_policy == "NotConfigured");
  CHECK(pub.log_allowed.empty());
  CHECK(pub.log_max_size_kb == pm::Value{std::string("NotConfigured")});
}

TEST_CASE("netsh profiles: sniff claims only netsh profile dumps", "[parsers][netsh]") {
  const pm::NetshRulesParser rules;
  const pm::PsFirewallProfileParser ps_profiles;
  const pm::PsFirewallRuleParser ps_rules;
  const pm::PfirewallParser pfirewall;
  auto files = pm::test::fixture_inputs({"netsh", "powershell", "pfirewall"});
  REQUIRE(files.size() >= 12);
  auto mine = [](const std::string& name) {
    return name.rfind("allprofiles_", 0) == 0 || name.rfind("currentprofile_", 0) == 0 ||
           name == "netsh_allprofiles.txt";  // pfirewall's negative fixture is one of ours
  };
  pm::test::check_sniff_claims(parser(), {&rules, &ps_profiles, &ps_rules, &pfirewall}, files, mine);
}

TEST_CASE("netsh profiles: open failure and cancellation", "[parsers][netsh]") {
  // 900 blocks: more lines than the 4096-line polling interval
  std::string one = pm::test::read_bytes(fixture("allprofiles_default.txt"));
  pm::test::TempFile big("allprofiles_x300.txt", pm::test::repeated(one, 300));
  pm::test::check_open_fails(parser(), fixture("no_such_file.txt"));
  pm::test::check_cancelled(parser(), big);
  Parsed p = parse(big);
  CHECK(p.counts.rows_stored == 900);
}
