// COSE_Sign1 (RFC 9052) as C2PA uses it for claim signatures: tag 18, detached payload (the claim
// bytes), protected header {1: alg, 33: x5chain} (RFC 9360; one certificate as a bstr, several
// as an array), unprotected header holding the claim signature's RFC 3161 time-stamp ("sigTst2",
// C2PA 2.2 §10.3.2.5) and the signer's stapled OCSP status ("rVals") when there are, and zero
// padding ("pad", "pad2") so that the signature
// fills a box whose size was reserved before the asset was hashed.
#ifndef HALLMARK_PROVENANCE_C2PA_COSE_SIGN1_H_
#define HALLMARK_PROVENANCE_C2PA_COSE_SIGN1_H_

#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/c2pa/cbor.h"
#include "provenance/pki/signer.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::provenance {

// ["Signature1", protected, h'', payload], the bytes that are actually signed.
Bytes CoseSigStructure(ByteView protected_bytes, ByteView payload);

// ["CounterSignature", protected, h'', payload] (RFC 9052 §4.4 with no countersigner header, as
// c2pa-rs builds it): what a sigTst time-stamp (claim v1) is over, with the claim as payload.
Bytes CoseCountersignStructure(ByteView protected_bytes, ByteView payload);

// What a sigTst2 time-stamp is over: the RFC 9052 countersignature structure
// ["CounterSignature", protected, h'', payload] whose payload is the CBOR encoding of the
// signature as a byte string (its head included), as c2pa-rs builds it.
Bytes CoseTimeStampedData(ByteView protected_bytes, ByteView signature);

// The length of the unpadded COSE_Sign1 that `signer` produces, with room for a time-stamp from
// `stamper` when given and for a stapled OCSP response of `staple_size` bytes; reserve at least
// this much.
size_t CoseSign1UnpaddedSize(const Signer& signer, const TimeStamper* stamper = nullptr,
                             size_t staple_size = 0);

// Signs `payload` (detached), time-stamps the signature with `stamper` when given, staples
// `ocsp_staple` (a DER OCSPResponse about the signing certificate) as
// {"rVals": {"ocspVals": [response]}} when it is not empty (C2PA 2.2 §10.3.2.6), and pads the
// encoding to exactly `reserved_size` bytes; 0 means no padding. Fails when the signature does
// not fit the reservation, or when the reservation exceeds the unpadded size by 1 to 4 bytes
// (the smallest "pad" entry takes 5), or when the time-stamp cannot be had.
Result<Bytes> CoseSign1Sign(const Signer& signer, ByteView payload, size_t reserved_size = 0,
                            const TimeStamper* stamper = nullptr, ByteView ocsp_staple = {});

struct CoseSign1 {
  Bytes protected_bytes;  // as found, for the Sig_structure
  Cbor protected_header;
  Cbor unprotected_header;
  Bytes signature;
  std::optional<int64_t> alg;  // header 1
  std::vector<Bytes> x5chain;  // header 33, protected first, else unprotected (claim v1)
  bool x5chain_unprotected = false;
};

// Parses a COSE_Sign1 (tagged or untagged). Errors are BadInput.
Result<CoseSign1> ParseCoseSign1(ByteView data);

// Pads a CBOR map `unprotected` with "pad" (and "pad2" when one field cannot hit the size) so
// that `encode(unprotected)` grows by exactly `extra` bytes.
Status PadUnprotected(Cbor& unprotected, size_t extra);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_COSE_SIGN1_H_
