#include "db/case_writer.h"

#include <chrono>

#include "parsers/core/time_util.h"
#include "parsers/core/timezone.h"
#include "parsers/core/strings.h"

namespace pm::db {
namespace {

std::string now_iso() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                std::chrono::system_clock::now().time_since_epoch()).count();
  return format_iso8601_short(us - us % kMicrosPerSecond);
}

std::string first_label(std::string_view s) { return ascii_lower(s.substr(0, s.find('.'))); }

}  // namespace

Result<std::unique_ptr<CaseWriter>> CaseWriter::create(CaseDb& db) {
  std::unique_ptr<CaseWriter> w(new CaseWriter(db));
  if (Status s = w->prepare_all(); !s) return s;
  return w;
}

Status CaseWriter::prepare_all() {
  Database& db = case_.db();
  struct Item {
    Statement* stmt;
    const char* sql;
  };
  const Item items[] = {
      {&insert_source_,
       "INSERT INTO sources(bundle, path, parent_id, sha256, size, status, status_reason, format, sniff_score, "
       "sniff_reason, encoding, host_id, host_reason, time_zone, time_zone_reason, unit, ingested_at) "
       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&finish_source_,
       "UPDATE sources SET units_read = ?, rows_stored = ?, rows_rejected = ?, header_units = ?, unit = ?, "
       "first_time_us = ?, last_time_us = ?, status = ?, status_reason = ?, time_basis = ?, notes = ? WHERE source_id = ?"},
      {&next_event_id_query_, "SELECT ifnull(max(event_id), 0) + 1 FROM events"},
      {&insert_profile_,
       "INSERT INTO firewall_profiles(source_id, host_id, location, origin, profile, state, inbound_policy, "
       "outbound_policy, log_allowed, log_dropped, log_file, log_max_size_kb) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&insert_rule_,
       "INSERT INTO firewall_rules(source_id, host_id, location, origin, rule_id, name, description, enabled, "
       "direction, profiles, grouping, local_ip, remote_ip, protocol, local_port, remote_port, edge_traversal, "
       "program, service, interface_types, security, rule_source, action) "
       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&insert_fact_, "INSERT INTO host_facts(host_id, source_id, location, fact, value) VALUES (?,?,?,?,?)"},
      {&insert_rejected_, "INSERT INTO rejected(source_id, location, byte_offset, reason, raw) VALUES (?,?,?,?,?)"},
      {&set_source_host_, "UPDATE sources SET host_id = ?, host_reason = ? WHERE source_id = ?"},
      {&fill_event_hosts_, "UPDATE events SET host_id = ? WHERE source_id = ? AND host_id IS NULL"},
  };
  for (const Item& it : items) {
    auto st = db.prepare(it.sql);
    if (!st) return Status::error(ErrorKind::io, std::string("preparing case statements: ") + st.status().message());
    *it.stmt = std::move(st.value());
  }
  if (Status s = prepare_details(); !s) return s;
  return prepare_bulk();
}

Result<int64_t> CaseWriter::begin_source(const SourceInfo& info) {
  Statement& st = insert_source_;
  st.bind(1, info.bundle);
  st.bind(2, info.path);
  st.bind(3, info.parent_id);
  st.bind(4, info.sha256);
  st.bind(5, info.size);
  st.bind(6, info.status);
  st.bind_nullable(7, info.status_reason);
  st.bind_nullable(8, info.format);
  if (info.format.empty()) st.bind_null(9);
  else st.bind(9, int64_t{info.sniff_score});
  st.bind_nullable(10, info.sniff_reason);
  st.bind_nullable(11, info.encoding);
  st.bind(12, info.host_id);
  st.bind_nullable(13, info.host_reason);
  st.bind_nullable(14, info.time_zone);
  st.bind_nullable(15, info.time_zone_reason);
  st.bind_nullable(16, info.unit);
  st.bind(17, now_iso());
  if (Status s = st.run(); !s) return Status::error(s.kind(), "recording source " + info.path + ": " + s.message());
  st.reset();
  source_id_ = case_.db().last_insert_rowid();
  for (BulkTable* b : {bulk_events_.get(), bulk_firewall_.get(), bulk_trace_.get(), bulk_msi_.get(),
                       bulk_push_.get(), bulk_win_.get(), bulk_win_data_.get()})
    b->clear();  // rows of a source that was rolled back
  if (auto r = next_event_id_query_.step(); r && r.value()) next_event_id_ = next_event_id_query_.column_int(0);
  next_event_id_query_.reset();
  format_ = info.format;
  path_ = info.path;
  host_id_ = info.host_id;
  host_from_content_allowed_ = !info.host_id.has_value();
  min_time_.reset();
  max_time_.reset();
  pending_facts_.clear();
  error_ = Status::ok();
  return source_id_;
}

Result<int64_t> CaseWriter::record_source(const SourceInfo& info) {
  auto id = begin_source(info);
  if (!id) return id;
  ParseCounts none;
  none.unit = info.unit;
  if (Status s = finish_source(none, info.status, info.status_reason); !s) return s;
  return id;
}

Status CaseWriter::finish_source(const ParseCounts& counts, std::string_view status, std::string_view reason) {
  keep(flush_bulk());
  for (const HostFactRow& f : pending_facts_) {  // no host was ever named: keep them unattached
    insert_fact_.bind_null(1);
    insert_fact_.bind(2, source_id_);
    insert_fact_.bind(3, f.location);
    insert_fact_.bind_static(4, f.fact);
    insert_fact_.bind_static(5, f.value);
    keep(insert_fact_.run());
  }
  pending_facts_.clear();
  if (!error_) return error_;
  Statement& st = finish_source_;
  st.bind(1, counts.units_read);
  st.bind(2, counts.rows_stored);
  st.bind(3, counts.rows_rejected);
  st.bind(4, counts.header_units);
  st.bind_nullable(5, counts.unit);
  st.bind(6, min_time_);
  st.bind(7, max_time_);
  st.bind(8, status);
  st.bind_nullable(9, reason);
  st.bind_nullable(10, counts.time_basis);
  st.bind_nullable(11, counts.notes);
  st.bind(12, source_id_);
  Status s = st.run();
  st.reset();
  return s;
}

std::optional<int64_t> CaseWriter::host_for(const std::string& name) {
  if (auto it = host_cache_.find(name); it != host_cache_.end()) return it->second;
  auto id = case_.ensure_host(name, source_id_);
  if (!id) {
    keep(id.status());
    return std::nullopt;
  }
  host_cache_.emplace(name, id.value());
  return id.value();
}

void CaseWriter::claim_host(std::string_view name_view, std::string_view reason) {
  std::string name(name_view);
  if (name.empty()) return;
  if (host_id_) {
    // The host was decided by --host or the folder. The content's name is an
    // alias when it is the same machine (same first label), else a conflict
    // that is recorded, never silently merged.
    std::string current = case_.host_name(*host_id_);
    if (first_label(current) == first_label(name)) {
      keep(case_.add_alias(*host_id_, name, host_name_kind(name), source_id_));
    } else {
      insert_fact_.bind(1, *host_id_);
      insert_fact_.bind(2, source_id_);
      insert_fact_.bind(3, int64_t{0});
      insert_fact_.bind(4, "conflicting_host_name");
      insert_fact_.bind(5, name + " (" + std::string(reason) + ")");
      keep(insert_fact_.run());
    }
  } else {
    host_id_ = host_for(name);
    if (!host_id_) return;
    set_source_host_.bind(1, *host_id_);
    set_source_host_.bind(2, "content: " + std::string(reason));
    set_source_host_.bind(3, source_id_);
    keep(set_source_host_.run());
    keep(flush_bulk());  // the UPDATE below must see every queued event
    fill_event_hosts_.bind(1, *host_id_);
    fill_event_hosts_.bind(2, source_id_);
    keep(fill_event_hosts_.run());
  }
  std::vector<HostFactRow> pending;
  pending.swap(pending_facts_);
  for (const HostFactRow& f : pending) host_fact(f);
}

Status CaseWriter::flush_bulk() {
  for (BulkTable* b : {bulk_events_.get(), bulk_firewall_.get(), bulk_trace_.get(), bulk_msi_.get(),
                       bulk_push_.get(), bulk_win_.get(), bulk_win_data_.get()})
    if (Status s = b->flush(); !s) return s;
  return Status::ok();
}

void CaseWriter::after_row() {
  if (bulk_events_->rows() >= 4096) keep(flush_bulk());
}

int64_t CaseWriter::insert_event(const EventRow& row) {
  const int64_t id = next_event_id_++;
  BulkTable& b = *bulk_events_;
  b.add(id);
  b.add(row.time_us);
  b.add(row.host.empty() ? host_id_ : host_for(row.host));
  b.add(source_id_);
  b.add(std::string_view(format_));
  b.add_nullable(row.event_code);
  b.add_nullable(to_string(row.level));
  b.add(std::string_view(row.message));
  b.add(row.location);
  if (row.offset >= 0) b.add(row.offset);
  else b.add_null();
  b.add(int64_t{row.flags});
  b.end_row();
  if (row.time_us) {
    if (!min_time_ || *row.time_us < *min_time_) min_time_ = row.time_us;
    if (!max_time_ || *row.time_us > *max_time_) max_time_ = row.time_us;
  }
  return id;
}

void CaseWriter::event(const EventRow& row) {
  insert_event(row);
  after_row();
}

void CaseWriter::firewall_log(const EventRow& event, const FirewallLogRow& r) {
  const int64_t id = insert_event(event);
  BulkTable& b = *bulk_firewall_;
  b.add(id);
  b.add_nullable(r.local_time);
  b.add_nullable(r.action);
  b.add_nullable(r.protocol);
  b.add_nullable(r.src_ip);
  b.add_nullable(r.dst_ip);
  b.add(r.src_port);
  b.add(r.dst_port);
  b.add(r.size);
  b.add_nullable(r.tcpflags);
  b.add(r.tcpsyn);
  b.add(r.tcpack);
  b.add(r.tcpwin);
  b.add(r.icmptype);
  b.add(r.icmpcode);
  b.add_nullable(r.info);
  b.add_nullable(r.path);
  b.add(r.pid);
  b.add(r.lost_events);
  b.add_nullable(r.invalid);
  b.end_row();
  after_row();
}

void CaseWriter::firewall_profile(const FirewallProfileRow& r) {
  Statement& st = insert_profile_;
  st.bind(1, source_id_);
  st.bind(2, host_id_);
  st.bind(3, r.location);
  st.bind(4, r.origin);
  st.bind(5, r.profile);
  st.bind_nullable(6, r.state);
  st.bind_nullable(7, r.inbound_policy);
  st.bind_nullable(8, r.outbound_policy);
  st.bind_nullable(9, r.log_allowed);
  st.bind_nullable(10, r.log_dropped);
  st.bind_nullable(11, r.log_file);
  st.bind(12, r.log_max_size_kb);
  keep(st.run());
}

void CaseWriter::firewall_rule(const FirewallRuleRow& r) {
  Statement& st = insert_rule_;
  st.bind(1, source_id_);
  st.bind(2, host_id_);
  st.bind(3, r.location);
  st.bind(4, r.origin);
  const std::string* text[] = {&r.rule_id, &r.name, &r.description, &r.enabled, &r.direction, &r.profiles,
                               &r.grouping, &r.local_ip, &r.remote_ip, &r.protocol, &r.local_port, &r.remote_port,
                               &r.edge_traversal, &r.program, &r.service, &r.interface_types, &r.security,
                               &r.rule_source, &r.action};
  int i = 5;
  for (const std::string* t : text) st.bind_nullable(i++, *t);
  keep(st.run());
}

void CaseWriter::apply_fact_to_host(const HostFactRow& f) {
  if (!host_id_) return;
  Database& db = case_.db();
  const std::string& v = f.value;
  if (f.fact == "host_name") {
    keep(case_.add_alias(*host_id_, v, host_name_kind(v), source_id_));
  } else if (f.fact == "fqdn") {
    keep(case_.add_alias(*host_id_, v, "fqdn", source_id_));
  } else if (f.fact == "ip_address") {
    keep(case_.add_alias(*host_id_, v, "ip", source_id_));
  } else if (f.fact == "domain" && v.find('.') != std::string::npos) {
    // systeminfo names the domain; with the NetBIOS name that makes the FQDN.
    auto st = db.prepare("SELECT netbios FROM hosts WHERE host_id = ? AND netbios IS NOT NULL");
    if (st) {
      st->bind(1, *host_id_);
      if (auto r = st->step(); r && r.value()) {
        std::string fqdn = ascii_lower(st->column_text(0)) + "." + ascii_lower(v);
        keep(case_.add_alias(*host_id_, fqdn, "fqdn", source_id_));
      }
    }
  } else if (f.fact == "os_name" || f.fact == "os_version" || f.fact == "dpm_role" || f.fact == "dpm_version" ||
             f.fact == "agent_coordinator_path") {
    // The column name is the fact name, from the fixed list just above.
    auto st = db.prepare("UPDATE hosts SET " + f.fact + " = ? WHERE host_id = ?");
    if (st) {
      st->bind(1, v);
      st->bind(2, *host_id_);
      keep(st->run());
    }
  } else if (f.fact == "time_zone") {
    auto zone = ZoneConverter::from_name(v);
    if (!zone) return;  // the raw fact is kept in host_facts; the zone stays unknown
    auto st = db.prepare("UPDATE hosts SET time_zone = ?, time_zone_source = ? WHERE host_id = ?");
    if (st) {
      st->bind(1, zone->iana_id());
      st->bind(2, "'" + v + "' in " + path_ + ":" + std::to_string(f.location));
      st->bind(3, *host_id_);
      keep(st->run());
    }
  }
}

void CaseWriter::host_fact(const HostFactRow& f) {
  if (!host_id_ && host_from_content_allowed_) {
    pending_facts_.push_back(f);  // wait for the content to name its host
    return;
  }
  insert_fact_.bind(1, host_id_);
  insert_fact_.bind(2, source_id_);
  insert_fact_.bind(3, f.location);
  insert_fact_.bind_static(4, f.fact);
  insert_fact_.bind_static(5, f.value);
  keep(insert_fact_.run());
  apply_fact_to_host(f);
}

void CaseWriter::rejected(const RejectedRow& r) {
  Statement& st = insert_rejected_;
  st.bind(1, source_id_);
  st.bind(2, r.location);
  if (r.offset >= 0) st.bind(3, r.offset);
  else st.bind_null(3);
  st.bind_static(4, r.reason);
  st.bind_static(5, std::string_view(r.raw).substr(0, 4096));
  keep(st.run());
}

}  // namespace pm::db
