// MonitorLog: `hallmark audit monitor`, what a Certificate Transparency monitor does for a
// studio's log (RFC 6962 §5.3). It fetches the latest signed checkpoint from the studio's server,
// checks its signature with the log key the auditor pinned, and, when it has seen an earlier
// checkpoint, asks for a consistency proof between the two and checks it. The checkpoint it saw
// last is kept in a state file, replaced only after a check passed.
//
// A log that shrank (rollback), or whose new checkpoint is not an extension of the old one (a
// fork: the same size with another root, or a consistency proof that fails), is reported as a
// finding, never as an error: it is the answer the monitor exists to give.
#ifndef HALLMARK_PIPELINE_SERVICE_LOG_MONITOR_H_
#define HALLMARK_PIPELINE_SERVICE_LOG_MONITOR_H_

#include <cstdint>
#include <string>

#include "base/result.h"

namespace hallmark::pipeline {

struct MonitorRequest {
  std::string url;         // the studio's server, e.g. https://studio.example:8443
  std::string state_file;  // where the last checkpoint seen is kept (created on first run)
  // The log's verifier key ("<name>+<key id>+<base64>", `hallmark audit log-key`). Needed on the
  // first run; later runs use the one in the state file and refuse a different one.
  std::string log_key;
};

enum class MonitorOutcome {
  kFirst,         // no earlier checkpoint: this one is now the reference
  kUnchanged,     // the same checkpoint as last time
  kGrew,          // a larger tree, proven consistent with the last one
  kRollback,      // the tree is smaller than one the log signed before
  kFork,          // not an extension of the last checkpoint (same size, other root; or a bad proof)
  kBadSignature,  // the checkpoint is not signed by the pinned key
};

struct MonitorReport {
  MonitorOutcome outcome = MonitorOutcome::kFirst;
  uint64_t old_size = 0;
  uint64_t new_size = 0;
  std::string detail;  // one line: what was checked, or what is wrong
  bool ok() const {
    return outcome == MonitorOutcome::kFirst || outcome == MonitorOutcome::kUnchanged ||
           outcome == MonitorOutcome::kGrew;
  }
};

const char* MonitorOutcomeName(MonitorOutcome o);

// Errors: the server cannot be reached or answers nonsense (IoError, BadInput), the state file is
// unreadable or names another key (BadInput), no key to check with (InvalidArgument).
Result<MonitorReport> MonitorLog(const MonitorRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_LOG_MONITOR_H_
