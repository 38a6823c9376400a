// Result<T>: a value of type T, or the Status that explains why there is none.
//
//   Result<Image> img = DecodePng(bytes);
//   if (!img.ok()) return img.status();
//   Use(*img);
//
// Accessing the value of a failed Result is a programming error and aborts.
#ifndef HALLMARK_BASE_RESULT_H_
#define HALLMARK_BASE_RESULT_H_

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <type_traits>
#include <utility>

#include "base/status.h"

namespace hallmark {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return Status::BadInput(...);` both read naturally.
  Result(T value) : value_(std::move(value)) {}         // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) status_ = Status::Internal("Result constructed from an OK status");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return Checked(); }
  const T& value() const& { return const_cast<Result*>(this)->Checked(); }
  T&& value() && { return std::move(Checked()); }

  T& operator*() & { return Checked(); }
  const T& operator*() const& { return const_cast<Result*>(this)->Checked(); }
  T&& operator*() && { return std::move(Checked()); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &const_cast<Result*>(this)->Checked(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  T& Checked() {
    if (!value_) {
      std::fprintf(stderr, "hallmark: internal error: value of failed Result: %s\n",
                   status_.ToString().c_str());
      std::abort();
    }
    return *value_;
  }

  std::optional<T> value_;
  Status status_;
};

}  // namespace hallmark

#define HM_CONCAT_INNER_(a, b) a##b
#define HM_CONCAT_(a, b) HM_CONCAT_INNER_(a, b)

// HM_ASSIGN_OR_RETURN(auto img, DecodePng(bytes)); declares `img` from the Result's value, or
// returns the Result's Status from the enclosing function.
#define HM_ASSIGN_OR_RETURN(lhs, expr) \
  HM_ASSIGN_OR_RETURN_IMPL_(HM_CONCAT_(hm_result_, __LINE__), lhs, expr)
#define HM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // HALLMARK_BASE_RESULT_H_
