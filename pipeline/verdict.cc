#include "pipeline/verdict.h"

namespace hallmark::pipeline {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kVerified:
      return "VERIFIED";
    case Verdict::kVerifiedByWatermark:
      return "VERIFIED_BY_WATERMARK";
    case Verdict::kTampered:
      return "TAMPERED";
    case Verdict::kUntrustedSigner:
      return "UNTRUSTED_SIGNER";
    case Verdict::kRevoked:
      return "REVOKED";
    case Verdict::kNoProvenance:
      return "NO_PROVENANCE";
  }
  return "NO_PROVENANCE";
}

bool IsVerified(Verdict v) { return v == Verdict::kVerified || v == Verdict::kVerifiedByWatermark; }

}  // namespace hallmark::pipeline
