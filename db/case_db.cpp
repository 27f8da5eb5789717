#include "db/case_db.h"

#include <cctype>

#include "parsers/core/net_util.h"

namespace pm::db {
namespace data {
std::string_view embedded_file(std::string_view name);
}

std::string_view schema_sql() { return data::embedded_file("schema.sql"); }
std::string_view indexes_sql() { return data::embedded_file("indexes.sql"); }

namespace {

// Migrations from version N to N+1 (data files in db/migrations/, embedded),
// applied in order inside one transaction; schema.sql (all IF NOT EXISTS)
// runs after them and adds new tables, views and indexes.
struct Migration {
  int from_version;
  const char* file;
};
const std::vector<Migration> kMigrations = {
    {1, "v1_to_v2.sql"},
};

Status configure(Database& db, bool writing) {
  // A bounded page cache; large sorts (index builds) spill to temporary files.
  Status s = db.exec("PRAGMA foreign_keys = OFF; PRAGMA cache_size = -16384;");
  if (!s) return s;
  if (writing) s = db.exec("PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF;");
  return s;
}

bool has_tables(Database& db) {
  auto st = db.prepare("SELECT count(*) FROM sqlite_master");
  if (!st) return false;
  auto r = st->step();
  return r && r.value() && st->column_int(0) > 0;
}

Status check_version(const std::filesystem::path& path, int version) {
  if (version > kSchemaVersion)
    return Status::error(ErrorKind::conflict,
                         path.string() + " was written by a newer pushmortem (case schema " + std::to_string(version) +
                             ", this build reads up to " + std::to_string(kSchemaVersion) +
                             "): upgrade pushmortem or ingest into a new case");
  return Status::ok();
}

}  // namespace

Result<CaseDb> CaseDb::open_for_write(const std::filesystem::path& path) {
  auto db = Database::open(path, OpenMode::read_write_create);
  if (!db) return db.status();
  int version = db->user_version();
  if (version < 0)
    return Status::error(ErrorKind::bad_input, path.string() + " is not an SQLite database: give a new file name or an existing case");
  if (Status s = check_version(path, version); !s) return s;
  if (version == 0 && has_tables(db.value()))
    return Status::error(ErrorKind::bad_input,
                         path.string() + " is an SQLite database but not a pushmortem case: give a new file name");
  if (version == 0) {
    // A new case: fewer, fuller pages for bulk appends (only settable before the first table).
    if (Status s = db->exec("PRAGMA page_size = 16384"); !s) return s;
  }
  if (Status s = configure(db.value(), true); !s) return s;
  if (version < kSchemaVersion) {
    Transaction tx(db.value());
    if (!tx.begin_status()) return tx.begin_status();
    if (version == 0) {
      if (Status s = db->exec(schema_sql()); !s) return Status::error(ErrorKind::io, "creating the schema: " + s.message());
      if (Status s = db->exec(indexes_sql()); !s) return s;
    } else {
      for (const Migration& m : kMigrations) {
        if (m.from_version < version) continue;
        if (Status s = db->exec(data::embedded_file(m.file)); !s)
          return Status::error(ErrorKind::io, "migrating the case from schema " + std::to_string(m.from_version) +
                                                  ": " + s.message());
      }
      if (Status s = db->exec("DROP VIEW IF EXISTS timeline; DROP VIEW IF EXISTS push_attempts;"); !s) return s;
      if (Status s = db->exec(schema_sql()); !s) return Status::error(ErrorKind::io, "upgrading the schema: " + s.message());
      if (Status s = db->exec(indexes_sql()); !s) return s;
    }
    if (Status s = db->set_user_version(kSchemaVersion); !s) return s;
    if (Status s = tx.commit(); !s) return s;
  }
  return CaseDb(std::move(db.value()));
}

Result<CaseDb> CaseDb::open_read_only(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    return Status::error(ErrorKind::io, "no case file at " + path.string() + ": run `pushmortem ingest PATH --case " +
                                            path.string() + "` first");
  // A killed ingest leaves a hot rollback journal. A read-only connection
  // cannot roll it back, so open read-write once: SQLite restores the last
  // committed state on first read (what the next ingest would do anyway).
  std::filesystem::path journal = path;
  journal += "-journal";
  if (std::filesystem::exists(journal, ec) && std::filesystem::file_size(journal, ec) > 0) {
    if (auto rw = Database::open(path, OpenMode::read_write)) rw->user_version();
  }
  auto db = Database::open(path, OpenMode::read_only);
  if (!db) return db.status();
  int version = db->user_version();
  if (version < 0) return Status::error(ErrorKind::bad_input, path.string() + " is not an SQLite database");
  if (version == 0 && !has_tables(db.value()))
    return Status::error(ErrorKind::bad_input,
                         path.string() + " holds no case yet (an ingest was interrupted before it stored anything): "
                                         "run `pushmortem ingest PATH --case " + path.string() + "` again");
  if (version == 0) return Status::error(ErrorKind::bad_input, path.string() + " is not a pushmortem case");
  if (Status s = check_version(path, version); !s) return s;
  if (version < kSchemaVersion)
    return Status::error(ErrorKind::conflict, path.string() + " uses case schema " + std::to_string(version) +
                                                  ": run `pushmortem ingest` on it once to migrate it");
  if (Status s = configure(db.value(), false); !s) return s;
  return CaseDb(std::move(db.value()));
}

Status CaseDb::drop_bulk_indexes() {
  auto st = db_.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name IN "
                        "('events_host_time', 'events_time', 'win_event_data_event')");
  if (!st) return st.status();
  std::vector<std::string> names;
  for (auto r = st->step(); r && r.value(); r = st->step()) names.emplace_back(st->column_text(0));
  for (const auto& n : names)
    if (Status s = db_.exec("DROP INDEX IF EXISTS \"" + n + "\""); !s) return s;  // names from the fixed list above
  return Status::ok();
}

Status CaseDb::create_indexes() { return db_.exec(indexes_sql()); }

std::string host_name_kind(std::string_view name) {
  if (is_ip_address(name)) return "ip";
  return name.find('.') != std::string_view::npos ? "fqdn" : "netbios";
}

std::optional<int64_t> CaseDb::find_host(std::string_view name) {
  if (name.empty()) return std::nullopt;
  auto by_alias = db_.prepare("SELECT host_id FROM host_aliases WHERE alias = ?");
  if (!by_alias) return std::nullopt;
  by_alias->bind(1, name);
  if (auto r = by_alias->step(); r && r.value()) return by_alias->column_int(0);
  std::string kind = host_name_kind(name);
  if (kind == "fqdn") {
    // fs01.contoso.com matches a host known only as FS01 (no FQDN of its own yet, or the same one).
    std::string_view label = name.substr(0, name.find('.'));
    auto st = db_.prepare(
        "SELECT h.host_id FROM host_aliases a JOIN hosts h ON h.host_id = a.host_id "
        "WHERE a.alias = ? AND a.kind = 'netbios' AND (h.fqdn IS NULL OR h.fqdn = ?)");
    if (!st) return std::nullopt;
    st->bind(1, label);
    st->bind(2, name);
    if (auto r = st->step(); r && r.value()) return st->column_int(0);
  } else if (kind == "netbios") {
    auto st = db_.prepare("SELECT host_id FROM hosts WHERE fqdn LIKE ? ESCAPE '\\' ORDER BY host_id");
    if (!st) return std::nullopt;
    std::string pattern;
    for (char c : name) {
      if (c == '%' || c == '_' || c == '\\') pattern.push_back('\\');
      pattern.push_back(c);
    }
    pattern += ".%";
    st->bind(1, pattern);
    if (auto r = st->step(); r && r.value()) return st->column_int(0);
  }
  return std::nullopt;
}

Status CaseDb::add_alias(int64_t host_id, std::string_view alias, std::string_view kind,
                         std::optional<int64_t> source_id) {
  if (alias.empty()) return Status::ok();
  auto st = db_.prepare("INSERT OR IGNORE INTO host_aliases(alias, host_id, kind, source_id) VALUES (?, ?, ?, ?)");
  if (!st) return st.status();
  st->bind(1, alias);
  st->bind(2, host_id);
  st->bind(3, kind);
  st->bind(4, source_id);
  if (Status s = st->run(); !s) return s;
  if (kind == "fqdn" || kind == "netbios") {
    auto up = db_.prepare(kind == "fqdn" ? "UPDATE hosts SET fqdn = ? WHERE host_id = ? AND fqdn IS NULL"
                                         : "UPDATE hosts SET netbios = ? WHERE host_id = ? AND netbios IS NULL");
    if (!up) return up.status();
    up->bind(1, alias);
    up->bind(2, host_id);
    if (Status s = up->run(); !s) return s;
    if (kind == "fqdn") {
      size_t dot = alias.find('.');
      auto dom = db_.prepare("UPDATE hosts SET domain = ? WHERE host_id = ? AND domain IS NULL");
      if (!dom) return dom.status();
      dom->bind(1, alias.substr(dot + 1));
      dom->bind(2, host_id);
      if (Status s = dom->run(); !s) return s;
      std::string netbios(alias.substr(0, dot));  // NetBIOS names are conventionally upper case
      for (char& c : netbios) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return add_alias(host_id, netbios, "netbios", source_id);
    }
  }
  return Status::ok();
}

Result<int64_t> CaseDb::ensure_host(std::string_view name, std::optional<int64_t> source_id) {
  if (auto id = find_host(name)) {
    // Learn the new spelling (an FQDN for a host known by its NetBIOS name, ...).
    if (Status s = add_alias(*id, name, host_name_kind(name), source_id); !s) return s;
    return *id;
  }
  auto ins = db_.prepare("INSERT INTO hosts(name) VALUES (?)");
  if (!ins) return ins.status();
  ins->bind(1, name);
  if (Status s = ins->run(); !s) return s;
  int64_t id = db_.last_insert_rowid();
  if (Status s = add_alias(id, name, host_name_kind(name), source_id); !s) return s;
  return id;
}

std::string CaseDb::host_name(int64_t host_id) {
  auto st = db_.prepare("SELECT name FROM hosts WHERE host_id = ?");
  if (!st) return {};
  st->bind(1, host_id);
  if (auto r = st->step(); r && r.value()) return std::string(st->column_text(0));
  return {};
}

std::optional<std::pair<std::string, std::string>> CaseDb::host_time_zone(int64_t host_id) {
  auto st = db_.prepare("SELECT time_zone, time_zone_source FROM hosts WHERE host_id = ? AND time_zone IS NOT NULL");
  if (!st) return std::nullopt;
  st->bind(1, host_id);
  if (auto r = st->step(); r && r.value())
    return std::make_pair(std::string(st->column_text(0)), std::string(st->column_text(1)));
  return std::nullopt;
}

}  // namespace pm::db
