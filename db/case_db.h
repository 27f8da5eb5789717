// CaseDb: one case database file. open_for_write creates or migrates the
// schema (db/schema.sql, version in PRAGMA user_version) and refuses cases
// written by a newer pushmortem; open_read_only opens with every write
// refused (for query, timeline, export, sources). One thread per CaseDb.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "db/sqlite.h"

namespace pm::db {

inline constexpr int kSchemaVersion = 2;

class CaseDb {
 public:
  static Result<CaseDb> open_for_write(const std::filesystem::path& path);
  static Result<CaseDb> open_read_only(const std::filesystem::path& path);

  Database& db() { return db_; }

  // Secondary indexes (db/indexes.sql): dropped before a bulk load, rebuilt after.
  Status drop_bulk_indexes();
  Status create_indexes();

  // Host identity. find_host matches any alias (NetBIOS name, FQDN, IP,
  // folder name), then an FQDN's first label, then a NetBIOS name against
  // FQDNs. ensure_host creates the host when unknown and records the alias.
  std::optional<int64_t> find_host(std::string_view name);
  Result<int64_t> ensure_host(std::string_view name, std::optional<int64_t> source_id);
  Status add_alias(int64_t host_id, std::string_view alias, std::string_view kind, std::optional<int64_t> source_id);
  std::string host_name(int64_t host_id);
  // The zone recorded for a host by its facts (IANA id and where it came from).
  std::optional<std::pair<std::string, std::string>> host_time_zone(int64_t host_id);

 private:
  explicit CaseDb(Database db) : db_(std::move(db)) {}
  Database db_;
};

// The embedded SQL files (schema.sql, indexes.sql).
std::string_view schema_sql();
std::string_view indexes_sql();

// Classifies a name: "ip", "fqdn" (has a dot, not an IP) or "netbios".
std::string host_name_kind(std::string_view name);

}  // namespace pm::db
