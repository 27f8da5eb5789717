#include "db/ingest_work.h"

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "parsers/core/hash.h"
#include "parsers/registry.h"

namespace pm::db {
void prepare_items(std::vector<WorkItem*>& items, int threads, const std::atomic<bool>* cancel) {
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < items.size(); i = next++) {
      if (cancel && cancel->load()) return;
      WorkItem& it = *items[i];
      auto head = read_head(it.entry->disk_path);
      if (!head) {
        it.prepare_status = head.status();
        continue;
      }
      it.head = std::move(head.value());
      auto sha = sha256_file(it.entry->disk_path);
      if (!sha) {
        it.prepare_status = sha.status();
        continue;
      }
      it.sha256 = std::move(sha.value());
      if (it.head.file_size == 0) {
        it.sniff = {0, "empty file"};
        continue;
      }
      SniffDecision d = sniff_all(it.head);
      it.parser = d.parser;
      it.sniff = d.result;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
}

void parse_items(std::vector<WorkItem*>& items, int threads, const std::atomic<bool>* cancel,
                 const std::function<void(WorkItem&)>& consume) {
  for (WorkItem* it : items) it->queue = std::make_unique<BatchQueue>(4);
  std::mutex mu;
  std::condition_variable cv;
  size_t consumed = 0;  // items fully consumed by the writer
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        i = next.load();
        // Never run further ahead of the writer than the number of workers.
        cv.wait(lock, [&] { return next.load() >= items.size() || next.load() < consumed + threads; });
        i = next++;
      }
      if (i >= items.size()) return;
      WorkItem& it = *items[i];
      if ((cancel && cancel->load()) || it.stop.load()) {
        it.queue->finish(Status::error(ErrorKind::interrupted, "interrupted"));
        continue;
      }
      SourceRef ref;
      ref.file = it.entry->disk_path;
      ref.display_path = it.path;
      ref.zone = &it.zone;
      ref.zone_known = it.zone_known;
      ref.cancel = &it.stop;
      ref.mtime = it.entry->mtime;
      ref.year = it.year;
      ref.host_reference_us = it.host_reference_us;
      BatchingSink sink(*it.queue);
      Result<ParseCounts> r = it.parser->parse(ref, sink);
      if (r && !sink.flush()) r = Status::error(ErrorKind::interrupted, "interrupted");
      it.queue->finish(std::move(r));
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(work);
  for (WorkItem* it : items) {
    if (cancel && cancel->load()) it->stop = true;
    consume(*it);
    {
      std::lock_guard<std::mutex> lock(mu);
      ++consumed;
    }
    cv.notify_all();
  }
  for (auto& th : pool) th.join();
}

}  // namespace pm::db
