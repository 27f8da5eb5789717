// CaseWriter: detail tables of DPM evidence and Windows events.
#include "db/case_writer.h"

namespace pm::db {

Status CaseWriter::prepare_details() {
  Database& db = case_.db();
  struct Item {
    Statement* stmt;
    const char* sql;
  };
  const Item items[] = {
      {&insert_trace_,
       "INSERT INTO dpm_trace(event_id, binary, pid, tid, tag, code_file, code_line, object, task_guid, trace_level, "
       "hresults, error_ids, hosts, attempt_target, variant) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&insert_msi_,
       "INSERT INTO msi_log(event_id, context, process_thread, action, return_value, local_time) VALUES (?,?,?,?,?,?)"},
      {&insert_install_,
       "INSERT INTO installs(source_id, host_id, start_us, end_us, product, version, result, result_code, "
       "failing_action, first_line, last_line, date_basis) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&insert_push_,
       "INSERT INTO push_errors(event_id, operation, target_host, error_id, hresult, hresult_source, details, "
       "recommended_action, form, last_line) VALUES (?,?,?,?,?,?,?,?,?,?)"},
      {&insert_win_,
       "INSERT INTO win_events(event_id, provider, provider_guid, event_source_name, win_event_id, qualifiers, "
       "version, level, task, opcode, keywords, record_id, filetime, activity_id, related_activity_id, process_id, "
       "thread_id, channel, computer, user_sid, level_text, task_text, opcode_text, data_kind, recovered) "
       "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"},
      {&insert_win_data_, "INSERT INTO win_event_data(event_id, position, name, value) VALUES (?,?,?,?)"},
  };
  for (const Item& it : items) {
    auto st = db.prepare(it.sql);
    if (!st) return Status::error(ErrorKind::io, std::string("preparing case statements: ") + st.status().message());
    *it.stmt = std::move(st.value());
  }
  return Status::ok();
}

void CaseWriter::dpm_trace(const EventRow& event, const DpmTraceRow& r) {
  if (!insert_event(event)) return;
  Statement& st = insert_trace_;
  st.bind(1, case_.db().last_insert_rowid());
  const std::string* before_line[] = {&r.binary, &r.pid, &r.tid, &r.tag, &r.code_file};
  int i = 2;
  for (const std::string* t : before_line) st.bind_nullable(i++, *t);
  st.bind(i++, r.code_line);
  const std::string* after_line[] = {&r.object,    &r.task_guid, &r.trace_level,    &r.hresults,
                                     &r.error_ids, &r.hosts,     &r.attempt_target, &r.variant};
  for (const std::string* t : after_line) st.bind_nullable(i++, *t);
  keep(st.run());
}

void CaseWriter::msi_line(const EventRow& event, const MsiLineRow& r) {
  if (!insert_event(event)) return;
  Statement& st = insert_msi_;
  st.bind(1, case_.db().last_insert_rowid());
  st.bind_nullable(2, r.context);
  st.bind_nullable(3, r.process_thread);
  st.bind_nullable(4, r.action);
  st.bind(5, r.return_value);
  st.bind_nullable(6, r.local_time);
  keep(st.run());
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
  if (!insert_event(event)) return;
  Statement& st = insert_push_;
  st.bind(1, case_.db().last_insert_rowid());
  st.bind_nullable(2, r.operation);
  st.bind_nullable(3, r.target_host);
  st.bind(4, r.error_id);
  st.bind_nullable(5, r.hresult);
  st.bind_nullable(6, r.hresult_source);
  st.bind_nullable(7, r.details);
  st.bind_nullable(8, r.recommended_action);
  st.bind_nullable(9, r.form);
  st.bind(10, r.last_line);
  keep(st.run());
}

void CaseWriter::win_event(const EventRow& event, const WinEventRow& r) {
  if (!insert_event(event)) return;
  const int64_t id = case_.db().last_insert_rowid();
  Statement& st = insert_win_;
  st.bind(1, id);
  st.bind_nullable(2, r.provider);
  st.bind_nullable(3, r.provider_guid);
  st.bind_nullable(4, r.event_source_name);
  st.bind(5, r.event_id);
  st.bind(6, r.qualifiers);
  st.bind(7, r.version);
  st.bind(8, r.level);
  st.bind(9, r.task);
  st.bind(10, r.opcode);
  st.bind_nullable(11, r.keywords);
  st.bind(12, r.record_id);
  st.bind(13, r.filetime);
  st.bind_nullable(14, r.activity_id);
  st.bind_nullable(15, r.related_activity_id);
  st.bind(16, r.process_id);
  st.bind(17, r.thread_id);
  const std::string* more[] = {&r.channel, &r.computer, &r.user_sid, &r.level_text, &r.task_text, &r.opcode_text,
                               &r.data_kind};
  int i = 18;
  for (const std::string* t : more) st.bind_nullable(i++, *t);
  st.bind(25, int64_t{r.recovered ? 1 : 0});
  keep(st.run());
  Statement& d = insert_win_data_;
  int64_t position = 0;
  for (const auto& [name, value] : r.data) {
    d.bind(1, id);
    d.bind(2, position++);
    d.bind_static(3, name);
    d.bind_static(4, value);
    keep(d.run());
  }
}

}  // namespace pm::db
