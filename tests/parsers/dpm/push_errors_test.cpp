// Tests for the console/PowerShell push error parser
// (parsers/dpm/push_errors_parser.cpp, push_error_lines.cpp). Fixtures:
// testdata/push-errors/<case>.txt with golden dumps <case>.expected (counts
// line + pm::test::dump_rows); PM_UPDATE_GOLDEN=1 rewrites them: review the diff.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "parsers/dpm/push_error_lines.h"
#include "parsers/dpm/push_errors_parser.h"
#include "support/parse_fixture.h"
#include "tests/parsers/dpm/sniff_everything.h"

namespace {

namespace fs = std::filesystem;
using pm::test::Parsed;

const pm::PushErrorsParser& parser() {
  static const pm::PushErrorsParser p;
  return p;
}

fs::path fixture(const std::string& name) { return pm::test::testdata("push-errors/" + name); }
fs::path bundle_file() { return pm::test::testdata("bundles/kb2981833/dpm01.contoso.com/dpm01-console-errors.txt"); }

// parse_file's checks; every event is an untimed push error.
Parsed parse(const fs::path& file) {
  Parsed p = pm::test::parse_file(parser(), file);
  INFO(file.string() << ": " << pm::test::counts_line(p.counts));
  CHECK(p.sink.events.size() == p.sink.push_errors.size());
  CHECK(p.sink.msi_lines.empty());
  for (const auto& e : p.sink.events) {
    CHECK_FALSE(e.time_us);
    CHECK(e.host.empty());
    CHECK(e.level == pm::Level::error);
  }
  return p;
}

void counts(const Parsed& p, int64_t read, int64_t stored, int64_t rejected, int64_t headers) {
  INFO(pm::test::counts_line(p.counts));
  CHECK(p.counts.units_read == read);
  CHECK(p.counts.rows_stored == stored);
  CHECK(p.counts.rows_rejected == rejected);
  CHECK(p.counts.header_units == headers);
}

int64_t id(const pm::PushErrorRow& r) {
  REQUIRE(std::holds_alternative<int64_t>(r.error_id));
  return std::get<int64_t>(r.error_id);
}

// "id hresult source target" per row, in file order.
std::vector<std::string> summary(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& r : p.sink.push_errors)
    out.push_back(std::to_string(id(r)) + " " + r.hresult + " " + r.hresult_source + " " + r.target_host);
  return out;
}

}  // namespace

TEST_CASE("push errors: every fixture matches its golden dump", "[parsers][push-errors]") {
  auto files = pm::test::fixture_inputs({"push-errors"}, ".txt");
  REQUIRE(files.size() >= 4);
  for (const auto& f : files) {
    INFO(f.filename().string());
    pm::test::check_golden(parse(f), f);
  }
}

TEST_CASE("push errors: the sample bundle's console text gives 347 then 319", "[parsers][push-errors]") {
  Parsed p = parse(bundle_file());
  counts(p, 11, 2, 0, 9);
  CHECK(summary(p) == std::vector<std::string>{"347 0x80010119 catalog fs01.contoso.com",
                                               "319 0x800706BA text fs01.contoso.com"});
  CHECK(p.sink.events[0].location == 1);
  CHECK(p.sink.events[1].location == 6);
  CHECK(p.sink.events[1].event_code == "319");
  CHECK(p.sink.events[1].message == "Error 319 on fs01.contoso.com: The RPC server is unavailable (0x800706BA)");
  CHECK(p.sink.push_errors[1].operation == "Install protection agent");
  CHECK(p.sink.push_errors[1].form == "console");
  CHECK(p.sink.push_errors[1].last_line == 11);
  CHECK(p.sink.push_errors[0].last_line == 4);
}

TEST_CASE("push errors: blocks with blank lines, numbered steps, with and without hex codes", "[parsers][push-errors]") {
  Parsed p = parse(fixture("console_blocks.txt"));
  counts(p, 19, 3, 0, 16);
  CHECK(summary(p) == std::vector<std::string>{"319 0x800706BA text fs01.contoso.com",
                                               "347 0x8007041D text sql02.contoso.com",
                                               "347 0x80010119 catalog app03.contoso.com"});
  // A step after a blank line still belongs to the recommended action.
  CHECK(p.sink.push_errors[0].recommended_action ==
        "1) Verify that fs01.contoso.com is remotely accessible from the DPM server.\n"
        "2) If a firewall is enabled on fs01.contoso.com, make sure that it is not blocking requests from the DPM "
        "server.\n3) Retry the operation.");
  CHECK(p.sink.push_errors[0].last_line == 8);
  CHECK(p.sink.events[2].message ==
        "Error 347 on app03.contoso.com: Security must be initialized before any interfaces are marshalled or "
        "unmarshalled. It cannot be changed one initialized. (0x80010119)");
}

TEST_CASE("push errors: blocks back to back (UTF-16LE), other operations, details over two lines",
          "[parsers][push-errors]") {
  Parsed p = parse(fixture("back_to_back_utf16.txt"));
  counts(p, 18, 4, 0, 14);
  CHECK(summary(p) == std::vector<std::string>{"310 0x80070005 catalog fs01.contoso.com",
                                               "349 0x80070035 catalog HV01",
                                               "342 0x800706BE text web05.contoso.com",
                                               "370 0x8007052E catalog 10.0.0.44"});
  std::vector<std::string> ops;
  for (const auto& r : p.sink.push_errors) ops.push_back(r.operation);
  CHECK(ops == std::vector<std::string>{"Uninstall protection agent", "Update protection agent", "",
                                        "Attach protection agent"});
  CHECK(p.sink.push_errors[1].details.find("\nThe network path was not found.") != std::string::npos);
  // The details name the DPM server's coordinator folder: this file comes from a DPM 2019 server.
  CHECK(pm::test::facts(p.sink, "dpm_role") == std::vector<std::string>{"server"});
  CHECK(pm::test::facts(p.sink, "dpm_version") == std::vector<std::string>{"10.19.58.0"});
  CHECK(pm::test::facts(p.sink, "agent_coordinator_path") ==
        std::vector<std::string>{
            R"(C:\Program Files\Microsoft System Center\DPM\DPM\ProtectionAgents\AC\10.19.58.0\dpmac.exe)"});
}

TEST_CASE("push errors: the alert form, alone and embedded, two in one line", "[parsers][push-errors]") {
  Parsed p = parse(fixture("alerts.txt"));
  counts(p, 4, 3, 0, 1);  // three lines hold four alerts
  CHECK(summary(p) == std::vector<std::string>{"347 0x80010119 catalog fs02.contoso.com",
                                               "319 0x800706BA text web04.contoso.com",
                                               "347 0x8007041D text FS05", "319 0x800706D9 text FS05"});
  for (const auto& r : p.sink.push_errors) CHECK(r.form == "alert");
  CHECK(p.sink.push_errors[0].operation == "Install protection agent");
  CHECK(p.sink.push_errors[1].details == "The RPC server is unavailable (0x800706BA)");
  CHECK(p.sink.events[3].location == 4);
}

TEST_CASE("push errors: garbage is rejected line by line with a reason", "[parsers][push-errors]") {
  Parsed p = parse(fixture("garbage.txt"));
  counts(p, 14, 1, 6, 7);
  CHECK(summary(p) == std::vector<std::string>{"308 0x8007274C text fs10.contoso.com"});
  std::vector<int64_t> lines;
  for (const auto& r : p.sink.rejects) lines.push_back(r.location);
  CHECK(lines == std::vector<int64_t>{1, 2, 3, 12, 13, 14});
  CHECK(p.sink.rejects[1].reason == "push error block without an 'Error NNN:' line");
  CHECK(p.sink.rejects[3].reason.find("not part of a push error block") != std::string::npos);
  CHECK(p.sink.push_errors[0].recommended_action ==
        "1) Verify that fs10.contoso.com is remotely accessible from the DPM server.\n"
        "2) Restart the DPM Protection Agent service on fs10.contoso.com.");
}

TEST_CASE("push errors: sniffing claims console errors and nothing else", "[parsers][push-errors]") {
  int mine = pm::test::sniff_everything(parser(), [](const std::string& rel) {
    // console text in bundles and rule-engine fixtures is named *console-errors.txt
    return rel.rfind("push-errors/", 0) == 0 || rel.ends_with("console-errors.txt");
  });
  CHECK(mine >= 5);
}

TEST_CASE("push errors: a missing file fails, a cancelled parse stops", "[parsers][push-errors]") {
  pm::test::check_open_fails(parser(), fixture("no_such_file.txt"));
  pm::test::TempFile big("errors.txt", pm::test::repeated("Error 319: x on fs01.\nError details: y (0x800706BA)\n", 3000));
  pm::test::check_cancelled(parser(), big);
}

TEST_CASE("push error lines: shapes", "[parsers][push-errors]") {
  using namespace pm::push;
  auto s = parse_start_line("Install protection agent on fs01.contoso.com failed:");
  REQUIRE(s);
  CHECK(s->operation == "Install protection agent");
  CHECK(s->host == "fs01.contoso.com");
  CHECK_FALSE(parse_start_line("Installation of fs01 failed:"));
  CHECK_FALSE(parse_start_line("The install on this server failed because of x:"));
  CHECK(parse_error_line("Error 319: text")->id == 319);
  CHECK_FALSE(parse_error_line("Error 1920. Service failed"));
  CHECK(is_step("3) Retry."));
  CHECK(is_step("12. Retry."));
  CHECK_FALSE(is_step("2020 was a year"));
  auto a = find_alerts("x (ID 347 Details: a (b) c (0x80010119)) y");
  REQUIRE(a.size() == 1);
  CHECK(a[0].details == "a (b) c (0x80010119)");
  CHECK(host_after_on("the service on the server") == "");
  CHECK(host_after_on("communicate with web05.contoso.com.") == "web05.contoso.com");
  CHECK(hex_hresult_in("failed (0x800706be) and 0x1234") == "0x800706BE");
  CHECK(hex_hresult_in("token0x800706BA") == "");
  CHECK(without_hresult_suffix("The RPC server is unavailable (0x800706BA)") == "The RPC server is unavailable");
}
