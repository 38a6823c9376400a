#include "audit/ledger/sqlite_db.h"

namespace hallmark::audit {

Status SqliteError(int rc, const std::string& path, const std::string& detail) {
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy("ledger is busy: " + path +
                          " stayed locked by another writer past the wait limit (" + detail + ")");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::BadInput(path + ": the ledger file is corrupt or not a database (" + detail +
                              ")");
    case SQLITE_FULL:
      return Status::IoError(path + ": disk full, nothing was recorded by this command (" + detail +
                             ")");
    case SQLITE_READONLY:
      return Status::IoError(path + ": the ledger is read-only (" + detail + ")");
    case SQLITE_CANTOPEN:
      return Status::IoError(path + ": cannot open the ledger (" + detail + ")");
    case SQLITE_IOERR:
    case SQLITE_PERM:
      return Status::IoError(path + ": I/O error (" + detail + ")");
    case SQLITE_CONSTRAINT:
      return Status::BadInput(path + ": " + detail);
    case SQLITE_MISUSE:
    case SQLITE_INTERNAL:
      // Only these say the program itself is wrong, whatever the file holds.
      return Status::Internal(path + ": SQLite error " + std::to_string(rc) + " (" + detail + ")");
    default:
      // Hallmark's statements are fixed and match the schema it writes, so any other failure
      // (SQLITE_ERROR "no such table", a type mismatch, an oversized value, ...) means the file
      // is not the ledger it claims to be: bad input, as for any hostile file.
      return Status::BadInput(path + ": not a usable Hallmark ledger (SQLite error " +
                              std::to_string(rc) + ": " + detail + ")");
  }
}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    stmt_ = o.stmt_;
    path_ = o.path_;
    o.stmt_ = nullptr;
  }
  return *this;
}

SqliteStatement& SqliteStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int i, int64_t v) {
  int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) bind_rc_ = rc;
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int i, std::string_view text) {
  int rc = sqlite3_bind_text64(stmt_, i, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (rc != SQLITE_OK) bind_rc_ = rc;
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int i, ByteView blob) {
  // A zero-length blob must still be a blob, not NULL.
  static const uint8_t kEmpty = 0;
  int rc = sqlite3_bind_blob64(stmt_, i, blob.empty() ? &kEmpty : blob.data(), blob.size(),
                               SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Result<bool> SqliteStatement::Step() {
  sqlite3* db = sqlite3_db_handle(stmt_);
  if (bind_rc_ != SQLITE_OK) return SqliteError(bind_rc_, *path_, "binding a value failed");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string detail = sqlite3_errmsg(db);
  sqlite3_reset(stmt_);
  return SqliteError(sqlite3_extended_errcode(db) ? sqlite3_extended_errcode(db) : rc, *path_,
                     detail);
}

Status SqliteStatement::Run() {
  HM_ASSIGN_OR_RETURN(bool row, Step());
  while (row) {
    HM_ASSIGN_OR_RETURN(row, Step());
  }
  return Status::Ok();
}

std::string SqliteStatement::Text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<size_t>(n)) : std::string();
}

Bytes SqliteStatement::Blob(int col) const {
  const void* b = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  const uint8_t* p = static_cast<const uint8_t*>(b);
  return b ? Bytes(p, p + n) : Bytes();
}

Result<SqliteDb> SqliteDb::Open(const std::string& uri, const std::string& path, int flags) {
  SqliteDb db;
  db.path_ = std::make_unique<std::string>(path);
  int rc = sqlite3_open_v2(uri.c_str(), &db.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = db.db_ ? sqlite3_errmsg(db.db_) : sqlite3_errstr(rc);
    return SqliteError(rc, path, detail);
  }
  sqlite3_extended_result_codes(db.db_, 1);
  return db;
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

SqliteDb::SqliteDb(SqliteDb&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) {
  o.db_ = nullptr;
}

SqliteDb& SqliteDb::operator=(SqliteDb&& o) noexcept {
  if (this != &o) {
    sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return ErrorFor(rc, sqlite3_errmsg(db_));
  return SqliteStatement(stmt, path_.get());
}

Status SqliteDb::Exec(const std::string& sql) const {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string detail = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return ErrorFor(sqlite3_extended_errcode(db_), detail);
  }
  return Status::Ok();
}

Result<int64_t> SqliteDb::QueryInt(const std::string& sql) const {
  HM_ASSIGN_OR_RETURN(SqliteStatement st, Prepare(sql));
  HM_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return Status::Internal("query returned no row: " + sql);
  return st.Int(0);
}

Status SqliteDb::ErrorFor(int rc, const std::string& detail) const {
  return SqliteError(rc, *path_, detail);
}

}  // namespace hallmark::audit
