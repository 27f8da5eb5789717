#include "db/reader.h"

#include <cctype>

#include "parsers/core/time_util.h"

namespace pm::db {

namespace {

std::optional<std::string> optional_text(const Statement& st, int i) {
  if (st.is_null(i)) return std::nullopt;
  return std::string(st.column_text(i));
}

std::string text_or_empty(const Statement& st, int i) { return std::string(st.column_text(i)); }

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Skips whitespace, semicolons and SQL comments at the start of `s`.
std::string_view skip_blank(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' || c == ';') {
      ++i;
    } else if (s.compare(i, 2, "--") == 0) {
      size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (s.compare(i, 2, "/*") == 0) {
      size_t close = s.find("*/", i + 2);
      i = close == std::string_view::npos ? s.size() : close + 2;
    } else {
      break;
    }
  }
  return s.substr(i);
}

// True when only whitespace and SQL comments remain.
bool only_comments(std::string_view s) { return skip_blank(s).empty(); }

Status sql_refused(size_t number, std::string_view text, std::string_view why) {
  return Status::error(
      ErrorKind::usage,
      "refused statement " + std::to_string(number) + " (`" + statement_excerpt(text) + "`): " + std::string(why) +
          ". `pushmortem query` only reads the case: SELECT, WITH ... SELECT and EXPLAIN work; INSERT, UPDATE, "
          "DELETE, CREATE, DROP, ATTACH, DETACH, VACUUM and writing PRAGMAs are refused (reading ones such as "
          "integrity_check and table_info work). To see the schema: SELECT sql FROM sqlite_master");
}

// Why the authorizer refused a statement, from its first keyword.
std::string refusal_reason(std::string_view sql) {
  std::string word;
  for (char c : skip_blank(sql)) {
    if (!std::isalpha(static_cast<unsigned char>(c))) break;
    word.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  if (word == "PRAGMA") return "this PRAGMA could change the file (only reading pragmas are allowed)";
  if (word == "ATTACH" || word == "DETACH") return "it would open or close another database file";
  if (word == "SELECT" || word == "VALUES")
    return "it uses something that is not allowed here (such as load_extension)";
  return "it would change the case";
}

}  // namespace

SqlValue column_value(const Statement& st, int i) {
  switch (st.column_type(i)) {
    case ColumnType::null: return std::monostate{};
    case ColumnType::integer: return st.column_int(i);
    case ColumnType::real: return st.column_double(i);
    case ColumnType::text: return std::string(st.column_text(i));
    case ColumnType::blob: {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string_view bytes = st.column_text(i);
      std::string out = "X'";
      out.reserve(bytes.size() * 2 + 3);
      for (unsigned char c : bytes) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
      }
      out.push_back('\'');
      return out;
    }
  }
  return std::monostate{};
}

// ----------------------------------------------------------------- query

std::string statement_excerpt(std::string_view sql, size_t max_chars) {
  sql = trim(sql);
  while (!sql.empty() && sql.back() == ';') sql = trim(sql.substr(0, sql.size() - 1));
  std::string out;
  bool space = false;
  for (char c : sql) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  if (out.size() > max_chars) {
    size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
    out.resize(cut);
    out += "...";
  }
  return out;
}

Result<std::vector<QueryStatement>> prepare_read_only_query(Database& db, std::string_view sql) {
  std::vector<QueryStatement> out;
  std::string_view rest = sql;
  size_t number = 0;
  while (!only_comments(rest)) {
    ++number;
    std::string_view tail;
    auto st = db.prepare_one(rest, tail);
    if (!st) {
      std::string_view head = skip_blank(rest);
      head = head.substr(0, head.find(';'));
      if (st.status().kind() == ErrorKind::usage)
        return sql_refused(number, head, refusal_reason(rest));
      return Status::error(ErrorKind::usage, "SQL error in statement " + std::to_string(number) + " (`" +
                                                 statement_excerpt(head) + "`): " + st.status().message());
    }
    std::string_view text = rest.substr(0, rest.size() - tail.size());
    if (!st->valid()) {  // only a comment or an empty statement
      if (tail.size() >= rest.size()) break;  // no progress: nothing more SQLite can parse
      rest = tail;
      --number;
      continue;
    }
    rest = tail;
    if (!st->read_only()) return sql_refused(number, text, "it would change the case");
    out.push_back(QueryStatement{std::move(st.value()), statement_excerpt(text, 1 << 20)});
  }
  if (out.empty())
    return Status::error(ErrorKind::usage, "no SQL statement given: e.g. \"SELECT * FROM timeline LIMIT 10\"");
  return out;
}

// -------------------------------------------------------------- timeline

Result<int64_t> resolve_host(Database& db, std::string_view name) {
  auto by_alias = db.prepare("SELECT host_id FROM host_aliases WHERE alias = ?");
  if (!by_alias) return by_alias.status();
  by_alias->bind(1, name);
  auto r = by_alias->step();
  if (!r) return r.status();
  if (r.value()) return by_alias->column_int(0);

  auto by_host = db.prepare("SELECT host_id FROM hosts WHERE name = ?1 OR fqdn = ?1 OR netbios = ?1 ORDER BY host_id");
  if (!by_host) return by_host.status();
  by_host->bind(1, name);
  r = by_host->step();
  if (!r) return r.status();
  if (r.value()) return by_host->column_int(0);

  auto names = db.prepare("SELECT name FROM hosts ORDER BY name LIMIT 21");
  if (!names) return names.status();
  std::string known;
  int n = 0;
  for (auto s = names->step(); s && s.value(); s = names->step()) {
    if (++n > 20) {
      known += ", ...";
      break;
    }
    if (!known.empty()) known += ", ";
    known += names->column_text(0);
  }
  std::string msg = "no host named \"" + std::string(name) + "\" in the case: ";
  if (known.empty())
    msg += "the case knows no hosts";
  else
    msg += "known hosts are " + known + " (a NetBIOS name, FQDN or IP address of one of them also works)";
  return Status::error(ErrorKind::usage, msg);
}

std::optional<int64_t> parse_time_bound(std::string_view text, bool upper) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  std::optional<int64_t> us = parse_iso8601_us(text);
  if (!us) return std::nullopt;
  if (!upper) return us;
  // Width of the text's last unit: day, minute, second or exact (fraction).
  int64_t unit = 0;
  if (text.size() == 10) {
    unit = 86400 * kMicrosPerSecond;
  } else if (text.size() >= 16) {
    if (text.size() > 16 && text[16] == ':') {
      bool fraction = text.size() > 19 && (text[19] == '.' || text[19] == ',');
      unit = fraction ? 1 : kMicrosPerSecond;
    } else {
      unit = 60 * kMicrosPerSecond;
    }
  }
  if (unit <= 1) return us;
  return *us + unit - 1;
}

std::string timeline_timed_sql(const TimelineFilter& f) {
  // CROSS JOIN keeps events as the outer loop, so the time (or host, time)
  // index delivers rows in order and nothing is sorted in memory.
  std::string sql =
      "SELECT e.event_id, e.time_us, h.name, s.path, e.format, e.event_code, e.level, e.message, e.location, e.flags "
      "FROM events e CROSS JOIN sources s ON s.source_id = e.source_id LEFT JOIN hosts h ON h.host_id = e.host_id "
      "WHERE e.time_us IS NOT NULL";
  if (f.host_id) sql += " AND e.host_id = :host";
  if (f.from_us) sql += " AND e.time_us >= :from";
  if (f.to_us) sql += " AND e.time_us <= :to";
  sql += " ORDER BY e.time_us, e.event_id";
  return sql;
}

Result<TimelineCursor> TimelineCursor::open(Database& db, const TimelineFilter& f) {
  TimelineCursor c;
  auto timed = db.prepare(timeline_timed_sql(f));
  if (!timed) return timed.status();
  int i = 1;
  if (f.host_id) timed->bind(i++, *f.host_id);
  if (f.from_us) timed->bind(i++, *f.from_us);
  if (f.to_us) timed->bind(i++, *f.to_us);
  c.timed_ = std::move(timed.value());
  if (!f.from_us && !f.to_us) {
    std::string sql =
        "SELECT e.event_id, e.time_us, h.name, s.path, e.format, e.event_code, e.level, e.message, e.location, "
        "e.flags FROM events e CROSS JOIN sources s ON s.source_id = e.source_id "
        "LEFT JOIN hosts h ON h.host_id = e.host_id WHERE e.time_us IS NULL";
    if (f.host_id) sql += " AND e.host_id = :host";
    sql += " ORDER BY e.source_id, e.location, e.event_id";
    auto untimed = db.prepare(sql);
    if (!untimed) return untimed.status();
    if (f.host_id) untimed->bind(1, *f.host_id);
    c.untimed_ = std::move(untimed.value());
  }
  return c;
}

Result<bool> TimelineCursor::next(TimelineEvent& out) {
  while (phase_ < 2) {
    Statement& st = phase_ == 0 ? timed_ : untimed_;
    if (!st.valid()) {
      ++phase_;
      continue;
    }
    auto r = st.step();
    if (!r) return r.status();
    if (!r.value()) {
      ++phase_;
      continue;
    }
    out.event_id = st.column_int(0);
    out.time_us = st.column_optional_int(1);
    out.host = optional_text(st, 2);
    out.source_file = text_or_empty(st, 3);
    out.format = text_or_empty(st, 4);
    out.event_code = optional_text(st, 5);
    out.level = optional_text(st, 6);
    out.message = optional_text(st, 7);
    out.location = st.column_optional_int(8);
    out.flags = st.column_int(9);
    return true;
  }
  return false;
}

TimelineWidths timeline_widths(Database& db) {
  TimelineWidths w;
  auto st = db.prepare(
      "SELECT (SELECT max(length(name)) FROM hosts), "
      "(SELECT max(length(path)) FROM sources WHERE status = 'ingested'), "
      "(SELECT max(length(format)) FROM sources WHERE status = 'ingested')");
  if (!st) return w;
  if (auto r = st->step(); r && r.value()) {
    w.host = static_cast<size_t>(st->column_int(0));
    w.source_file = static_cast<size_t>(st->column_int(1));
    w.format = static_cast<size_t>(st->column_int(2));
  }
  return w;
}

std::string describe_event_flags(int64_t flags) {
  static constexpr const char* kNames[] = {"zone-unknown", "ambiguous-local-time", "nonexistent-local-time",
                                           "invalid-value", "out-of-order", "year-assumed"};
  std::string out;
  for (int bit = 0; bit < 63; ++bit) {
    if (!(flags & (int64_t{1} << bit))) continue;
    if (!out.empty()) out += ',';
    out += bit < 6 ? std::string(kNames[bit]) : "bit" + std::to_string(bit);
  }
  return out;
}

// ---------------------------------------------------------------- export

namespace {

// win_events column -> the name Windows uses for it (unknown columns keep theirs).
std::string windows_field_name(const std::string& column) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"provider", "Provider"}, {"provider_guid", "ProviderGuid"}, {"event_source_name", "EventSourceName"},
      {"win_event_id", "EventID"}, {"qualifiers", "Qualifiers"}, {"version", "Version"}, {"level", "Level"},
      {"task", "Task"}, {"opcode", "Opcode"}, {"keywords", "Keywords"}, {"record_id", "EventRecordID"},
      {"filetime", "FileTime"}, {"activity_id", "ActivityID"}, {"related_activity_id", "RelatedActivityID"},
      {"process_id", "ProcessID"}, {"thread_id", "ThreadID"}, {"channel", "Channel"}, {"computer", "Computer"},
      {"user_sid", "UserID"}, {"level_text", "LevelText"}, {"task_text", "TaskText"},
      {"opcode_text", "OpcodeText"}, {"data_kind", "DataKind"}, {"recovered", "Recovered"}};
  for (const auto& [col, name] : kNames)
    if (column == col) return name;
  return column;
}

// Appends the win_event_data items of out.event_id; a name already in
// out.fields becomes "<DataKind>.<name>".
Status append_windows_data(Statement& data, ExportRow& out) {
  std::string kind = "EventData";
  for (const auto& f : out.fields)
    if (f.name == "DataKind")
      if (auto* s = std::get_if<std::string>(&f.value); s && !s->empty()) kind = *s;
  data.reset();
  data.bind(1, out.event_id);
  for (;;) {
    auto r = data.step();
    if (!r) return r.status();
    if (!r.value()) break;
    std::string name(data.column_text(0));
    out.data_names.push_back(name);
    bool taken = false;
    for (const auto& f : out.fields) taken = taken || f.name == name;
    if (taken) name = kind + "." + name;
    SqlValue value = data.is_null(1) ? SqlValue(std::string()) : column_value(data, 1);
    out.fields.push_back(ExportField{std::move(name), std::move(value)});
  }
  data.reset();
  return Status::ok();
}

}  // namespace

Result<ExportCursor> ExportCursor::open(Database& db) {
  ExportCursor c(db);
  auto events = db.prepare(
      "SELECT e.event_id, e.time_us, e.message, h.name, s.path, e.format, e.location, e.event_code, e.level, "
      "e.byte_offset "
      "FROM events e CROSS JOIN sources s ON s.source_id = e.source_id LEFT JOIN hosts h ON h.host_id = e.host_id "
      "WHERE e.time_us IS NOT NULL ORDER BY e.time_us, e.event_id");
  if (!events) return events.status();
  auto formats = db.prepare("SELECT detail_table, timestamp_desc FROM formats WHERE format = ?");
  if (!formats) return formats.status();
  auto exists = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?");
  if (!exists) return exists.status();
  c.events_ = std::move(events.value());
  c.formats_ = std::move(formats.value());
  c.table_exists_ = std::move(exists.value());
  return c;
}

Result<ExportCursor::Detail*> ExportCursor::detail_for(const std::string& format) {
  if (auto it = details_.find(format); it != details_.end()) return &it->second;
  Detail d;
  formats_.reset();
  formats_.bind(1, format);
  auto r = formats_.step();
  if (!r) return r.status();
  std::optional<std::string> table;
  bool known = r.value();
  d.timestamp_desc = "Event Time";
  if (known) {
    table = optional_text(formats_, 0);
    if (auto desc = optional_text(formats_, 1); desc && !desc->empty()) d.timestamp_desc = *desc;
  }
  formats_.reset();
  if (!known) {
    warnings_.push_back("format \"" + format +
                        "\" has no row in the formats table: its events are exported without fields");
  } else if (table && !table->empty()) {
    table_exists_.reset();
    table_exists_.bind(1, *table);
    auto e = table_exists_.step();
    if (!e) return e.status();
    std::optional<std::string> real_name;
    if (e.value()) real_name = std::string(table_exists_.column_text(0));
    table_exists_.reset();
    if (!real_name) {
      warnings_.push_back("format \"" + format + "\" names detail table \"" + *table +
                          "\", which is not in the case: its events are exported without fields");
    } else {
      std::string quoted = "\"";
      for (char ch : *real_name) {
        if (ch == '"') quoted.push_back('"');
        quoted.push_back(ch);
      }
      quoted.push_back('"');
      auto st = db_->prepare("SELECT * FROM " + quoted + " WHERE event_id = ?");
      if (!st) {
        warnings_.push_back("detail table \"" + *real_name + "\" of format \"" + format + "\" cannot be read (" +
                            st.status().message() + "): its events are exported without fields");
      } else {
        d.present = true;
        d.statement = std::move(st.value());
        if (*real_name == "win_events") {
          auto data = db_->prepare("SELECT name, value FROM win_event_data WHERE event_id = ? ORDER BY position");
          if (!data) {
            warnings_.push_back("win_event_data cannot be read (" + data.status().message() +
                                "): Windows events are exported without their data items");
          } else {
            d.data = std::move(data.value());
          }
          d.windows = true;
        }
      }
    }
  }
  auto [it, inserted] = details_.emplace(format, std::move(d));
  return &it->second;
}

Result<bool> ExportCursor::next(ExportRow& out) {
  auto r = events_.step();
  if (!r) return r.status();
  if (!r.value()) return false;
  out.event_id = events_.column_int(0);
  out.time_us = events_.column_int(1);
  out.message = text_or_empty(events_, 2);
  out.datetime = format_iso8601_us(out.time_us);
  out.host = optional_text(events_, 3);
  out.source_file = text_or_empty(events_, 4);
  out.source_format = text_or_empty(events_, 5);
  out.location = events_.column_optional_int(6);
  out.event_code = optional_text(events_, 7);
  out.level = optional_text(events_, 8);
  out.byte_offset = events_.column_optional_int(9);
  out.fields.clear();
  out.data_names.clear();
  out.windows = false;
  auto detail = detail_for(out.source_format);
  if (!detail) return detail.status();
  Detail* d = detail.value();
  out.timestamp_desc = d->timestamp_desc;
  out.windows = d->present && d->windows;
  if (d->present) {
    Statement& st = d->statement;
    st.reset();
    st.bind(1, out.event_id);
    auto row = st.step();
    if (!row) return row.status();
    if (row.value()) {
      int n = st.column_count();
      for (int i = 0; i < n; ++i) {
        if (st.is_null(i)) continue;
        std::string name = st.column_name(i);
        if (name == "event_id") continue;
        if (d->windows) name = windows_field_name(name);
        out.fields.push_back(ExportField{std::move(name), column_value(st, i)});
      }
    }
    st.reset();
    out.data_begin = out.fields.size();
    if (d->windows && d->data.valid()) {
      if (Status s = append_windows_data(d->data, out); !s) return s;
    }
  }
  if (out.data_names.empty()) out.data_begin = out.fields.size();
  return true;
}

Result<int64_t> count_untimed_events(Database& db) {
  auto st = db.prepare("SELECT count(*) FROM events WHERE time_us IS NULL");
  if (!st) return st.status();
  auto r = st->step();
  if (!r) return r.status();
  return r.value() ? st->column_int(0) : 0;
}

// --------------------------------------------------------------- sources

Result<SourcesCursor> SourcesCursor::open(Database& db) {
  SourcesCursor c;
  auto st = db.prepare(
      "SELECT s.source_id, s.parent_id, s.bundle, s.path, s.status, s.status_reason, s.format, s.sniff_score, "
      "s.sniff_reason, s.encoding, h.name, s.host_reason, s.time_zone, s.time_zone_reason, s.unit, s.units_read, "
      "s.rows_stored, s.rows_rejected, s.header_units, s.first_time_us, s.last_time_us, s.sha256, s.size, "
      "s.ingested_at, s.time_basis, s.notes FROM sources s LEFT JOIN hosts h ON h.host_id = s.host_id ORDER BY s.source_id");
  if (!st) return st.status();
  c.st_ = std::move(st.value());
  return c;
}

Result<bool> SourcesCursor::next(SourceListing& o) {
  auto r = st_.step();
  if (!r) return r.status();
  if (!r.value()) return false;
  const Statement& st = st_;
  o.id = st.column_int(0);
  o.parent_id = st.column_optional_int(1);
  o.bundle = text_or_empty(st, 2);
  o.path = text_or_empty(st, 3);
  o.status = text_or_empty(st, 4);
  o.status_reason = optional_text(st, 5);
  o.format = optional_text(st, 6);
  o.sniff_score = st.column_optional_int(7);
  o.sniff_reason = optional_text(st, 8);
  o.encoding = optional_text(st, 9);
  o.host = optional_text(st, 10);
  o.host_reason = optional_text(st, 11);
  o.time_zone = optional_text(st, 12);
  o.time_zone_reason = optional_text(st, 13);
  o.unit = optional_text(st, 14);
  o.units_read = st.column_int(15);
  o.rows_stored = st.column_int(16);
  o.rows_rejected = st.column_int(17);
  o.header_units = st.column_int(18);
  o.first_time_us = st.column_optional_int(19);
  o.last_time_us = st.column_optional_int(20);
  o.sha256 = text_or_empty(st, 21);
  o.size = st.column_int(22);
  o.ingested_at = text_or_empty(st, 23);
  o.time_basis = optional_text(st, 24);
  o.notes = optional_text(st, 25);
  o.time_zone_assumed = false;
  if (o.time_zone_reason) {
    std::string lower;
    for (char ch : *o.time_zone_reason)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    o.time_zone_assumed = lower.rfind("unknown", 0) == 0 || lower.find("assumed") != std::string::npos;
  }
  return true;
}

}  // namespace pm::db
