// CaseWriter: stores one source at a time into the case database. It is the
// RowSink that parsers' rows end up in (via the ingest pipeline), with one
// prepared statement per table. The caller owns the transaction around
// begin_source() .. finish_source(). Row methods cannot fail loudly (the
// RowSink contract); the first SQLite error is kept and returned by
// finish_source(). One thread; the CaseDb must outlive the writer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/bulk_insert.h"
#include "db/case_db.h"
#include "parsers/core/parser.h"

namespace pm::db {

// What ingest decided about a file before parsing it (a `sources` row).
struct SourceInfo {
  std::string bundle, path;
  std::optional<int64_t> parent_id;
  std::string sha256;
  int64_t size = 0;
  std::string status;  // ingested, skipped, failed, duplicate, archive, refused
  std::string status_reason;
  std::string format;
  int sniff_score = 0;
  std::string sniff_reason, encoding;
  std::optional<int64_t> host_id;
  std::string host_reason;
  std::string time_zone, time_zone_reason;
  std::string unit;
};

class CaseWriter final : public RowSink {
 public:
  static Result<std::unique_ptr<CaseWriter>> create(CaseDb& db);

  // Inserts the sources row and makes it current; returns its source_id.
  Result<int64_t> begin_source(const SourceInfo& info);
  // Stores counts, time range and the final status of the current source.
  Status finish_source(const ParseCounts& counts, std::string_view status, std::string_view status_reason);
  // Inserts a complete row for a file that is not parsed (skipped, archive, ...).
  Result<int64_t> record_source(const SourceInfo& info);

  std::optional<int64_t> current_host() const { return host_id_; }

  // RowSink
  void claim_host(std::string_view name, std::string_view reason) override;
  void event(const EventRow& row) override;
  void firewall_log(const EventRow& event, const FirewallLogRow& row) override;
  void firewall_profile(const FirewallProfileRow& row) override;
  void firewall_rule(const FirewallRuleRow& row) override;
  void host_fact(const HostFactRow& row) override;
  void rejected(const RejectedRow& row) override;
  // Detail tables of DPM evidence and Windows events (case_writer_details.cpp).
  void dpm_trace(const EventRow& event, const DpmTraceRow& row) override;
  void msi_line(const EventRow& event, const MsiLineRow& row) override;
  void install(const InstallRow& row) override;
  void push_error(const EventRow& event, const PushErrorRow& row) override;
  void win_event(const EventRow& event, const WinEventRow& row) override;

 private:
  explicit CaseWriter(CaseDb& db) : case_(db) {}
  Status prepare_all();
  Status prepare_details();
  Status prepare_bulk();
  void keep(const Status& s) {
    if (!s && error_.is_ok()) error_ = s;
  }
  std::optional<int64_t> host_for(const std::string& name);
  // Queues an event; returns its event_id (ids are assigned here, in order).
  int64_t insert_event(const EventRow& row);
  Status flush_bulk();  // writes every queued row
  void after_row();     // flushes when the batch is full
  void apply_fact_to_host(const HostFactRow& row);

  CaseDb& case_;
  Status error_;
  int64_t source_id_ = 0;
  std::string format_, path_;
  std::optional<int64_t> host_id_;
  bool host_from_content_allowed_ = false;
  std::optional<int64_t> min_time_, max_time_;
  std::unordered_map<std::string, int64_t> host_cache_;
  std::vector<HostFactRow> pending_facts_;  // facts seen before the content named its host

  Statement insert_source_, finish_source_, insert_profile_, insert_rule_,
      insert_fact_, insert_rejected_, set_source_host_, fill_event_hosts_;
  Statement insert_install_, next_event_id_query_;
  // High-volume tables go through BulkTable (db/bulk_insert.h).
  std::unique_ptr<BulkTable> bulk_events_, bulk_firewall_, bulk_trace_, bulk_msi_, bulk_push_, bulk_win_,
      bulk_win_data_;
  int64_t next_event_id_ = 1;
};

}  // namespace pm::db
