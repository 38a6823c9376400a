// LedgerCache: a value derived from the whole ledger (the payloads it issued, its fingerprints),
// kept while the log does not grow. A verifier can live long (a server's session) while the
// studio keeps recording; finding out whether the log grew costs one indexed query, reading it
// all again much more.
#ifndef HALLMARK_PIPELINE_LEDGER_CACHE_H_
#define HALLMARK_PIPELINE_LEDGER_CACHE_H_

#include <cstdint>
#include <optional>

namespace hallmark::pipeline {

template <typename T>
class LedgerCache {
 public:
  // The cached value if it was read at a log size of at least `log_size`; otherwise a fresh
  // value filled by `read(T*)`.
  template <typename Read>
  const T& Get(uint64_t log_size, Read read) {
    if (value_ && log_size <= read_at_) return *value_;
    value_.emplace();
    read_at_ = log_size;
    read(&*value_);
    return *value_;
  }

 private:
  std::optional<T> value_;
  uint64_t read_at_ = 0;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_LEDGER_CACHE_H_
