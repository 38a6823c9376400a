#include "pipeline/verdict.h"

#include <cstdio>

namespace hallmark::pipeline {
namespace {

using C2paVerdict = provenance::Verdict;

struct VerdictRow {
  Verdict verdict;
  const char* name;
  bool proves_origin;  // exit 0
};

// The one table of verdicts, in report order.
constexpr VerdictRow kVerdictTable[] = {
    {Verdict::kVerified, "VERIFIED", true},
    {Verdict::kVerifiedByWatermark, "VERIFIED_BY_WATERMARK", true},
    {Verdict::kAltered, "ALTERED", false},
    {Verdict::kWatermarkMismatch, "WATERMARK_MISMATCH", false},
    {Verdict::kTampered, "TAMPERED", false},
    {Verdict::kUntrustedSigner, "UNTRUSTED_SIGNER", false},
    {Verdict::kRevoked, "REVOKED", false},
    {Verdict::kNoProvenance, "NO_PROVENANCE", false},
};

const VerdictRow* RowOf(Verdict v) {
  for (const VerdictRow& row : kVerdictTable) {
    if (row.verdict == v) return &row;
  }
  return nullptr;
}

Decision ManifestCheckFailed(const Evidence& e) {
  const ManifestEvidence& m = e.manifest;
  std::string reason = std::string("manifest check failed: ") +
                       (m.failure.empty() ? provenance::VerdictName(m.c2pa_verdict) : m.failure);
  // The pixels may still say where the image came from, though that proves nothing here.
  if (e.watermark.found()) reason += "; the watermark still names " + e.watermark.asset_id;
  return {Verdict::kTampered, reason};
}

Decision DecideWithManifest(const Evidence& e) {
  // Bytes changed after signing, so badly the pixels no longer decode: the manifest's hard
  // binding says so, whatever else its C2PA verdict reports.
  if (e.watermark.state == WatermarkState::kUndecodable &&
      e.manifest.binding == Binding::kPixelsChanged) {
    Decision d = ManifestCheckFailed(e);
    d.reason = "the pixels do not decode (" + e.watermark.detail + "); " + d.reason;
    return d;
  }
  switch (e.manifest.c2pa_verdict) {
    case C2paVerdict::kCredentialRevoked:
      return {Verdict::kRevoked, "the signing certificate was revoked"};
    case C2paVerdict::kTrusted:
      // A trusted manifest copied onto another generated image: the watermark gives it away.
      if (e.agreement == Agreement::kDisagree) {
        return {Verdict::kTampered, "the manifest names " + e.manifest.asset_id +
                                        " but the watermark names " + e.watermark.asset_id};
      }
      return {Verdict::kVerified, "valid manifest from a trusted signer, bound to these bytes"};
    case C2paVerdict::kUntrusted:
      return {Verdict::kUntrustedSigner, "the signer does not chain to a trust anchor"};
    case C2paVerdict::kCredentialExpired:
      return {Verdict::kUntrustedSigner, "the signing certificate had expired"};
    case C2paVerdict::kNoManifest:
    case C2paVerdict::kManifestMalformed:
    case C2paVerdict::kSignatureMismatch:
    case C2paVerdict::kCredentialInvalid:
    case C2paVerdict::kAssertionTampered:
    case C2paVerdict::kManifestTransplanted:
    case C2paVerdict::kContentAltered:
      break;
  }
  return ManifestCheckFailed(e);
}

// The second half of "no manifest ...": why the watermark layer has nothing to say.
std::string WhyNoWatermark(const WatermarkEvidence& w) {
  switch (w.state) {
    case WatermarkState::kTooSmall:
      return "and the image is too small to carry a watermark";
    case WatermarkState::kUndecodable:
      return "and the pixels do not decode";
    case WatermarkState::kNotChecked:
      return "(no watermark key to look for a mark)";
    case WatermarkState::kNotFound:
    case WatermarkState::kFound:
      break;
  }
  return "and no watermark";
}

std::string Fixed(double v) {
  char s[32];
  std::snprintf(s, sizeof s, "%.3f", v);
  return s;
}

// A watermark that names a proven record, weighed against the record's content fingerprint.
Decision DecideByContent(const Evidence& e) {
  const std::string names = "the watermark names " + e.watermark.asset_id;
  const ContentEvidence& c = e.content;
  const std::string distance = "fingerprint distance " + Fixed(1.0 - c.similarity) +
                               ", threshold " + Fixed(1.0 - c.min_similarity);
  switch (c.state) {
    case ContentState::kSame:
      return {Verdict::kVerifiedByWatermark,
              "no manifest, but " + names +
                  ", recorded in the ledger with a verified inclusion proof, and the image shows "
                  "its content (" +
                  distance + ")"};
    case ContentState::kAltered:
      return {Verdict::kAltered, names + " and the image is that asset, changed in " +
                                     std::to_string(c.changed_regions.size()) + " region(s) (" +
                                     std::to_string(c.cells_changed) + " of " +
                                     std::to_string(c.cells_compared) + " cells differ)"};
    case ContentState::kDifferent:
      return {Verdict::kWatermarkMismatch, names + " but the image shows other content (" +
                                               distance + (c.note.empty() ? "" : "; " + c.note) +
                                               "): the mark was copied or forged"};
    case ContentState::kUncomparable:
      return {Verdict::kNoProvenance, names + " but its content cannot be confirmed: " + c.note};
    case ContentState::kNotRecorded:
    case ContentState::kNotChecked:
      break;
  }
  return {Verdict::kVerifiedByWatermark,
          "no manifest, but " + names +
              ", recorded in the ledger with a verified inclusion proof (content not checked: "
              "the record has no fingerprint; `hallmark audit backfill-fingerprints` adds one)"};
}

Decision DecideWithoutManifest(const Evidence& e) {
  const WatermarkEvidence& w = e.watermark;
  if (w.found() && e.ledger.proof_verified()) return DecideByContent(e);
  if (w.found()) {
    return {Verdict::kNoProvenance,
            "a watermark names " + w.asset_id + " but the ledger " +
                (e.ledger.state == LedgerState::kRecorded ? "proof failed: " + ProofText(e.ledger)
                                                          : "has no such record")};
  }
  return {Verdict::kNoProvenance, "no manifest " + WhyNoWatermark(w)};
}

}  // namespace

const std::vector<Verdict>& AllVerdicts() {
  static const std::vector<Verdict>* const all = [] {
    auto* v = new std::vector<Verdict>;
    for (const VerdictRow& row : kVerdictTable) v->push_back(row.verdict);
    return v;
  }();
  return *all;
}

const char* VerdictName(Verdict v) {
  const VerdictRow* row = RowOf(v);
  return row ? row->name : "?";
}

bool IsVerified(Verdict v) {
  const VerdictRow* row = RowOf(v);
  return row && row->proves_origin;
}

Decision Decide(const Evidence& evidence) {
  return evidence.manifest.state == ManifestState::kAbsent ? DecideWithoutManifest(evidence)
                                                           : DecideWithManifest(evidence);
}

}  // namespace hallmark::pipeline
