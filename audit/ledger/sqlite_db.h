// Thin RAII wrappers over the SQLite C API (sqlite3*, sqlite3_stmt*) that turn result codes into
// Status values with messages naming the ledger file. Internal to the SQLite ledger store.
#ifndef HALLMARK_AUDIT_LEDGER_SQLITE_DB_H_
#define HALLMARK_AUDIT_LEDGER_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::audit {

// Maps a SQLite result code to a Status: BUSY/LOCKED -> kBusy ("ledger is busy: …"),
// CORRUPT/NOTADB -> kBadInput naming the file, FULL/IOERR/READONLY/CANTOPEN -> kIoError,
// MISUSE/INTERNAL -> kInternal (a bug here), anything else (CONSTRAINT, and the errors a
// hostile file provokes: missing tables or columns, mismatched types, oversized values) ->
// kBadInput naming the file.
Status SqliteError(int rc, const std::string& path, const std::string& detail);

class SqliteStatement {
 public:
  SqliteStatement() = default;
  SqliteStatement(sqlite3_stmt* stmt, const std::string* path) : stmt_(stmt), path_(path) {}
  ~SqliteStatement() { sqlite3_finalize(stmt_); }
  SqliteStatement(SqliteStatement&& o) noexcept : stmt_(o.stmt_), path_(o.path_) {
    o.stmt_ = nullptr;
  }
  SqliteStatement& operator=(SqliteStatement&& o) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Resets the statement and clears its bindings, ready for the next Bind/Step round.
  SqliteStatement& Reset();
  // Parameters are numbered from 1. Text and blobs are copied (SQLITE_TRANSIENT).
  SqliteStatement& Bind(int i, int64_t v);
  SqliteStatement& Bind(int i, std::string_view text);
  SqliteStatement& BindBlob(int i, ByteView blob);

  // True while a row is available, false when done; an error names the file.
  Result<bool> Step();
  // Steps to completion, expecting no row.
  Status Run();

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::string Text(int col) const;
  Bytes Blob(int col) const;
  bool IsNull(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int ColumnCount() const { return sqlite3_column_count(stmt_); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  const std::string* path_ = nullptr;
  int bind_rc_ = SQLITE_OK;
};

// Row readers over a prepared and bound statement: the one loop that steps a statement and
// decodes its rows. `decode(st)` turns the current row into a T and may return T or Result<T>
// (a decoder that runs further queries, or rejects a damaged row, can fail).

// Steps `st` through every row and hands each decoded record to `visit(T&)`, which returns a
// Status. Stops at the first error: SQLite's, the decoder's or the visitor's.
template <typename T, typename Decode, typename Visit>
Status VisitRows(SqliteStatement& st, const Decode& decode, const Visit& visit) {
  while (true) {
    HM_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row) return Status::Ok();
    Result<T> record = decode(st);
    if (!record.ok()) return record.status();
    HM_RETURN_IF_ERROR(visit(*record));
  }
}

// Every row of `st`, decoded, in the statement's order.
template <typename T, typename Decode>
Result<std::vector<T>> AllRows(SqliteStatement& st, const Decode& decode) {
  std::vector<T> out;
  HM_RETURN_IF_ERROR(VisitRows<T>(st, decode, [&out](T& record) {
    out.push_back(std::move(record));
    return Status::Ok();
  }));
  return out;
}

// The first row of `st`, decoded, or nullopt when there is none. Leaves `st` on that row.
template <typename T, typename Decode>
Result<std::optional<T>> FirstRow(SqliteStatement& st, const Decode& decode) {
  HM_ASSIGN_OR_RETURN(bool row, st.Step());
  if (!row) return std::optional<T>();
  Result<T> record = decode(st);
  if (!record.ok()) return record.status();
  return std::optional<T>(std::move(*record));
}

class SqliteDb {
 public:
  // `flags` as for sqlite3_open_v2; `uri` may be a file: URI when SQLITE_OPEN_URI is set. `path`
  // is what error messages name.
  static Result<SqliteDb> Open(const std::string& uri, const std::string& path, int flags);

  SqliteDb() = default;
  ~SqliteDb();
  SqliteDb(SqliteDb&& o) noexcept;
  SqliteDb& operator=(SqliteDb&& o) noexcept;
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  sqlite3* get() const { return db_; }
  const std::string& path() const { return *path_; }

  Result<SqliteStatement> Prepare(std::string_view sql) const;
  Status Exec(const std::string& sql) const;  // one or more statements, no rows expected
  Result<int64_t> QueryInt(const std::string& sql) const;  // first column of the first row
  Status ErrorFor(int rc, const std::string& detail) const;

 private:
  sqlite3* db_ = nullptr;
  std::unique_ptr<std::string> path_;  // stable address for statements' messages
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_SQLITE_DB_H_
