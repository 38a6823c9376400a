// AssetVerifier: for one image, what can be proven, layer by layer, and the verdict.
//
//   manifest   valid / invalid (the failing C2PA check) / absent; signer trusted, untrusted,
//              revoked
//   binding    intact / pixels changed (the C2PA hard binding over the file's bytes)
//   watermark  found (payload, false-positive probability) / not found
//   ledger     the record the manifest's asset id or the watermark payload points to, with its
//              inclusion proof checked against the ledger's signed checkpoint
//   agreement  the manifest's asset id and the watermark payload must name the same asset
//
// The verdict follows from the layers (see verdict.h); each layer is reported even when an
// earlier one already decided, so an auditor sees all the evidence.
#ifndef HALLMARK_PIPELINE_ASSET_VERIFIER_H_
#define HALLMARK_PIPELINE_ASSET_VERIFIER_H_

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "audit/ledger_store.h"
#include "base/result.h"
#include "pipeline/verdict.h"
#include "provenance/trust_store.h"
#include "watermark/key.h"

namespace hallmark::pipeline {

struct AssetVerification {
  std::string file;
  Verdict verdict = Verdict::kNoProvenance;
  std::string reason;  // one line: why this verdict

  std::string manifest = "absent";  // "valid", "invalid", "absent"
  std::string manifest_failure;     // the first failing C2PA status code when invalid
  std::string signer;               // "trusted", "untrusted", "revoked" or "" without manifest
  std::string signer_subject;
  std::string binding = "n/a";      // "intact", "pixels changed", "n/a"
  std::string manifest_asset_id;

  bool watermark_checked = false;   // false when no watermark key was available
  bool watermark_found = false;
  std::string watermark_payload;    // hex
  double watermark_false_positive = 1.0;
  double watermark_score = 0.0;

  std::string ledger = "n/a";       // "recorded", "not recorded", "n/a" (no ledger or no id)
  std::string ledger_asset_id;
  std::string ledger_model_id;
  std::string ledger_proof;         // "verified", or why it failed
  bool ledger_content_match = false;  // the file's SHA-256 equals the recorded content hash

  std::string agreement = "n/a";    // "agree", "disagree", "n/a"

  nlohmann::json ToJson() const;
};

class AssetVerifier {
 public:
  // `watermark_key` and `ledger` may be absent: the corresponding layers are then "n/a".
  AssetVerifier(const provenance::TrustStore& trust, std::optional<watermark::Key> watermark_key,
                audit::LedgerStore* ledger, uint64_t max_pixels = 100'000'000)
      : trust_(trust),
        key_(std::move(watermark_key)),
        ledger_(ledger),
        max_pixels_(max_pixels) {}

  // BadInput only when the file cannot be read or decoded as an image.
  Result<AssetVerification> VerifyFile(const std::string& path);
  Result<AssetVerification> VerifyBytes(const std::string& name, ByteView bytes);

 private:
  void CheckLedger(const std::string& asset_id, ByteView file, AssetVerification* v);

  const provenance::TrustStore& trust_;
  std::optional<watermark::Key> key_;
  audit::LedgerStore* ledger_;
  uint64_t max_pixels_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_ASSET_VERIFIER_H_
