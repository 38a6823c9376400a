// Thin RAII wrappers over libpq for the PostgreSQL ledger: one connection, its results, and the
// mapping of PostgreSQL errors to Status values whose messages name the ledger by its URL with
// the password removed. Internal to the PostgreSQL ledger store.
#ifndef HALLMARK_AUDIT_LEDGER_POSTGRES_PG_CONNECTION_H_
#define HALLMARK_AUDIT_LEDGER_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace hallmark::audit {

// `url` without its password ("postgresql://user@host:5432/db"): what every message shows. A
// password given as a query parameter (?password=...) is removed as well.
std::string RedactedUrl(const std::string& url);

// The password `url` carries (in its user info or a password= parameter); empty when none.
std::string UrlPassword(const std::string& url);

// `url` with connect_timeout=10 added when it names none, so that an unreachable server fails
// instead of hanging.
std::string UrlWithConnectTimeout(const std::string& url);

// One statement's result (rows in text format). Move-only; frees the PGresult.
class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(PGresult* r) : r_(r) {}
  PgResult(PgResult&& o) noexcept : r_(o.r_) { o.r_ = nullptr; }
  PgResult& operator=(PgResult&& o) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;
  ~PgResult();

  int rows() const;
  int columns() const;
  bool IsNull(int row, int col) const;
  int64_t Int(int row, int col) const;  // 0 for NULL or a malformed number
  std::string Text(int row, int col) const;
  // A bytea column in text format (hex, "\x0a1b..."); empty for NULL.
  Bytes Blob(int row, int col) const;

 private:
  PGresult* r_ = nullptr;
};

class PgArray;

// Statement parameters, sent in text format except for bytea values and arrays, which go binary.
class PgParams {
 public:
  PgParams& Text(std::string_view s);
  PgParams& Int(int64_t v) { return Text(std::to_string(v)); }
  PgParams& Blob(ByteView b);
  // An array parameter, sent binary.
  PgParams& Array(const PgArray& a);

  size_t size() const { return values_.size(); }

 private:
  friend class PgConnection;
  std::vector<std::string> values_;
  std::vector<int> formats_;
};

// A one-dimensional array in PostgreSQL's binary wire format, for a `$n::type[]` parameter, so
// that a whole batch of rows goes to the server as one INSERT ... SELECT FROM unnest(...). Binary
// rather than text ("{...}"): no quoting, and the server neither parses nor hex-decodes it.
class PgArray {
 public:
  enum class Type { kBigint, kInteger, kText, kBytea };
  explicit PgArray(Type type) : type_(type) {}

  void Text(std::string_view s) { Element(s.data(), s.size()); }
  void Int(int64_t v);
  void Blob(ByteView b) { Element(reinterpret_cast<const char*>(b.data()), b.size()); }

  size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The array's wire bytes (header, then the elements).
  std::string Encode() const;
  void Clear() {
    data_.clear();
    count_ = 0;
  }

 private:
  void Element(const char* data, size_t size);
  Type type_;
  std::string data_;  // the elements: length-prefixed values
  size_t count_ = 0;
};

// One libpq connection. Move-only; closes the connection when destroyed.
//
// Failed statements become Status values whose messages start "ledger <RedactedUrl>": a lock or
// serialisation wait that ran out (SQLSTATE 55P03, 40001, 40P01) is kBusy; a constraint
// violation, an append-only trigger's exception (P0001) or a missing privilege (42501) is
// kBadInput; a connection that the server or the network dropped is kIoError saying the
// transaction was not committed, or, when it happened during COMMIT, that its outcome is
// unknown; anything else is kIoError with the SQLSTATE.
class PgConnection {
 public:
  // Connects to `url` (a libpq URI; connect_timeout defaults to 10 s). Session settings: UTF-8,
  // hex bytea output, lock_timeout = `lock_timeout_ms` (how long a writer waits for another's
  // advisory lock before kBusy; at least 1 ms, since 0 would mean forever).
  static Result<PgConnection> Connect(const std::string& url, int lock_timeout_ms);

  PgConnection() = default;
  PgConnection(PgConnection&& o) noexcept;
  PgConnection& operator=(PgConnection&& o) noexcept;
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  const std::string& redacted_url() const { return redacted_; }

  // One or more statements without parameters; returns the last one's result. Outside a
  // transaction block, a statement that meets a connection the server dropped since the last
  // call is sent once more on a new connection (it ran completely or not at all).
  Result<PgResult> Exec(const std::string& sql);
  Result<PgResult> ExecParams(const std::string& sql, const PgParams& params);
  // COMMIT, with the message for a connection lost meanwhile saying the outcome is unknown.
  Status Commit();
  // ROLLBACK when a transaction is open; errors are ignored (the transaction is gone anyway).
  void Rollback();

  // Runs `sql` (SET statements) now and again after every reconnection.
  Status AddSessionSetting(const std::string& sql);

  // Whether a transaction block is open (including a failed one).
  bool InTransaction() const;
  // Re-establishes a connection that the server dropped, outside any transaction, so that one
  // restart of the server does not break a long-lived store for good.
  Status EnsureConnected();

  // The SQLSTATE, constraint name and detail line of the last failed statement, for callers
  // that turn a constraint violation into a message about the record at fault.
  const std::string& last_sqlstate() const { return last_sqlstate_; }
  const std::string& last_constraint() const { return last_constraint_; }
  const std::string& last_detail() const { return last_detail_; }
  const std::string& last_message() const { return last_message_; }

 private:
  Result<PgResult> Check(PGresult* r, bool committing);
  Result<PgResult> Run(const std::function<PGresult*()>& send);
  Status SetupSession();
  Status ErrorFor(const PGresult* r, bool committing) const;

  PGconn* conn_ = nullptr;
  std::string redacted_;
  int lock_timeout_ms_ = 0;
  std::string session_settings_;
  std::string last_sqlstate_;
  std::string last_constraint_;
  std::string last_detail_;
  std::string last_message_;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_POSTGRES_PG_CONNECTION_H_
