// The dump engine (parsers/evtx/evtx_dump.h) and the `pushmortem dump`
// command: XML and JSON Lines output, order independent of threads, per-file
// failures, and the command line.
#include <catch2/catch.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "parsers/evtx/evtx_dump.h"
#include "support/evtx_writer.h"
#include "support/parse_fixture.h"
#include "support/run_cli.h"

using namespace pm;
using namespace pm::test;

namespace {

std::vector<EvtxRecordSpec> records(int n, const std::string& tag) {
  std::vector<EvtxRecordSpec> out;
  for (int i = 0; i < n; ++i) {
    EvtxRecordSpec r;
    r.provider = "Service Control Manager";
    r.event_id = i % 2 ? 7036 : 7045;
    r.qualifiers = 16384;
    r.time_us = 1595600493000000LL + i * 1000000LL;
    r.data = {{"param1", EvtxValue::str(tag + " <svc> & 'q' " + std::to_string(i))},
              {"param2", EvtxValue::str(std::string(300, 'x'))},
              {"", EvtxValue::u32(static_cast<uint32_t>(i))}};
    out.push_back(std::move(r));
  }
  return out;
}

std::string dump(const std::vector<std::filesystem::path>& files, evtx::DumpFormat format, unsigned threads,
                 evtx::DumpReport* report = nullptr) {
  std::ostringstream out;
  evtx::DumpOptions o;
  o.format = format;
  o.threads = threads;
  auto r = evtx::dump_evtx(files, o, out);
  REQUIRE(r);
  if (report) *report = r.value();
  return out.str();
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("evtx dump: XML as Event Viewer writes it", "[parsers][evtx]") {
  TempFile f("System.evtx", "");
  REQUIRE(write_evtx(f.path(), "System", "fs01", records(3, "a")));
  std::string xml = dump({f.path()}, evtx::DumpFormat::xml, 1);
  CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<Events>\n", 0) == 0);
  CHECK(xml.size() > 10);
  CHECK(xml.substr(xml.size() - 10) == "</Events>\n");
  CHECK(count(xml, "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>") == 3);
  CHECK(count(xml, "</Event>\n") == 3);
  CHECK(xml.find("<Data Name='param1'>a &lt;svc&gt; &amp; &apos;q&apos; 0</Data>") != std::string::npos);
  CHECK(xml.find("<EventID Qualifiers='16384'>7045</EventID>") != std::string::npos);
  CHECK(xml.find("<TimeCreated SystemTime='2020-07-24T14:21:33.0000000Z'/>") != std::string::npos);
  CHECK(xml.find("<Data>0</Data>") != std::string::npos);  // unnamed Data
  CHECK(xml.find("<Computer>fs01</Computer>") != std::string::npos);
}

TEST_CASE("evtx dump: JSON Lines, one object per record", "[parsers][evtx]") {
  TempFile f("System.evtx", "");
  REQUIRE(write_evtx(f.path(), "System", "fs01", records(2, "b")));
  std::string jsonl = dump({f.path()}, evtx::DumpFormat::jsonl, 2);
  REQUIRE(count(jsonl, "\n") == 2);
  std::string first = jsonl.substr(0, jsonl.find('\n'));
  CHECK(first.rfind("{\"record_id\":1,\"time\":\"2020-07-24T14:21:33.0000000Z\",\"event_id\":7045,\"qualifiers\":16384,",
                    0) == 0);
  CHECK(first.find("\"provider\":\"Service Control Manager\"") != std::string::npos);
  CHECK(first.find("\"channel\":\"System\",\"computer\":\"fs01\"") != std::string::npos);
  CHECK(first.find("\"data_kind\":\"EventData\",\"data\":{\"param1\":\"b <svc> & 'q' 0\",") != std::string::npos);
  CHECK(first.find("\"Data[3]\":\"0\"}") != std::string::npos);
  CHECK(first.find("\"recovered\":false,\"offset\":4608}") != std::string::npos);
}

TEST_CASE("evtx dump: the same output with any number of threads, files in order", "[parsers][evtx]") {
  TempFile a("a.evtx", ""), b("b.evtx", "");
  auto ia = write_evtx(a.path(), "System", "h1", records(700, "first"));
  auto ib = write_evtx(b.path(), "Application", "h2", records(500, "second"));
  REQUIRE(ia);
  REQUIRE(ib);
  REQUIRE(ia->chunks > 3);
  std::vector<std::filesystem::path> files{a.path(), b.path()};
  evtx::DumpReport report;
  std::string one = dump(files, evtx::DumpFormat::jsonl, 1);
  std::string two = dump(files, evtx::DumpFormat::jsonl, 2, &report);
  std::string many = dump(files, evtx::DumpFormat::jsonl, 7);
  CHECK(one == two);
  CHECK(one == many);
  CHECK(count(one, "\n") == 1200);
  CHECK(report.records_written == 1200);
  CHECK(report.total.records == 1200);
  CHECK(report.files.size() == 2);
  CHECK(report.files[0].stats.records == 700);
  CHECK(report.files[1].stats.chunks == static_cast<uint64_t>(ib->chunks));
  CHECK(one.find("first <svc> & 'q' 699") < one.find("second <svc> & 'q' 0"));
  CHECK(dump(files, evtx::DumpFormat::xml, 1) == dump(files, evtx::DumpFormat::xml, 2));
}

TEST_CASE("evtx dump: a file that is not EVTX fails alone", "[parsers][evtx]") {
  TempFile good("good.evtx", "");
  REQUIRE(write_evtx(good.path(), "System", "h", records(2, "g")));
  TempFile bad("bad.evtx", "hello");
  evtx::DumpReport report;
  std::string out = dump({bad.path(), good.path(), "/nonexistent.evtx"}, evtx::DumpFormat::jsonl, 2, &report);
  CHECK(count(out, "\n") == 2);
  REQUIRE(report.files.size() == 3);
  CHECK_FALSE(report.files[0].status);
  CHECK(report.files[0].status.kind() == ErrorKind::bad_input);
  CHECK(report.files[1].status);
  CHECK_FALSE(report.files[2].status);
}

TEST_CASE("evtx dump: a set cancel flag interrupts", "[parsers][evtx]") {
  TempFile f("x.evtx", "");
  REQUIRE(write_evtx(f.path(), "System", "h", records(5, "c")));
  std::atomic<bool> cancel{true};
  std::ostringstream out;
  evtx::DumpOptions o;
  o.cancel = &cancel;
  auto r = evtx::dump_evtx({f.path()}, o, out);
  REQUIRE_FALSE(r);
  CHECK(r.status().kind() == ErrorKind::interrupted);
}

TEST_CASE("evtx dump: the pushmortem dump command", "[parsers][evtx]") {
  if (!std::filesystem::exists(binary_path())) {
    WARN("pushmortem is not built (" << binary_path().string() << "): build the pushmortem target to run this");
    return;
  }
  TempFile f("System.evtx", "");
  REQUIRE(write_evtx(f.path(), "System", "fs01", records(4, "cli")));
  std::string bin = quote(binary_path().string());
  auto r = run_command(bin + " dump " + quote(f.path().string()) + " --format jsonl");
  CHECK(r.exit_code == 0);
  CHECK(count(r.out, "\n") == 4);
  CHECK(r.err.find("dumped 4 records from 1 file") != std::string::npos);
  // A folder stands for the EVTX files under it; -o writes a file.
  auto out = f.path().parent_path() / "out.xml";
  r = run_command(bin + " dump " + quote(f.path().parent_path().string()) + " --format xml -o " + quote(out.string()));
  CHECK(r.exit_code == 0);
  CHECK(count(read_bytes(out), "<Event xmlns=") == 4);
  // Some inputs unreadable: exit 1, the rest dumped; none readable: exit 3.
  TempFile junk("junk.evtx", "junk");
  r = run_command(bin + " dump " + quote(junk.path().string()) + " " + quote(f.path().string()));
  CHECK(r.exit_code == 1);
  CHECK(count(r.out, "<Event xmlns=") == 4);
  r = run_command(bin + " dump " + quote(junk.path().string()));
  CHECK(r.exit_code == 3);
  r = run_command(bin + " dump --format csv " + quote(f.path().string()));
  CHECK(r.exit_code == 2);
  r = run_command(bin + " dump --help");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("pushmortem dump System.evtx --format xml") != std::string::npos);
}
