// End-to-end tests of `pushmortem catalog` through the real binary.
#include <catch2/catch.hpp>

#include <string>

#include "support/run_cli.h"

using namespace pm::test;

namespace {

size_t count_lines(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("catalog lookup explains an HRESULT in every spelling", "[cli][catalog]") {
  for (const char* v : {"0x800706BA", "800706BA", "0x800706ba", "-2147023174"}) {
    INFO(v);
    auto r = run_pm("catalog lookup " + quote(v));
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("HRESULT 0x800706BA RPC_S_SERVER_UNAVAILABLE") == 0);
    CHECK(r.out.find("message: The RPC server is unavailable.") != std::string::npos);
    CHECK(r.out.find("win32: 1722 (0x6BA)") != std::string::npos);
    CHECK(r.out.find("decimal: -2147023174") != std::string::npos);
  }
}

TEST_CASE("catalog lookup of a number: DPM error id, Win32 error", "[cli][catalog]") {
  auto dpm = run_pm("catalog lookup 319");
  REQUIRE(dpm.exit_code == 0);
  CHECK(dpm.out.find("DPM error 319") == 0);
  CHECK(dpm.out.find("communication error with the DPM Agent Coordinator service") != std::string::npos);
  CHECK(dpm.out.find("HRESULT") == std::string::npos);  // Win32 319 is not in the catalog

  auto win32 = run_pm("catalog lookup 1722");
  REQUIRE(win32.exit_code == 0);
  CHECK(win32.out.find("HRESULT 0x800706BA RPC_S_SERVER_UNAVAILABLE") == 0);
  CHECK(win32.out.find("matched by: Win32 error 1722 (HRESULT_FROM_WIN32)") != std::string::npos);

  auto json = run_pm("catalog lookup 347 --format json");
  REQUIRE(json.exit_code == 0);
  CHECK(json.out.find(R"({"query":"347","matches":[{"kind":"dpm-error","title":"DPM error 347")") == 0);
}

TEST_CASE("catalog lookup of a message text, with DPM's typo", "[cli][catalog]") {
  auto r = run_pm("catalog lookup " +
                  quote("Security must be initialized before any interfaces are marshalled or unmarshalled. It "
                        "cannot be changed one initialized."));
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("HRESULT 0x80010119 RPC_E_TOO_LATE") == 0);
  CHECK(r.out.find("matched by: message text") != std::string::npos);
  auto lower = run_pm("catalog lookup " + quote("the rpc server is unavailable"));
  CHECK(lower.out.find("HRESULT 0x800706BA") == 0);
}

TEST_CASE("catalog lookup of a version names its release", "[cli][catalog]") {
  auto r = run_pm("catalog lookup 10.19.58.0");
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("DPM 2019 (10.19.58.0)") == 0);
  CHECK(r.out.find("basis: exact build (RTM)") != std::string::npos);
}

TEST_CASE("catalog lookup of nothing known fails with a reason", "[cli][catalog]") {
  auto r = run_pm("catalog lookup " + quote("no such thing at all"));
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK(r.err.find("nothing in the catalogs matches 'no such thing at all'") != std::string::npos);
  auto usage = run_pm("catalog lookup");
  CHECK(usage.exit_code == 2);
  auto none = run_pm("catalog");
  CHECK(none.exit_code == 2);
}

TEST_CASE("catalog lists: table, csv and json agree on the entries", "[cli][catalog]") {
  for (const char* which : {"errors", "hresults", "versions", "ports"}) {
    INFO(which);
    auto csv = run_pm(std::string("catalog ") + which + " --format csv");
    auto json = run_pm(std::string("catalog ") + which + " --format json");
    auto table = run_pm(std::string("catalog ") + which);
    REQUIRE(csv.exit_code == 0);
    REQUIRE(json.exit_code == 0);
    REQUIRE(table.exit_code == 0);
    size_t rows = count_lines(csv.out) - 1;  // no field holds a line break
    CHECK(rows >= 6);
    CHECK(count_lines(json.out) == rows + 2);  // "[", one object a line, "]"
    CHECK(count_lines(table.out) == rows + 3);  // header, rule, rows, totals line
    CHECK(table.out.find(std::to_string(rows) + " entries; sources:") != std::string::npos);
  }
  auto h = run_pm("catalog hresults --format csv");
  CHECK(h.out.find("hresult,win32,symbol,message,also_seen_as\r\n") == 0);
  CHECK(h.out.find("0x800706BA,1722,RPC_S_SERVER_UNAVAILABLE,The RPC server is unavailable.,\r\n") != std::string::npos);
  auto e = run_pm("catalog errors --format json");
  CHECK(e.out.find(R"({"id":354,"kind":"other",)") != std::string::npos);
  auto p = run_pm("catalog ports --format csv");
  CHECK(p.out.find("5718,TCP,") != std::string::npos);
  CHECK(p.out.find("Sources disagree") != std::string::npos);
  auto bad = run_pm("catalog ports --format xml");
  CHECK(bad.exit_code == 2);
}

TEST_CASE("catalog --help shows examples", "[cli][catalog]") {
  auto r = run_pm("catalog lookup --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("pushmortem catalog lookup 0x800706BA") != std::string::npos);
  auto c = run_pm("catalog --help");
  CHECK(c.out.find("Examples:") != std::string::npos);
}
