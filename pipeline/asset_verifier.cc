#include "pipeline/asset_verifier.h"

#include <algorithm>
#include <cstdio>

#include "audit/ledger/no_generator_model.h"
#include "audit/ledger/receipt.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/json_fields.h"
#include "base/sha256.h"
#include "image/codec.h"
#include "pipeline/asset_identity.h"
#include "provenance/c2pa/c2pa_labels.h"
#include "provenance/c2pa/manifest_validator.h"
#include "watermark/fingerprint/alignment.h"
#include "watermark/fingerprint/content_comparison.h"
#include "watermark/mode.h"
#include "watermark/watermark.h"

namespace hallmark::pipeline {
namespace {

using C2paVerdict = provenance::Verdict;

// Marks are embedded on images whose short side is at least watermark::kMinimumShortSide, and
// the detector reads them down to half that size (a copy resized by 0.5); it refuses anything
// smaller, which therefore cannot carry a mark.
constexpr int kSmallestMarkedSide = watermark::kMinimumShortSide / 2;
// Assets whose recorded content resembles an image most, tested for their marks when no mark was
// found otherwise. Each costs a little of the false-positive budget (watermark.h); a copy of an
// asset is almost always the nearest.
constexpr size_t kMaxContentSuspects = 4;

bool BindingBroken(C2paVerdict v) {
  return v == C2paVerdict::kContentAltered || v == C2paVerdict::kManifestTransplanted;
}

// The assertions the report decoded, read defensively: they come from whoever made the file.
ManifestSummary SummaryOf(const provenance::VerificationReport& report) {
  ManifestSummary s;
  s.title = report.title;
  s.claim_generator = report.claim_generator;
  s.ingredients = report.ingredients;
  if (!report.assertions.is_object()) return s;
  for (const auto& [label, value] : report.assertions.items()) {
    if (!value.is_object()) continue;
    if (label.rfind("c2pa.actions", 0) == 0) {
      const auto actions = value.find("actions");
      if (actions == value.end() || !actions->is_array()) continue;
      for (const auto& a : *actions) {
        std::string action = TextOrEmpty(a, "action");
        if (!action.empty()) s.actions.push_back(std::move(action));
      }
    } else if (label == provenance::kHallmarkDatasetsLabel) {
      const auto datasets = value.find("datasets");
      if (datasets == value.end() || !datasets->is_array()) continue;
      for (const auto& d : *datasets) {
        if (d.is_object())
          s.datasets.push_back({TextOrEmpty(d, "name"), TextOrEmpty(d, "license")});
      }
    }
  }
  return s;
}

// What the C2PA report says, reduced to what the verdict and the report need.
ManifestEvidence ReadManifest(const provenance::VerificationReport& report) {
  ManifestEvidence m;
  m.c2pa_verdict = report.verdict;
  if (report.verdict == C2paVerdict::kNoManifest) return m;
  m.asset_id = report.asset_id;
  m.signer_subject = report.signer_subject;
  const bool valid = report.state == provenance::ValidationState::kValid ||
                     report.state == provenance::ValidationState::kTrusted;
  m.state = valid ? ManifestState::kValid : ManifestState::kInvalid;
  if (!report.failure.empty()) m.failure = report.failure.front().code;
  // Trust in the signer is its own question, answered even when another check failed.
  m.signer = report.verdict == C2paVerdict::kCredentialRevoked ? SignerTrust::kRevoked
             : report.HasSuccess("signingCredential.trusted")  ? SignerTrust::kTrusted
                                                               : SignerTrust::kUntrusted;
  m.binding = BindingBroken(report.verdict) ? Binding::kPixelsChanged : Binding::kIntact;
  m.summary = SummaryOf(report);
  return m;
}

ContentState StateOf(fingerprint::ContentMatch m) {
  switch (m) {
    case fingerprint::ContentMatch::kSame:
      return ContentState::kSame;
    case fingerprint::ContentMatch::kAltered:
      return ContentState::kAltered;
    case fingerprint::ContentMatch::kDifferent:
      return ContentState::kDifferent;
    case fingerprint::ContentMatch::kUncomparable:
      break;
  }
  return ContentState::kUncomparable;
}

nlohmann::json ContentJson(const ContentEvidence& c) {
  nlohmann::json j = {{"state", ContentStateName(c.state)}};
  if (c.state == ContentState::kNotChecked || c.state == ContentState::kNotRecorded) return j;
  j["algorithm"] = c.algorithm;
  if (!c.note.empty()) j["note"] = c.note;
  if (!c.compared()) return j;
  j["similarity"] = c.similarity;
  j["distance"] = 1.0 - c.similarity;
  j["threshold"] = 1.0 - c.min_similarity;
  j["cells_compared"] = c.cells_compared;
  j["cells_changed"] = c.cells_changed;
  if (c.max_tone_noise > 0.0) {
    j["tone_noise"] = c.tone_noise;
    j["tone_noise_threshold"] = c.max_tone_noise;
  }
  nlohmann::json regions = nlohmann::json::array();
  for (const ContentRegion& r : c.changed_regions) {
    regions.push_back({{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}});
  }
  j["changed_regions"] = std::move(regions);
  return j;
}

std::string ContentText(const ContentEvidence& c) {
  std::string s = ContentStateName(c.state);
  if (c.compared()) {
    char line[96];
    std::snprintf(line, sizeof line, " (fingerprint distance %.3f, threshold %.3f",
                  1.0 - c.similarity, 1.0 - c.min_similarity);
    s += line;
    for (const ContentRegion& r : c.changed_regions) {
      s += "; changed " + std::to_string(r.width) + "x" + std::to_string(r.height) + " at " +
           std::to_string(r.x) + "," + std::to_string(r.y);
    }
    s += ")";
  } else if (!c.note.empty()) {
    s += " (" + c.note + ")";
  } else if (c.state == ContentState::kNotRecorded) {
    s += " (the ledger record predates content fingerprints)";
  }
  return s;
}

}  // namespace

nlohmann::json AssetVerification::ToJson() const {
  const ManifestEvidence& m = evidence.manifest;
  const WatermarkEvidence& w = evidence.watermark;
  const LedgerEvidence& l = evidence.ledger;
  nlohmann::json j = {{"file", file},
                      {"verdict", VerdictName(verdict)},
                      {"reason", reason},
                      {"manifest",
                       {{"state", ManifestStateName(m.state)},
                        {"failure", m.failure},
                        {"signer", SignerTrustName(m.signer)},
                        {"signer_subject", m.signer_subject},
                        {"asset_id", m.asset_id}}},
                      {"content_binding", BindingName(m.binding)},
                      {"agreement", AgreementName(evidence.agreement)}};
  j["watermark"] = {{"checked", w.checked()}, {"found", w.found()}};
  // A note only where the layer could not look properly; records without one are unchanged.
  if (const std::string note = WatermarkNoteName(w.state); !note.empty()) {
    j["watermark"]["note"] = note;
    j["watermark"]["detail"] = w.detail;
  }
  if (w.checked()) {
    j["watermark"]["false_positive_probability"] = w.false_positive_probability;
    j["watermark"]["score"] = w.score;
    if (w.found()) {
      j["watermark"]["payload"] = w.payload_hex;
      j["watermark"]["payload_source"] = w.matched_recorded_payload ? "recorded" : "decoded";
      if (w.suspected_by_content) j["watermark"]["suspected_by"] = "content";
    }
  }
  j["ledger"] = {{"state", LedgerStateName(l.state)},
                 {"asset_id", l.asset_id},
                 {"model_id", l.model_id},
                 {"inclusion_proof", ProofText(l)},
                 {"content_hash_match", l.content_hash_match}};
  j["content"] = ContentJson(evidence.content);
  return j;
}

std::string DescribeVerification(const AssetVerification& v) {
  const ManifestEvidence& m = v.evidence.manifest;
  const WatermarkEvidence& w = v.evidence.watermark;
  const LedgerEvidence& l = v.evidence.ledger;
  std::string s = v.file + ": " + VerdictName(v.verdict) + "\n";
  s += std::string("  manifest:  ") + ManifestStateName(m.state);
  if (!m.failure.empty()) s += " (" + m.failure + ")";
  if (m.signer != SignerTrust::kNone) s += std::string(", signer ") + SignerTrustName(m.signer);
  if (!m.signer_subject.empty()) s += " [" + m.signer_subject + "]";
  s += std::string("\n  binding:   ") + BindingName(m.binding) + "\n  watermark: ";
  if (w.state == WatermarkState::kUndecodable) {
    s += "not checked (the pixels do not decode: " + w.detail + ")";
  } else if (w.state == WatermarkState::kTooSmall) {
    s += "not found (" + w.detail + ")";
  } else if (!w.checked()) {
    s += "not checked (no watermark key)";
  } else if (w.found()) {
    char fpp[32];
    std::snprintf(fpp, sizeof fpp, "%.1e", w.false_positive_probability);
    s += "found, payload " + w.payload_hex +
         (w.suspected_by_content ? " (the mark of the recorded asset the image resembles, found "
                                   "where that asset carries it)"
          : w.matched_recorded_payload ? " (matched among the ledger's payloads)"
                                       : "") +
         ", false-positive probability <= " + fpp;
  } else {
    s += "not found";
  }
  s += std::string("\n  ledger:    ") + LedgerStateName(l.state);
  if (!l.asset_id.empty()) {
    const std::string model = l.model_id == audit::NoGeneratorModelId()
                                  ? "no generator (signed with provenance sign --watermark)"
                                  : "model " + l.model_id.substr(0, 12) + "…";
    s += " " + l.asset_id + ", " + model + ", inclusion proof " + ProofText(l) +
         (l.content_hash_match ? ", file hash matches the record" : "");
  }
  if (v.evidence.content.state != ContentState::kNotChecked) {
    s += "\n  content:   " + ContentText(v.evidence.content);
  }
  s += std::string("\n  agreement: ") + AgreementName(v.evidence.agreement) +
       "\n  why:       " + v.reason;
  return s;
}

Result<AssetVerification> AssetVerifier::VerifyFile(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path));
  Result<AssetVerification> v = VerifyBytes(path, bytes);
  if (!v.ok()) return v.status().WithContext(path);
  return v;
}

uint64_t AssetVerifier::LedgerSize() const {
  Result<uint64_t> size = ledger_ ? ledger_->TreeSize() : Result<uint64_t>(uint64_t{0});
  return size.ok() ? *size : 0;
}

const std::vector<watermark::Payload>& AssetVerifier::KnownPayloads() {
  return known_payloads_.Get(LedgerSize(), [this](std::vector<watermark::Payload>* known) {
    if (!ledger_) return;
    // A ledger that cannot be read leaves the list empty; its error surfaces in the ledger layer.
    Status read = ledger_->ForEachAssetId([known](const std::string& id) {
      Result<watermark::Payload> p = PayloadForAssetId(id);
      if (p.ok()) known->push_back(std::move(*p));
      return Status::Ok();
    });
    if (!read.ok()) known->clear();
  });
}

const fingerprint::ContentIndex& AssetVerifier::RecordedContent() {
  return recorded_content_.Get(LedgerSize(), [this](fingerprint::ContentIndex* index) {
    if (!ledger_) return;
    // Only fingerprints of a known algorithm that decode, of assets whose ids carry a
    // payload; a record that does not parse cannot be a suspect, and the ledger layer reports it
    // if hit.
    Status read = ledger_->ForEachAsset([index](const audit::AssetRecord& record) {
      if (!record.fingerprint ||
          !fingerprint::IsFingerprintAlgorithm(record.fingerprint->algorithm)) {
        return Status::Ok();
      }
      Result<watermark::Payload> payload = PayloadForAssetId(record.id);
      Result<fingerprint::ContentFingerprint> fp =
          fingerprint::ContentFingerprint::Decode(record.fingerprint->value);
      if (payload.ok() && fp.ok()) index->Add(*payload, *fp);
      return Status::Ok();
    });
    // As for the payloads: a ledger that cannot be read leaves the index empty.
    if (!read.ok()) *index = fingerprint::ContentIndex();
  });
}

bool AssetVerifier::FindSuspectedMark(const image::Plane& luma, watermark::Detection* d) {
  const fingerprint::ContentIndex& index = RecordedContent();
  if (index.size() == 0) return false;  // nothing to compare the image with
  Result<fingerprint::ContentFingerprint> query = fingerprint::ContentFingerprint::FromLuma(luma);
  if (!query.ok()) return false;
  const std::vector<watermark::SuspectedMark> suspects = index.Nearest(*query, kMaxContentSuspects);
  const watermark::KnownPayloadMatch m = watermark::TestSuspectedMarks(luma, *key_, suspects);
  if (!m.found) return false;
  *d = watermark::Detection{};
  d->found = true;
  d->payload = suspects[m.index].payload;
  d->score = m.z;
  d->false_positive_probability = m.false_positive_probability;
  return true;
}

Result<WatermarkEvidence> AssetVerifier::DetectWatermark(const image::Image& img,
                                                         image::Plane* luma) {
  WatermarkEvidence w;
  if (!key_) return w;
  if (std::min(img.width(), img.height()) < kSmallestMarkedSide) {
    // Not an error: the other layers still decide the verdict.
    w.state = WatermarkState::kTooSmall;
    w.detail = "image " + std::to_string(img.width()) + "x" + std::to_string(img.height()) +
               " is too small to carry a mark";
    return w;
  }
  // An Image holds 8- or 16-bit samples only (image.h), the depths Detect accepts.
  *luma = watermark::Luma(img);
  HM_ASSIGN_OR_RETURN(watermark::Detection d, watermark::DetectLuma(*luma, *key_));
  if (!d.found && !d.soft_bits.empty() && ledger_) {
    const std::vector<watermark::Payload>& known = KnownPayloads();
    const watermark::KnownPayloadMatch m = watermark::MatchKnownPayloads(d, *key_, known);
    if (m.found) {
      d.found = true;
      d.payload = known[m.index];
      d.false_positive_probability = m.false_positive_probability;
      w.matched_recorded_payload = true;
    }
  }
  if (!d.found && ledger_ && FindSuspectedMark(*luma, &d)) {
    w.matched_recorded_payload = true;
    w.suspected_by_content = true;
  }
  w.state = d.found ? WatermarkState::kFound : WatermarkState::kNotFound;
  w.false_positive_probability = d.false_positive_probability;
  w.score = d.score;
  w.scale = d.scale;
  w.rotation_degrees = d.rotation_degrees;
  w.mirrored = d.mirrored;
  if (d.found) {
    w.payload_hex = d.payload.ToHex();
    w.asset_id = AssetIdForPayload(d.payload);
  }
  return w;
}

LedgerEvidence AssetVerifier::CheckLedger(const std::string& asset_id, ByteView file,
                                          std::optional<audit::AssetRecord>* found) const {
  LedgerEvidence l;
  if (!ledger_ || asset_id.empty()) return l;
  Result<std::optional<audit::AssetRecord>> record = ledger_->FindAsset(asset_id);
  if (!record.ok()) {
    l.state = LedgerState::kError;
    l.message = record.status().message();
    return l;
  }
  if (!*record) {
    l.state = LedgerState::kNotRecorded;
    return l;
  }
  l.state = LedgerState::kRecorded;
  *found = **record;
  l.asset_id = (*record)->id;
  l.model_id = (*record)->model_id;
  l.content_hash_match = (*record)->content_hash == Sha256Hex(file);
  Result<audit::Receipt> receipt = audit::ProveAsset(*ledger_, asset_id);
  Result<std::optional<audit::CheckpointVerifier>> log_key = ledger_->LogVerifier();
  if (!receipt.ok()) {
    l.proof = ProofOutcome::kNoReceipt;
    l.message = receipt.status().message();
  } else if (!log_key.ok() || !*log_key) {
    l.proof = ProofOutcome::kNoLogKey;
    l.message = "the ledger has no log key to check its checkpoint";
  } else if (Status proof = audit::VerifyReceipt(*receipt, **log_key); !proof.ok()) {
    l.proof = ProofOutcome::kRejected;
    l.message = proof.message();
  } else {
    l.proof = ProofOutcome::kVerified;
  }
  return l;
}

ContentEvidence AssetVerifier::CheckContent(image::Plane luma, const image::Image& img,
                                            const WatermarkEvidence& watermark,
                                            const audit::AssetRecord& record) const {
  ContentEvidence c;
  if (!record.fingerprint) {
    c.state = ContentState::kNotRecorded;
    return c;
  }
  c.algorithm = record.fingerprint->algorithm;
  c.state = ContentState::kUncomparable;
  if (!fingerprint::IsFingerprintAlgorithm(c.algorithm)) {
    c.note = "unknown fingerprint algorithm '" + c.algorithm + "'";
    return c;
  }
  Result<fingerprint::ContentFingerprint> recorded =
      fingerprint::ContentFingerprint::Decode(record.fingerprint->value);
  if (!recorded.ok()) {
    c.note = "the recorded fingerprint does not decode: " + recorded.status().message();
    return c;
  }
  watermark::Detection geometry;
  geometry.scale = watermark.scale;
  geometry.rotation_degrees = watermark.rotation_degrees;
  geometry.mirrored = watermark.mirrored;
  const fingerprint::Alignment alignment =
      fingerprint::AlignmentFromDetection(geometry, luma.width, luma.height, *recorded);
  // The mark the watermark layer read, to be looked for where a whole copy should carry it.
  std::optional<fingerprint::RecordedMark> mark;
  if (Result<watermark::Payload> payload = watermark::Payload::FromHex(watermark.payload_hex);
      key_ && payload.ok()) {
    mark = fingerprint::RecordedMark{&*key_, *payload, &img};
  }
  Result<fingerprint::ContentComparison> compared = fingerprint::CompareContent(
      *recorded, std::move(luma), alignment, {}, mark ? &*mark : nullptr);
  if (!compared.ok()) {
    c.note = compared.status().message();
    return c;
  }
  c.state = StateOf(compared->match);
  c.similarity = compared->similarity;
  c.min_similarity = compared->min_similarity;
  c.cells_compared = compared->cells_compared;
  c.cells_changed = compared->cells_changed;
  c.tone_noise = compared->tone_noise;
  c.max_tone_noise = compared->max_tone_noise;
  c.note = compared->note;
  for (const fingerprint::ChangedRegion& r : compared->changed_regions) {
    c.changed_regions.push_back({r.x, r.y, r.width, r.height});
  }
  return c;
}

Result<AssetVerification> AssetVerifier::VerifyBytes(const std::string& name, ByteView bytes) {
  AssetVerification v;
  v.file = name;
  Evidence& e = v.evidence;
  Result<image::Image> img = image::Decode(bytes, {max_pixels_});
  image::Plane luma;  // filled by the watermark layer, reused by the content layer
  if (img.ok()) {
    HM_ASSIGN_OR_RETURN(provenance::VerificationReport report,
                        provenance::VerifyImage(bytes, trust_));
    e.manifest = ReadManifest(report);
    HM_ASSIGN_OR_RETURN(e.watermark, DetectWatermark(*img, &luma));
  } else {
    HM_ASSIGN_OR_RETURN(e, EvidenceForUndecodable(bytes, img.status()));
  }
  // The ledger, through the manifest's asset id or else the watermark's.
  std::optional<audit::AssetRecord> record;
  e.ledger = CheckLedger(!e.manifest.asset_id.empty() ? e.manifest.asset_id : e.watermark.asset_id,
                         bytes, &record);
  e.agreement = CompareAssetIds(e.manifest, e.watermark);
  // Without a manifest, a watermark hit is only as good as the content behind it: a mark can be
  // estimated from delivered images and copied onto other pictures.
  if (e.manifest.state == ManifestState::kAbsent && e.watermark.found() &&
      e.ledger.proof_verified() && record && img.ok()) {
    e.content = CheckContent(std::move(luma), *img, e.watermark, *record);
  }

  Decision decision = Decide(e);
  v.verdict = decision.verdict;
  v.reason = std::move(decision.reason);
  return v;
}

Result<Evidence> AssetVerifier::EvidenceForUndecodable(ByteView bytes,
                                                       const Status& decode_error) const {
  // The manifest layer reads the file's bytes, not its pixels, so it still runs. Only a hard
  // binding that fails turns undecodable pixels into evidence (of tampering); a file with no
  // manifest, or one its manifest still binds (the signer signed it this way, or it is merely
  // over the pixel limit), stays unreadable.
  Result<provenance::VerificationReport> report = provenance::VerifyImage(bytes, trust_);
  if (!report.ok()) return decode_error;
  Evidence e;
  e.manifest = ReadManifest(*report);
  if (e.manifest.binding != Binding::kPixelsChanged) return decode_error;
  e.watermark.state = WatermarkState::kUndecodable;
  e.watermark.detail = decode_error.message();
  return e;
}

}  // namespace hallmark::pipeline
