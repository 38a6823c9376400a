// Labels, URIs and status codes from the C2PA specification (2.2) and CAWG, in one place.
#ifndef HALLMARK_PROVENANCE_C2PA_C2PA_LABELS_H_
#define HALLMARK_PROVENANCE_C2PA_C2PA_LABELS_H_

namespace hallmark::provenance {

// Assertion labels.
inline constexpr const char* kActionsV2Label = "c2pa.actions.v2";
inline constexpr const char* kActionsV1Label = "c2pa.actions";
inline constexpr const char* kDataHashLabel = "c2pa.hash.data";
inline constexpr const char* kSoftBindingLabel = "c2pa.soft-binding";
inline constexpr const char* kIngredientV3Label = "c2pa.ingredient.v3";
inline constexpr const char* kTrainingMiningLabel = "cawg.training-mining";
inline constexpr const char* kHallmarkModelLabel = "org.hallmark.model";
inline constexpr const char* kHallmarkDatasetsLabel = "org.hallmark.training-datasets";
inline constexpr const char* kHallmarkGenerationLabel = "org.hallmark.generation";
// The content fingerprint a watermark lookup must match before its hit is trusted (the soft-binding
// resolution spec's advice for watermarks); no C2PA soft-binding algorithm id exists for it.
inline constexpr const char* kHallmarkFingerprintLabel = "org.hallmark.fingerprint";

// Boxes.
inline constexpr const char* kStoreLabel = "c2pa";
inline constexpr const char* kAssertionStoreLabel = "c2pa.assertions";
inline constexpr const char* kClaimV2Label = "c2pa.claim.v2";
inline constexpr const char* kClaimV1Label = "c2pa.claim";
inline constexpr const char* kSignatureLabel = "c2pa.signature";

// Validation status codes (C2PA 2.2 §15.2.2).
namespace status {
inline constexpr const char* kClaimSignatureValidated = "claimSignature.validated";
inline constexpr const char* kClaimSignatureMismatch = "claimSignature.mismatch";
inline constexpr const char* kClaimSignatureMissing = "claimSignature.missing";
inline constexpr const char* kSigningCredentialTrusted = "signingCredential.trusted";
inline constexpr const char* kSigningCredentialUntrusted = "signingCredential.untrusted";
inline constexpr const char* kSigningCredentialInvalid = "signingCredential.invalid";
inline constexpr const char* kSigningCredentialRevoked = "signingCredential.revoked";
inline constexpr const char* kSigningCredentialExpired = "signingCredential.expired";
inline constexpr const char* kAssertionHashedUriMatch = "assertion.hashedURI.match";
inline constexpr const char* kAssertionHashedUriMismatch = "assertion.hashedURI.mismatch";
inline constexpr const char* kAssertionMissing = "assertion.missing";
inline constexpr const char* kAssertionDataHashMatch = "assertion.dataHash.match";
inline constexpr const char* kAssertionDataHashMismatch = "assertion.dataHash.mismatch";
inline constexpr const char* kAssertionDataHashMalformed = "assertion.dataHash.malformed";
inline constexpr const char* kAssertionMultipleHardBindings = "assertion.multipleHardBindings";
inline constexpr const char* kAssertionCborInvalid = "assertion.cbor.invalid";
inline constexpr const char* kHardBindingsMissing = "claim.hardBindings.missing";
inline constexpr const char* kClaimMissing = "claim.missing";
inline constexpr const char* kClaimMalformed = "claim.malformed";
inline constexpr const char* kClaimCborInvalid = "claim.cbor.invalid";
inline constexpr const char* kAlgorithmUnsupported = "algorithm.unsupported";
inline constexpr const char* kIngredientManifestValidated = "ingredient.manifest.validated";
inline constexpr const char* kIngredientManifestMismatch = "ingredient.manifest.mismatch";
inline constexpr const char* kIngredientManifestMissing = "ingredient.manifest.missing";
// Hallmark's own (not C2PA): the file's XMP instance id differs from the claim's.
inline constexpr const char* kInstanceIdMismatch = "org.hallmark.instanceID.mismatch";
}  // namespace status

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_C2PA_LABELS_H_
