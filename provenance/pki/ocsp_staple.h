// Judging an OCSP response stapled into a claim signature (COSE rVals, C2PA 2.2 §10.3.2.6): the
// signer's status as its CA's responder gave it at signing time, so a validator needs neither the
// network nor a current revocation list to know the certificate was good when it signed.
//
// A staple is believed only when it is signed by the signer's issuer itself or by a responder
// certificate that issuer delegated (id-kp-OCSPSigning, RFC 6960 §4.2.2.2), is about the signer's
// serial under that issuer, and covers the signing time. Anything else is reported and ignored,
// never believed: a forged "good" must not outweigh a revocation list.
#ifndef HALLMARK_PROVENANCE_PKI_OCSP_STAPLE_H_
#define HALLMARK_PROVENANCE_PKI_OCSP_STAPLE_H_

#include <ctime>
#include <string>

#include "base/bytes.h"
#include "provenance/pki/openssl_handles.h"

namespace hallmark::provenance {

enum class StapleState {
  kGood,     // the certificate was good over a span that includes `at`
  kRevoked,  // revoked at revoked_at (which may be after `at`)
  kUnknown,  // the responder did not know the certificate
  kInvalid,  // not believed: malformed, badly signed, about another certificate, or stale
};

struct StapleCheck {
  StapleState state = StapleState::kInvalid;
  std::time_t this_update = 0;
  std::time_t next_update = 0;  // 0 when the response gives none
  std::time_t revoked_at = 0;
  std::string responder;  // the signing certificate's subject
  std::string detail;     // one sentence, ready to show
};

// `der` is a DER OCSPResponse about `leaf`; `issuer` must be the certificate whose key signed
// `leaf` (the caller has checked that `leaf` chains to a trust anchor through it). `at` is the
// signing time: the trusted time-stamp's when there is one.
StapleCheck CheckOcspStaple(ByteView der, X509* leaf, X509* issuer, std::time_t at);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_OCSP_STAPLE_H_
