// An OCSP responder (RFC 6960) for the certificates the studio CA issued, so that relying parties
// outside Hallmark (C2PA validators, `openssl ocsp`) learn of `keys revoke`.
//
// What it answers comes from the home's keys folder, read again whenever that folder changes:
//   revoked   the serial is on the CA-signed revocation list (keys/revoked.crl), whose signature
//             is checked against the CA certificate before it is believed;
//   good      the serial is one of the signing certificates in keys/ the CA issued;
//   unknown   any other serial of this CA.
// A request about another CA's certificates is answered `unauthorized`, one that does not parse
// `malformedRequest`. Responses are signed with the delegated responder key (KeyStore), never the
// CA key, carry the responder certificate, echo the request's nonce, and are good for
// kOcspResponseSeconds.
#ifndef HALLMARK_PROVENANCE_PKI_OCSP_RESPONDER_H_
#define HALLMARK_PROVENANCE_PKI_OCSP_RESPONDER_H_

#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/key_store.h"

namespace hallmark::provenance {

// How long a relying party may cache an answer (its nextUpdate): revocation reaches a client
// that caches at most this late.
constexpr int kOcspResponseSeconds = 3600;
// Requests asking about more certificates than this are refused as malformed.
constexpr int kMaxOcspQuestions = 16;

struct OcspAnswer {
  // 200 for an answered request (good, revoked, unknown or unauthorized), 400 for a malformed
  // one, 500 when the responder's own state cannot be read.
  int http_status = 200;
  Bytes der;  // an OCSPResponse, also for the errors
};

class OcspResponder {
 public:
  // Loads the responder key with `passphrase`. NotFound when the home has no responder key.
  static Result<std::unique_ptr<OcspResponder>> Open(const std::string& home,
                                                     const std::string& passphrase);

  // The responder a signer staples with: null when the home has none, or when its certificate
  // has expired (a staple it signed would not verify).
  static Result<std::unique_ptr<OcspResponder>> OpenForStapling(const std::string& home,
                                                                const std::string& passphrase);

  // Answers one DER-encoded OCSPRequest at time `now`. Safe to call from several threads.
  OcspAnswer Respond(ByteView request, std::time_t now);

  // The answer about `cert` (one the studio CA issued) that a signer staples into its claim
  // signature (COSE rVals, C2PA 2.2 §10.3.2.6), so that validators learn its status at signing
  // time without asking the responder. Made locally, without a nonce, and reused until half of
  // its validity has passed. kBadInput when `cert` is revoked or not the CA's.
  Result<Bytes> Staple(X509* cert, std::time_t now);

  // The responder certificate's expiry, for operators.
  std::time_t not_after() const { return not_after_; }

 private:
  struct Revocation {
    std::time_t at = 0;
  };
  OcspResponder(KeyStore store, DelegatedKey key);
  // Re-reads the CA certificate, the revocation list and the issued serials when the keys
  // folder or the list changed since the last read.
  Status Refresh();
  Status Reload();

  KeyStore store_;
  DelegatedKey signing_;
  std::time_t not_after_ = 0;

  std::mutex mu_;
  std::string state_stamp_;  // modification times of what was read
  UniqueX509 ca_;
  std::set<std::string> issued_;               // serials, upper-case hex
  std::map<std::string, Revocation> revoked_;  // serial -> when
  struct Stapled {
    Bytes der;
    std::time_t made_at = 0;
  };
  std::map<std::string, Stapled> staples_;  // serial -> the latest staple
};

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_OCSP_RESPONDER_H_
