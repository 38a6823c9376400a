// AssetVerifier: for one image, what can be proven, layer by layer, and the verdict.
//
//   manifest   valid / invalid (the first failing C2PA status code) / absent; signer trusted,
//              untrusted, revoked ("" without a manifest)
//   binding    intact / pixels changed (the C2PA hard binding over the file's bytes) / n/a
//   watermark  not checked (no key, or pixels that do not decode) / not found (or too small to
//              carry a mark) / found (payload, false-positive probability)
//   ledger     recorded / not recorded / error / n/a (no ledger, or no asset id): the record the
//              manifest's asset id or else the watermark payload points to, with its inclusion
//              proof checked against the ledger's signed checkpoint
//   agreement  agree / disagree / n/a: the manifest's asset id and the watermark payload must
//              name the same asset
//
// The verifier only gathers this evidence (evidence.h); the verdict follows from it alone
// (verdict.h: Decide). Each layer is reported even when an earlier one already decided, so an
// auditor sees all the evidence.
#ifndef HALLMARK_PIPELINE_ASSET_VERIFIER_H_
#define HALLMARK_PIPELINE_ASSET_VERIFIER_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/ledger/ledger_store.h"
#include "base/result.h"
#include "image/image.h"
#include "image/plane.h"
#include "pipeline/evidence.h"
#include "pipeline/ledger_cache.h"
#include "pipeline/verdict.h"
#include "provenance/pki/trust_store.h"
#include "watermark/fingerprint/content_index.h"
#include "watermark/key.h"
#include "watermark/payload.h"

namespace hallmark::pipeline {

struct AssetVerification {
  std::string file;
  Verdict verdict = Verdict::kNoProvenance;
  std::string reason;  // one line: why this verdict
  Evidence evidence;

  // The `verify --json` record. Its keys and values are a contract.
  nlohmann::json ToJson() const;
};

// The human-readable report of one verification, several lines without a trailing newline:
//
//   FILE: VERDICT
//     manifest:  STATE (FAILURE), signer TRUST [SUBJECT]
//     binding:   ...
//     watermark: ...
//     ledger:    ...
//     agreement: ...
//     why:       REASON
std::string DescribeVerification(const AssetVerification& v);

class AssetVerifier {
 public:
  // `watermark_key` and `ledger` may be absent: the watermark is then not checked and the ledger
  // layer is "n/a".
  AssetVerifier(const provenance::TrustStore& trust, std::optional<watermark::Key> watermark_key,
                audit::LedgerStore* ledger, uint64_t max_pixels = 100'000'000)
      : trust_(trust), key_(std::move(watermark_key)), ledger_(ledger), max_pixels_(max_pixels) {}

  // BadInput only when the file cannot be read, or its pixels do not decode and no manifest
  // shows it was changed after signing (that is TAMPERED). An image too small to carry a
  // watermark is judged by its other layers.
  Result<AssetVerification> VerifyFile(const std::string& path);
  Result<AssetVerification> VerifyBytes(const std::string& name, ByteView bytes);

 private:
  // Leaves the image's luma in `luma` when it computed it, for the content comparison.
  Result<WatermarkEvidence> DetectWatermark(const image::Image& img, image::Plane* luma);
  // The log's size, for the caches (0 without a ledger, or when it cannot be read).
  uint64_t LedgerSize() const;
  // The payloads the ledger has issued, read once per verifier and again when the log has grown:
  // a mark whose payload did not decode (heavy compression) is tested against them
  // (watermark::MatchKnownPayloads).
  const std::vector<watermark::Payload>& KnownPayloads();
  // The ledger's fingerprints, for the assets an image looks like: where neither the blind search
  // nor the ledger's payloads found a mark, theirs are tested where they would sit
  // (watermark::TestSuspectedMarks). Read and refreshed as KnownPayloads.
  const fingerprint::ContentIndex& RecordedContent();
  // The last way to a mark: the recorded assets `luma` looks like, their marks tested where they
  // would sit. True, with `d` filled as a found detection of the matching payload, when one is.
  bool FindSuspectedMark(const image::Plane& luma, watermark::Detection* d);
  // The evidence for a file whose pixels do not decode (`decode_error`): the manifest layer,
  // when its hard binding fails; otherwise `decode_error` itself.
  Result<Evidence> EvidenceForUndecodable(ByteView bytes, const Status& decode_error) const;
  // Also hands back the record it found, for the content comparison.
  LedgerEvidence CheckLedger(const std::string& asset_id, ByteView file,
                             std::optional<audit::AssetRecord>* found) const;
  // The image against the record's content fingerprint, in the geometry the watermark search
  // recovered; a whole, unmoved copy also for where it lost the recorded mark.
  ContentEvidence CheckContent(image::Plane luma, const image::Image& img,
                               const WatermarkEvidence& watermark,
                               const audit::AssetRecord& record) const;

  const provenance::TrustStore& trust_;
  std::optional<watermark::Key> key_;
  audit::LedgerStore* ledger_;
  uint64_t max_pixels_;
  LedgerCache<std::vector<watermark::Payload>> known_payloads_;
  LedgerCache<fingerprint::ContentIndex> recorded_content_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_ASSET_VERIFIER_H_
