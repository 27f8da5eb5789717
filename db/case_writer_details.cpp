// CaseWriter: detail tables of DPM evidence and Windows events, and the
// bulk (virtual-table) inserters of every high-volume table.
#include "db/case_writer.h"

namespace pm::db {

Status CaseWriter::prepare_details() {
  auto st = case_.db().prepare(
      "INSERT INTO installs(source_id, host_id, start_us, end_us, product, version, result, result_code, "
      "failing_action, first_line, last_line, date_basis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!st) return Status::error(ErrorKind::io, std::string("preparing case statements: ") + st.status().message());
  insert_install_ = std::move(st.value());
  return Status::ok();
}

Status CaseWriter::prepare_bulk() {
  struct Item {
    std::unique_ptr<BulkTable>* bulk;
    const char* table;
    std::vector<std::string> columns;
  };
  const Item items[] = {
      {&bulk_events_, "events",
       {"event_id", "time_us", "host_id", "source_id", "format", "event_code", "level", "message", "location",
        "byte_offset", "flags"}},
      {&bulk_firewall_, "firewall_log",
       {"event_id", "local_time", "action", "protocol", "src_ip", "dst_ip", "src_port", "dst_port", "size",
        "tcpflags", "tcpsyn", "tcpack", "tcpwin", "icmptype", "icmpcode", "info", "path", "pid", "lost_events",
        "invalid"}},
      {&bulk_trace_, "dpm_trace",
       {"event_id", "binary", "pid", "tid", "tag", "code_file", "code_line", "object", "task_guid", "trace_level",
        "hresults", "error_ids", "hosts", "attempt_target", "variant"}},
      {&bulk_msi_, "msi_log", {"event_id", "context", "process_thread", "action", "return_value", "local_time"}},
      {&bulk_push_, "push_errors",
       {"event_id", "operation", "target_host", "error_id", "hresult", "hresult_source", "details",
        "recommended_action", "form", "last_line"}},
      {&bulk_win_, "win_events",
       {"event_id", "provider", "provider_guid", "event_source_name", "win_event_id", "qualifiers", "version",
        "level", "task", "opcode", "keywords", "record_id", "filetime", "activity_id", "related_activity_id",
        "process_id", "thread_id", "channel", "computer", "user_sid", "level_text", "task_text", "opcode_text",
        "data_kind", "recovered"}},
      {&bulk_win_data_, "win_event_data", {"event_id", "position", "name", "value"}},
  };
  for (const Item& it : items) {
    auto b = BulkTable::create(case_.db(), std::string("pm_bulk_") + it.table, it.table, it.columns);
    if (!b) return b.status();
    *it.bulk = std::move(b.value());
  }
  return Status::ok();
}

void CaseWriter::dpm_trace(const EventRow& event, const DpmTraceRow& r) {
  const int64_t id = insert_event(event);
  BulkTable& b = *bulk_trace_;
  b.add(id);
  for (const std::string* t : {&r.binary, &r.pid, &r.tid, &r.tag, &r.code_file}) b.add_nullable(*t);
  b.add(r.code_line);
  for (const std::string* t : {&r.object, &r.task_guid, &r.trace_level, &r.hresults, &r.error_ids, &r.hosts,
                               &r.attempt_target, &r.variant})
    b.add_nullable(*t);
  b.end_row();
  after_row();
}

void CaseWriter::msi_line(const EventRow& event, const MsiLineRow& r) {
  const int64_t id = insert_event(event);
  BulkTable& b = *bulk_msi_;
  b.add(id);
  b.add_nullable(r.context);
  b.add_nullable(r.process_thread);
  b.add_nullable(r.action);
  b.add(r.return_value);
  b.add_nullable(r.local_time);
  b.end_row();
  after_row();
}

void CaseWriter::install(const InstallRow& r) {
  Statement& st = insert_install_;
  st.bind(1, source_id_);
  st.bind(2, host_id_);
  st.bind(3, r.start_us);
  st.bind(4, r.end_us);
  st.bind_nullable(5, r.product);
  st.bind_nullable(6, r.version);
  st.bind_nullable(7, r.result);
  st.bind(8, r.result_code);
  st.bind_nullable(9, r.failing_action);
  st.bind(10, r.first_line);
  st.bind(11, r.last_line);
  st.bind_nullable(12, r.date_basis);
  keep(st.run());
}

void CaseWriter::push_error(const EventRow& event, const PushErrorRow& r) {
  const int64_t id = insert_event(event);
  BulkTable& b = *bulk_push_;
  b.add(id);
  b.add_nullable(r.operation);
  b.add_nullable(r.target_host);
  b.add(r.error_id);
  b.add_nullable(r.hresult);
  b.add_nullable(r.hresult_source);
  b.add_nullable(r.details);
  b.add_nullable(r.recommended_action);
  b.add_nullable(r.form);
  b.add(r.last_line);
  b.end_row();
  after_row();
}

void CaseWriter::win_event(const EventRow& event, const WinEventRow& r) {
  const int64_t id = insert_event(event);
  BulkTable& b = *bulk_win_;
  b.add(id);
  b.add_nullable(r.provider);
  b.add_nullable(r.provider_guid);
  b.add_nullable(r.event_source_name);
  b.add(r.event_id);
  for (const Value* v : {&r.qualifiers, &r.version, &r.level, &r.task, &r.opcode}) b.add(*v);
  b.add_nullable(r.keywords);
  b.add(r.record_id);
  b.add(r.filetime);
  b.add_nullable(r.activity_id);
  b.add_nullable(r.related_activity_id);
  b.add(r.process_id);
  b.add(r.thread_id);
  for (const std::string* t : {&r.channel, &r.computer, &r.user_sid, &r.level_text, &r.task_text, &r.opcode_text,
                               &r.data_kind})
    b.add_nullable(*t);
  b.add(int64_t{r.recovered ? 1 : 0});
  b.end_row();
  BulkTable& d = *bulk_win_data_;
  int64_t position = 0;
  for (const auto& [name, value] : r.data) {
    d.add(id);
    d.add(position++);
    d.add(std::string_view(name));
    d.add(std::string_view(value));
    d.end_row();
  }
  after_row();
}

}  // namespace pm::db
