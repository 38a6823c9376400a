// Crash-safe delivery of generated files. Each batch is written to <out>/.pending/ first, then the
// ledger records the batch in one transaction, then the files are renamed into <out>/. A kill at
// any moment leaves one of two states, and Recover() (run at the start of every `generate` into
// the same folder) settles both:
//   - a pending file whose asset the ledger does not know: the batch never committed, so the
//     file is deleted (no file without a record);
//   - a pending file whose asset the ledger knows: the commit happened, so the file is moved
//     into place (no record pointing at a missing file).
#ifndef HALLMARK_PIPELINE_PENDING_OUTPUTS_H_
#define HALLMARK_PIPELINE_PENDING_OUTPUTS_H_

#include <string>

#include "audit/ledger_store.h"
#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct RecoveryReport {
  int completed = 0;  // pending files moved into place (their records existed)
  int discarded = 0;  // pending files deleted (never recorded)
};

class PendingOutputs {
 public:
  // Creates <out_dir> and <out_dir>/.pending when missing.
  static Result<PendingOutputs> Open(const std::string& out_dir);

  // Settles what an interrupted run left behind (see above).
  Result<RecoveryReport> Recover(audit::LedgerStore& ledger);

  // Writes `data` as a pending file for `asset_id`; `file_name` is the final name. Not durable
  // until Flush().
  Status Stage(const std::string& asset_id, const std::string& file_name, ByteView data);
  // Makes every staged file durable with one file-system flush; call before the batch's ledger
  // commit, so a committed record never points at a file a power cut could lose.
  Status Flush();
  // Moves a staged file to <out_dir>/<file_name>; call only after its record is committed. The
  // renames are made durable together by FlushPublished(); one lost to a crash is redone by
  // Recover().
  Status Publish(const std::string& asset_id, const std::string& file_name);
  void FlushPublished();
  // Deletes a staged file (its batch failed to commit).
  void Discard(const std::string& asset_id, const std::string& file_name);

  const std::string& out_dir() const { return out_dir_; }

 private:
  explicit PendingOutputs(std::string out_dir)
      : out_dir_(std::move(out_dir)), pending_dir_(out_dir_ + "/.pending") {}
  std::string PendingPath(const std::string& asset_id, const std::string& file_name) const;

  std::string out_dir_;
  std::string pending_dir_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_PENDING_OUTPUTS_H_
