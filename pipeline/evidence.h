// The evidence `hallmark verify` gathers about one image, layer by layer, as typed values. The
// verdict is decided from this alone (verdict.h: Decide), so it can be tested without images,
// keys or ledgers.
//
// Each enum has one name table (the *Name functions); the JSON report and the text rendering both
// read it, and the names are a contract (users' scripts match them).
#ifndef HALLMARK_PIPELINE_EVIDENCE_H_
#define HALLMARK_PIPELINE_EVIDENCE_H_

#include <string>
#include <vector>

#include "provenance/c2pa/manifest_validator.h"

namespace hallmark::pipeline {

// Whether the file carries a C2PA manifest and whether it validates (the signer's trust aside).
enum class ManifestState {
  kAbsent,   // "absent"
  kValid,    // "valid": C2PA state Valid or Trusted
  kInvalid,  // "invalid": any failure other than an untrusted signer
};
const char* ManifestStateName(ManifestState s);

// Trust in the manifest's signer, answered even when another check failed. An expired
// certificate is not a trust state of its own: it is the C2PA verdict kCredentialExpired, and its
// signer is reported as trusted or untrusted by its chain.
enum class SignerTrust {
  kNone,       // "": no manifest
  kTrusted,    // "trusted": chains to a trust anchor
  kUntrusted,  // "untrusted"
  kRevoked,    // "revoked": the C2PA verdict is kCredentialRevoked
};
const char* SignerTrustName(SignerTrust s);

// The C2PA hard binding over the file's bytes.
enum class Binding {
  kNotApplicable,  // "n/a": no manifest
  kIntact,         // "intact"
  kPixelsChanged,  // "pixels changed": content altered, or the manifest was made for another file
};
const char* BindingName(Binding b);

// What an auditor reads first about a manifest, beyond its validity: for the verify page and the
// service's API (never part of the verdict).
struct ManifestSummary {
  std::string title;
  std::string claim_generator;
  std::vector<std::string> actions;      // c2pa.actions, in order ("c2pa.created", ...)
  std::vector<std::string> ingredients;  // their titles, in order
  struct Dataset {
    std::string name;
    std::string license;
  };
  std::vector<Dataset> datasets;  // org.hallmark.training-datasets
};

struct ManifestEvidence {
  ManifestState state = ManifestState::kAbsent;
  // The validator's summary; kNoManifest exactly when `state` is kAbsent.
  provenance::Verdict c2pa_verdict = provenance::Verdict::kNoManifest;
  std::string failure;  // the first failing C2PA status code; empty when none
  SignerTrust signer = SignerTrust::kNone;
  std::string signer_subject;
  Binding binding = Binding::kNotApplicable;
  std::string asset_id;  // the org.hallmark.generation asset id; empty when none
  ManifestSummary summary;
};

enum class WatermarkState {
  kNotChecked,  // no watermark key was available
  kNotFound,
  kFound,
  kTooSmall,     // checked, not found: the image is smaller than any mark the detector can read
  kUndecodable,  // not checked: the pixels do not decode (only with a manifest, see Decide)
};

// The JSON "note" of the watermark layer: "too_small", "pixels_undecodable", or "" (no note).
const char* WatermarkNoteName(WatermarkState s);

struct WatermarkEvidence {
  WatermarkState state = WatermarkState::kNotChecked;
  // Only when found: the payload (hex) and the asset id it names (asset_identity.h).
  std::string payload_hex;
  std::string asset_id;
  // The payload did not decode on its own (heavy compression) but matched one the ledger issued
  // (watermark::MatchKnownPayloads); false when it decoded.
  bool matched_recorded_payload = false;
  // ... and it was one of the assets whose recorded content the image resembles, tested where its
  // mark sits (watermark::TestSuspectedMarks): what finds the mark of a heavily compressed copy.
  bool suspected_by_content = false;
  // Only when found: the geometry the detector recovered (content comparison aligns with it).
  double scale = 1.0;
  double rotation_degrees = 0.0;
  bool mirrored = false;
  // Only when checked.
  double false_positive_probability = 1.0;
  double score = 0.0;
  // Why the layer could not look, for kTooSmall and kUndecodable (the decoder's message); empty
  // otherwise.
  std::string detail;

  bool checked() const {
    return state == WatermarkState::kNotFound || state == WatermarkState::kFound ||
           state == WatermarkState::kTooSmall;
  }
  bool found() const { return state == WatermarkState::kFound; }
};

// The ledger record the manifest's asset id, or else the watermark's, points to.
enum class LedgerState {
  kNotApplicable,  // "n/a": no ledger, or no asset id to look up
  kNotRecorded,    // "not recorded"
  kRecorded,       // "recorded"
  kError,          // "error": the lookup itself failed
};
const char* LedgerStateName(LedgerState s);

// The record's inclusion proof against the ledger's signed checkpoint.
enum class ProofOutcome {
  kNotChecked,  // no record to prove
  kVerified,
  kNoReceipt,  // the ledger could not produce a receipt for the record
  kNoLogKey,   // the ledger has no log key to check its checkpoint with
  kRejected,   // the receipt does not verify
};

struct LedgerEvidence {
  LedgerState state = LedgerState::kNotApplicable;
  std::string asset_id;  // the record's, when recorded
  std::string model_id;
  bool content_hash_match = false;  // the file's SHA-256 equals the recorded content hash
  ProofOutcome proof = ProofOutcome::kNotChecked;
  // Why the lookup (kError) or the proof failed; empty otherwise.
  std::string message;

  bool proof_verified() const {
    return state == LedgerState::kRecorded && proof == ProofOutcome::kVerified;
  }
};

// The image compared with the content fingerprint of the asset the watermark names (only when
// there is no manifest: a valid manifest binds the exact bytes already).
enum class ContentState {
  kNotChecked,    // "not checked": a manifest decides, or no recorded asset to compare with
  kNotRecorded,   // "not recorded": the asset predates fingerprints and was not backfilled
  kSame,          // "same": the recorded content, within the calibrated threshold
  kAltered,       // "altered": the recorded content, changed in places
  kDifferent,     // "different": other content carrying the mark (a copied watermark)
  kUncomparable,  // "uncomparable": too little visible, or a featureless record
};
const char* ContentStateName(ContentState s);

// A changed area, in the recorded image's pixels.
struct ContentRegion {
  int x = 0, y = 0, width = 0, height = 0;
};

struct ContentEvidence {
  ContentState state = ContentState::kNotChecked;
  std::string algorithm;        // the recorded fingerprint's
  double similarity = 0.0;      // when compared: 1 the same, ~0 unrelated
  double min_similarity = 0.0;  // the threshold the comparison used
  int cells_compared = 0;
  int cells_changed = 0;
  // The cell means' scatter about the image's tone map and its threshold (grey levels), for a
  // record with structure; 0 for a featureless one.
  double tone_noise = 0.0;
  double max_tone_noise = 0.0;
  std::vector<ContentRegion> changed_regions;  // for kAltered
  std::string note;                            // why, for kUncomparable

  bool compared() const {
    return state == ContentState::kSame || state == ContentState::kAltered ||
           state == ContentState::kDifferent;
  }
};

// What the report says of the inclusion proof: "verified", why it failed, or why the lookup
// failed; "" when nothing was checked.
std::string ProofText(const LedgerEvidence& ledger);

// Whether the manifest's asset id and the watermark name the same asset.
enum class Agreement {
  kNotApplicable,  // "n/a": no manifest asset id, or no watermark found
  kAgree,          // "agree"
  kDisagree,       // "disagree"
};
const char* AgreementName(Agreement a);
Agreement CompareAssetIds(const ManifestEvidence& manifest, const WatermarkEvidence& watermark);

struct Evidence {
  ManifestEvidence manifest;
  WatermarkEvidence watermark;
  LedgerEvidence ledger;
  ContentEvidence content;
  Agreement agreement = Agreement::kNotApplicable;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_EVIDENCE_H_
