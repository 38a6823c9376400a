// The studio's keys on disk, under <home>/keys/:
//
//   ca.key, ca.crt         the studio root CA (key: encrypted PKCS#8 PEM, mode 0600)
//   <id>.key, <id>.crt     a claim-signing key and its chain (leaf first; PEM)
//   active                 the id of the key `sign` uses
//   revoked.crl            the CA-signed revocation list (also copied to <home>/trust/)
//   public-url             where the studio serves revocation status (`--public-url`), if it does
//   ocsp/responder.key,    the OCSP responder's delegated key and certificate chain; reissued by
//   ocsp/responder.crt     init, rotate and revoke, valid kResponderDays
//   tsa/tsa.key, tsa.crt   the studio time-stamping authority's key and chain (EKU timeStamping
//                          alone, critical); reissued by init and rotate
//
// <home>/trust/tsa/ holds the TSA trust list (the studio CA, put there by init and rotate):
// C2PA keeps the anchors for time-stamps apart from those for signers.
//
// and the trust store <home>/trust/ (anchors as PEM certificates, plus revocation lists) that
// `provenance verify` reads by default. `init` puts the studio CA there.
//
// Private keys are encrypted at rest with AES-256-CBC under a passphrase (PKCS#8, PBKDF2); they
// are written with mode 0600, never printed, and loading one that group or others can read is
// refused. A key id is the first 12 hex digits of SHA-256 over the public key (SPKI DER).
#ifndef HALLMARK_PROVENANCE_PKI_KEY_STORE_H_
#define HALLMARK_PROVENANCE_PKI_KEY_STORE_H_

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/signer.h"

namespace hallmark::provenance {

// kInvalidArgument for a passphrase no key can be protected with: an empty one, or one with a
// NUL byte (OpenSSL would read it back cut short at the NUL).
Status CheckPassphrase(std::string_view passphrase);

// The passphrase from `passphrase_file` when given, else $HALLMARK_PASSPHRASE; one trailing
// newline is dropped. A passphrase CheckPassphrase refuses is refused, naming the file.
Result<std::string> ReadPassphrase(const std::string& passphrase_file);

// Private-key files: writes encrypted PKCS#8 with mode 0600; reads refuse modes open to group or
// others and wrong passphrases, naming the file.
Status WritePrivateKey(const std::string& path, EVP_PKEY* key, const std::string& passphrase);
Result<UniquePkey> ReadPrivateKey(const std::string& path, const std::string& passphrase);
// All certificates in a PEM file, in order.
Result<std::vector<UniqueX509>> ReadCertificatesPem(const std::string& path);

struct KeyInfo {
  std::string id;
  std::string algorithm;  // "ES256", "EdDSA", ...
  std::string subject;
  std::string issuer;
  std::string serial;  // hex
  std::time_t not_before = 0;
  std::time_t not_after = 0;
  bool active = false;
  bool revoked = false;
  bool is_ca = false;
  std::string certificate_pem;  // public chain, leaf first
  std::string ocsp_url;         // the responder the certificate names; "" for none
};

struct KeyOptions {
  KeyAlgorithm algorithm = KeyAlgorithm::kEs256;
  std::string organization = "Hallmark Studio";
  int ca_days = 3650;
  int signing_days = 397;
  std::time_t start = 0;  // 0: now. Tests back-date certificates with it.
  // Signing certificates name an OCSP responder and a CRL at this URL (CheckPublicUrl). Empty:
  // the one recorded by an earlier init or rotate, if any. Given, it is recorded for later ones.
  std::string public_url;
};

// A key the CA delegates one online job to (answering OCSP, stamping time), with its chain
// (its certificate first, then the CA).
struct DelegatedKey {
  UniquePkey key;
  std::vector<UniqueX509> chain;
};

// What KeyStore::RenewServices issued.
struct RenewedServices {
  std::time_t responder_not_after = 0;
  std::time_t tsa_not_after = 0;
  std::time_t revocation_list_next_update = 0;
  int revoked_certificates = 0;
};

// The delegated responder certificate is short-lived because relying parties never ask about it
// (it carries id-pkix-ocsp-nocheck); `keys rotate` or `keys revoke` reissue it.
constexpr int kResponderDays = 90;

class KeyStore {
 public:
  explicit KeyStore(std::string home);

  const std::string& keys_dir() const { return keys_dir_; }
  const std::string& trust_dir() const { return trust_dir_; }

  // Creates the CA and a first signing key. Refuses when a CA already exists, and checks the
  // passphrase (CheckPassphrase) before anything is written.
  Result<KeyInfo> Init(const KeyOptions& options, const std::string& passphrase);
  // A new signing key under the studio CA that becomes active; older keys stay valid.
  Result<KeyInfo> Rotate(const KeyOptions& options, const std::string& passphrase);
  // Adds the key's certificate to the CA-signed revocation list, revoked from `since` (0: now).
  // Signatures time-stamped before that moment stay valid (C2PA 2.2 §15.9), so after a key
  // compromise `since` is the earliest moment the key may have been exposed.
  Result<KeyInfo> Revoke(const std::string& id, const std::string& passphrase,
                         std::time_t since = 0);
  // Renews the CA's online delegates without touching any signing key: a new OCSP responder key
  // and certificate (kResponderDays), a new TSA key and certificate (options.signing_days), and the
  // revocation list re-signed with the same entries and a fresh nextUpdate. Run it before the
  // responder certificate or the list's nextUpdate runs out (a cron job weekly is ample).
  Result<RenewedServices> RenewServices(const KeyOptions& options, const std::string& passphrase);
  // Brings in a key and chain issued by an outside CA (chain leaf first) and makes it active.
  // The key file may be unencrypted or encrypted with the same passphrase.
  Result<KeyInfo> Import(const std::string& chain_pem_path, const std::string& key_path,
                         const std::string& passphrase);

  Result<std::vector<KeyInfo>> List() const;          // the CA first, then signing keys
  Result<KeyInfo> Show(const std::string& id) const;  // "" = the active key; "ca" = the CA
  Result<Signer> LoadSigner(const std::string& passphrase, const std::string& id = "") const;
  // The CA-signed revocation list in DER, for serving to tools that read CRLs; NotFound when
  // the studio has none yet (no CA).
  Result<Bytes> RevocationListDer() const;
  // The revocation list exactly as the CA signed it, parsed; NotFound when there is none.
  Result<UniqueX509Crl> RevocationList() const;
  // The URL recorded by `--public-url`, or "" when the studio publishes none.
  Result<std::string> PublicUrl() const;
  // The OCSP responder's key, decrypted with the passphrase; NotFound for a home made before
  // the responder existed (run 'keys rotate').
  Result<DelegatedKey> LoadOcspResponder(const std::string& passphrase) const;
  std::string responder_dir() const { return keys_dir_ + "/ocsp"; }
  // The studio TSA's key; NotFound for a home made before the TSA existed ('keys rotate').
  Result<DelegatedKey> LoadTimeStampAuthority(const std::string& passphrase) const;
  std::string tsa_dir() const { return keys_dir_ + "/tsa"; }

 private:
  Result<std::string> ActiveId() const;
  Result<KeyInfo> Describe(const std::string& id) const;
  Result<KeyInfo> IssueSigningKey(const KeyOptions& options, const std::string& passphrase);
  Status PublishRevocationList(X509_CRL* crl) const;
  // The entries of the current revocation list; none before the first.
  Result<std::vector<RevokedEntry>> RevokedSoFar() const;
  Status RecordPublicUrl(const std::string& url) const;
  Status IssueTimeStampAuthority(const KeyOptions& options, X509* ca, EVP_PKEY* ca_key,
                                 const std::string& passphrase) const;
  Result<DelegatedKey> LoadDelegatedKey(const std::string& dir, const std::string& name,
                                        const std::string& passphrase) const;
  // start 0: now.
  Status IssueResponder(std::time_t start, X509* ca, EVP_PKEY* ca_key,
                        const std::string& passphrase) const;

  std::string home_;
  std::string keys_dir_;
  std::string trust_dir_;
};

std::string KeyIdFor(X509* cert);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_KEY_STORE_H_
