// RemoteVerifier: `hallmark verify --remote URL`, an auditor's check of images by a studio's
// server (`hallmark serve`) that does not rest on the server's word for the ledger. The server
// verifies each image (it holds the watermark key and the ledger); for an image it says is
// recorded, this side fetches the inclusion receipt and checks it against the log key the
// auditor pinned: the checkpoint's signature, the entry in the tree, and that the entry is the
// asset the server named. A receipt that fails makes the image unverified, whatever the server
// said.
#ifndef HALLMARK_PIPELINE_SERVICE_REMOTE_VERIFY_H_
#define HALLMARK_PIPELINE_SERVICE_REMOTE_VERIFY_H_

#include <string>

#include <nlohmann/json.hpp>

#include "audit/ledger/checkpoint.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct RemoteVerification {
  nlohmann::json record;  // the server's `verify --json` record for the image
  bool verified = false;  // a VERIFIED* verdict, and the receipt (when there is one) checked out
  bool receipt_checked = false;
  std::string ledger;  // one line: what the receipt check found
};

class RemoteVerifier {
 public:
  // InvalidArgument for a malformed key.
  static Result<RemoteVerifier> Create(std::string url, const std::string& log_key);

  // BadInput when the file cannot be read or the server refuses it; IoError when the server
  // cannot be reached.
  Result<RemoteVerification> Verify(const std::string& file) const;

 private:
  RemoteVerifier(std::string url, audit::CheckpointVerifier key)
      : url_(std::move(url)), key_(std::move(key)) {}
  // Checks the server's receipt for `asset_id` against the pinned key; fills `out`.
  void CheckReceipt(const std::string& asset_id, const std::string& file_sha256,
                    RemoteVerification* out) const;

  std::string url_;
  audit::CheckpointVerifier key_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_REMOTE_VERIFY_H_
