// Filling in content fingerprints for assets recorded before the ledger kept them. Each file given
// is matched to its ledger record by the SHA-256 the record holds, so only the exact delivered
// file can supply an asset's fingerprint; the fingerprint is then appended to the log (an
// append-only ledger never replaces one), marked as backfilled.
#ifndef HALLMARK_PIPELINE_FINGERPRINT_BACKFILL_H_
#define HALLMARK_PIPELINE_FINGERPRINT_BACKFILL_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "pipeline/verify_session.h"

namespace hallmark::pipeline {

struct BackfillRequest {
  std::vector<std::string> paths;  // files and folders of delivered assets
  bool recursive = false;
};

struct BackfillSummary {
  std::vector<std::string> recorded;   // asset ids that got a fingerprint
  int already_fingerprinted = 0;       // files of assets that had one
  std::vector<std::string> unmatched;  // files whose hash no record holds
  // Files that match a record but could not be fingerprinted (undecodable, too small), and why.
  std::vector<std::string> failed;
  std::vector<SkippedPath> skipped;  // entries of the folders that were not listed
};

// Opens the home's ledger for writing (it must exist). A file that cannot be read or
// fingerprinted is reported in the summary and the rest go on; the ledger's own errors end the
// run, keeping what was already recorded.
Result<BackfillSummary> BackfillFingerprints(const std::string& home,
                                             const BackfillRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_FINGERPRINT_BACKFILL_H_
