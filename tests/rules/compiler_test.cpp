// The detection compiler (rules/compiler.h) run on the case of
// tests/rules/compiler_fixture.h: Sigma value semantics and every supported
// modifier, each with a hit and a miss, by the event ids that match.
#include <catch2/catch.hpp>

#include "rules/compiler_detail.h"
#include "compiler_fixture.h"

using namespace pm;
using namespace pm::test;
using pm::rules::CompileOptions;

namespace {
const rules::Logsource kSystem = logsource("windows", "system");
const rules::Logsource kSecurity = logsource("windows", "security");
const rules::Logsource kFirewall = logsource("windows", "firewall-log");
const rules::Logsource kErrlog = logsource("dpm", "errlog");
}  // namespace

TEST_CASE("compiler: plain values ignore case, cased does not", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("param1", {str("dpmra")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("param1|cased", {str("dpmra")})}), kSystem) == Ids{3});
  CHECK(run_ids(c.db(), single({entry("param1|cased", {str("DPMRA")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("param1", {str("dpmra2")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Provider_Name", {str("service control MANAGER")})}), kSystem) == Ids{1, 2, 3});
  CHECK(run_ids(c.db(), single({entry("Computer", {str("dpm01.CONTOSO.com")})}), kSystem) == Ids{3});
  // the logsource's channel applies: Security events never match a System rule
  CHECK(run_ids(c.db(), single({entry("TargetUserName", {str("DPMSVC$")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("TargetUserName", {str("dpmsvc$")})}), kSecurity) == Ids{6});
}

TEST_CASE("compiler: integers compare numerically on integer columns, as text elsewhere", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("EventID", {num(7000)})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("EventID", {str("7000")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("EventID", {num(7000), num(10016)})}), kSystem) == Ids{1, 3, 4});
  CHECK(run_ids(c.db(), single({entry("EventID", {num(700)})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("EventID", {str("70*")})}), kSystem) == Ids{1, 2, 3});
  CHECK(run_ids(c.db(), single({entry("LogonType", {num(3)})}), kSecurity) == Ids{6});  // EventData is text
  CHECK(run_ids(c.db(), single({entry("ErrorIds", {num(319)})}), kErrlog) == Ids{11});
  CHECK(run_ids(c.db(), single({entry("dst-port", {num(445), str("135")})}), kFirewall) == Ids{8, 10});
}

TEST_CASE("compiler: wildcards, escapes and LIKE's own special characters", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("Message", {str("the * service failed*")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("Message", {str("The DPMRA service?failed*")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("Message", {str("The DPMRA service??failed*")})}), kSystem).empty());
  // \* is a literal star
  CHECK(run_ids(c.db(), single({entry("Message", {str("Agent install started (step \\*)")})}), kErrlog) == Ids{12});
  CHECK(run_ids(c.db(), single({entry("Message", {str("Agent install \\*")})}), kErrlog).empty());
  // % and _ are ordinary characters
  CHECK(run_ids(c.db(), single({entry("param2", {str("%*")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("param2", {str("%%5")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("param2", {str("%5")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("param1", {str("Windows_Firewall*")})}), kSystem).empty());
  // cased wildcards
  CHECK(run_ids(c.db(), single({entry("param1|cased", {str("DPM*")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("param1|cased", {str("dpm?a")})}), kSystem) == Ids{3});
}

TEST_CASE("compiler: contains, startswith, endswith", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("Message|contains", {str("FAILED TO START")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("Message|contains", {str("not there")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Message|startswith", {str("the windows")})}), kSystem) == Ids{2});
  CHECK(run_ids(c.db(), single({entry("Message|startswith", {str("failed")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Message|endswith", {str("access is denied.")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("Message|endswith", {str("access is denied")})}), kSystem).empty());
  // a value ending in a backslash does not escape the added wildcard
  CHECK(run_ids(c.db(), single({entry("NewProcessName|contains", {str("Program Files\\DPM\\")})}), kSecurity) ==
        Ids{5});
  CHECK(run_ids(c.db(), single({entry("NewProcessName|startswith", {str("C:\\Program Files\\")})}), kSecurity) ==
        Ids{5});
}

TEST_CASE("compiler: all requires every value", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("Message|contains|all", {str("dpmra"), str("denied")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("Message|contains", {str("dpmra"), str("denied")})}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("Message|contains|all", {str("dpmra"), str("firewall")})}), kSystem).empty());
  // on EventData: one EXISTS per value, so two items of the same name can satisfy it
  CHECK(run_ids(c.db(), single({entry("Port|all", {str("135"), str("445")})}), kSecurity) == Ids{7});
  CHECK(run_ids(c.db(), single({entry("Port|all", {str("135"), str("446")})}), kSecurity).empty());
}

TEST_CASE("compiler: re with i, m and s", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("Message|re", {str("DPMRA service (failed|stopped)")})}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), single({entry("Message|re|i", {str("DPMRA service (failed|stopped)")})}), kSystem) ==
        Ids{1, 3});
  CHECK(run_ids(c.db(), single({entry("Message|re", {str("^failed")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Message|re", {str("^for CLSID")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Message|re|m", {str("^for CLSID")})}), kSystem) == Ids{4});
  CHECK(run_ids(c.db(), single({entry("Message|re", {str("error.for")})}), kSystem).empty());
  CHECK(run_ids(c.db(), single({entry("Message|re|s", {str("error.for")})}), kSystem) == Ids{4});
  CHECK(run_ids(c.db(), single({entry("param4|re", {str("^\\{D99E[0-9A-F-]+\\}$")})}), kSystem) == Ids{4});
  CHECK(run_ids(c.db(), single({entry("EventID|re", {str("^70[0-9]{2}$")})}), kSystem) == Ids{1, 2, 3});
}

TEST_CASE("compiler: cidr on columns and EventData", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("src-ip|cidr", {str("10.0.0.0/8")})}), kFirewall) == Ids{8});
  CHECK(run_ids(c.db(), single({entry("src-ip|cidr", {str("10.0.0.0/8"), str("192.168.0.0/16")})}), kFirewall) ==
        Ids{8, 10});
  CHECK(run_ids(c.db(), single({entry("src-ip|cidr", {str("fe80::/10")})}), kFirewall) == Ids{9});
  CHECK(run_ids(c.db(), single({entry("src-ip|cidr", {str("172.16.0.0/12")})}), kFirewall).empty());
  CHECK(run_ids(c.db(), single({entry("IpAddress|cidr", {str("10.0.0.0/24")})}), kSecurity) == Ids{6});
  CHECK(run_ids(c.db(), single({entry("IpAddress|cidr", {str("10.0.1.0/24")})}), kSecurity).empty());
}

TEST_CASE("compiler: windash tries /, en dash, em dash and horizontal bar", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("CommandLine|windash|contains", {str("-install")})}), kSecurity) == Ids{5});
  CHECK(run_ids(c.db(), single({entry("CommandLine|windash|contains", {str("-force")})}), kSecurity) == Ids{5});
  CHECK(run_ids(c.db(), single({entry("CommandLine|contains", {str("-install")})}), kSecurity).empty());
  CHECK(run_ids(c.db(), single({entry("CommandLine|contains", {str("-force")})}), kSecurity).empty());
  CHECK(run_ids(c.db(), single({entry("CommandLine|windash|contains", {str("-uninstall")})}), kSecurity).empty());
}

TEST_CASE("compiler: exists true and false", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("param4|exists", {boolean(true)})}), kSystem) == Ids{4});
  CHECK(run_ids(c.db(), single({entry("param4|exists", {boolean(false)})}), kSystem) == Ids{1, 2, 3});
  CHECK(run_ids(c.db(), single({entry("param1|exists", {boolean(true)})}), kSystem) == Ids{1, 2, 3});  // 4: empty
  CHECK(run_ids(c.db(), single({entry("tcpflags|exists", {boolean(true)})}), kFirewall) == Ids{8});
  CHECK(run_ids(c.db(), single({entry("tcpflags|exists", {boolean(false)})}), kFirewall) == Ids{9, 10});
}

TEST_CASE("compiler: gt, gte, lt, lte compare numbers", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("dst-port|gt", {num(135)})}), kFirewall) == Ids{9, 10});
  CHECK(run_ids(c.db(), single({entry("dst-port|gte", {num(445)})}), kFirewall) == Ids{9, 10});
  CHECK(run_ids(c.db(), single({entry("dst-port|lt", {num(445)})}), kFirewall) == Ids{8});
  CHECK(run_ids(c.db(), single({entry("dst-port|lte", {num(445)})}), kFirewall) == Ids{8, 10});
  CHECK(run_ids(c.db(), single({entry("dst-port|gt", {num(6000)})}), kFirewall).empty());
  // an invalid value kept as text ('abc') is not a number
  CHECK(run_ids(c.db(), single({entry("src-port|gt", {num(-1)})}), kFirewall) == Ids{8, 9});
  CHECK(run_ids(c.db(), single({entry("LogonType|lt", {num(4)})}), kSecurity) == Ids{6});
  CHECK(run_ids(c.db(), single({entry("LogonType|lt", {num(3)})}), kSecurity).empty());
  CHECK(run_ids(c.db(), single({entry("CodeLine|gte", {num(100)})}), kErrlog) == Ids{11});
}

TEST_CASE("compiler: base64 and base64offset", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("Encoded|base64", {str("DPM push failed")})}), kSecurity) == Ids{6});
  CHECK(run_ids(c.db(), single({entry("Encoded|base64", {str("DPM push failed!")})}), kSecurity).empty());
  CHECK(run_ids(c.db(), single({entry("Blob|base64offset|contains", {str("DPMRA")})}), kSecurity) == Ids{5, 6});
  CHECK(run_ids(c.db(), single({entry("Blob|base64offset|contains", {str("DPMXA")})}), kSecurity).empty());
  // base64 text is matched case-sensitively
  CHECK(run_ids(c.db(), single({entry("Encoded|base64", {str("dpm push failed")})}), kSecurity).empty());

  using rules::compiler::base64_offsets;
  CHECK(base64_offsets("DPMRA") == std::vector<std::string>{"RFBNUk", "RQTVJB", "EUE1SQ"});
  CHECK(base64_offsets("abc") == std::vector<std::string>{"YWJj", "FiY", "hYm"});
  CHECK(base64_offsets("abcd") == std::vector<std::string>{"YWJjZ", "FiY2", "hYmNk"});
  CHECK(rules::compiler::base64_encode("DPM push failed") == "RFBNIHB1c2ggZmFpbGVk");
}

TEST_CASE("compiler: expand fills placeholders; several values are alternatives", "[rules][compiler]") {
  CompilerCase c;
  CompileOptions o;
  o.placeholders["server_ips"] = {"10.9.9.9", "10.0.0.5"};
  o.placeholders["nets"] = {"192.168.0.0/16"};
  o.placeholders["none"] = {};
  CHECK(run_ids(c.db(), single({entry("src-ip|expand", {str("%server_ips%")})}), kFirewall, o) == Ids{8});
  CHECK(run_ids(c.db(), single({entry("src-ip|cidr|expand", {str("%nets%")})}), kFirewall, o) == Ids{10});
  CHECK(run_ids(c.db(), single({entry("Message|contains|expand", {str("%server_ips%:50000")})}), kFirewall, o) ==
        Ids{8});
  CHECK(run_ids(c.db(), single({entry("src-ip|expand", {str("%none%")})}), kFirewall, o).empty());
  o.placeholders["server_ips"] = {"10.9.9.9"};
  CHECK(run_ids(c.db(), single({entry("src-ip|expand", {str("%server_ips%")})}), kFirewall, o).empty());

  Status s = compile_error(single({entry("src-ip|expand", {str("%dpm_servers%", 14)})}), kFirewall, o);
  CHECK(s.kind() == ErrorKind::usage);
  CHECK_THAT(s.message(), Catch::Contains("%dpm_servers%") && Catch::Contains("test.yml:14"));
}

TEST_CASE("compiler: null means absent or empty", "[rules][compiler]") {
  CompilerCase c;
  CHECK(run_ids(c.db(), single({entry("param4", {null_value()})}), kSystem) == Ids{1, 2, 3});
  CHECK(run_ids(c.db(), single({entry("param1", {null_value()})}), kSystem) == Ids{4});
  CHECK(run_ids(c.db(), single({entry("param1", {null_value(), str("dpmra")})}), kSystem) == Ids{1, 3, 4});
  CHECK(run_ids(c.db(), single({entry("tcpflags", {null_value()})}), kFirewall) == Ids{9, 10});
  CHECK(run_ids(c.db(), single({entry("action", {null_value()})}), kFirewall).empty());
}

TEST_CASE("compiler: keywords search the message and EventData values", "[rules][compiler]") {
  CompilerCase c;
  auto kw = [](std::vector<rules::SigmaValue> v) { return detection({keywords("keywords", std::move(v))}, {"keywords"}); };
  CHECK(run_ids(c.db(), kw({str("access is DENIED")}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), kw({str("%%5")}), kSystem) == Ids{1});  // only in EventData
  CHECK(run_ids(c.db(), kw({str("running"), str("CLSID")}), kSystem) == Ids{2, 4});
  CHECK(run_ids(c.db(), kw({str("no such text")}), kSystem).empty());
  CHECK(run_ids(c.db(), kw({str("0x800706BA")}), kErrlog) == Ids{11});
  CHECK(run_ids(c.db(), kw({str("InstallFiles")}), logsource("dpm", "msi-install")).size() == 1);
  // a keyword map with modifiers: every value, anywhere
  auto kwmap = single({entry("|contains|all", {str("DPMRA"), str("denied")})});
  CHECK(run_ids(c.db(), kwmap, kSystem) == Ids{1});
}

TEST_CASE("compiler: conditions: and, or, not, 1 of, all of, condition lists", "[rules][compiler]") {
  CompilerCase c;
  std::vector<rules::Selection> sels = {selection("sel_id", {{entry("EventID", {num(7000)})}}),
                                        selection("sel_upper", {{entry("param1|cased", {str("DPMRA")})}}),
                                        selection("filter", {{entry("param2", {str("%%5")})}})};
  CHECK(run_ids(c.db(), detection(sels, {"1 of sel_*"}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), detection(sels, {"all of sel_*"}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), detection(sels, {"all of them"}), kSystem) == Ids{1});
  CHECK(run_ids(c.db(), detection(sels, {"1 of them"}), kSystem) == Ids{1, 3});
  CHECK(run_ids(c.db(), detection(sels, {"sel_id and not sel_upper"}), kSystem) == Ids{3});
  // event 3 has no param2: `not filter` holds for it
  CHECK(run_ids(c.db(), detection(sels, {"sel_id and not filter"}), kSystem) == Ids{3});
  CHECK(run_ids(c.db(), detection(sels, {"not (sel_id or filter)"}), kSystem) == Ids{2, 4});
  CHECK(run_ids(c.db(), detection(sels, {"sel_upper", "filter"}), kSystem) == Ids{1});
  // a NULL column under `not` (tcpflags of 9 and 10) is "no match"
  std::vector<rules::Selection> fw = {selection("drop", {{entry("action", {str("DROP")})}}),
                                      selection("syn", {{entry("tcpflags", {str("S")})}})};
  CHECK(run_ids(c.db(), detection(fw, {"drop and not syn"}), kFirewall) == Ids{10});
  // a selection of several maps ORs them
  auto two_maps = detection({selection("s", {{entry("action", {str("ALLOW")})}, {entry("dst-port", {num(445)})}})},
                            {"s"});
  CHECK(run_ids(c.db(), two_maps, kFirewall) == Ids{9, 10});
}

TEST_CASE("compiler: host, window and limit restrictions; untimed rows", "[rules][compiler]") {
  CompilerCase c;
  auto any_system = single({entry("EventID", {str("*")})});
  CHECK(run_ids(c.db(), any_system, kSystem) == Ids{1, 2, 3, 4});  // untimed last
  CompileOptions o;
  o.host_ids = {2};
  CHECK(run_ids(c.db(), any_system, kSystem, o) == Ids{1, 2, 4});
  o.host_ids = {1, 2};
  o.from_us = at_s(30);
  o.to_us = at_s(120);
  CHECK(run_ids(c.db(), any_system, kSystem, o) == Ids{2, 3});  // inclusive; untimed excluded
  o.to_us.reset();
  o.from_us = at_s(61);
  CHECK(run_ids(c.db(), any_system, kSystem, o) == Ids{3});
  CompileOptions limit;
  limit.limit = 2;
  CHECK(run_ids(c.db(), any_system, kSystem, limit) == Ids{1, 2});

  // standalone tables: time and host columns from the mapping
  auto push = logsource("dpm", "push-error");
  auto all_attempts = single({entry("Target", {str("fs01")})});
  CHECK(run_ids(c.db(), all_attempts, push) == Ids{11, -1});
  CompileOptions window;
  window.from_us = at_s(0);
  CHECK(run_ids(c.db(), all_attempts, push, window) == Ids{11});
  CompileOptions other_host;
  other_host.host_ids = {2};
  CHECK(run_ids(c.db(), all_attempts, push, other_host).empty());
  // a table without a time column keeps its rows under a window
  auto rules_ls = logsource("windows", "firewall-rule");
  CHECK(run_rows(c.db(), single({entry("Direction", {str("in")})}), rules_ls, window).size() == 2);
}
