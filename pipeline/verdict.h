// The verdicts `hallmark verify` gives an image. Their names are a contract (users' scripts
// match them): VERIFIED, VERIFIED_BY_WATERMARK, TAMPERED, UNTRUSTED_SIGNER, REVOKED,
// NO_PROVENANCE.
#ifndef HALLMARK_PIPELINE_VERDICT_H_
#define HALLMARK_PIPELINE_VERDICT_H_

namespace hallmark::pipeline {

enum class Verdict {
  kVerified,             // a valid manifest from a trusted signer, bound to these exact bytes
  kVerifiedByWatermark,  // no usable manifest (stripped, re-encoded), but the watermark names a
                         // ledger record whose inclusion proof checks
  kTampered,             // a manifest is present but broken, or the layers contradict each other
  kUntrustedSigner,      // a valid manifest whose signer does not chain to a trust anchor
  kRevoked,              // a manifest signed by a revoked certificate
  kNoProvenance,         // nothing proves where the image came from
};

const char* VerdictName(Verdict v);
// Verdicts that count as proof of origin (exit 0).
bool IsVerified(Verdict v);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_VERDICT_H_
