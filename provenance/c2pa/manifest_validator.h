// Validation of the C2PA manifest in a PNG or JPEG (C2PA 2.2 §15): structure, claim signature,
// signer certificate profile, validity, chain to the trust store, revocation, every hashed URI,
// the hard binding (whose exclusions must be exactly the bytes of the embedded manifest store,
// §18.5), and ingredient manifests. Each check is reported on its own with its C2PA
// status code; a summary verdict names the first thing that is wrong.
//
// States follow the specification: Invalid (a failure other than an untrusted signer), Valid
// (well formed, signature and bindings intact, signer not trusted here), Trusted (Valid and the
// signer chains to an anchor of the trust store).
#ifndef HALLMARK_PROVENANCE_C2PA_MANIFEST_VALIDATOR_H_
#define HALLMARK_PROVENANCE_C2PA_MANIFEST_VALIDATOR_H_

#include <ctime>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/trust_store.h"

namespace hallmark::provenance {

struct StatusEntry {
  std::string code;         // C2PA status code, e.g. "assertion.dataHash.mismatch"
  std::string url;          // the box it concerns, when there is one
  std::string explanation;  // one line for people
};

enum class ValidationState { kNoManifest, kInvalid, kValid, kTrusted };
const char* ValidationStateName(ValidationState s);  // "None", "Invalid", "Valid", "Trusted"

// The first problem found, in this order of precedence; distinct for every tamper scenario.
enum class Verdict {
  kTrusted,               // valid and trusted
  kUntrusted,             // valid, signer not in the trust store
  kNoManifest,            // the file carries no C2PA manifest
  kManifestMalformed,     // the store, claim or signature cannot be parsed (truncated, garbled)
  kSignatureMismatch,     // the claim signature does not verify
  kCredentialInvalid,     // the signer certificate breaks the C2PA profile / unusable algorithm
  kAssertionTampered,     // an assertion no longer matches the hash the claim recorded
  kManifestTransplanted,  // the manifest was made for another file (data hash and XMP id differ)
  kContentAltered,        // the image bytes changed after signing
  kCredentialRevoked,     // the signer certificate is on its issuer's revocation list
  kCredentialExpired,     // the signer certificate was outside its validity period
};
const char* VerdictName(Verdict v);  // "trusted", "untrusted", "content_altered", ...

struct VerificationReport {
  ValidationState state = ValidationState::kNoManifest;
  Verdict verdict = Verdict::kNoManifest;
  std::vector<StatusEntry> success;
  std::vector<StatusEntry> informational;
  std::vector<StatusEntry> failure;

  // What the manifest says (empty when absent).
  std::string active_manifest;
  int claim_version = 0;
  std::string instance_id;
  std::string claim_generator;
  std::string title;
  std::string signature_algorithm;
  std::string signer_subject;
  std::string signer_issuer;
  std::time_t signer_not_before = 0;
  std::time_t signer_not_after = 0;
  std::time_t time_stamp = 0;       // the claim signature's RFC 3161 genTime; 0 when none
  bool time_stamp_trusted = false;  // its TSA chains to the TSA trust list and it verifies
  std::string digital_source_type;
  std::string asset_id;                                  // org.hallmark.generation asset_id
  std::string watermark_algorithm;                       // c2pa.soft-binding alg
  Bytes watermark_payload;                               // c2pa.soft-binding value
  std::vector<std::string> ingredients;                  // titles of ingredient assertions
  nlohmann::json assertions = nlohmann::json::object();  // label -> decoded content

  bool HasFailure(const std::string& code) const;
  bool HasSuccess(const std::string& code) const;
  nlohmann::json ToJson() const;
};

struct VerifyOptions {
  std::time_t now = 0;  // 0: the current time (tests move the clock)
};

// BadInput only when the file is not a readable PNG/JPEG container; everything wrong with the
// manifest itself is a verdict in the report (a store over the default ManifestStoreLimits is
// claim.malformed, its explanation naming the limit). Every text in the report is valid UTF-8.
Result<VerificationReport> VerifyImage(ByteView file, const TrustStore& trust,
                                       const VerifyOptions& options = {});

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_MANIFEST_VALIDATOR_H_
