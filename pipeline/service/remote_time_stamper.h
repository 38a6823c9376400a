// Time-stamps for claim signatures, from the studio's own TSA or from one reached by URL.
//
// A TSA by URL is asked over HTTP(S) as RFC 3161 §3.4 describes (POST, application/
// timestamp-query). Public C2PA validators trust only TSAs on their TSA trust list, so a listed
// TSA is what makes a manifest outlive its certificate for everyone; the studio's TSA does that
// for Hallmark and the auditors who pin the studio CA as a TSA anchor.
#ifndef HALLMARK_PIPELINE_SERVICE_REMOTE_TIME_STAMPER_H_
#define HALLMARK_PIPELINE_SERVICE_REMOTE_TIME_STAMPER_H_

#include <memory>
#include <string>

#include "base/result.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::pipeline {

class RemoteTimeStamper : public provenance::TimeStamper {
 public:
  // Asks the TSA once, so that a TSA that cannot be reached or answers wrongly is found before
  // anything is signed, and so that the size of its tokens is known.
  static Result<std::unique_ptr<RemoteTimeStamper>> Open(const std::string& url);

  Result<Bytes> Stamp(ByteView data) const override;
  size_t MaxResponseSize() const override { return max_response_size_; }

 private:
  RemoteTimeStamper(std::string base, std::string path, std::string url)
      : base_(std::move(base)), path_(std::move(path)), url_(std::move(url)) {}

  std::string base_;  // scheme://host[:port]
  std::string path_;  // "/..." (at least "/")
  std::string url_;
  size_t max_response_size_ = 0;
};

// The time stamper `tsa` names, for `generate` and `provenance sign` (--tsa-url, --no-time-stamp):
//   ""        the studio's TSA when the home has one, else none (nullptr)
//   "studio"  the studio's TSA; an error when the home has none
//   "none"    no time-stamp (nullptr)
//   URL       a TSA by http(s) URL
// The studio's TSA key is opened with the passphrase from `passphrase_file` or
// $HALLMARK_PASSPHRASE (provenance::ReadPassphrase).
Result<std::unique_ptr<provenance::TimeStamper>> OpenTimeStamper(
    const std::string& tsa, const std::string& home, const std::string& passphrase_file);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_REMOTE_TIME_STAMPER_H_
