// Status: the outcome of an operation that can fail, carried across module boundaries instead of
// exceptions. A Status is either OK or holds a code and a one-line message that names the file or
// value at fault ("photo.png: truncated PNG data"), ready to print to a user as is.
#ifndef HALLMARK_BASE_STATUS_H_
#define HALLMARK_BASE_STATUS_H_

#include <iosfwd>
#include <string>
#include <utility>

namespace hallmark {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // a value given by the caller is out of range or malformed (usage error)
  kBadInput,         // an input file or record is malformed, truncated, corrupt or hostile
  kNotFound,         // a named file, key, record or model does not exist
  kIoError,          // the operating system refused a read or write (disk full, permissions)
  kBusy,             // a shared resource (the ledger) stayed locked past the wait limit
  kUnsupported,      // well-formed input that this build cannot handle (CMYK JPEG, CUDA absent)
  kInternal,         // a broken invariant: a bug in Hallmark
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) {
    return Status(StatusCode::kInvalidArgument, std::move(msg));
  }
  static Status BadInput(std::string msg) { return Status(StatusCode::kBadInput, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(StatusCode::kNotFound, std::move(msg)); }
  static Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }
  static Status Busy(std::string msg) { return Status(StatusCode::kBusy, std::move(msg)); }
  static Status Unsupported(std::string msg) {
    return Status(StatusCode::kUnsupported, std::move(msg));
  }
  static Status Internal(std::string msg) { return Status(StatusCode::kInternal, std::move(msg)); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "context: message", so callers can name what they were
  // working on without losing the original cause.
  Status WithContext(const std::string& context) const;

  // "bad input: photo.png: truncated PNG data"; "ok" when OK.
  std::string ToString() const;

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Stable lower-case name of a code ("bad input"), used in JSON output and messages.
const char* StatusCodeName(StatusCode code);
// Prints StatusCodeName(code), so codes read well in logs and test failure messages.
std::ostream& operator<<(std::ostream& os, StatusCode code);

}  // namespace hallmark

// Returns early from the enclosing function when `expr` yields a non-OK Status.
#define HM_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::hallmark::Status hm_status_ = (expr);  \
    if (!hm_status_.ok()) return hm_status_; \
  } while (false)

#endif  // HALLMARK_BASE_STATUS_H_
