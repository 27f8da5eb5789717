#include "db/sqlite.h"

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "db/sql_functions.h"

namespace pm::db {

// ------------------------------------------------------------------ Statement

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    o.stmt_ = nullptr;
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::bind(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void Statement::bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
void Statement::bind(int i, std::string_view t) {
  sqlite3_bind_text(stmt_, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
}
void Statement::bind_static(int i, std::string_view t) {
  sqlite3_bind_text(stmt_, i, t.data(), static_cast<int>(t.size()), SQLITE_STATIC);
}
void Statement::bind_null(int i) { sqlite3_bind_null(stmt_, i); }
void Statement::bind(int i, const std::optional<int64_t>& v) {
  if (v) bind(i, *v);
  else bind_null(i);
}
void Statement::bind(int i, const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v)) bind(i, *n);
  else if (auto* s = std::get_if<std::string>(&v)) bind_static(i, *s);
  else bind_null(i);
}
void Statement::bind_nullable(int i, std::string_view t) {
  if (t.empty()) bind_null(i);
  else bind_static(i, t);
}

Result<bool> Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_);
  std::string msg = sqlite3_errmsg(db);
  ErrorKind kind = (rc == SQLITE_INTERRUPT) ? ErrorKind::interrupted : ErrorKind::io;
  if (rc == SQLITE_AUTH || rc == SQLITE_READONLY) kind = ErrorKind::usage;
  return Status::error(kind, msg);
}

Status Statement::run() {
  Result<bool> r = step();
  while (r && r.value()) r = step();
  sqlite3_reset(stmt_);
  return r ? Status::ok() : r.status();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::column_count() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int i) const {
  const char* n = sqlite3_column_name(stmt_, i);
  return n ? n : "";
}
ColumnType Statement::column_type(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER: return ColumnType::integer;
    case SQLITE_FLOAT: return ColumnType::real;
    case SQLITE_TEXT: return ColumnType::text;
    case SQLITE_BLOB: return ColumnType::blob;
    default: return ColumnType::null;
  }
}
int64_t Statement::column_int(int i) const { return sqlite3_column_int64(stmt_, i); }
double Statement::column_double(int i) const { return sqlite3_column_double(stmt_, i); }
std::string_view Statement::column_text(int i) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  if (!p) return {};
  return {p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))};
}
std::optional<int64_t> Statement::column_optional_int(int i) const {
  if (is_null(i)) return std::nullopt;
  return column_int(i);
}
bool Statement::read_only() const { return sqlite3_stmt_readonly(stmt_) != 0; }

// ------------------------------------------------------------------- Database

Database& Database::operator=(Database&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Database::~Database() { sqlite3_close_v2(db_); }

Result<Database> Database::open(const std::filesystem::path& path, OpenMode mode) {
  // Memory statistics cost a global mutex on every allocation; pushmortem
  // does not use them. Must precede the library's initialisation.
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (mode) {
    case OpenMode::read_write_create: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE; break;
    case OpenMode::read_write: flags |= SQLITE_OPEN_READWRITE; break;
    case OpenMode::read_only: flags |= SQLITE_OPEN_READONLY; break;
  }
  Database db;
  db.path_ = path;
  int rc = sqlite3_open_v2(path.string().c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return Status::error(ErrorKind::io, "cannot open case " + path.string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, 5000);
  if (Status fs = register_sql_functions(db.db_); !fs) return fs;  // pm_regexp, pm_cidr
  return db;
}

Status Database::exec(std::string_view sql) {
  char* err = nullptr;
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::error((rc & 0xFF) == SQLITE_INTERRUPT ? ErrorKind::interrupted : ErrorKind::io, msg);
  }
  return Status::ok();
}

Result<Statement> Database::prepare(std::string_view sql) {
  std::string_view tail;
  return prepare_one(sql, tail);
}

Result<Statement> Database::prepare_one(std::string_view sql, std::string_view& tail) {
  sqlite3_stmt* stmt = nullptr;
  const char* end = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, &end);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Status::error(rc == SQLITE_AUTH ? ErrorKind::usage : ErrorKind::bad_input, sqlite3_errmsg(db_));
  }
  tail = end ? sql.substr(static_cast<size_t>(end - sql.data())) : std::string_view();
  return Statement(stmt);
}

int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::user_version() {
  auto st = prepare("PRAGMA user_version");
  if (!st) return -1;
  auto r = st->step();
  return (r && r.value()) ? static_cast<int>(st->column_int(0)) : -1;
}

Status Database::set_user_version(int version) {
  // PRAGMA takes no parameters; the value is an integer we format ourselves.
  return exec("PRAGMA user_version = " + std::to_string(version));
}

Status Database::create_module(const std::string& name, const sqlite3_module* module, void* aux) {
  int rc = sqlite3_create_module_v2(db_, name.c_str(), module, aux, nullptr);
  if (rc != SQLITE_OK) return Status::error(ErrorKind::io, "registering " + name + ": " + sqlite3_errmsg(db_));
  return Status::ok();
}

std::string Database::error_message() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

namespace {

// Pragmas that only read. Those marked `query` only read when given no value
// (PRAGMA user_version reads, PRAGMA user_version = 5 writes).
bool read_only_pragma(const char* name, const char* arg) {
  static constexpr std::string_view kAlways[] = {
      "integrity_check", "quick_check", "table_info", "table_xinfo", "table_list", "index_list", "index_info",
      "index_xinfo", "foreign_key_list", "foreign_key_check", "database_list", "collation_list", "function_list",
      "pragma_list", "module_list", "compile_options", "page_count", "freelist_count"};
  static constexpr std::string_view kQuery[] = {"user_version", "schema_version", "application_id", "page_size",
                                                "encoding", "journal_mode", "data_version"};
  if (!name) return false;
  std::string_view n(name);
  for (std::string_view a : kAlways)
    if (n == a) return true;
  for (std::string_view q : kQuery)
    if (n == q) return arg == nullptr;
  return false;
}

int read_only_authorizer(void*, int action, const char* arg1, const char* arg2, const char*, const char*) {
  switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_PRAGMA:
      return read_only_pragma(arg1, arg2) ? SQLITE_OK : SQLITE_DENY;
    default:
      return SQLITE_DENY;  // ATTACH, DETACH, INSERT, UPDATE, DELETE, CREATE, DROP, ...
  }
}

}  // namespace

void Database::make_read_only_guarded() {
  exec("PRAGMA query_only = 1");
  sqlite3_set_authorizer(db_, &read_only_authorizer, nullptr);
}

// ---------------------------------------------------------------- Transaction

Transaction::Transaction(Database& db) : db_(db) {
  begin_ = db_.exec("BEGIN IMMEDIATE");
  open_ = begin_.is_ok();
}

Transaction::~Transaction() {
  if (open_) rollback();
}

Status Transaction::commit() {
  if (!open_) return Status::error(ErrorKind::io, "no open transaction");
  open_ = false;
  Status s = db_.exec("COMMIT");
  if (!s) db_.exec("ROLLBACK");
  return s;
}

void Transaction::rollback() {
  if (open_) {
    open_ = false;
    db_.exec("ROLLBACK");
  }
}

}  // namespace pm::db
