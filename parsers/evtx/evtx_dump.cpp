#include "parsers/evtx/evtx_dump.h"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "parsers/evtx/evtx_file.h"
#include "parsers/evtx/evtx_render.h"

namespace pm::evtx {
namespace {

struct Unit {
  uint32_t file;
  uint64_t chunk;
};

struct Slot {
  std::string text;
  ChunkStats stats;
  uint64_t written = 0;
  Status status;
  bool ready = false;
};

class DumpVisitor final : public RecordVisitor {
 public:
  DumpVisitor(DumpFormat format) : format_(format) {}
  void target(Slot* slot) { slot_ = slot; }
  bool record(const RecordMeta& meta, const Document& doc, const EventFields& fields) override {
    if (format_ == DumpFormat::xml) renderer_.append_xml(doc, slot_->text);
    else renderer_.append_json(doc, fields, meta, slot_->text);
    slot_->text.push_back('\n');
    ++slot_->written;
    return true;
  }
  bool undecodable(const RecordMeta&, std::string_view, const uint8_t*, size_t) override { return true; }

 private:
  DumpFormat format_;
  RecordRenderer renderer_;
  Slot* slot_ = nullptr;
};

class Pipeline {
 public:
  Pipeline(const std::vector<std::filesystem::path>& files, std::vector<Unit> units, const DumpOptions& o,
           unsigned threads)
      : files_(files), units_(std::move(units)), options_(o), slots_(2 * size_t{threads}) {}

  void worker() {
    ChunkDecoder decoder;
    DumpVisitor visitor(options_.format);
    std::vector<uint8_t> buf(kChunkSize);
    EvtxFile file;
    int64_t open_file = -1;
    Status open_status;
    for (;;) {
      size_t u;
      {
        std::unique_lock lock(m_);
        worker_cv_.wait(lock, [&] { return stop_ || next_ >= units_.size() || next_ < written_ + slots_.size(); });
        if (stop_ || next_ >= units_.size()) return;
        u = next_++;
      }
      Slot& s = slots_[u % slots_.size()];
      s.text.clear();
      s.stats = ChunkStats{};
      s.written = 0;
      s.status = Status::ok();
      try {
        const Unit& unit = units_[u];
        if (open_file != unit.file) {
          auto f = EvtxFile::open(files_[unit.file]);
          open_status = f ? Status::ok() : f.status();
          if (f) file = std::move(f.value());
          open_file = unit.file;
        }
        if (!open_status) {
          s.status = open_status;
        } else if (auto n = file.read_chunk(unit.chunk, buf.data()); !n) {
          s.status = n.status();
        } else {
          visitor.target(&s);
          decoder.decode(buf.data(), n.value(), file.chunk_offset(unit.chunk), visitor, s.stats);
        }
      } catch (const std::exception& e) {
        s.status = Status::error(ErrorKind::limit, std::string("chunk could not be dumped: ") + e.what());
      }
      {
        std::lock_guard lock(m_);
        s.ready = true;
      }
      writer_cv_.notify_all();
    }
  }

  // Runs the workers and writes slots in order; returns the first write error.
  Status run(unsigned threads, std::ostream& out, DumpReport& report) {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back([this] { worker(); });
    Status result;
    for (size_t w = 0; w < units_.size(); ++w) {
      if (options_.cancel && options_.cancel->load(std::memory_order_relaxed)) {
        result = Status::error(ErrorKind::interrupted, "interrupted");
        break;
      }
      Slot& s = slots_[w % slots_.size()];
      {
        std::unique_lock lock(m_);
        writer_cv_.wait(lock, [&] { return s.ready; });
      }
      out.write(s.text.data(), static_cast<std::streamsize>(s.text.size()));
      if (!out) {
        result = Status::error(ErrorKind::io, "cannot write the dump");
        break;
      }
      DumpFileReport& fr = report.files[units_[w].file];
      fr.stats.add(s.stats);
      report.total.add(s.stats);
      report.records_written += s.written;
      if (!s.status && fr.status) fr.status = s.status;
      {
        std::lock_guard lock(m_);
        s.ready = false;
        ++written_;
      }
      worker_cv_.notify_all();
    }
    {
      std::lock_guard lock(m_);
      stop_ = true;
    }
    worker_cv_.notify_all();
    for (auto& t : pool) t.join();
    return result;
  }

 private:
  const std::vector<std::filesystem::path>& files_;
  std::vector<Unit> units_;
  DumpOptions options_;
  std::vector<Slot> slots_;
  std::mutex m_;
  std::condition_variable worker_cv_, writer_cv_;
  size_t next_ = 0, written_ = 0;
  bool stop_ = false;
};

}  // namespace

Result<DumpReport> dump_evtx(const std::vector<std::filesystem::path>& files, const DumpOptions& options,
                             std::ostream& out) {
  DumpReport report;
  report.files.resize(files.size());
  std::vector<Unit> units;
  for (size_t i = 0; i < files.size(); ++i) {
    DumpFileReport& fr = report.files[i];
    fr.file = files[i];
    auto f = EvtxFile::open(files[i]);
    if (!f) {
      fr.status = f.status();
      continue;
    }
    fr.header_crc_ok = !f->header().present || f->header().crc_ok;
    fr.dirty = f->header().dirty();
    for (uint64_t c = 0; c < f->chunk_count(); ++c) units.push_back({static_cast<uint32_t>(i), c});
  }
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::clamp<size_t>(units.size(), 1, threads));
  if (options.format == DumpFormat::xml) out.write(kXmlPrologue.data(), static_cast<std::streamsize>(kXmlPrologue.size()));
  Pipeline pipeline(files, std::move(units), options, threads);
  Status s = pipeline.run(threads, out, report);
  if (!s) return s;
  if (options.format == DumpFormat::xml) out.write(kXmlEpilogue.data(), static_cast<std::streamsize>(kXmlEpilogue.size()));
  out.flush();
  if (!out) return Status::error(ErrorKind::io, "cannot write the dump");
  return report;
}

}  // namespace pm::evtx
