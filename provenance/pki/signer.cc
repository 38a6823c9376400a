#include "provenance/pki/signer.h"

#include <openssl/core_names.h>
#include <openssl/rsa.h>

namespace hallmark::provenance {
namespace {

const EVP_MD* DigestFor(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kEs256:
    case CoseAlgorithm::kPs256:
      return EVP_sha256();
    case CoseAlgorithm::kEs384:
    case CoseAlgorithm::kPs384:
      return EVP_sha384();
    case CoseAlgorithm::kEs512:
    case CoseAlgorithm::kPs512:
      return EVP_sha512();
    case CoseAlgorithm::kEdDsa:
      return nullptr;
  }
  return nullptr;
}

bool IsEcdsa(CoseAlgorithm a) {
  return a == CoseAlgorithm::kEs256 || a == CoseAlgorithm::kEs384 || a == CoseAlgorithm::kEs512;
}
bool IsPss(CoseAlgorithm a) {
  return a == CoseAlgorithm::kPs256 || a == CoseAlgorithm::kPs384 || a == CoseAlgorithm::kPs512;
}

size_t EcdsaHalf(CoseAlgorithm a) {
  return a == CoseAlgorithm::kEs256 ? 32 : a == CoseAlgorithm::kEs384 ? 48 : 66;
}

// Checks that the key type matches the algorithm, so a P-384 key cannot claim ES256.
bool KeyFits(CoseAlgorithm alg, EVP_PKEY* key) {
  if (key == nullptr) return false;
  const int id = EVP_PKEY_get_base_id(key);
  if (alg == CoseAlgorithm::kEdDsa) return id == EVP_PKEY_ED25519;
  if (IsPss(alg)) return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
  if (id != EVP_PKEY_EC) return false;
  return static_cast<size_t>((EVP_PKEY_get_bits(key) + 7) / 8) == EcdsaHalf(alg);
}

Status SetupPss(EVP_PKEY_CTX* pctx, CoseAlgorithm alg) {
  if (!IsPss(alg)) return Status::Ok();
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, DigestFor(alg)) <= 0) {
    return Status::Internal("cannot set up RSA-PSS: " + DrainOpenSslErrors());
  }
  return Status::Ok();
}

}  // namespace

const char* CoseAlgorithmName(CoseAlgorithm alg) {
  switch (alg) {
    case CoseAlgorithm::kEs256:
      return "ES256";
    case CoseAlgorithm::kEs384:
      return "ES384";
    case CoseAlgorithm::kEs512:
      return "ES512";
    case CoseAlgorithm::kPs256:
      return "PS256";
    case CoseAlgorithm::kPs384:
      return "PS384";
    case CoseAlgorithm::kPs512:
      return "PS512";
    case CoseAlgorithm::kEdDsa:
      return "EdDSA";
  }
  return "unknown";
}

Result<CoseAlgorithm> CoseAlgorithmFromId(int64_t id) {
  switch (id) {
    case -7:
    case -35:
    case -36:
    case -37:
    case -38:
    case -39:
    case -8:
      return static_cast<CoseAlgorithm>(id);
  }
  return Status::Unsupported("COSE algorithm " + std::to_string(id) + " is not supported");
}

Result<CoseAlgorithm> AlgorithmForKey(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519:
      return CoseAlgorithm::kEdDsa;
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
      if (EVP_PKEY_get_bits(key) < 2048) return Status::Unsupported("RSA keys under 2048 bits");
      return CoseAlgorithm::kPs256;
    case EVP_PKEY_EC:
      switch (EVP_PKEY_get_bits(key)) {
        case 256:
          return CoseAlgorithm::kEs256;
        case 384:
          return CoseAlgorithm::kEs384;
        case 521:
          return CoseAlgorithm::kEs512;
      }
      break;
  }
  return Status::Unsupported("key type is not one C2PA allows (P-256/384/521, Ed25519, RSA)");
}

size_t SignatureSize(CoseAlgorithm alg, EVP_PKEY* key) {
  if (IsEcdsa(alg)) return 2 * EcdsaHalf(alg);
  if (alg == CoseAlgorithm::kEdDsa) return 64;
  return static_cast<size_t>(EVP_PKEY_get_size(key));
}

Result<Bytes> SignRaw(CoseAlgorithm alg, EVP_PKEY* key, ByteView tbs) {
  if (!KeyFits(alg, key)) {
    return Status::InvalidArgument(std::string("key does not fit algorithm ") +
                                   CoseAlgorithmName(alg));
  }
  UniqueMdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestSignInit(md.get(), &pctx, DigestFor(alg), nullptr, key) <= 0) {
    return Status::Internal("cannot start signing: " + DrainOpenSslErrors());
  }
  HM_RETURN_IF_ERROR(SetupPss(pctx, alg));
  size_t len = 0;
  if (EVP_DigestSign(md.get(), nullptr, &len, tbs.data(), tbs.size()) <= 0) {
    return Status::Internal("cannot size signature: " + DrainOpenSslErrors());
  }
  Bytes sig(len);
  if (EVP_DigestSign(md.get(), sig.data(), &len, tbs.data(), tbs.size()) <= 0) {
    return Status::Internal("signing failed: " + DrainOpenSslErrors());
  }
  sig.resize(len);
  if (!IsEcdsa(alg)) return sig;

  // OpenSSL writes ECDSA signatures as DER SEQUENCE{r, s}; COSE wants r||s, each left-padded.
  const unsigned char* p = sig.data();
  UniqueEcdsaSig ecdsa(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
  if (!ecdsa) return Status::Internal("cannot parse ECDSA signature: " + DrainOpenSslErrors());
  const size_t half = EcdsaHalf(alg);
  Bytes raw(2 * half);
  const BIGNUM* r = ECDSA_SIG_get0_r(ecdsa.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(ecdsa.get());
  if (BN_bn2binpad(r, raw.data(), static_cast<int>(half)) < 0 ||
      BN_bn2binpad(s, raw.data() + half, static_cast<int>(half)) < 0) {
    return Status::Internal("ECDSA signature component too large");
  }
  return raw;
}

Result<bool> VerifyRaw(CoseAlgorithm alg, EVP_PKEY* key, ByteView tbs, ByteView signature) {
  if (!KeyFits(alg, key)) return false;
  Bytes sig = signature.ToBytes();
  if (IsEcdsa(alg)) {
    const size_t half = EcdsaHalf(alg);
    if (signature.size() != 2 * half) return false;
    UniqueEcdsaSig ecdsa(ECDSA_SIG_new());
    BIGNUM* r = BN_bin2bn(signature.data(), static_cast<int>(half), nullptr);
    BIGNUM* s = BN_bin2bn(signature.data() + half, static_cast<int>(half), nullptr);
    if (!ecdsa || !r || !s || ECDSA_SIG_set0(ecdsa.get(), r, s) != 1) {
      BN_free(r);
      BN_free(s);
      return Status::Internal("cannot build ECDSA signature: " + DrainOpenSslErrors());
    }
    unsigned char* der = nullptr;
    const int n = i2d_ECDSA_SIG(ecdsa.get(), &der);
    if (n <= 0) return Status::Internal("cannot encode ECDSA signature");
    sig.assign(der, der + n);
    OPENSSL_free(der);
  }
  UniqueMdCtx md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, DigestFor(alg), nullptr, key) <= 0) {
    DrainOpenSslErrors();
    return false;
  }
  HM_RETURN_IF_ERROR(SetupPss(pctx, alg));
  const int rc = EVP_DigestVerify(md.get(), sig.data(), sig.size(), tbs.data(), tbs.size());
  DrainOpenSslErrors();
  return rc == 1;
}

Result<Signer> Signer::Create(UniquePkey key, std::vector<UniqueX509> chain) {
  if (!key) return Status::InvalidArgument("signer has no private key");
  if (chain.empty()) return Status::InvalidArgument("signer has no certificate");
  HM_ASSIGN_OR_RETURN(CoseAlgorithm alg, AlgorithmForKey(key.get()));
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    DrainOpenSslErrors();
    return Status::InvalidArgument("the private key does not match the signing certificate");
  }
  // C2PA: the x5chain leaves out the trust anchor.
  while (chain.size() > 1 &&
         X509_check_issued(chain.back().get(), chain.back().get()) == X509_V_OK) {
    chain.pop_back();
  }
  Signer s;
  s.alg_ = alg;
  for (auto& c : chain) {
    HM_ASSIGN_OR_RETURN(Bytes der, CertificateDer(c.get()));
    s.chain_der_.push_back(std::move(der));
  }
  s.chain_ = std::move(chain);
  s.key_ = std::move(key);
  return s;
}

}  // namespace hallmark::provenance
