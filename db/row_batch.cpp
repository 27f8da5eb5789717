#include "db/row_batch.h"

namespace pm::db {

namespace {

// Hands one batched row to the sink method of its type.
struct Replayer {
  RowSink& sink;
  void operator()(const ClaimRow& c) const { sink.claim_host(c.name, c.reason); }
  void operator()(const EventRow& e) const { sink.event(e); }
  void operator()(const FirewallPair& p) const { sink.firewall_log(p.event, p.row); }
  void operator()(const FirewallProfileRow& r) const { sink.firewall_profile(r); }
  void operator()(const FirewallRuleRow& r) const { sink.firewall_rule(r); }
  void operator()(const HostFactRow& r) const { sink.host_fact(r); }
  void operator()(const RejectedRow& r) const { sink.rejected(r); }
  void operator()(const WithEvent<DpmTraceRow>& p) const { sink.dpm_trace(p.event, p.row); }
  void operator()(const WithEvent<MsiLineRow>& p) const { sink.msi_line(p.event, p.row); }
  void operator()(const InstallRow& r) const { sink.install(r); }
  void operator()(const WithEvent<PushErrorRow>& p) const { sink.push_error(p.event, p.row); }
  void operator()(const WithEvent<WinEventRow>& p) const { sink.win_event(p.event, p.row); }
};

}  // namespace

void replay(const RowBatch& batch, RowSink& sink) {
  Replayer r{sink};
  for (const BatchRow& row : batch.rows) std::visit(r, row);
}

bool BatchQueue::push(RowBatch batch) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return abandoned_ || batches_.size() < capacity_; });
  if (abandoned_) return false;
  batches_.push_back(std::move(batch));
  cv_.notify_all();
  return true;
}

void BatchQueue::finish(Result<ParseCounts> result) {
  std::lock_guard<std::mutex> lock(mu_);
  result_ = std::move(result);
  finished_ = true;
  cv_.notify_all();
}

std::optional<RowBatch> BatchQueue::pop() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !batches_.empty() || finished_; });
  if (batches_.empty()) return std::nullopt;
  RowBatch b = std::move(batches_.front());
  batches_.pop_front();
  cv_.notify_all();
  return b;
}

void BatchQueue::abandon() {
  std::lock_guard<std::mutex> lock(mu_);
  abandoned_ = true;
  batches_.clear();
  cv_.notify_all();
}

bool BatchingSink::flush() {
  if (abandoned_) return false;
  if (batch_.rows.empty()) return true;
  RowBatch full;
  full.rows.reserve(kBatchRows);
  std::swap(full, batch_);
  if (!queue_.push(std::move(full))) abandoned_ = true;
  return !abandoned_;
}

}  // namespace pm::db
