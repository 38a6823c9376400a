// Owning handles for OpenSSL objects, so every EVP_PKEY*, X509*, ... is freed on every path.
#ifndef HALLMARK_PROVENANCE_PKI_OPENSSL_HANDLES_H_
#define HALLMARK_PROVENANCE_PKI_OPENSSL_HANDLES_H_

#include <memory>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::provenance {

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const {
    if (p) Free(p);
  }
};

template <typename T, void (*Free)(T*)>
using OpenSslPtr = std::unique_ptr<T, OpenSslDeleter<T, Free>>;

inline void FreeBio(BIO* b) { BIO_free_all(b); }
inline void FreeX509Stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
inline void FreeX509ExtStack(STACK_OF(X509_EXTENSION) * s) {
  sk_X509_EXTENSION_pop_free(s, X509_EXTENSION_free);
}

using UniquePkey = OpenSslPtr<EVP_PKEY, EVP_PKEY_free>;
using UniquePkeyCtx = OpenSslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using UniqueMdCtx = OpenSslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using UniqueX509 = OpenSslPtr<X509, X509_free>;
using UniqueX509Crl = OpenSslPtr<X509_CRL, X509_CRL_free>;
using UniqueX509Store = OpenSslPtr<X509_STORE, X509_STORE_free>;
using UniqueX509StoreCtx = OpenSslPtr<X509_STORE_CTX, X509_STORE_CTX_free>;
using UniqueX509Stack = OpenSslPtr<STACK_OF(X509), FreeX509Stack>;
using UniqueX509Name = OpenSslPtr<X509_NAME, X509_NAME_free>;
using UniqueX509Extension = OpenSslPtr<X509_EXTENSION, X509_EXTENSION_free>;
using UniqueX509Revoked = OpenSslPtr<X509_REVOKED, X509_REVOKED_free>;
using UniqueBio = OpenSslPtr<BIO, FreeBio>;
using UniqueBignum = OpenSslPtr<BIGNUM, BN_free>;
using UniqueEcdsaSig = OpenSslPtr<ECDSA_SIG, ECDSA_SIG_free>;
using UniqueAsn1Integer = OpenSslPtr<ASN1_INTEGER, ASN1_INTEGER_free>;
using UniqueAsn1Time = OpenSslPtr<ASN1_TIME, ASN1_TIME_free>;
using UniqueExtKeyUsage = OpenSslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>;
using UniqueAsn1Object = OpenSslPtr<ASN1_OBJECT, ASN1_OBJECT_free>;
using UniquePkcs7 = OpenSslPtr<PKCS7, PKCS7_free>;
using UniqueOcspRequest = OpenSslPtr<OCSP_REQUEST, OCSP_REQUEST_free>;
using UniqueOcspResponse = OpenSslPtr<OCSP_RESPONSE, OCSP_RESPONSE_free>;
using UniqueOcspBasic = OpenSslPtr<OCSP_BASICRESP, OCSP_BASICRESP_free>;
using UniqueOcspCertId = OpenSslPtr<OCSP_CERTID, OCSP_CERTID_free>;

// The OpenSSL error queue drained into one line ("error:...; error:..."), or "unknown OpenSSL
// error" when empty. Clears the queue so later calls start clean.
std::string DrainOpenSslErrors();

// DER <-> X509, PEM helpers. Errors name `what`.
Result<UniqueX509> ParseCertificateDer(ByteView der, const std::string& what);
Result<Bytes> CertificateDer(X509* cert);
std::string CertificatePem(X509* cert);
std::string X509NameString(const X509_NAME* name);  // "CN=...,O=..." (RFC 2253)

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_OPENSSL_HANDLES_H_
