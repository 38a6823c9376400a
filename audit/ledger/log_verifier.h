// verify-log: recomputes the whole transparency log from what is stored and says whether it is
// intact. It rebuilds every entry's bytes from its table row, rehashes every entry, rebuilds the
// tree, checks every stored subtree hash and every signed checkpoint against it, and (given a
// checkpoint kept elsewhere) proves that the log only grew since then.
//
// Tamper-evident, not tamper-proof: someone holding the log key can rewrite the file and re-sign
// it; only a checkpoint held outside the machine (--since, receipts, auditors) catches that.
#ifndef HALLMARK_AUDIT_LEDGER_LOG_VERIFIER_H_
#define HALLMARK_AUDIT_LEDGER_LOG_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/ledger_store.h"

namespace hallmark::audit {

struct VerifyLogOptions {
  // A signed note kept from an earlier run or receipt; the log must extend it.
  std::optional<std::string> since_checkpoint;
  // The key the checkpoints must be signed by. When absent, the key recorded in the ledger is
  // used, which only proves self-consistency (trust on first use).
  std::optional<CheckpointVerifier> trusted_key;
  size_t max_problems = 100;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct LogVerification {
  uint64_t tree_size = 0;
  Hash root{};
  uint64_t entries_checked = 0;
  uint64_t rows_checked = 0;
  uint64_t nodes_checked = 0;
  uint64_t checkpoints_checked = 0;
  std::string latest_checkpoint;  // note text, empty for an empty log
  // --since: proven means a consistency proof from that checkpoint verified.
  bool since_given = false;
  bool since_proven = false;
  uint64_t since_size = 0;
  // One line per problem found, each naming the entry, row or checkpoint at fault.
  std::vector<std::string> problems;
  bool truncated_problems = false;

  bool intact() const { return problems.empty(); }
};

// Errors are reserved for failures to read the ledger; everything found wrong with its content
// is a problem in the result.
Result<LogVerification> VerifyLog(LedgerStore& store, const VerifyLogOptions& options);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_LOG_VERIFIER_H_
