#include "db/bulk_insert.h"

#include <sqlite3.h>

#include <cstring>

namespace pm::db {
namespace {

struct BulkVtab {
  sqlite3_vtab base;
  BulkTable* table;
};
struct BulkCursor {
  sqlite3_vtab_cursor base;
  size_t row;
};

int bulk_connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  auto* table = static_cast<BulkTable*>(aux);
  std::string decl = "CREATE TABLE x(";
  for (size_t i = 0; i < table->column_count(); ++i) decl += (i ? ", c" : "c") + std::to_string(i);
  decl += ")";
  int rc = sqlite3_declare_vtab(db, decl.c_str());
  if (rc != SQLITE_OK) return rc;
  auto* v = static_cast<BulkVtab*>(sqlite3_malloc(sizeof(BulkVtab)));
  if (!v) return SQLITE_NOMEM;
  std::memset(v, 0, sizeof(BulkVtab));
  v->table = table;
  *out = &v->base;
  return SQLITE_OK;
}
int bulk_disconnect(sqlite3_vtab* v) {
  sqlite3_free(v);
  return SQLITE_OK;
}
int bulk_best_index(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1;
  return SQLITE_OK;
}
int bulk_open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto* c = static_cast<BulkCursor*>(sqlite3_malloc(sizeof(BulkCursor)));
  if (!c) return SQLITE_NOMEM;
  std::memset(c, 0, sizeof(BulkCursor));
  *out = &c->base;
  return SQLITE_OK;
}
int bulk_close(sqlite3_vtab_cursor* c) {
  sqlite3_free(c);
  return SQLITE_OK;
}
int bulk_filter(sqlite3_vtab_cursor* c, int, const char*, int, sqlite3_value**) {
  reinterpret_cast<BulkCursor*>(c)->row = 0;
  return SQLITE_OK;
}
int bulk_next(sqlite3_vtab_cursor* c) {
  ++reinterpret_cast<BulkCursor*>(c)->row;
  return SQLITE_OK;
}
int bulk_eof(sqlite3_vtab_cursor* c) {
  auto* cur = reinterpret_cast<BulkCursor*>(c);
  return cur->row >= reinterpret_cast<BulkVtab*>(c->pVtab)->table->rows();
}
int bulk_column(sqlite3_vtab_cursor* c, sqlite3_context* ctx, int column) {
  auto* cur = reinterpret_cast<BulkCursor*>(c);
  const BulkTable& t = *reinterpret_cast<BulkVtab*>(c->pVtab)->table;
  const BulkTable::Cell& cell = t.cell(cur->row, static_cast<size_t>(column));
  switch (cell.kind) {
    case BulkTable::Kind::null: sqlite3_result_null(ctx); break;
    case BulkTable::Kind::integer: sqlite3_result_int64(ctx, cell.value); break;
    case BulkTable::Kind::text: {
      std::string_view s = t.text(cell);
      sqlite3_result_text(ctx, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
      break;
    }
  }
  return SQLITE_OK;
}
int bulk_rowid(sqlite3_vtab_cursor* c, sqlite3_int64* out) {
  *out = static_cast<sqlite3_int64>(reinterpret_cast<BulkCursor*>(c)->row);
  return SQLITE_OK;
}

sqlite3_module make_module() {
  sqlite3_module m;
  std::memset(&m, 0, sizeof m);
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous-only: the module name works as a table name at once
  m.xConnect = bulk_connect;
  m.xBestIndex = bulk_best_index;
  m.xDisconnect = bulk_disconnect;
  m.xDestroy = bulk_disconnect;
  m.xOpen = bulk_open;
  m.xClose = bulk_close;
  m.xFilter = bulk_filter;
  m.xNext = bulk_next;
  m.xEof = bulk_eof;
  m.xColumn = bulk_column;
  m.xRowid = bulk_rowid;
  return m;
}

}  // namespace

Result<std::unique_ptr<BulkTable>> BulkTable::create(Database& db, const std::string& module, const std::string& table,
                                                     const std::vector<std::string>& columns) {
  std::unique_ptr<BulkTable> t(new BulkTable());
  t->db_ = &db;
  t->columns_ = columns.size();
  t->module_ = module;
  // The module struct must outlive the connection: one per process.
  static const sqlite3_module kEponymous = make_module();
  if (Status s = db.create_module(module, &kEponymous, t.get()); !s) return s;
  // Identifiers come from CaseWriter's fixed lists, never from input.
  std::string sql = "INSERT INTO " + table + "(";
  std::string select = " SELECT ";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + columns[i];
    select += (i ? ", c" : "c") + std::to_string(i);
  }
  sql += ")" + select + " FROM " + module;
  auto st = db.prepare(sql);
  if (!st) return Status::error(ErrorKind::io, "preparing bulk insert into " + table + ": " + st.status().message());
  t->insert_ = std::move(st.value());
  t->cells_.reserve(4096 * columns.size());
  return t;
}

BulkTable::~BulkTable() = default;

void BulkTable::add(std::string_view text) {
  cells_.push_back({Kind::text, static_cast<int64_t>(arena_.size()), static_cast<uint32_t>(text.size())});
  arena_.append(text);
}

void BulkTable::add(const Value& v) {
  if (auto* n = std::get_if<int64_t>(&v)) add(*n);
  else if (auto* s = std::get_if<std::string>(&v)) add(std::string_view(*s));
  else add_null();
}

Status BulkTable::flush() {
  if (rows_ == 0) return Status::ok();
  Status s = insert_.run();
  clear();
  return s;
}

void BulkTable::clear() {
  rows_ = 0;
  cells_.clear();
  arena_.clear();
}

}  // namespace pm::db
