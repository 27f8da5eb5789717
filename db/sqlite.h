// Small RAII wrappers over SQLite. The only place (with sqlite.cpp and
// sql_functions.cpp, the SQL functions every connection gets) that
// includes sqlite3.h. A Database and its Statements belong to one thread.
// Values are always bound, never spliced into SQL text.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/rows.h"
#include "parsers/core/status.h"

struct sqlite3;
struct sqlite3_stmt;
struct sqlite3_module;

namespace pm::db {

enum class OpenMode { read_write_create, read_write, read_only };

enum class ColumnType { integer, real, text, blob, null };

class Statement {
 public:
  Statement() = default;
  Statement(Statement&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binding (1-based indexes, as SQLite).
  void bind(int index, int64_t value);
  void bind(int index, double value);
  void bind(int index, std::string_view text);  // copied by SQLite (transient)
  void bind(int index, const std::string& text) { bind(index, std::string_view(text)); }
  void bind(int index, const char* text) { bind(index, std::string_view(text)); }
  void bind_static(int index, std::string_view text);  // caller keeps text alive until step()
  void bind_null(int index);
  void bind(int index, const std::optional<int64_t>& value);
  void bind(int index, const Value& value);
  void bind_nullable(int index, std::string_view text);  // empty -> NULL

  // Returns true when a row is ready, false when done; failures are errors.
  Result<bool> step();
  // Runs to completion (for INSERT/UPDATE); resets for the next use.
  Status run();
  void reset();

  int column_count() const;
  std::string column_name(int i) const;
  ColumnType column_type(int i) const;
  int64_t column_int(int i) const;
  double column_double(int i) const;
  std::string_view column_text(int i) const;  // valid until the next step/reset
  bool is_null(int i) const { return column_type(i) == ColumnType::null; }
  std::optional<int64_t> column_optional_int(int i) const;

  bool read_only() const;  // sqlite3_stmt_readonly
  bool valid() const { return stmt_ != nullptr; }

 private:
  friend class Database;
  explicit Statement(sqlite3_stmt* s) : stmt_(s) {}
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  Database() = default;
  Database(Database&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Database& operator=(Database&& o) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  static Result<Database> open(const std::filesystem::path& path, OpenMode mode);

  Status exec(std::string_view sql);  // one or more statements, no parameters
  Result<Statement> prepare(std::string_view sql);
  // Prepares the first statement of `sql`; `tail` receives the rest.
  Result<Statement> prepare_one(std::string_view sql, std::string_view& tail);
  int64_t last_insert_rowid() const;
  int user_version();
  Status set_user_version(int version);
  std::string error_message() const;
  const std::filesystem::path& path() const { return path_; }

  // Registers a virtual table module (db/bulk_insert.cpp); `module` must
  // outlive the connection; `aux` is handed to its xConnect.
  Status create_module(const std::string& name, const sqlite3_module* module, void* aux);

  // Turns off every statement that could change the file (query_only and an
  // authorizer that refuses ATTACH, DETACH and writes), for `query`.
  void make_read_only_guarded();

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// Steps `st` to its end, calling f(st) for every row; returns the first step
// error, else ok.
template <class F>
Status for_each_row(Statement& st, F&& f) {
  while (true) {
    auto row = st.step();
    if (!row) return row.status();
    if (!*row) return Status::ok();
    f(st);
  }
}

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  const Status& begin_status() const { return begin_; }
  Status commit();
  void rollback();

 private:
  Database& db_;
  Status begin_;
  bool open_ = false;
};

}  // namespace pm::db
