// Crash-safe delivery of generated files. Each batch is written to <out>/.pending/ first, then the
// ledger records the batch in one transaction, then the files are renamed into <out>/. A kill at
// any moment leaves one of two states, and Recover() (run at the start of every `generate` into
// the same folder) settles both:
//   - a pending file whose asset the ledger does not know: the batch never committed, so the
//     file is deleted (no file without a record);
//   - a pending file whose asset the ledger knows: the commit happened, so the file is moved
//     into place (no record pointing at a missing file).
// Only files Hallmark staged are touched: regular files named "<asset id>__<asset id>.<ext>"
// (hm-<hex>, .png/.jpg/.webp), or that name plus WriteFileAtomic's ".tmp.<hex>". Anything else
// found in .pending is someone else's, and is left where it is and listed in the report. A
// .pending that is a symbolic link is refused: files are never staged or deleted through one.
#ifndef HALLMARK_PIPELINE_PENDING_OUTPUTS_H_
#define HALLMARK_PIPELINE_PENDING_OUTPUTS_H_

#include <string>
#include <vector>

#include "audit/ledger/ledger_store.h"
#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct RecoveryReport {
  int completed = 0;  // pending files moved into place (their records existed)
  int discarded = 0;  // pending files deleted (never recorded)
  // Entries of .pending that are not staged files (foreign names, folders, links, files of a
  // committed asset under another name), left untouched: "<path>: <why>".
  std::vector<std::string> left_alone;
};

class PendingOutputs {
 public:
  // Creates <out_dir> and <out_dir>/.pending when missing. kBadInput when .pending is a
  // symbolic link or not a folder.
  static Result<PendingOutputs> Open(const std::string& out_dir);

  // Settles what an interrupted run left behind (see above). Fails, naming the path, when a
  // pending file cannot be moved or deleted or the output folder cannot be synced.
  Result<RecoveryReport> Recover(audit::LedgerStore& ledger);

  // Writes `data` as a pending file for `asset_id`; `file_name` is the final name, which must be
  // the asset id with an image extension (kInvalidArgument otherwise). Not durable until Flush().
  Status Stage(const std::string& asset_id, const std::string& file_name, ByteView data);
  // Makes every staged file durable with one file-system flush; call before the batch's ledger
  // commit, so a committed record never points at a file a power cut could lose.
  Status Flush();
  // Moves a staged file to <out_dir>/<file_name>; call only after its record is committed. The
  // renames are made durable together by FlushPublished(); one lost to a crash is redone by
  // Recover().
  Status Publish(const std::string& asset_id, const std::string& file_name);
  // fsyncs <out_dir>; IoError naming the folder when that fails.
  [[nodiscard]] Status FlushPublished();
  // Deletes a staged file (its batch failed to commit). A file already gone is not an error;
  // any other failure is an IoError naming the pending file.
  [[nodiscard]] Status Discard(const std::string& asset_id, const std::string& file_name);

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
