#include "pipeline/asset_verifier.h"

#include "audit/receipt.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "image/codec.h"
#include "pipeline/asset_identity.h"
#include "provenance/manifest_validator.h"
#include "watermark/watermark.h"

namespace hallmark::pipeline {
namespace {

using C2paVerdict = provenance::Verdict;

bool BindingBroken(C2paVerdict v) {
  return v == C2paVerdict::kContentAltered || v == C2paVerdict::kManifestTransplanted;
}

}  // namespace

nlohmann::json AssetVerification::ToJson() const {
  nlohmann::json j = {{"file", file},
                      {"verdict", VerdictName(verdict)},
                      {"reason", reason},
                      {"manifest",
                       {{"state", manifest},
                        {"failure", manifest_failure},
                        {"signer", signer},
                        {"signer_subject", signer_subject},
                        {"asset_id", manifest_asset_id}}},
                      {"content_binding", binding},
                      {"agreement", agreement}};
  j["watermark"] = {{"checked", watermark_checked}, {"found", watermark_found}};
  if (watermark_checked) {
    j["watermark"]["false_positive_probability"] = watermark_false_positive;
    j["watermark"]["score"] = watermark_score;
    if (watermark_found) j["watermark"]["payload"] = watermark_payload;
  }
  j["ledger"] = {{"state", ledger},
                 {"asset_id", ledger_asset_id},
                 {"model_id", ledger_model_id},
                 {"inclusion_proof", ledger_proof},
                 {"content_hash_match", ledger_content_match}};
  return j;
}

Result<AssetVerification> AssetVerifier::VerifyFile(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
  Result<AssetVerification> v = VerifyBytes(path, bytes);
  if (!v.ok()) return v.status().WithContext(path);
  return v;
}

void AssetVerifier::CheckLedger(const std::string& asset_id, ByteView file, AssetVerification* v) {
  if (!ledger_ || asset_id.empty()) return;
  Result<std::optional<audit::AssetRecord>> record = ledger_->FindAsset(asset_id);
  if (!record.ok()) {
    v->ledger = "error";
    v->ledger_proof = record.status().message();
    return;
  }
  if (!*record) {
    v->ledger = "not recorded";
    return;
  }
  v->ledger = "recorded";
  v->ledger_asset_id = (*record)->id;
  v->ledger_model_id = (*record)->model_id;
  v->ledger_content_match = (*record)->content_hash == Sha256Hex(file);
  Result<audit::Receipt> receipt = audit::ProveAsset(*ledger_, asset_id);
  Result<std::optional<audit::CheckpointVerifier>> log_key = ledger_->LogVerifier();
  if (!receipt.ok()) {
    v->ledger_proof = receipt.status().message();
  } else if (!log_key.ok() || !*log_key) {
    v->ledger_proof = "the ledger has no log key to check its checkpoint";
  } else {
    Status proof = audit::VerifyReceipt(*receipt, **log_key);
    v->ledger_proof = proof.ok() ? "verified" : proof.message();
  }
}

Result<AssetVerification> AssetVerifier::VerifyBytes(const std::string& name, ByteView bytes) {
  AssetVerification v;
  v.file = name;
  HM_ASSIGN_OR_RETURN(image::Image img, image::Decode(bytes, {max_pixels_}));

  // Layer 1: the manifest.
  HM_ASSIGN_OR_RETURN(provenance::VerificationReport report,
                      provenance::VerifyImage(bytes, trust_));
  const bool has_manifest = report.verdict != C2paVerdict::kNoManifest;
  if (has_manifest) {
    v.manifest_asset_id = report.asset_id;
    v.signer_subject = report.signer_subject;
    const bool valid = report.state == provenance::ValidationState::kValid ||
                       report.state == provenance::ValidationState::kTrusted;
    v.manifest = valid ? "valid" : "invalid";
    if (!report.failure.empty()) v.manifest_failure = report.failure.front().code;
    // Trust in the signer is its own question, answered even when another check failed.
    v.signer = report.verdict == C2paVerdict::kCredentialRevoked ? "revoked"
               : report.HasSuccess("signingCredential.trusted")  ? "trusted"
                                                                 : "untrusted";
    v.binding = BindingBroken(report.verdict) ? "pixels changed" : "intact";
  }

  // Layer 2: the watermark.
  std::string watermark_asset_id;
  if (key_) {
    v.watermark_checked = true;
    HM_ASSIGN_OR_RETURN(watermark::Detection d, watermark::Detect(img, *key_));
    v.watermark_found = d.found;
    v.watermark_false_positive = d.false_positive_probability;
    v.watermark_score = d.score;
    if (d.found) {
      v.watermark_payload = d.payload.ToHex();
      watermark_asset_id = AssetIdForPayload(d.payload);
    }
  }

  // Layer 3: the ledger, through the manifest's asset id or else the watermark's.
  const std::string asset_id =
      !v.manifest_asset_id.empty() ? v.manifest_asset_id : watermark_asset_id;
  CheckLedger(asset_id, bytes, &v);

  // Layer 4: agreement between manifest and watermark.
  if (!v.manifest_asset_id.empty() && v.watermark_found) {
    v.agreement = v.manifest_asset_id == watermark_asset_id ? "agree" : "disagree";
  }

  // The verdict.
  const bool proof_ok = v.ledger == "recorded" && v.ledger_proof == "verified";
  if (has_manifest) {
    switch (report.verdict) {
      case C2paVerdict::kCredentialRevoked:
        v.verdict = pipeline::Verdict::kRevoked;
        v.reason = "the signing certificate was revoked";
        break;
      case C2paVerdict::kTrusted:
        if (v.agreement == "disagree") {
          v.verdict = pipeline::Verdict::kTampered;
          v.reason = "the manifest names " + v.manifest_asset_id + " but the watermark names " +
                     watermark_asset_id;
        } else {
          v.verdict = pipeline::Verdict::kVerified;
          v.reason = "valid manifest from a trusted signer, bound to these bytes";
        }
        break;
      case C2paVerdict::kUntrusted:
      case C2paVerdict::kCredentialExpired:
        v.verdict = pipeline::Verdict::kUntrustedSigner;
        v.reason = report.verdict == C2paVerdict::kCredentialExpired
                       ? "the signing certificate had expired"
                       : "the signer does not chain to a trust anchor";
        break;
      default:
        v.verdict = pipeline::Verdict::kTampered;
        v.reason = std::string("manifest check failed: ") +
                   (v.manifest_failure.empty() ? provenance::VerdictName(report.verdict)
                                               : v.manifest_failure);
        if (v.watermark_found) v.reason += "; the watermark still names " + watermark_asset_id;
        break;
    }
  } else if (v.watermark_found && proof_ok) {
    v.verdict = pipeline::Verdict::kVerifiedByWatermark;
    v.reason = "no manifest, but the watermark names " + watermark_asset_id +
               ", recorded in the ledger with a verified inclusion proof";
  } else if (v.watermark_found) {
    v.verdict = pipeline::Verdict::kNoProvenance;
    v.reason = "a watermark names " + watermark_asset_id + " but the ledger " +
               (v.ledger == "recorded" ? "proof failed: " + v.ledger_proof : "has no such record");
  } else {
    v.verdict = pipeline::Verdict::kNoProvenance;
    v.reason = v.watermark_checked ? "no manifest and no watermark"
                                   : "no manifest (no watermark key to look for a mark)";
  }
  return v;
}

}  // namespace hallmark::pipeline
