// The studio's own time-stamping authority (RFC 3161), with OpenSSL's TS API: tokens signed by
// the TSA key that `keys init` and `keys rotate` issue under the studio CA.
//
// A studio TSA serves Hallmark and the auditors who pin the studio CA as a TSA anchor. Public
// C2PA validators trust time-stamps only from TSAs on their own TSA trust list, so for them a
// listed TSA reached by URL (`--tsa-url`) is the one that makes a manifest outlive its
// certificate (docs/provenance.md).
#ifndef HALLMARK_PROVENANCE_PKI_TIME_STAMP_AUTHORITY_H_
#define HALLMARK_PROVENANCE_PKI_TIME_STAMP_AUTHORITY_H_

#include <memory>
#include <mutex>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::provenance {

// The TSA policy named in every token. The studio TSA makes no promise beyond its clock (one
// second accuracy, the host's time), so it names anyPolicy rather than inventing an arc.
constexpr const char* kStudioTsaPolicy = "2.5.29.32.0";

class StudioTimeStampAuthority : public TimeStamper {
 public:
  // Loads the TSA key with `passphrase`; NotFound for a home without one.
  static Result<std::unique_ptr<StudioTimeStampAuthority>> Open(const std::string& home,
                                                                const std::string& passphrase);

  // The DER TimeStampResp to a DER TimeStampReq, as POST /tsa answers: a request that does not
  // parse (HTTP 400), or asks for a digest other than SHA-256/384/512, gets a rejection
  // response; `der` is empty (HTTP 500) only when OpenSSL itself fails.
  struct Answer {
    int http_status = 200;
    Bytes der;
  };
  Answer Respond(ByteView request) const;

  Result<Bytes> Stamp(ByteView data) const override;
  size_t MaxResponseSize() const override { return max_response_size_; }

 private:
  explicit StudioTimeStampAuthority(DelegatedKey key) : key_(std::move(key)) {}
  Bytes Create(ByteView request) const;

  DelegatedKey key_;
  mutable std::mutex mu_;  // OpenSSL's TS_RESP_CTX is built per call; the key is shared
  size_t max_response_size_ = 0;
};

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_PKI_TIME_STAMP_AUTHORITY_H_
