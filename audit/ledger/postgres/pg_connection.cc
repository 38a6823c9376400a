#include "audit/ledger/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <functional>

#include "base/hex.h"

namespace hallmark::audit {
namespace {

std::string FirstLine(const char* text) {
  std::string s = text ? text : "";
  size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  for (const char* severity : {"FATAL:  ", "ERROR:  "}) {
    if (s.rfind(severity, 0) == 0) s.erase(0, std::strlen(severity));
  }
  return s;
}

// Removes "password=..." from a query string ("a=1&password=x&b=2").
std::string WithoutPasswordParam(const std::string& query) {
  std::string out;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    std::string part = query.substr(start, amp - start);
    if (part.rfind("password=", 0) != 0 && !part.empty()) {
      if (!out.empty()) out += '&';
      out += part;
    }
    start = amp + 1;
  }
  return out;
}

bool IsConnectionLost(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03";
}

}  // namespace

std::string RedactedUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t authority = scheme + 3;
  size_t end = url.find_first_of("/?", authority);
  if (end == std::string::npos) end = url.size();
  std::string out = url.substr(0, authority);
  std::string auth = url.substr(authority, end - authority);
  size_t at = auth.rfind('@');
  if (at != std::string::npos) {
    std::string user = auth.substr(0, at);
    size_t colon = user.find(':');
    if (colon != std::string::npos) user.resize(colon);
    auth = user + auth.substr(at);
  }
  out += auth;
  std::string rest = url.substr(end);
  size_t q = rest.find('?');
  if (q != std::string::npos) {
    std::string query = WithoutPasswordParam(rest.substr(q + 1));
    rest.resize(q);
    if (!query.empty()) rest += "?" + query;
  }
  return out + rest;
}

std::string UrlPassword(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    size_t authority = scheme + 3;
    size_t end = url.find_first_of("/?", authority);
    std::string auth = url.substr(authority, end == std::string::npos ? end : end - authority);
    size_t at = auth.rfind('@');
    size_t colon = auth.find(':');
    if (at != std::string::npos && colon != std::string::npos && colon < at) {
      return auth.substr(colon + 1, at - colon - 1);
    }
  }
  size_t p = url.find("password=");
  if (p != std::string::npos) {
    size_t end = url.find('&', p);
    return url.substr(p + 9, end == std::string::npos ? end : end - p - 9);
  }
  return "";
}

std::string UrlWithConnectTimeout(const std::string& url) {
  if (url.find("connect_timeout=") != std::string::npos) return url;
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "connect_timeout=10";
}

// --- PgResult ----------------------------------------------------------------------------------

PgResult& PgResult::operator=(PgResult&& o) noexcept {
  if (this != &o) {
    if (r_) PQclear(r_);
    r_ = o.r_;
    o.r_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() {
  if (r_) PQclear(r_);
}

int PgResult::rows() const { return r_ ? PQntuples(r_) : 0; }
int PgResult::columns() const { return r_ ? PQnfields(r_) : 0; }
bool PgResult::IsNull(int row, int col) const { return PQgetisnull(r_, row, col) != 0; }

int64_t PgResult::Int(int row, int col) const {
  if (IsNull(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10);
}

std::string PgResult::Text(int row, int col) const {
  return std::string(PQgetvalue(r_, row, col), PQgetlength(r_, row, col));
}

Bytes PgResult::Blob(int row, int col) const {
  if (IsNull(row, col)) return {};
  const char* v = PQgetvalue(r_, row, col);
  size_t n = PQgetlength(r_, row, col);
  if (n >= 2 && v[0] == '\\' && v[1] == 'x') {
    Result<Bytes> b = HexDecode(std::string_view(v + 2, n - 2));
    if (b.ok()) return std::move(*b);
    return {};
  }
  // The escape format (bytea_output = escape), which a server may be configured to use.
  size_t len = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &len);
  if (!raw) return {};
  Bytes out(raw, raw + len);
  PQfreemem(raw);
  return out;
}

// --- parameters --------------------------------------------------------------------------------

PgParams& PgParams::Text(std::string_view s) {
  values_.emplace_back(s);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::Blob(ByteView b) {
  values_.emplace_back(reinterpret_cast<const char*>(b.data()), b.size());
  formats_.push_back(1);
  return *this;
}

namespace {

void PutInt32(std::string& out, uint32_t v) {
  out += static_cast<char>(v >> 24);
  out += static_cast<char>(v >> 16);
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v);
}

// pg_type OIDs of the element types (stable: src/include/catalog/pg_type.dat).
uint32_t ElementOid(PgArray::Type t) {
  switch (t) {
    case PgArray::Type::kBigint:
      return 20;
    case PgArray::Type::kInteger:
      return 23;
    case PgArray::Type::kText:
      return 25;
    case PgArray::Type::kBytea:
      return 17;
  }
  return 0;
}

}  // namespace

void PgArray::Element(const char* data, size_t size) {
  PutInt32(data_, static_cast<uint32_t>(size));
  data_.append(data, size);
  ++count_;
}

void PgArray::Int(int64_t v) {
  if (type_ == Type::kInteger) {
    PutInt32(data_, 4);
    PutInt32(data_, static_cast<uint32_t>(v));
  } else {
    PutInt32(data_, 8);
    PutInt32(data_, static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32));
    PutInt32(data_, static_cast<uint32_t>(v));
  }
  ++count_;
}

std::string PgArray::Encode() const {
  // array_recv's layout: ndim, has-nulls flag, element type, then (size, lower bound) per
  // dimension, then the elements.
  std::string out;
  out.reserve(20 + data_.size());
  PutInt32(out, 1);
  PutInt32(out, 0);
  PutInt32(out, ElementOid(type_));
  PutInt32(out, static_cast<uint32_t>(count_));
  PutInt32(out, 1);
  return out + data_;
}

PgParams& PgParams::Array(const PgArray& a) {
  values_.push_back(a.Encode());
  formats_.push_back(1);
  return *this;
}

// --- connection --------------------------------------------------------------------------------

Result<PgConnection> PgConnection::Connect(const std::string& url, int lock_timeout_ms) {
  PgConnection c;
  c.redacted_ = RedactedUrl(url);
  c.lock_timeout_ms_ = lock_timeout_ms;
  c.conn_ = PQconnectdb(UrlWithConnectTimeout(url).c_str());
  if (!c.conn_) {
    return Status::IoError("ledger " + c.redacted_ + ": cannot connect: out of memory");
  }
  // libpq prints notices and a FATAL message that arrives between queries (an administrator's
  // shutdown) to stderr itself; errors reach the caller as Status values, and nothing else may
  // write to a command's output.
  PQsetNoticeProcessor(
      c.conn_, [](void*, const char*) {}, nullptr);
  if (PQstatus(c.conn_) != CONNECTION_OK) {
    std::string why = FirstLine(PQerrorMessage(c.conn_));
    // libpq's message may quote part of a malformed connection string, password included.
    std::string password = UrlPassword(url);
    if (!password.empty()) {
      for (size_t p = why.find(password); p != std::string::npos; p = why.find(password, p)) {
        why.replace(p, password.size(), "***");
      }
    }
    return Status::IoError("ledger " + c.redacted_ + ": cannot connect: " + why);
  }
  HM_RETURN_IF_ERROR(c.SetupSession());
  return c;
}

Status PgConnection::SetupSession() {
  // Messages are parsed for nothing but shown to users; keep the server's language. The lock
  // timeout bounds the wait for another writer's advisory lock (kBusy past it).
  std::string sql = "SET client_encoding = 'UTF8'; SET lock_timeout = " +
                    std::to_string(lock_timeout_ms_ > 0 ? lock_timeout_ms_ : 1) +
                    "; SET bytea_output = 'hex'; SET standard_conforming_strings = on" +
                    session_settings_;
  return Exec(sql).status();
}

Status PgConnection::AddSessionSetting(const std::string& sql) {
  session_settings_ += "; " + sql;
  return Exec(sql).status();
}

PgConnection::PgConnection(PgConnection&& o) noexcept
    : conn_(o.conn_),
      redacted_(std::move(o.redacted_)),
      lock_timeout_ms_(o.lock_timeout_ms_),
      session_settings_(std::move(o.session_settings_)) {
  o.conn_ = nullptr;
}

PgConnection& PgConnection::operator=(PgConnection&& o) noexcept {
  if (this != &o) {
    if (conn_) PQfinish(conn_);
    conn_ = o.conn_;
    o.conn_ = nullptr;
    redacted_ = std::move(o.redacted_);
    lock_timeout_ms_ = o.lock_timeout_ms_;
    session_settings_ = std::move(o.session_settings_);
  }
  return *this;
}

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

bool PgConnection::InTransaction() const {
  if (!conn_) return false;
  PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Status PgConnection::EnsureConnected() {
  if (!conn_) return Status::Internal("ledger: no connection");
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Status::IoError("ledger " + redacted_ +
                           ": cannot reconnect: " + FirstLine(PQerrorMessage(conn_)));
  }
  return SetupSession();
}

Status PgConnection::ErrorFor(const PGresult* r, bool committing) const {
  std::string sqlstate;
  std::string message;
  std::string detail;
  if (r) {
    const char* s = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (s) sqlstate = s;
    message = FirstLine(PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
    const char* d = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL);
    if (d) detail = FirstLine(d);
  }
  if (message.empty()) message = FirstLine(PQerrorMessage(conn_));
  if (message.empty()) message = "unknown error";
  const std::string ledger = "ledger " + redacted_;
  if (PQstatus(conn_) == CONNECTION_BAD || IsConnectionLost(sqlstate)) {
    if (committing) {
      return Status::IoError(ledger + ": connection lost during COMMIT: " + message +
                             "; the transaction may or may not have been committed (check the "
                             "ledger before retrying)");
    }
    return Status::IoError(ledger + ": connection lost: " + message +
                           "; the transaction was not committed");
  }
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return Status::Busy("ledger is busy: " + redacted_ + ": " + message +
                        " (another writer held it past the wait limit)");
  }
  if (sqlstate == "23505" || sqlstate == "23503" || sqlstate == "23514" || sqlstate == "23502" ||
      sqlstate == "P0001") {
    return Status::BadInput(ledger + ": " + message + (detail.empty() ? "" : " (" + detail + ")"));
  }
  if (sqlstate == "42501") {
    return Status::BadInput(ledger + ": permission denied: " + message +
                            " (see docs/deployment.md for the roles a ledger needs)");
  }
  if (sqlstate == "57014") {
    return Status::Busy(ledger + ": statement cancelled: " + message);
  }
  if (sqlstate.rfind("53", 0) == 0) {  // insufficient resources: disk full, out of memory
    return Status::IoError(ledger + ": " + message);
  }
  return Status::IoError(ledger + ": " + message + (sqlstate.empty() ? "" : " (" + sqlstate + ")"));
}

Result<PgResult> PgConnection::Check(PGresult* raw, bool committing) {
  PgResult r(raw);
  ExecStatusType st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) return r;
  auto field = [raw](int code) {
    const char* v = raw ? PQresultErrorField(raw, code) : nullptr;
    return std::string(v ? v : "");
  };
  last_sqlstate_ = field(PG_DIAG_SQLSTATE);
  last_constraint_ = field(PG_DIAG_CONSTRAINT_NAME);
  last_detail_ = FirstLine(field(PG_DIAG_MESSAGE_DETAIL).c_str());
  last_message_ = FirstLine(field(PG_DIAG_MESSAGE_PRIMARY).c_str());
  return ErrorFor(raw, committing);
}

Result<PgResult> PgConnection::Exec(const std::string& sql) {
  return Run([&] { return PQexec(conn_, sql.c_str()); });
}

Result<PgResult> PgConnection::ExecParams(const std::string& sql, const PgParams& params) {
  std::vector<const char*> values;
  std::vector<int> lengths;
  for (size_t i = 0; i < params.values_.size(); ++i) {
    values.push_back(params.values_[i].data());
    lengths.push_back(static_cast<int>(params.values_[i].size()));
  }
  return Run([&] {
    return PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                        lengths.data(), params.formats_.data(), 0);
  });
}

Result<PgResult> PgConnection::Run(const std::function<PGresult*()>& send) {
  if (InTransaction()) return Check(send(), false);
  // Outside a transaction block a statement is its own transaction, so one that met a
  // connection the server had dropped meanwhile (a restart, an idle timeout) can be sent again
  // on a new connection: it either never ran or ran completely, and every such statement here
  // is a read, BEGIN, or an idempotent upsert.
  HM_RETURN_IF_ERROR(EnsureConnected());
  PGresult* r = send();
  if (PQstatus(conn_) == CONNECTION_BAD) {
    PQclear(r);
    HM_RETURN_IF_ERROR(EnsureConnected());
    r = send();
  }
  return Check(r, false);
}

Status PgConnection::Commit() { return Check(PQexec(conn_, "COMMIT"), true).status(); }

void PgConnection::Rollback() {
  if (conn_ && PQstatus(conn_) == CONNECTION_OK && InTransaction()) {
    PQclear(PQexec(conn_, "ROLLBACK"));
  }
}

}  // namespace hallmark::audit
