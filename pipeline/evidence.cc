#include "pipeline/evidence.h"

#include <cstddef>

namespace hallmark::pipeline {
namespace {

template <typename E>
struct NameRow {
  E value;
  const char* name;
};

// One table per enum; a value missing from its table is a programming error, shown as "?".
template <typename E, size_t N>
const char* NameIn(const NameRow<E> (&table)[N], E value) {
  for (const NameRow<E>& row : table) {
    if (row.value == value) return row.name;
  }
  return "?";
}

constexpr NameRow<ManifestState> kManifestStates[] = {
    {ManifestState::kAbsent, "absent"},
    {ManifestState::kValid, "valid"},
    {ManifestState::kInvalid, "invalid"},
};

constexpr NameRow<SignerTrust> kSignerTrusts[] = {
    {SignerTrust::kNone, ""},
    {SignerTrust::kTrusted, "trusted"},
    {SignerTrust::kUntrusted, "untrusted"},
    {SignerTrust::kRevoked, "revoked"},
};

constexpr NameRow<Binding> kBindings[] = {
    {Binding::kNotApplicable, "n/a"},
    {Binding::kIntact, "intact"},
    {Binding::kPixelsChanged, "pixels changed"},
};

constexpr NameRow<WatermarkState> kWatermarkNotes[] = {
    {WatermarkState::kNotChecked, ""},
    {WatermarkState::kNotFound, ""},
    {WatermarkState::kFound, ""},
    {WatermarkState::kTooSmall, "too_small"},
    {WatermarkState::kUndecodable, "pixels_undecodable"},
};

constexpr NameRow<LedgerState> kLedgerStates[] = {
    {LedgerState::kNotApplicable, "n/a"},
    {LedgerState::kNotRecorded, "not recorded"},
    {LedgerState::kRecorded, "recorded"},
    {LedgerState::kError, "error"},
};

constexpr NameRow<Agreement> kAgreements[] = {
    {Agreement::kNotApplicable, "n/a"},
    {Agreement::kAgree, "agree"},
    {Agreement::kDisagree, "disagree"},
};

constexpr NameRow<ContentState> kContentStates[] = {
    {ContentState::kNotChecked, "not checked"},
    {ContentState::kNotRecorded, "not recorded"},
    {ContentState::kSame, "same"},
    {ContentState::kAltered, "altered"},
    {ContentState::kDifferent, "different"},
    {ContentState::kUncomparable, "uncomparable"},
};

}  // namespace

const char* ContentStateName(ContentState s) { return NameIn(kContentStates, s); }
const char* ManifestStateName(ManifestState s) { return NameIn(kManifestStates, s); }
const char* SignerTrustName(SignerTrust s) { return NameIn(kSignerTrusts, s); }
const char* BindingName(Binding b) { return NameIn(kBindings, b); }
const char* WatermarkNoteName(WatermarkState s) { return NameIn(kWatermarkNotes, s); }
const char* LedgerStateName(LedgerState s) { return NameIn(kLedgerStates, s); }
const char* AgreementName(Agreement a) { return NameIn(kAgreements, a); }

std::string ProofText(const LedgerEvidence& ledger) {
  return ledger.proof == ProofOutcome::kVerified ? "verified" : ledger.message;
}

Agreement CompareAssetIds(const ManifestEvidence& manifest, const WatermarkEvidence& watermark) {
  if (manifest.asset_id.empty() || !watermark.found()) return Agreement::kNotApplicable;
  return manifest.asset_id == watermark.asset_id ? Agreement::kAgree : Agreement::kDisagree;
}

}  // namespace hallmark::pipeline
