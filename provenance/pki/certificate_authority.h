// The studio's own small PKI: a self-signed root CA, claim-signing certificates that satisfy the
// C2PA certificate profile, and a signed revocation list (an X.509 CRL).
//
// Signing certificates carry: X.509 v3, a fresh 128-bit serial, key usage digitalSignature
// (critical), extended key usage emailProtection + c2pa-kp-claimSigning (1.3.6.1.4.1.62558.2.1) +
// documentSigning, basicConstraints CA:FALSE, subject and authority key identifiers, and an
// issuer different from the subject. emailProtection is there because c2pa-rs 0.91 rejects a
// leaf that names only claimSigning unless its trust configuration adds that OID.
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
Result<UniqueX509> IssueSigningCertificate(EVP_PKEY* subject_key, const std::string& organization,
                                           const std::string& common_name, X509* ca_cert,
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

// Checks the C2PA signer-certificate profile (§14.5.1); returns "" when it holds, else the first
// reason it does not ("the certificate is a CA").
std::string C2paSignerProfileProblem(X509* cert);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_CERTIFICATE_AUTHORITY_H_
