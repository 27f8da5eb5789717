// How Sigma logsources and field names map onto the case database. The
// mapping is data (rules/data/mapping.yml, embedded at build time); this
// header is its in-memory form. Immutable after load; thread-safe to read.
//
// A logsource resolves to one table. `event` tables are detail tables keyed
// by events.event_id (time, host, source, location and message come from
// `events`); `standalone` tables carry their own columns for those (named in
// the mapping; a missing one reads as NULL). Fields map to a column of the
// table, of `events` (prefix "events."), or, for tables with
// `other_fields: event_data`, to win_event_data rows by Data name.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/status.h"
#include "rules/sigma_types.h"

namespace pm::rules {

enum class FieldType { text, integer, ip };

struct FieldDef {
  std::string column;               // "win_event_id" (table column), "events.message", or
                                    // "event_data.<Data name>" (a win_event_data item)
  FieldType type = FieldType::text;
};

struct TableDef {
  std::string name;                 // SQL table name (fixed by the schema or created by the engine)
  bool event_keyed = true;          // detail table joined to events on event_id
  // standalone tables: columns (or SQL expressions over the table, alias t) giving
  // the standard result columns; empty = NULL.
  std::string time_col, host_col, source_col, location_col, message_expr, event_id_col, order_col;
  std::map<std::string, FieldDef> fields;  // Sigma field name (case-insensitive lookup) -> column
  bool other_fields_event_data = false;    // unknown fields: win_event_data by name
  std::vector<std::string> keyword_columns; // columns searched by keyword selections (as FieldDef::column;
                                            // "event_data": every win_event_data value)
};

struct LogsourceDef {
  std::string key;                  // mapping entry name, e.g. windows-system
  std::string product, service, category;  // what it matches (empty = any)
  std::string table;                // TableDef name
  std::vector<std::string> formats; // events.format values / sources.format values
  std::map<std::string, std::string> where;  // column = value restrictions (e.g. channel: System)
  std::string description;
};

// True for a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*): the only column
// and table names the mapping accepts and the compiler writes into SQL.
bool is_sql_identifier(std::string_view s);

class Mapping {
 public:
  // Parses mapping YAML; `origin` names it in messages (file:line).
  static Result<Mapping> load(std::string_view yaml_text, const std::string& origin);
  // The built-in mapping (rules/data/mapping.yml); loaded once, thread-safe.
  static const Mapping& builtin();

  // The logsource definition for a rule's logsource, or an `unsupported`
  // error naming the logsource and what is available.
  Result<const LogsourceDef*> resolve(const Logsource& ls) const;
  const TableDef* table(const std::string& name) const;
  // Field lookup for a table (Sigma field names are case-insensitive here);
  // nullopt when unknown (and the table has no event_data fallback).
  std::optional<FieldDef> field(const TableDef& table, const std::string& sigma_field) const;

  const std::vector<LogsourceDef>& logsources() const { return logsources_; }
  const std::map<std::string, TableDef>& tables() const { return tables_; }

 private:
  std::vector<LogsourceDef> logsources_;
  std::map<std::string, TableDef> tables_;
};

}  // namespace pm::rules
