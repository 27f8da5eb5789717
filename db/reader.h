// The read side of a case database: read-only SQL for `query`, the streaming
// timeline cursor (filters by host alias and time range), the Timesketch
// export cursor (events with their format's detail fields) and the sources
// listing. Library code: returns values and Status, never prints. Every
// cursor keeps one SQLite statement open and holds one row at a time, so
// memory does not grow with the size of the case. Values are always bound;
// the only SQL text built at run time is from fixed fragments and detail
// table names that were checked against sqlite_master and quoted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "db/case_db.h"
#include "db/sqlite.h"

namespace pm::db {

// One SQL value as read: NULL, INTEGER, REAL or TEXT (BLOBs are read as
// text "X'0a1b...'" hex literals, so every value prints safely).
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
SqlValue column_value(const Statement& st, int i);

// ----------------------------------------------------------------- query

// One statement of a user's SQL, prepared and checked to be read-only.
struct QueryStatement {
  Statement statement;
  std::string text;  // the statement's SQL on one line (whitespace runs collapsed)
};

// Prepares every statement of `sql` on a database that had
// make_read_only_guarded(). Nothing is run. Fails with ErrorKind::usage when
// the SQL is empty, has an error (SQLite's message) or any statement is not
// read-only (refused by the authorizer or Statement::read_only() false);
// the message names the statement.
Result<std::vector<QueryStatement>> prepare_read_only_query(Database& db, std::string_view sql);

// A statement's text shortened to one line of at most `max_chars` bytes, for messages.
std::string statement_excerpt(std::string_view sql, size_t max_chars = 60);

// -------------------------------------------------------------- timeline

// Resolves a host by any name it is known by: an alias (NetBIOS name, FQDN,
// IP address, folder name; case-insensitive) or the host's name, FQDN or
// NetBIOS columns. Exact matches only. Unknown -> ErrorKind::usage naming the
// known hosts.
Result<int64_t> resolve_host(Database& db, std::string_view name);

// Parses a --from/--to value (ISO 8601: "2021-06-22", "2021-06-22T10:19",
// "2021-06-22T10:19:41Z", fractions, +hh:mm offsets; no offset = UTC). A lower
// bound is the first microsecond of the text's precision; an upper bound
// (`upper` true) is the last one, so "--to 2021-06-22" includes the whole day
// and "--to 10:19:41" the whole second. Empty when malformed.
std::optional<int64_t> parse_time_bound(std::string_view text, bool upper);

struct TimelineFilter {
  std::optional<int64_t> host_id;  // from resolve_host
  std::optional<int64_t> from_us;  // inclusive
  std::optional<int64_t> to_us;    // inclusive
  // Untimed events are included (after all timed ones) only when there is
  // no time bound.
};

struct TimelineEvent {
  int64_t event_id = 0;
  std::optional<int64_t> time_us;    // empty = untimed
  std::optional<std::string> host;   // hosts.name
  std::string source_file;           // sources.path
  std::string format;
  std::optional<std::string> event_code;
  std::optional<std::string> level;
  std::optional<std::string> message;
  std::optional<int64_t> location;
  int64_t flags = 0;
};

// Events in time order (ties by event_id, i.e. by ingest order), then the
// untimed ones by source and location. Streams: one row in memory.
class TimelineCursor {
 public:
  static Result<TimelineCursor> open(Database& db, const TimelineFilter& filter);
  // True with `out` filled, false at the end; failures are errors.
  Result<bool> next(TimelineEvent& out);

 private:
  TimelineCursor() = default;
  Statement timed_;
  Statement untimed_;  // invalid when a time bound is set
  int phase_ = 0;      // 0 timed, 1 untimed, 2 done
};

// The SQL of the timed part of a timeline query (for EXPLAIN QUERY PLAN in tests).
std::string timeline_timed_sql(const TimelineFilter& filter);

// Column width hints for aligned text output, from the small tables only:
// the longest host name, source path and format name (characters).
struct TimelineWidths {
  size_t host = 0;
  size_t source_file = 0;
  size_t format = 0;
};
TimelineWidths timeline_widths(Database& db);

// Short names of the set bits of events.flags: "zone-unknown",
// "ambiguous-local-time", "nonexistent-local-time", "invalid-value",
// "out-of-order", "bit<N>" for unknown bits; comma-separated.
std::string describe_event_flags(int64_t flags);

// ---------------------------------------------------------------- export

struct ExportField {
  std::string name;
  SqlValue value;  // never NULL (NULL columns are omitted)
};

// One timed event in Timesketch's import shape.
struct ExportRow {
  int64_t event_id = 0;
  int64_t time_us = 0;
  std::string message;         // "" when the event has none
  std::string datetime;        // 2021-06-22T10:19:41.000000Z
  std::string timestamp_desc;
  std::optional<std::string> host;
  std::string source_file;     // sources.path
  std::string source_format;   // events.format
  std::optional<int64_t> location;
  std::optional<std::string> event_code;
  std::vector<ExportField> fields;  // the detail row, in table column order, without event_id and NULLs
  // Windows events: fields[data_begin...] are the win_event_data items and
  // data_names their own names (a field's name may carry the "<DataKind>."
  // prefix that keeps it unique); data_begin == fields.size() otherwise.
  size_t data_begin = 0;
  std::vector<std::string> data_names;
  bool windows = false;                 // detail table win_events: fields carry the Windows names
  std::optional<std::string> level;     // events.level: verbose, info, warning, error, critical
  std::optional<int64_t> byte_offset;   // events.byte_offset: where the line or record starts in the file
};

// Every timed event in time order with its detail fields. The detail table
// of a format comes from `formats`; its name is checked against
// sqlite_master and quoted, and the event id is bound. Formats without a
// detail table export no fields; inconsistencies (a format missing from
// `formats`, a detail table that does not exist) export no fields and add
// one warning each.
//
// Windows events (detail table win_events: formats evtx, evt-xml, evt-csv,
// evt-text) export their columns under the names Windows uses -
// EventRecordID, EventID, Provider, Channel, Computer, Level, and also
// ProviderGuid, EventSourceName, Qualifiers, Version, Task, Opcode,
// Keywords, FileTime, ActivityID, RelatedActivityID, ProcessID, ThreadID,
// UserID, LevelText, TaskText, OpcodeText, DataKind, Recovered - followed by
// every EventData/UserData item of win_event_data in document order, named
// by its Name ("Data[n]" when unnamed). An item whose name is already taken
// (5156 has a Data "ProcessID", as does System) is exported as
// "<DataKind>.<name>", e.g. "EventData.ProcessID". Data values are text;
// an empty value is exported as "" (the item exists).
class ExportCursor {
 public:
  static Result<ExportCursor> open(Database& db);
  Result<bool> next(ExportRow& out);
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Detail {
    bool present = false;
    Statement statement;
    std::string timestamp_desc;  // formats.timestamp_desc, or "Event Time"
    bool windows = false;        // win_events: Windows names, then the win_event_data items
    Statement data;              // name, value of win_event_data (valid when windows)
  };
  explicit ExportCursor(Database& db) : db_(&db) {}
  Result<Detail*> detail_for(const std::string& format);

  Database* db_;
  Statement events_;
  Statement formats_;
  Statement table_exists_;
  std::map<std::string, Detail, std::less<>> details_;
  std::vector<std::string> warnings_;
};

// Events without a time (not exported: Timesketch needs one).
Result<int64_t> count_untimed_events(Database& db);

// --------------------------------------------------------------- sources

struct SourceListing {
  int64_t id = 0;
  std::optional<int64_t> parent_id;
  std::string bundle;
  std::string path;
  std::string status;
  std::optional<std::string> status_reason;
  std::optional<std::string> format;
  std::optional<int64_t> sniff_score;
  std::optional<std::string> sniff_reason;
  std::optional<std::string> encoding;
  std::optional<std::string> host;  // hosts.name
  std::optional<std::string> host_reason;
  std::optional<std::string> time_zone;
  std::optional<std::string> time_zone_reason;
  bool time_zone_assumed = false;   // no zone known: UTC assumed (reason starts "unknown")
  std::optional<std::string> unit;
  int64_t units_read = 0;
  int64_t rows_stored = 0;
  int64_t rows_rejected = 0;
  int64_t header_units = 0;
  std::optional<int64_t> first_time_us;
  std::optional<int64_t> last_time_us;
  std::string sha256;
  int64_t size = 0;
  std::string ingested_at;
  std::optional<std::string> time_basis;  // how dates without a year were completed
  std::optional<std::string> notes;       // the file's damage as the parser found it
};

// Every source in id order. Streams.
class SourcesCursor {
 public:
  static Result<SourcesCursor> open(Database& db);
  Result<bool> next(SourceListing& out);

 private:
  SourcesCursor() = default;
  Statement st_;
};

}  // namespace pm::db
