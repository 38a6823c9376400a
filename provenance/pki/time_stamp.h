// RFC 3161 time-stamps as C2PA uses them (C2PA 2.2 §10.3.2.5, §15.8.2): a token from a
// time-stamping authority (TSA) over the claim signature proves the signature existed at the
// token's genTime, so a validator judges the signing certificate at that time rather than now,
// and a manifest outlives its certificate.
//
// The pieces here are independent of where the TSA runs: building a request, taking the token
// out of a response (checking it answers that request), and verifying a token against a TSA
// trust list. TimeStamper is what a signer calls; the studio's own TSA (time_stamp_authority.h)
// and a TSA reached by URL both implement it.
#ifndef HALLMARK_PROVENANCE_PKI_TIME_STAMP_H_
#define HALLMARK_PROVENANCE_PKI_TIME_STAMP_H_

#include <cstddef>
#include <ctime>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/openssl_handles.h"

namespace hallmark::provenance {

// Gets RFC 3161 tokens. Implementations must be safe to call from several threads.
class TimeStamper {
 public:
  virtual ~TimeStamper() = default;
  // A DER TimeStampResp (status granted) whose token is over SHA-256(data) and includes the
  // TSA certificate, checked with CheckTimeStampResponse.
  virtual Result<Bytes> Stamp(ByteView data) const = 0;
  // No response this stamper returns is larger: a signer reserves this much before hashing.
  virtual size_t MaxResponseSize() const = 0;
};

// A DER TimeStampReq for SHA-256(data), asking for the TSA certificate, with a random nonce.
Result<Bytes> TimeStampRequest(ByteView data);

// OK when a DER TimeStampResp answers `request` (TimeStampRequest's): status granted, a token
// whose imprint and nonce are the request's. The token's signature is not judged here;
// VerifyTimeStampToken does that against a trust list. BadInput otherwise, naming `what` (the
// TSA's URL, say).
Status CheckTimeStampResponse(ByteView response, ByteView request, const std::string& what);

// The DER TimeStampToken in `stamp`, which is either a TimeStampResp or already a token (C2PA
// readers meet both in sigTst2); empty when it is neither.
Bytes TimeStampTokenOf(ByteView stamp);

enum class TimeStampState {
  kTrusted,    // signature, imprint and TSA chain all check out: genTime can be relied on
  kUntrusted,  // well formed but the TSA does not chain to a TSA trust anchor (or lacks the EKU)
  kMismatch,   // the imprint is not over the data, or the CMS signature does not verify
  kMalformed,  // not a time-stamp token
};

struct TimeStampCheck {
  TimeStampState state = TimeStampState::kMalformed;
  std::time_t gen_time = 0;  // as the token says, even when not trusted
  std::string tsa;           // the TSA certificate's subject
  std::string detail;        // one line: why not trusted
};

// Checks `token` (DER TimeStampToken) against `data` the way C2PA validators do: the imprint is
// the hash of `data` in the token's own algorithm (SHA-256/384/512), the CMS signature verifies
// with the TSA certificate inside the token, and that certificate carries the timeStamping
// extended key usage and chains to one of `tsa_anchors`, judged at genTime (a TSA certificate
// that expired after the stamp is fine).
TimeStampCheck VerifyTimeStampToken(ByteView token, ByteView data,
                                    const std::vector<UniqueX509>& tsa_anchors);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_TIME_STAMP_H_
