// The verdicts `hallmark verify` gives an image, and the pure decision that picks one from the
// evidence. Their names are a contract (users' scripts match them); in report order:
// VERIFIED, VERIFIED_BY_WATERMARK, ALTERED, WATERMARK_MISMATCH, TAMPERED, UNTRUSTED_SIGNER,
// REVOKED, NO_PROVENANCE.
//
// Adding a verdict takes an enum value and one row of the table in verdict.cc (name, whether it
// proves origin); AllVerdicts, VerdictName and IsVerified read that table.
#ifndef HALLMARK_PIPELINE_VERDICT_H_
#define HALLMARK_PIPELINE_VERDICT_H_

#include <string>
#include <vector>

#include "pipeline/evidence.h"

namespace hallmark::pipeline {

enum class Verdict {
  kVerified,             // a valid manifest from a trusted signer, bound to these exact bytes,
                         // whose asset id no watermark in the pixels contradicts
  kVerifiedByWatermark,  // no manifest (stripped, re-encoded), but the watermark names a ledger
                         // record whose inclusion proof checks, and the image shows the content
                         // that record's fingerprint summarises (or the record predates
                         // fingerprints)
  kAltered,              // no manifest; the watermark names a recorded asset and the image is
                         // that asset, changed in places
  kWatermarkMismatch,    // no manifest; the watermark names a recorded asset whose content the
                         // image does not show (a mark copied onto another picture)
  kTampered,             // a manifest is present but fails a check other than its signer's
                         // trust, or a trusted one names another asset than the watermark
  kUntrustedSigner,      // a valid manifest whose signer does not chain to a trust anchor, or
                         // whose certificate had expired
  kRevoked,              // a manifest signed by a revoked certificate
  kNoProvenance,         // nothing proves where the image came from
};

// Every verdict, in the order reports list them.
const std::vector<Verdict>& AllVerdicts();
const char* VerdictName(Verdict v);
// Verdicts that count as proof of origin (exit 0).
bool IsVerified(Verdict v);

struct Decision {
  Verdict verdict = Verdict::kNoProvenance;
  std::string reason;  // one line: why this verdict
};

// The verdict the evidence supports, and why. Pure: reads nothing but `evidence`.
//
// With a manifest, its C2PA verdict decides: revoked -> REVOKED; trusted -> VERIFIED, or
// TAMPERED when the watermark names another asset; untrusted or expired -> UNTRUSTED_SIGNER;
// any other failure -> TAMPERED. Pixels that do not decode under a manifest whose hard binding
// fails -> TAMPERED, the reason saying the pixels do not decode. Without a manifest, a found
// watermark whose ledger record has a verified inclusion proof -> VERIFIED_BY_WATERMARK; anything
// else (no watermark, an image too small to carry one, ...) -> NO_PROVENANCE. A found watermark
// with a verified record is then checked against the record's content fingerprint: the same
// content -> VERIFIED_BY_WATERMARK; changed in places -> ALTERED; other content ->
// WATERMARK_MISMATCH; too little visible to compare -> NO_PROVENANCE; no fingerprint recorded
// (a ledger older than fingerprints) -> VERIFIED_BY_WATERMARK, its reason saying the content was
// not checked.
Decision Decide(const Evidence& evidence);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_VERDICT_H_
