// Trust anchors and revocation lists a verifier checks signer chains against. A trust folder
// holds PEM files: every certificate in them is an anchor, every X509 CRL a revocation list
// (only believed when its signature verifies under the issuer found in the chain).
#ifndef HALLMARK_PROVENANCE_PKI_TRUST_STORE_H_
#define HALLMARK_PROVENANCE_PKI_TRUST_STORE_H_

#include <ctime>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/openssl_handles.h"

namespace hallmark::provenance {

struct ChainCheck {
  bool trusted = false;        // the chain ends at an anchor
  bool revoked = false;        // a certificate of the trusted chain is on a valid revocation list
  std::time_t revoked_at = 0;  // when revoked: the earliest revocation date on the lists
  std::string detail;          // why not trusted / which serial was revoked
};

class TrustStore {
 public:
  TrustStore() = default;
  TrustStore(TrustStore&&) = default;
  TrustStore& operator=(TrustStore&&) = default;

  // Every *.pem, *.crt, *.cer, *.crl file in `dir` (or the one PEM file `dir` names). A missing
  // folder gives an empty store, or NotFound when `must_exist` (a path the user typed). The
  // certificates in `dir`/tsa/ are the TSA trust list: C2PA keeps the anchors time-stamps are
  // judged by apart from the signers' (C2PA 2.2 §14.4.2).
  static Result<TrustStore> LoadDirectory(const std::string& dir, bool must_exist = false);

  // Adds the certificates and CRLs found in PEM text; BadInput names `what` when it has neither.
  Status AddPem(ByteView pem, const std::string& what);

  size_t anchor_count() const { return anchors_.size(); }
  size_t revocation_list_count() const { return crls_.size(); }
  const std::vector<UniqueX509>& tsa_anchors() const { return tsa_anchors_; }

  // Builds a path from `leaf` through `intermediates` to an anchor, ignoring validity dates
  // (the caller reports expiry separately), then checks revocation lists.
  ChainCheck Check(X509* leaf, const std::vector<X509*>& intermediates) const;

  // The certificate among `intermediates` and the anchors whose key signed `cert`; null when none.
  X509* FindIssuer(X509* cert, const std::vector<X509*>& intermediates) const;

 private:
  std::vector<UniqueX509> anchors_;
  std::vector<UniqueX509Crl> crls_;
  std::vector<UniqueX509> tsa_anchors_;
};

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_TRUST_STORE_H_
