#include "db/row_batch.h"

namespace pm::db {

void replay(const RowBatch& batch, RowSink& sink) {
  for (const BatchRow& r : batch.rows) {
    switch (r.index()) {
      case 0: {
        const auto& c = std::get<ClaimRow>(r);
        sink.claim_host(c.name, c.reason);
        break;
      }
      case 1: sink.event(std::get<EventRow>(r)); break;
      case 2: {
        const auto& p = std::get<FirewallPair>(r);
        sink.firewall_log(p.event, p.row);
        break;
      }
      case 3: sink.firewall_profile(std::get<FirewallProfileRow>(r)); break;
      case 4: sink.firewall_rule(std::get<FirewallRuleRow>(r)); break;
      case 5: sink.host_fact(std::get<HostFactRow>(r)); break;
      case 6: sink.rejected(std::get<RejectedRow>(r)); break;
    }
  }
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
