// The auditor's journeys over the transparency log: an inclusion receipt for one asset, and the
// check of the whole log against its signed checkpoints (and against a checkpoint kept earlier,
// which proves the log only grew).
#ifndef HALLMARK_PIPELINE_LOG_AUDIT_H_
#define HALLMARK_PIPELINE_LOG_AUDIT_H_

#include <cstdint>
#include <functional>
#include <string>

#include "audit/ledger/log_verifier.h"
#include "audit/ledger/receipt.h"
#include "base/result.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

// The receipt for `asset` (an asset id or a hex watermark payload), verified against the key it
// names before it is returned: a receipt that fails is never handed out.
Result<audit::Receipt> ProveAsset(Studio& studio, const std::string& asset);

// A checkpoint kept earlier, from a file holding a signed note or a receipt JSON whose
// "checkpoint" field is one.
Result<std::string> ReadCheckpointFile(const std::string& path);

struct LogAuditRequest {
  std::string since_file;  // empty, or a file for ReadCheckpointFile
  std::function<void(uint64_t done, uint64_t total)> progress;
};

// Recomputes the whole log. The trust anchor is the home's own log key when the studio's ledger is
// the home's and the key exists; a foreign ledger can only be checked against the key it records
// (trust on first use) or the --since checkpoint.
Result<audit::LogVerification> AuditLog(Studio& studio, const LogAuditRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_LOG_AUDIT_H_
