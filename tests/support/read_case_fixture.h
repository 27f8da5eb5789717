// A small hand-made case for the read-side tests (db/reader, query,
// sources, timeline, export): two hosts with NetBIOS, FQDN and IP aliases,
// two firewall logs and a skipped file, timed and untimed events, a tie in
// time, NULL detail columns and awkward text. Built with plain SQL INSERTs
// in a fresh temporary folder that is removed afterwards.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>

#include "db/case_db.h"
#include "parsers/core/time_util.h"

namespace pm::test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    auto base = std::filesystem::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
      path_ = base / ("pm_read_test_" + std::to_string(std::random_device{}()) + "_" + std::to_string(counter++));
      if (std::filesystem::create_directory(path_)) return;
    }
    throw std::runtime_error("cannot create a temporary folder");
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline int64_t iso_us(const char* text) {
  auto us = parse_iso8601_us(text);
  if (!us) throw std::runtime_error(std::string("bad time in test: ") + text);
  return *us;
}

// Event ids and what they are:
//   1  FS01   fs01/pfirewall.log:6   2021-06-22T10:19:41Z  DROP   (detail: NULL tcpflags, pid, ...)
//   2  DPM01  dpm01/pfirewall.log:5  2021-06-22T09:00:00Z  ALLOW
//   3  FS01   fs01/pfirewall.log:7   2021-06-23T00:00:00Z  DROP   (next day)
//   4  DPM01  dpm01/pfirewall.log:3  untimed               INFO-EVENTS-LOST
//   5  DPM01  dpm01/pfirewall.log:8  2021-06-22T10:19:41Z  ALLOW  (same time as 1; message with , " and newline)
//   6  FS01   fs01/pfirewall.log:2   untimed               (no code)
// Source 3 (dpm01/readme.txt) was skipped. DPM01's zone was unknown (UTC assumed).
inline std::string read_case_sql() {
  std::string t1 = std::to_string(iso_us("2021-06-22T10:19:41Z"));
  std::string t2 = std::to_string(iso_us("2021-06-22T09:00:00Z"));
  std::string t3 = std::to_string(iso_us("2021-06-23T00:00:00Z"));
  return R"(
INSERT INTO hosts(host_id, name, fqdn, netbios, domain, time_zone) VALUES
  (1, 'FS01', 'fs01.contoso.com', 'FS01', 'contoso.com', 'Europe/Berlin'),
  (2, 'DPM01', NULL, 'DPM01', NULL, NULL);
INSERT INTO host_aliases(alias, host_id, kind, source_id) VALUES
  ('FS01', 1, 'netbios', 1), ('fs01.contoso.com', 1, 'fqdn', 1), ('10.0.0.10', 1, 'ip', 1),
  ('DPM01', 2, 'netbios', 2), ('10.0.0.5', 2, 'ip', 2);
INSERT INTO sources(source_id, bundle, path, sha256, size, status, status_reason, format, sniff_score, sniff_reason,
                    encoding, host_id, host_reason, time_zone, time_zone_reason, unit, units_read, rows_stored,
                    rows_rejected, header_units, first_time_us, last_time_us, ingested_at) VALUES
  (1, '/evidence', 'fs01/pfirewall.log', 'aa', 1000, 'ingested', NULL, 'pfirewall', 95, '#Version/#Fields header',
   'UTF-8', 1, 'folder name', 'Europe/Berlin', 'host facts (systeminfo fs01/systeminfo.txt:25)', 'line', 9, 3, 0, 6,
   )" + t1 + ", " + t3 + R"(, '2024-01-01T00:00:00Z'),
  (2, '/evidence', 'dpm01/pfirewall.log', 'bb', 900, 'ingested', NULL, 'pfirewall', 95, '#Version/#Fields header',
   'UTF-8', 2, 'folder name', 'UTC', 'unknown: UTC assumed', 'line', 10, 3, 1, 6, )" + t2 + ", " + t1 + R"(,
   '2024-01-01T00:00:00Z'),
  (3, '/evidence', 'dpm01/readme.txt', 'cc', 10, 'skipped', 'no parser recognised the content', NULL, NULL, NULL,
   'UTF-8', 2, 'folder name', NULL, NULL, NULL, 0, 0, 0, 0, NULL, NULL, '2024-01-01T00:00:00Z');
INSERT INTO events(event_id, time_us, host_id, source_id, format, event_code, level, message, location, byte_offset,
                   flags) VALUES
  (1, )" + t1 + R"(, 1, 1, 'pfirewall', 'DROP', 'info', 'DROP TCP 10.0.0.5:50432 -> 10.0.0.10:135', 6, 400, 0),
  (2, )" + t2 + R"(, 2, 2, 'pfirewall', 'ALLOW', 'info', 'ALLOW UDP 10.0.0.5:53 -> 10.0.0.1:53', 5, 300, 1),
  (3, )" + t3 + R"(, 1, 1, 'pfirewall', 'DROP', 'info', 'DROP TCP 10.0.0.7:1 -> 10.0.0.10:445', 7, 500, 0),
  (4, NULL, 2, 2, 'pfirewall', 'INFO-EVENTS-LOST', 'warning', '12 events lost', 3, 200, 1),
  (5, )" + t1 + R"(, 2, 2, 'pfirewall', 'ALLOW', 'info', 'ALLOW "svc", first' || char(10) || 'second', 8, 600, 1),
  (6, NULL, 1, 1, 'pfirewall', NULL, NULL, 'no time here', 2, 100, 0);
INSERT INTO firewall_log(event_id, local_time, action, protocol, src_ip, dst_ip, src_port, dst_port, size, tcpflags,
                         tcpsyn, tcpack, tcpwin, icmptype, icmpcode, info, path, pid, lost_events, invalid) VALUES
  (1, '2021-06-22 12:19:41', 'DROP', 'TCP', '10.0.0.5', '10.0.0.10', 50432, 135, 0, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, 'RECEIVE', NULL, NULL, NULL),
  (2, '2021-06-22 09:00:00', 'ALLOW', 'UDP', '10.0.0.5', '10.0.0.1', 53, 53, 0, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, 'SEND', 4242, NULL, NULL),
  (3, '2021-06-23 02:00:00', 'DROP', 'TCP', '10.0.0.7', '10.0.0.10', 1, 445, 52, 'S', 1, 0, 8192, NULL, NULL, NULL,
   'RECEIVE', NULL, NULL, NULL),
  (5, '2021-06-22 10:19:41', 'ALLOW', 'TCP', '10.0.0.5', '10.0.0.10', 'x99', 135, 0, NULL, NULL, NULL, NULL, NULL, NULL,
   NULL, 'SEND', NULL, NULL, 'src_port');
)";
}

// Creates the case at dir/case.db and returns its path.
inline std::filesystem::path make_read_case(const std::filesystem::path& dir, const std::string& extra_sql = "") {
  auto file = dir / "case.db";
  auto c = db::CaseDb::open_for_write(file);
  if (!c) throw std::runtime_error("open_for_write: " + c.status().message());
  if (Status s = c->db().exec(read_case_sql() + extra_sql); !s) throw std::runtime_error("fixture SQL: " + s.message());
  return file;
}

}  // namespace pm::test
