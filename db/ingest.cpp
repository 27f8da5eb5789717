#include "db/ingest.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include "db/case_writer.h"
#include "db/host_attribution.h"
#include "db/ingest_work.h"
#include "parsers/core/hash.h"

namespace pm::db {
namespace {

const char* archive_or_refused_status(const BundleEntry& e) {
  return e.kind == BundleEntryKind::archive ? "archive" : "refused";
}

class Ingestor {
 public:
  Ingestor(CaseDb& db, CaseWriter& writer, const IngestOptions& opt,
           const std::function<void(const IngestProgress&)>& progress)
      : db_(db), writer_(writer), opt_(opt), progress_(progress) {}

  Result<IngestReport> run(const Bundle& bundle);

 private:
  std::string display_path(const Bundle& bundle, size_t index) const;
  void decide_host(WorkItem& it);
  void decide_zone(WorkItem& it);
  std::optional<int64_t> host_reference(int64_t host_id);
  std::optional<int64_t> existing_source(const std::string& sha, const std::string& path,
                                         const std::optional<int64_t>& host, bool any_path);
  SourceInfo base_info(const WorkItem& it) const;
  void record(const SourceInfo& info, SourceOutcome outcome);
  void write_parsed(WorkItem& it);
  void handle_unparsed(WorkItem& it);
  bool triage(WorkItem& it);  // true when the item must be parsed
  void add_outcome(SourceOutcome o);
  void report_progress(const std::string& current);

  CaseDb& db_;
  CaseWriter& writer_;
  const IngestOptions& opt_;
  const std::function<void(const IngestProgress&)>& progress_;
  IngestReport report_;
  IngestProgress prog_;
  Status fatal_;
  std::map<std::string, std::string> seen_;       // sha256 + host in this run -> first path
  std::optional<ZoneConverter> forced_zone_;
  std::optional<int64_t> forced_host_;
  std::map<std::string, bool> wrapper_;              // bundle -> has a single wrapper folder
  std::map<std::string, int64_t> folder_hosts_;      // bundle + '\n' + folder -> host named by host facts there
  std::map<const BundleEntry*, int64_t> source_ids_; // archives written (for parent_id)
  const Bundle* bundle_ = nullptr;
};

std::string Ingestor::display_path(const Bundle& bundle, size_t index) const {
  // Members of an archive given as PATH are named relative to that archive,
  // so a zipped bundle and the same folder give the same paths.
  const auto& entries = bundle.entries();
  const BundleEntry& e = entries[index];
  int root = e.parent;
  while (root >= 0 && entries[static_cast<size_t>(root)].parent >= 0) root = entries[static_cast<size_t>(root)].parent;
  // Only an archive that IS the PATH: an archive found inside a folder PATH
  // keeps its name: FS01.zip/pfirewall.log and DPM01.zip/pfirewall.log are
  // two files, not "pfirewall.log" twice.
  std::error_code ec;
  if (root >= 0 &&
      std::filesystem::is_directory(
          std::filesystem::path(std::u8string(reinterpret_cast<const char8_t*>(e.bundle.data()), e.bundle.size())), ec))
    root = -1;
  if (root >= 0) {
    const std::string& prefix = entries[static_cast<size_t>(root)].path;
    if (e.path.size() > prefix.size() && e.path.compare(0, prefix.size(), prefix) == 0 && e.path[prefix.size()] == '/')
      return e.path.substr(prefix.size() + 1);
  }
  return e.path;
}

void Ingestor::decide_host(WorkItem& it) {
  if (forced_host_) {
    it.host_id = forced_host_;
    it.host_reason = "--host " + opt_.host;
    return;
  }
  auto known = [&](std::string_view name) { return db_.find_host(name).has_value(); };
  if (auto folder = host_from_folders(it.path, wrapper_[it.entry->bundle], known)) {
    auto id = db_.ensure_host(folder->name, std::nullopt);
    if (id) {
      it.host_id = id.value();
      it.host_reason = folder->reason;
      return;
    }
  }
  for (std::string folder = parent_folder(it.path);; folder = parent_folder(folder)) {
    auto f = folder_hosts_.find(it.entry->bundle + "\n" + folder);
    if (f != folder_hosts_.end()) {
      it.host_id = f->second;
      it.host_reason = "host facts in folder '" + (folder.empty() ? std::string(".") : folder) + "'";
      return;
    }
    if (folder.empty()) break;
  }
}

void Ingestor::decide_zone(WorkItem& it) {
  if (!it.parser || !it.parser->local_times()) {
    it.zone_known = true;
    it.zone_reason = it.parser ? "not needed: the format's times are UTC or absent" : "";
    return;
  }
  if (forced_zone_) {
    it.zone = *forced_zone_;
    it.zone_known = true;
    it.zone_name = it.zone.iana_id();
    it.zone_reason = "--tz " + opt_.tz;
    return;
  }
  if (it.host_id) {
    if (auto tz = db_.host_time_zone(*it.host_id)) {
      if (auto z = ZoneConverter::from_name(tz->first)) {
        it.zone = z.value();
        it.zone_known = true;
        it.zone_name = it.zone.iana_id();
        it.zone_reason = "host facts: " + tz->second;
        return;
      }
    }
  }
  it.zone_known = false;
  it.zone_name = "UTC";
  it.zone_reason = "unknown: UTC assumed (give --tz or include systeminfo output)";
}

// The latest time already stored for a host from sources whose dates were
// complete, to anchor formats that write no year.
std::optional<int64_t> Ingestor::host_reference(int64_t host_id) {
  auto st = db_.db().prepare("SELECT max(last_time_us) FROM sources WHERE host_id = ? AND status = 'ingested' "
                             "AND time_basis IS NULL AND last_time_us IS NOT NULL");
  if (!st) return std::nullopt;
  st->bind(1, host_id);
  if (auto r = st->step(); r && r.value()) return st->column_optional_int(0);
  return std::nullopt;
}

std::optional<int64_t> Ingestor::existing_source(const std::string& sha, const std::string& path,
                                                 const std::optional<int64_t>& host, bool any_path) {
  auto st = db_.db().prepare(
      any_path ? "SELECT source_id FROM sources WHERE sha256 = ? AND status IN ('ingested', 'skipped') "
                 "AND (?2 IS NULL OR host_id = ?2) ORDER BY source_id LIMIT 1"
               : "SELECT source_id FROM sources WHERE sha256 = ? AND (?2 IS NULL OR host_id IS ?2) AND path = ?3 "
                 "AND status <> 'failed' LIMIT 1");
  if (!st) return std::nullopt;
  st->bind(1, sha);
  st->bind(2, host);
  if (!any_path) st->bind(3, path);
  if (auto r = st->step(); r && r.value()) return st->column_int(0);
  return std::nullopt;
}

SourceInfo Ingestor::base_info(const WorkItem& it) const {
  SourceInfo info;
  info.bundle = it.entry->bundle;
  info.path = it.path;
  if (it.entry->parent >= 0) {
    auto p = source_ids_.find(&bundle_->entries()[static_cast<size_t>(it.entry->parent)]);
    if (p != source_ids_.end()) info.parent_id = p->second;
  }
  info.sha256 = it.sha256;
  info.size = static_cast<int64_t>(it.entry->size);
  info.format = it.parser ? std::string(it.parser->name()) : "";
  info.sniff_score = it.sniff.score;
  info.sniff_reason = it.sniff.reason;
  info.encoding = it.head.raw.empty() ? "" : to_string(it.head.encoding.encoding);
  info.host_id = it.host_id;
  info.host_reason = it.host_reason;
  info.time_zone = it.zone_name;
  info.time_zone_reason = it.zone_reason;
  return info;
}

void Ingestor::add_outcome(SourceOutcome o) {
  if (o.status == "ingested") ++report_.ingested;
  else if (o.status == "skipped") ++report_.skipped;
  else if (o.status == "failed") ++report_.failed;
  else if (o.status == "already-ingested") ++report_.already;
  else if (o.status == "duplicate") ++report_.duplicates;
  else if (o.status == "refused") ++report_.refused;
  report_.rows_stored += o.counts.rows_stored;
  report_.rows_rejected += o.counts.rows_rejected;
  report_.sources.push_back(std::move(o));
}

void Ingestor::record(const SourceInfo& info, SourceOutcome outcome) {
  Transaction tx(db_.db());
  auto id = writer_.record_source(info);
  Status s = id ? tx.commit() : id.status();
  if (!s && fatal_.is_ok()) fatal_ = s;
  outcome.source_id = id ? id.value() : 0;
  add_outcome(std::move(outcome));
}

void Ingestor::report_progress(const std::string& current) {
  if (!progress_) return;
  prog_.current = current;
  progress_(prog_);
}

// Decides whether an item needs parsing; records everything that does not.
bool Ingestor::triage(WorkItem& it) {
  SourceOutcome o;
  o.path = it.path;
  o.bundle = it.entry->bundle;
  if (!it.prepare_status) {
    SourceInfo info = base_info(it);
    info.status = "failed";
    info.status_reason = it.prepare_status.message();
    o.status = "failed";
    o.reason = info.status_reason;
    record(info, o);
    return false;
  }
  decide_host(it);
  decide_zone(it);
  it.year = opt_.year;
  if (it.host_id) it.host_reference_us = host_reference(*it.host_id);
  o.host = it.host_id ? db_.host_name(*it.host_id) : "";
  if (auto prev = existing_source(it.sha256, it.path, it.host_id, false)) {
    o.status = "already-ingested";
    o.reason = "already in the case as source " + std::to_string(*prev) + " (same content, same path)";
    // Host facts stored by an earlier (possibly killed) ingest still name the
    // host of their folder, exactly as when write_parsed stores them now;
    // otherwise a resumed ingest attributes the folder's other files to no
    // host and reads their local times as UTC.
    if (it.parser && it.parser->phase() == Phase::host_facts) {
      if (auto st = db_.db().prepare("SELECT host_id FROM sources WHERE source_id = ?")) {
        st->bind(1, *prev);
        if (auto r = st->step(); r && r.value())
          if (auto host = st->column_optional_int(0))
            folder_hosts_.emplace(it.entry->bundle + "\n" + parent_folder(it.path), *host);
      }
    }
    add_outcome(o);
    return false;
  }
  if (auto prev = existing_source(it.sha256, it.path, it.host_id, true)) {
    SourceInfo info = base_info(it);
    info.status = "duplicate";
    info.status_reason = "same content as source " + std::to_string(*prev);
    o.status = "duplicate";
    o.reason = info.status_reason;
    record(info, o);
    return false;
  }
  std::string key = it.sha256 + "/" + (it.host_id ? std::to_string(*it.host_id) : "");
  if (auto [first, inserted] = seen_.emplace(key, it.path); !inserted) {
    SourceInfo info = base_info(it);
    info.status = "duplicate";
    info.status_reason = "same content as " + first->second;
    o.status = "duplicate";
    o.reason = info.status_reason;
    record(info, o);
    return false;
  }
  if (!it.parser) {
    SourceInfo info = base_info(it);
    info.status = "skipped";
    info.status_reason = it.sniff.reason;
    o.status = "skipped";
    o.reason = it.sniff.reason;
    record(info, o);
    return false;
  }
  return true;
}

void Ingestor::write_parsed(WorkItem& it) {
  SourceOutcome o;
  o.path = it.path;
  o.bundle = it.entry->bundle;
  o.format = std::string(it.parser->name());
  o.time_zone = it.zone_name;
  o.zone_assumed = !it.zone_known;
  report_progress(it.path);
  Transaction tx(db_.db());
  SourceInfo info = base_info(it);
  info.status = "ingested";
  auto id = tx.begin_status() ? writer_.begin_source(info) : Result<int64_t>(tx.begin_status());
  if (!id) {
    it.queue->abandon();
    it.stop = true;
    while (it.queue->pop()) {}
    if (fatal_.is_ok()) fatal_ = id.status();
    return;
  }
  size_t batches = 0;
  while (auto batch = it.queue->pop()) {
    replay(*batch, writer_);
    if (opt_.cancel && opt_.cancel->load()) {
      it.stop = true;
      it.queue->abandon();
    }
    if (++batches % 64 == 0) report_progress(it.path);
  }
  const Result<ParseCounts>& result = it.queue->result();
  if (!result || (opt_.cancel && opt_.cancel->load())) {
    tx.rollback();  // never half a source
    if (!result && result.status().kind() != ErrorKind::interrupted && !(opt_.cancel && opt_.cancel->load())) {
      info.status = "failed";
      info.status_reason = it.path + ": " + result.status().message();
      o.status = "failed";
      o.reason = info.status_reason;
      record(info, o);
    }
    return;
  }
  o.counts = result.value();
  if (!o.counts.reconciles()) {
    tx.rollback();
    info.status = "failed";
    info.status_reason = "internal error: counts do not reconcile for " + it.path;
    o.status = "failed";
    o.reason = info.status_reason;
    record(info, o);
    return;
  }
  Status s = writer_.finish_source(o.counts, "ingested", "");
  if (s) s = tx.commit();
  if (!s) {
    if (fatal_.is_ok()) fatal_ = s;
    return;
  }
  o.source_id = id.value();
  o.status = "ingested";
  if (auto host = writer_.current_host()) {
    o.host = db_.host_name(*host);
    if (it.parser->phase() == Phase::host_facts)
      folder_hosts_.emplace(it.entry->bundle + "\n" + parent_folder(it.path), *host);
  }
  prog_.bytes_done += it.entry->size;
  ++prog_.files_done;
  add_outcome(std::move(o));
}

Result<IngestReport> Ingestor::run(const Bundle& bundle) {
  bundle_ = &bundle;
  if (!opt_.tz.empty()) {
    auto z = ZoneConverter::from_name(opt_.tz);
    if (!z) return z.status();
    forced_zone_ = z.value();
  }
  if (!opt_.host.empty()) {
    auto id = db_.ensure_host(opt_.host, std::nullopt);
    if (!id) return id.status();
    forced_host_ = id.value();
  }
  const auto& entries = bundle.entries();
  // A single top folder holding everything of a PATH is a wrapper, not a host.
  std::map<std::string, std::set<std::string>> tops;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string p = display_path(bundle, i);
    size_t slash = p.find('/');
    tops[entries[i].bundle].insert(slash == std::string::npos ? std::string() : p.substr(0, slash));
  }
  for (const auto& [b, set] : tops) wrapper_[b] = set.size() == 1 && !set.begin()->empty();

  std::vector<std::unique_ptr<WorkItem>> owned;
  std::vector<WorkItem*> files;
  for (size_t i = 0; i < entries.size(); ++i) {
    const BundleEntry& e = entries[i];
    if (e.kind == BundleEntryKind::file) {
      owned.push_back(std::make_unique<WorkItem>());
      owned.back()->entry = &e;
      owned.back()->path = display_path(bundle, i);
      files.push_back(owned.back().get());
      prog_.bytes_total += e.size;
    }
  }
  prog_.files_total = files.size();
  int threads = opt_.parse_threads > 0 ? opt_.parse_threads
                                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()) - 1);
  prepare_items(files, std::max(threads, 2), opt_.cancel);
  if (opt_.cancel && opt_.cancel->load()) return Status::error(ErrorKind::interrupted, "interrupted before writing");
  if (Status s = db_.drop_bulk_indexes(); !s) return s;

  // Archives and refused entries first, in order (members point at their archive).
  for (size_t i = 0; i < entries.size(); ++i) {
    const BundleEntry& e = entries[i];
    if (e.kind == BundleEntryKind::file) continue;
    WorkItem it;
    it.entry = &e;
    it.path = display_path(bundle, i);
    if (e.kind == BundleEntryKind::archive) {
      auto sha = sha256_file(e.disk_path);
      it.sha256 = sha ? sha.value() : "";
    }
    if (auto prev = existing_source(it.sha256, it.path, std::nullopt, false)) {
      source_ids_[&e] = *prev;
      continue;  // recorded by an earlier ingest
    }
    SourceInfo info = base_info(it);
    info.status = archive_or_refused_status(e);
    info.status_reason = e.note.empty() ? e.archive_format : e.archive_format + (e.archive_format.empty() ? "" : ": ") + e.note;
    SourceOutcome o;
    o.path = it.path;
    o.bundle = e.bundle;
    o.status = info.status;
    o.reason = info.status_reason;
    record(info, o);
    if (!report_.sources.empty() && report_.sources.back().source_id) source_ids_[&e] = report_.sources.back().source_id;
  }
  // Host facts, then dated evidence, then formats whose dates lack a year
  // (they anchor on the host's dated sources), each in bundle order.
  for (Phase phase : {Phase::host_facts, Phase::evidence, Phase::undated}) {
    std::vector<WorkItem*> to_parse;
    for (WorkItem* it : files) {
      bool in_phase = it->parser ? it->parser->phase() == phase : phase == Phase::evidence;
      if (!in_phase) continue;
      if (triage(*it)) to_parse.push_back(it);
      else {
        ++prog_.files_done;
        prog_.bytes_done += it->entry->size;
      }
      if (!fatal_) return fatal_;
    }
    parse_items(to_parse, threads, opt_.cancel, [&](WorkItem& it) { write_parsed(it); });
    if (!fatal_) return fatal_;
  }
  auto index_start = std::chrono::steady_clock::now();
  Status idx = db_.create_indexes();
  report_.seconds_indexing = std::chrono::duration<double>(std::chrono::steady_clock::now() - index_start).count();
  if (opt_.cancel && opt_.cancel->load())
    return Status::error(ErrorKind::interrupted, "interrupted: the source being written was rolled back; " +
                                                     std::to_string(report_.ingested) + " sources were kept");
  if (!idx) return idx;
  return report_;
}

}  // namespace

Result<IngestReport> ingest(CaseDb& db, const IngestOptions& options,
                            const std::function<void(const IngestProgress&)>& progress) {
  auto start = std::chrono::steady_clock::now();
  auto bundle = Bundle::open(options.paths, options.limits);
  if (!bundle) return bundle.status();
  auto writer = CaseWriter::create(db);
  if (!writer) return writer.status();
  Ingestor ingestor(db, *writer.value(), options, progress);
  auto report = ingestor.run(bundle.value());
  if (report) report->seconds_total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace pm::db
