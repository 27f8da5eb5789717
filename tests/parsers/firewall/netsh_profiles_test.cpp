// Tests for `netsh advfirewall show allprofiles` (parsers/firewall/netsh_profiles_parser.cpp).
// Fixtures: testdata/netsh/{allprofiles,currentprofile}_*.txt with golden dumps
// <case>.expected (counts line + pm::test::dump_rows); PM_UPDATE_GOLDEN=1
// rewrites them: review the diff.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "parsers/firewall/netsh_profiles_parser.h"
#include "parsers/firewall/netsh_rules_parser.h"
#include "parsers/firewall/pfirewall_parser.h"
#include "parsers/firewall/ps_firewall_parsers.h"
#include "support/collecting_sink.h"
#include "support/paths.h"
#include "support/row_dump.h"

namespace {

namespace fs = std::filesystem;

const pm::NetshProfilesParser& parser() {
  static const pm::NetshProfilesParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("netsh/" + name); }

struct Parsed {
  pm::test::CollectingSink sink;
  pm::ParseCounts counts;
};

std::string counts_line(const pm::ParseCounts& c) {
  std::ostringstream o;
  o << "counts\tunits_read=" << c.units_read << "\trows_stored=" << c.rows_stored
    << "\trows_rejected=" << c.rows_rejected << "\theader_units=" << c.header_units << "\tunit=" << c.unit;
  return o.str();
}

size_t line_count(const fs::path& file) {  // lines as LineReader sees them
  auto reader = pm::LineReader::open(file);
  REQUIRE(reader);
  size_t n = 0;
  pm::Line line;
  while (reader->next(line)) ++n;
  return n;
}

Parsed parse(const fs::path& file) {
  INFO("parsing " << file.string());
  REQUIRE(fs::exists(file));
  pm::test::TestSource src(file);
  Parsed p;
  auto r = parser().parse(src.ref, p.sink);
  INFO(r.status().message());
  REQUIRE(r);
  p.counts = r.value();
  INFO(counts_line(p.counts));
  CHECK(p.counts.reconciles());
  CHECK(p.counts.unit == "line");
  CHECK(p.counts.units_read == static_cast<int64_t>(line_count(file)));
  CHECK(p.sink.profiles.size() == static_cast<size_t>(p.counts.rows_stored));
  CHECK(p.sink.rejects.size() == static_cast<size_t>(p.counts.rows_rejected));
  CHECK(p.sink.rules.empty());
  CHECK(p.sink.events.empty());
  return p;
}

const pm::FirewallProfileRow& profile(const Parsed& p, const std::string& name) {
  for (const auto& r : p.sink.profiles)
    if (r.profile == name) return r;
  FAIL("no profile " << name);
  throw;  // unreachable
}

const std::string kSysLog = R"(%systemroot%\system32\LogFiles\Firewall\pfirewall.log)";

}  // namespace

TEST_CASE("netsh profiles: golden dumps", "[parsers][netsh]") {
  for (const char* name : {"allprofiles_default.txt", "allprofiles_wrapped.txt", "allprofiles_utf16.txt",
                           "allprofiles_german_cp850.txt", "allprofiles_garbage.txt", "currentprofile_public.txt"}) {
    SECTION(name) {
      Parsed p = parse(fixture(name));
      std::string actual = counts_line(p.counts) + "\n" + pm::test::dump_rows(p.sink);
      fs::path expected = fixture(name).replace_extension(".expected");
      CHECK(pm::test::golden(expected.string(), actual) == actual);
    }
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
  std::vector<fs::path> files;
  for (const char* dir : {"netsh", "powershell", "pfirewall"})
    if (fs::exists(pm::test::testdata(dir)))
      for (const auto& e : fs::directory_iterator(pm::test::testdata(dir)))
        if (e.path().extension() != ".expected") files.push_back(e.path());
  REQUIRE(files.size() >= 12);
  for (const auto& f : files) {
    std::string stem = f.filename().string();
    bool mine = stem.rfind("allprofiles_", 0) == 0 || stem.rfind("currentprofile_", 0) == 0 ||
                stem == "netsh_allprofiles.txt";  // pfirewall's negative fixture is one of ours
    auto s = pm::test::sniff_file(parser(), f);
    INFO(stem << " -> " << s.score << " " << s.reason);
    if (mine) {
      CHECK(s.score >= 50);
      CHECK(pm::test::sniff_file(rules, f).score < 50);
      CHECK(pm::test::sniff_file(ps_profiles, f).score < 50);
      CHECK(pm::test::sniff_file(ps_rules, f).score < 50);
      CHECK(pm::test::sniff_file(pfirewall, f).score < 50);
    } else {
      CHECK(s.score < 50);
    }
  }
}

TEST_CASE("netsh profiles: open failure and cancellation", "[parsers][netsh]") {
  pm::test::CollectingSink sink;
  {
    pm::test::TestSource src(fixture("no_such_file.txt"));
    CHECK_FALSE(parser().parse(src.ref, sink));
  }
  // 900 blocks: more lines than the 4096-line polling interval
  fs::path big = fs::temp_directory_path() /
                 ("pm_netsh_profiles_" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  {
    std::ifstream in(fixture("allprofiles_default.txt"), std::ios::binary);
    std::stringstream one;
    one << in.rdbuf();
    std::ofstream out(big, std::ios::binary);
    for (int i = 0; i < 300; ++i) out << one.str();
  }
  std::atomic<bool> cancel{true};
  pm::test::TestSource src(big);
  src.ref.cancel = &cancel;
  auto r = parser().parse(src.ref, sink);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == pm::ErrorKind::interrupted);
  cancel = false;
  pm::test::CollectingSink all;
  auto ok = parser().parse(src.ref, all);
  REQUIRE(ok);
  CHECK(ok->rows_stored == 900);
  CHECK(ok->reconciles());
  fs::remove(big);
}
