// A claim signer: a private key plus its certificate chain (leaf first, intermediates after, the
// root left out as C2PA asks). Produces signatures in COSE form: raw r||s for ECDSA, not DER.
#ifndef HALLMARK_PROVENANCE_PKI_SIGNER_H_
#define HALLMARK_PROVENANCE_PKI_SIGNER_H_

#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/openssl_handles.h"

namespace hallmark::provenance {

// COSE algorithm identifiers (IANA COSE registry).
enum class CoseAlgorithm : int {
  kEs256 = -7,
  kEs384 = -35,
  kEs512 = -36,
  kPs256 = -37,
  kPs384 = -38,
  kPs512 = -39,
  kEdDsa = -8,
};

const char* CoseAlgorithmName(CoseAlgorithm alg);  // "ES256", ...
Result<CoseAlgorithm> CoseAlgorithmFromId(int64_t id);
// The algorithm a key signs with: ES256/384/512 by curve, EdDSA for Ed25519, PS256 for RSA.
Result<CoseAlgorithm> AlgorithmForKey(EVP_PKEY* key);

// Signs `tbs` with `key` as `alg` asks; ECDSA signatures come back as fixed-width r||s.
Result<Bytes> SignRaw(CoseAlgorithm alg, EVP_PKEY* key, ByteView tbs);
// Verifies a COSE-form signature. Ok(false) for a wrong signature; an error only for unusable
// keys or algorithms.
Result<bool> VerifyRaw(CoseAlgorithm alg, EVP_PKEY* key, ByteView tbs, ByteView signature);
// The length of a COSE-form signature by `key`.
size_t SignatureSize(CoseAlgorithm alg, EVP_PKEY* key);

class Signer {
 public:
  // `chain` is leaf first; a root (self-issued) certificate at the end is dropped.
  static Result<Signer> Create(UniquePkey key, std::vector<UniqueX509> chain);

  CoseAlgorithm algorithm() const { return alg_; }
  const std::vector<Bytes>& chain_der() const { return chain_der_; }
  X509* leaf() const { return chain_.front().get(); }
  size_t signature_size() const { return SignatureSize(alg_, key_.get()); }
  Result<Bytes> Sign(ByteView tbs) const { return SignRaw(alg_, key_.get(), tbs); }

 private:
  Signer() = default;
  UniquePkey key_;
  std::vector<UniqueX509> chain_;
  std::vector<Bytes> chain_der_;
  CoseAlgorithm alg_ = CoseAlgorithm::kEs256;
};

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_SIGNER_H_
