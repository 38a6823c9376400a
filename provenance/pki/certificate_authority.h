// The studio's own small PKI: a self-signed root CA, claim-signing certificates that satisfy the
// C2PA certificate profile, and a signed revocation list (an X.509 CRL).
//
// Signing certificates carry: X.509 v3, a fresh 128-bit serial, key usage digitalSignature
// (critical), extended key usage emailProtection + c2pa-kp-claimSigning (1.3.6.1.4.1.62558.2.1) +
// documentSigning, basicConstraints CA:FALSE, subject and authority key identifiers, and an
// issuer different from the subject. emailProtection is there because c2pa-rs 0.91 rejects a
// leaf that names only claimSigning unless its trust configuration adds that OID.
//
// When the studio publishes a revocation service (`--public-url`), signing certificates also
// carry an authority information access extension naming its OCSP responder (<url>/ocsp) and a
// CRL distribution point (<url>/crl): C2PA validators learn of revocation through OCSP only
// (C2PA 2.2 §14.5.2), other X.509 tools through either.
//
// The OCSP responder signs with a delegated certificate (RFC 6960 §4.2.2.2): issued by the CA,
// extended key usage OCSPSigning alone, and id-pkix-ocsp-nocheck, so that the CA key can stay
// offline while the responder answers online.
#ifndef HALLMARK_PROVENANCE_PKI_CERTIFICATE_AUTHORITY_H_
#define HALLMARK_PROVENANCE_PKI_CERTIFICATE_AUTHORITY_H_

#include <ctime>
#include <string>
#include <vector>

#include "base/result.h"
#include "provenance/pki/openssl_handles.h"

namespace hallmark::provenance {

enum class KeyAlgorithm { kEs256, kEd25519 };

Result<KeyAlgorithm> ParseKeyAlgorithm(const std::string& name);  // "es256", "ed25519"
Result<UniquePkey> GenerateKey(KeyAlgorithm alg);

struct Validity {
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  static Validity Days(int days, std::time_t start = std::time(nullptr));
};

Result<UniqueX509> IssueRootCertificate(EVP_PKEY* key, const std::string& organization,
                                        const Validity& validity);
// Where relying parties ask whether a certificate is revoked. Empty: the certificate names none.
struct RevocationService {
  std::string public_url;  // e.g. "https://studio.example/hallmark"; CheckPublicUrl holds
  // With a trailing slash: c2pa-rs forms the RFC 6960 GET URL by URL-joining the base64 request
  // onto it, which would replace a last path segment "ocsp" instead of appending to it.
  std::string OcspUrl() const { return public_url + "/ocsp/"; }
  std::string CrlUrl() const { return public_url + "/crl"; }
};

// kInvalidArgument unless `url` is an absolute http(s) URL without query, fragment, user info,
// white space or characters that would need escaping in a certificate extension.
Status CheckPublicUrl(const std::string& url);

Result<UniqueX509> IssueSigningCertificate(EVP_PKEY* subject_key, const std::string& organization,
                                           const std::string& common_name, X509* ca_cert,
                                           EVP_PKEY* ca_key, const Validity& validity,
                                           const RevocationService& revocation = {});
// The OCSP responder's delegated signing certificate. Its subject is the CA's with the common
// name "<CA common name> OCSP Responder".
// The studio time-stamping authority's certificate: extended key usage timeStamping alone and
// critical (RFC 3161 §2.3), subject "<CA common name> Time-Stamping Authority".
Result<UniqueX509> IssueTimeStampingCertificate(EVP_PKEY* subject_key, X509* ca_cert,
                                                EVP_PKEY* ca_key, const Validity& validity);
Result<UniqueX509> IssueOcspResponderCertificate(EVP_PKEY* subject_key, X509* ca_cert,
                                                 EVP_PKEY* ca_key, const Validity& validity);

struct RevokedEntry {
  std::string serial_hex;  // upper-case hex, as OpenSSL prints serials
  std::time_t revoked_at = 0;
};
Result<UniqueX509Crl> IssueRevocationList(X509* ca_cert, EVP_PKEY* ca_key,
                                          const std::vector<RevokedEntry>& revoked,
                                          int next_update_days = 30);
std::vector<RevokedEntry> RevokedEntries(X509_CRL* crl);

std::string SerialHex(X509* cert);
// Upper-case hex, as OpenSSL prints serials and as RevokedEntry keeps them; "" when unreadable.
std::string SerialHex(const ASN1_INTEGER* serial);

// Checks the C2PA signer-certificate profile (§14.5.1), and refuses certificates made for a
// time-stamping authority or an OCSP responder (online keys, never claim signers); returns ""
// when it holds, else the first reason it does not ("the certificate is a CA").
std::string C2paSignerProfileProblem(X509* cert);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_CERTIFICATE_AUTHORITY_H_
