// Moving parsed rows from a parser thread to the database writer thread.
// BatchingSink (parser side) packs rows into batches of kBatchRows and pushes
// them into a BatchQueue, which holds at most `capacity` batches (memory stays
// bounded: the parser waits while the writer is behind). replay() hands a
// batch's rows to any RowSink (the CaseWriter) in their original order.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "parsers/core/parser.h"

namespace pm::db {

struct ClaimRow {
  std::string name, reason;
};
// An event with its format's detail row.
template <class Detail>
struct WithEvent {
  EventRow event;
  Detail row;
};
using FirewallPair = WithEvent<FirewallLogRow>;
using BatchRow = std::variant<ClaimRow, EventRow, FirewallPair, FirewallProfileRow, FirewallRuleRow, HostFactRow,
                              RejectedRow, WithEvent<DpmTraceRow>, WithEvent<MsiLineRow>, InstallRow,
                              WithEvent<PushErrorRow>, WithEvent<WinEventRow>>;

struct RowBatch {
  std::vector<BatchRow> rows;
};

void replay(const RowBatch& batch, RowSink& sink);

class BatchQueue {
 public:
  explicit BatchQueue(size_t capacity = 4) : capacity_(capacity) {}
  // Parser side. push blocks while full; returns false when the consumer gave up.
  bool push(RowBatch batch);
  void finish(Result<ParseCounts> result);
  // Writer side: the next batch, or empty once finished (then see result()).
  std::optional<RowBatch> pop();
  const Result<ParseCounts>& result() const { return result_; }
  // Writer side: stop accepting batches (the parser's push returns false).
  void abandon();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<RowBatch> batches_;
  size_t capacity_;
  bool finished_ = false, abandoned_ = false;
  Result<ParseCounts> result_{Status::error(ErrorKind::io, "parser did not finish")};
};

class BatchingSink final : public RowSink {
 public:
  static constexpr size_t kBatchRows = 4096;
  explicit BatchingSink(BatchQueue& queue) : queue_(queue) {}
  bool flush();  // pushes the partial batch; false when abandoned
  bool abandoned() const { return abandoned_; }

  void claim_host(std::string_view name, std::string_view reason) override {
    add(ClaimRow{std::string(name), std::string(reason)});
  }
  void event(const EventRow& row) override { add(row); }
  void firewall_log(const EventRow& e, const FirewallLogRow& r) override { add(FirewallPair{e, r}); }
  void firewall_profile(const FirewallProfileRow& row) override { add(row); }
  void firewall_rule(const FirewallRuleRow& row) override { add(row); }
  void host_fact(const HostFactRow& row) override { add(row); }
  void rejected(const RejectedRow& row) override { add(row); }
  void dpm_trace(const EventRow& e, const DpmTraceRow& r) override { add(WithEvent<DpmTraceRow>{e, r}); }
  void msi_line(const EventRow& e, const MsiLineRow& r) override { add(WithEvent<MsiLineRow>{e, r}); }
  void install(const InstallRow& row) override { add(row); }
  void push_error(const EventRow& e, const PushErrorRow& r) override { add(WithEvent<PushErrorRow>{e, r}); }
  void win_event(const EventRow& e, const WinEventRow& r) override { add(WithEvent<WinEventRow>{e, r}); }

 private:
  void add(BatchRow row) {
    if (abandoned_) return;  // the writer gave up on this source; the parser stops soon
    batch_.rows.push_back(std::move(row));
    if (batch_.rows.size() >= kBatchRows) flush();
  }
  BatchQueue& queue_;
  RowBatch batch_;
  bool abandoned_ = false;
};

}  // namespace pm::db
