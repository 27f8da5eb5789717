// Differential test of the EVTX reader against python-evtx and evtxexport
// (libevtx) over every file in ../shared/corpus/evtx (recursively).
//
// For every record a reference tool reads (tests/tools/evtx_reference.py
// prints them normalized), pushmortem must have read a record with the same
// EventRecordID, the same EventID, TimeCreated in the same second (or within
// 1 us: python-evtx rounds to microseconds) and the same EventData/UserData
// values, and on every file pushmortem must store at least as many records
// as the better of the two tools.
//
// Values are compared after dropping empty ones (python-evtx shows a null
// optional substitution as an empty element, evtxexport and Event Viewer
// leave it out) and with these equivalences, because the tools format some
// types differently: equal ignoring case (GUIDs, True/False); equal as
// integers when one is 0x-hex (HexInt zero padding, SizeT in decimal); hex
// bytes equal to base64 bytes (python-evtx writes binary as base64); equal
// as numbers within 1e-6 (floats); timestamps equal to the second. Control
// characters are dropped on both sides and whitespace runs collapsed.
// Where the two tools disagree on a record's values, pushmortem must agree
// with one of them (python-evtx misreads some records, e.g. EventLog 6013 in
// edge-cases/system.evtx; the test reports how many).
//
// Runs when ../shared/corpus exists and /usr/bin/python3 (module Evtx, Debian
// python3-evtx) and /usr/bin/evtxexport (libevtx-utils) are installed; else
// it warns and returns. PM_EVTX_PYTHON_MAX_BYTES=N limits python-evtx (slow:
// about 3 s per MB) to files of at most N bytes; evtxexport reads them all.
// Per-file counts are printed to standard output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "parsers/core/time_util.h"
#include "parsers/evtx/evtx_parser.h"
#include "support/parse_fixture.h"
#include "support/run_cli.h"

using namespace pm;
using namespace pm::test;

namespace {

struct RefRecord {
  std::string rid, eid, time;
  bool partial = false;  // evtxexport wrote broken XML after <System>: values unknown
  std::vector<std::pair<std::string, std::string>> data;
};

struct RefOutput {
  bool ran = false;
  std::vector<RefRecord> records;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t p = 0;
  for (;;) {
    size_t q = s.find(sep, p);
    out.push_back(s.substr(p, q == std::string::npos ? std::string::npos : q - p));
    if (q == std::string::npos) break;
    p = q + 1;
  }
  return out;
}

RefOutput parse_reference(const CommandResult& r) {
  RefOutput out;
  out.ran = r.exit_code == 0 && r.out.find("# records=") != std::string::npos;
  for (const std::string& line : split(r.out, '\n')) {
    if (line.empty() || line[0] == '#') continue;
    auto f = split(line, '\t');
    if (f.size() < 3) continue;
    RefRecord rec{f[0], f[1], f[2], false, {}};
    if (f.size() == 4 && f[3] == "#partial") rec.partial = true;
    else
      for (size_t i = 3; i < f.size(); ++i) {
        size_t eq = f[i].find('=');
        rec.data.emplace_back(f[i].substr(0, eq), eq == std::string::npos ? "" : f[i].substr(eq + 1));
      }
    out.records.push_back(std::move(rec));
  }
  return out;
}

std::string normalize(const std::string& v) {
  std::string out;
  bool space = false;
  for (unsigned char c : v) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (c < 0x20 || c == 0x7F) continue;
    if (space) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

bool as_integer(const std::string& s, unsigned long long& v) {
  if (s.empty()) return false;
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  size_t i = hex ? 2 : 0;
  for (size_t k = i; k < s.size(); ++k)
    if (!(hex ? std::isxdigit(static_cast<unsigned char>(s[k])) : std::isdigit(static_cast<unsigned char>(s[k]))))
      return false;
  if (i == s.size()) return false;
  v = std::strtoull(s.c_str() + i, nullptr, hex ? 16 : 10);
  return true;
}

std::string base64_decode(const std::string& s, bool& ok) {
  static const std::string chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  ok = !s.empty() && s.size() % 4 == 0;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (!ok || c == '=') break;
    size_t p = chars.find(c);
    if (p == std::string::npos) {
      ok = false;
      break;
    }
    acc = (acc << 6) | static_cast<uint32_t>(p);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

bool is_timestamp(const std::string& s) {
  return s.size() >= 19 && std::isdigit(static_cast<unsigned char>(s[0])) && s[4] == '-' && s[7] == '-' &&
         (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[16] == ':';
}

bool equivalent(const std::string& ours, const std::string& ref) {
  if (ours == ref || iequals(ours, ref)) return true;
  unsigned long long a, b;
  bool hex = ours.rfind("0x", 0) == 0 || ref.rfind("0x", 0) == 0;
  if (hex && as_integer(ours, a) && as_integer(ref, b)) return a == b;
  if (ours.size() % 2 == 0 && std::all_of(ours.begin(), ours.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    bool ok;
    std::string bytes = base64_decode(ref, ok);
    if (ok && bytes.size() * 2 == ours.size()) {
      std::string h;
      static const char* digits = "0123456789ABCDEF";
      for (unsigned char c : bytes) {
        h.push_back(digits[c >> 4]);
        h.push_back(digits[c & 15]);
      }
      if (iequals(h, ours)) return true;
    }
  }
  char* e1;
  char* e2;
  double x = std::strtod(ours.c_str(), &e1), y = std::strtod(ref.c_str(), &e2);
  if (!ours.empty() && !ref.empty() && *e1 == 0 && *e2 == 0)
    return std::fabs(x - y) <= 1e-6 * std::max(1.0, std::fabs(x));
  if (is_timestamp(ours) && is_timestamp(ref)) {
    auto t = [](std::string s) {
      s[10] = 'T';
      return s.substr(0, 19);
    };
    return t(ours) == t(ref);
  }
  return false;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs comparable(const Pairs& in) {
  Pairs out;
  for (const auto& [n, v] : in) {
    std::string value = normalize(v);
    if (value.empty()) continue;
    out.emplace_back(n.rfind("Data[", 0) == 0 ? "Data[*]" : n, value);
  }
  return out;
}

// Why ours does not match ref ("" when it does).
std::string mismatch(const WinEventRow& r, const EventRow& e, const RefRecord& ref, bool check_data) {
  if (e.event_code != ref.eid) return "EventID " + e.event_code + " vs " + ref.eid;
  auto ref_us = parse_iso8601_us(ref.time);
  if (!ref_us || !e.time_us) return "time ? vs " + ref.time;
  int64_t a = *e.time_us, b = *ref_us;
  auto floor_div = [](int64_t v) { return v >= 0 ? v / 1000000 : -((-v + 999999) / 1000000); };
  if (floor_div(a) != floor_div(b) && std::llabs(a - b) > 1) return "time " + format_iso8601_us(a) + " vs " + ref.time;
  if (!check_data || ref.partial) return "";
  Pairs ours = comparable(r.data), theirs = comparable(ref.data);
  for (size_t i = 0; i < std::max(ours.size(), theirs.size()); ++i) {
    if (i >= ours.size()) return "missing " + theirs[i].first + "=" + theirs[i].second;
    if (i >= theirs.size()) return "extra " + ours[i].first + "=" + ours[i].second;
    if (ours[i].first != theirs[i].first || !equivalent(ours[i].second, theirs[i].second))
      return "data " + ours[i].first + "=" + ours[i].second.substr(0, 200) + " vs " + theirs[i].first + "=" +
             theirs[i].second.substr(0, 200);
  }
  return "";
}

bool tool_available() {
  if (!std::filesystem::exists("/usr/bin/python3") || !std::filesystem::exists("/usr/bin/evtxexport")) return false;
  return run_command("/usr/bin/python3 -c 'import Evtx.Evtx' >/dev/null").exit_code == 0;
}

}  // namespace

TEST_CASE("evtx differential: every record python-evtx or evtxexport reads, pushmortem reads the same",
          "[parsers][evtx][differential]") {
  if (!have_shared_corpus()) {
    WARN("../shared/corpus is absent: EVTX differential test skipped");
    return;
  }
  if (!tool_available()) {
    WARN("/usr/bin/python3 with python3-evtx or /usr/bin/evtxexport is missing: EVTX differential test skipped");
    return;
  }
  auto script = std::filesystem::path(PM_TESTDATA_DIR).parent_path() / "tests/tools/evtx_reference.py";
  REQUIRE(std::filesystem::exists(script));
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(shared_dir() / "corpus/evtx"))
    if (e.is_regular_file() && e.path().extension() == ".evtx") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE_FALSE(files.empty());
  uint64_t python_max = UINT64_MAX;
  if (const char* m = std::getenv("PM_EVTX_PYTHON_MAX_BYTES")) python_max = std::strtoull(m, nullptr, 10);

  // Both references for every file, two subprocesses at a time (python-evtx is slow).
  std::vector<RefOutput> refs(files.size() * 2);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t job; (job = next++) < refs.size();) {
      const auto& file = files[job / 2];
      bool python = job % 2 == 0;
      if (python && std::filesystem::file_size(file) > python_max) continue;
      auto r = run_command("/usr/bin/python3 " + quote(script.string()) + (python ? " python " : " evtxexport ") +
                           quote(file.string()));
      refs[job] = parse_reference(r);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < 2; ++t) pool.emplace_back(work);
  for (auto& t : pool) t.join();

  std::cout << "EVTX differential: stored (recovered, rejected) by pushmortem vs records read by python-evtx and "
               "evtxexport -m all\n";
  int64_t total[3] = {0, 0, 0};
  size_t disagreements = 0, python_skipped = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string rel = std::filesystem::relative(files[i], shared_dir() / "corpus/evtx").string();
    INFO("file " << rel);
    TestSource src(files[i]);
    CollectingSink sink;
    auto parsed = EvtxParser().parse(src.ref, sink);
    REQUIRE(parsed);
    const ParseCounts& counts = parsed.value();
    std::multimap<std::string, size_t> by_id;
    int64_t recovered = 0;
    for (size_t k = 0; k < sink.win_events.size(); ++k) {
      const Value& id = sink.win_events[k].record_id;
      by_id.emplace(std::holds_alternative<int64_t>(id) ? std::to_string(std::get<int64_t>(id)) : "", k);
      recovered += sink.win_events[k].recovered;
    }
    const RefOutput& py = refs[2 * i];
    const RefOutput& ex = refs[2 * i + 1];
    if (!py.ran) ++python_skipped;
    CHECK(ex.ran);
    auto matches = [&](const RefRecord& ref, bool check_data, std::string* why) {
      auto [b, e] = by_id.equal_range(ref.rid);
      if (b == e && why) *why = "no record with EventRecordID " + ref.rid;
      for (auto it = b; it != e; ++it) {
        std::string w = mismatch(sink.win_events[it->second], sink.events[it->second], ref, check_data);
        if (w.empty()) return true;
        if (why) *why = w;
      }
      return false;
    };
    // ref records of the other tool, by id and event id, to settle disagreements.
    auto other_agrees = [&](const RefOutput& other, const RefRecord& ref) {
      for (const auto& o : other.records)
        if (o.rid == ref.rid && o.eid == ref.eid && matches(o, true, nullptr)) return true;
      return false;
    };
    for (int tool = 0; tool < 2; ++tool) {
      const RefOutput& mine = tool == 0 ? py : ex;
      const RefOutput& other = tool == 0 ? ex : py;
      int failures = 0;
      for (const auto& ref : mine.records) {
        if (ref.rid.empty()) continue;  // the tool printed a record without an id: nothing to compare
        std::string why;
        if (matches(ref, true, &why)) continue;
        if (matches(ref, false, nullptr) && other_agrees(other, ref)) {
          ++disagreements;
          continue;
        }
        if (++failures <= 3)
          FAIL_CHECK((tool == 0 ? "python-evtx" : "evtxexport") << " record " << ref.rid << " (event " << ref.eid
                                                                << "): " << why);
      }
      CHECK(failures == 0);
    }
    int64_t best = static_cast<int64_t>(std::max(py.records.size(), ex.records.size()));
    CHECK(counts.rows_stored >= best);
    total[0] += counts.rows_stored;
    total[1] += static_cast<int64_t>(py.records.size());
    total[2] += static_cast<int64_t>(ex.records.size());
    std::cout << "  " << rel << ": pushmortem " << counts.rows_stored << " (" << recovered << " recovered, "
              << counts.rows_rejected << " rejected), python-evtx "
              << (py.ran ? std::to_string(py.records.size()) : std::string("-")) << ", evtxexport "
              << ex.records.size() << "\n";
  }
  std::cout << "  total: pushmortem " << total[0] << ", python-evtx " << total[1] << ", evtxexport " << total[2]
            << "; records where the tools disagree and pushmortem agrees with one: " << disagreements
            << (python_skipped ? "; python-evtx skipped on " + std::to_string(python_skipped) + " files" : "")
            << "\n";
}
