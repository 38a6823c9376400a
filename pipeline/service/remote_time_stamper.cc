#include "pipeline/service/remote_time_stamper.h"

#include "pipeline/service/http_fetch.h"
#include "provenance/pki/time_stamp_authority.h"

namespace hallmark::pipeline {
namespace {

// A TSA's tokens differ by a few bytes between requests (serials, signature lengths); its
// certificate chain, the bulk of a token, does not change between the probe and the signing.
constexpr size_t kRemoteTokenSlack = 1024;
constexpr size_t kMaxResponseBytes = 64 * 1024;

}  // namespace

Result<std::unique_ptr<RemoteTimeStamper>> RemoteTimeStamper::Open(const std::string& url) {
  const size_t scheme = url.find("://");
  const size_t slash = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  const std::string base = url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : url.substr(slash);
  HM_RETURN_IF_ERROR(CheckServerUrl(base).WithContext("--tsa-url " + url));
  std::unique_ptr<RemoteTimeStamper> tsa(new RemoteTimeStamper(base, path, url));
  HM_ASSIGN_OR_RETURN(Bytes probe, tsa->Stamp(ByteView()));
  tsa->max_response_size_ = probe.size() + kRemoteTokenSlack;
  return tsa;
}

Result<Bytes> RemoteTimeStamper::Stamp(ByteView data) const {
  HM_ASSIGN_OR_RETURN(Bytes request, provenance::TimeStampRequest(data));
  HM_ASSIGN_OR_RETURN(std::string answer,
                      HttpPost(base_, path_, std::string(request.begin(), request.end()),
                               "application/timestamp-query", "", kMaxResponseBytes));
  Bytes response(answer.begin(), answer.end());
  HM_RETURN_IF_ERROR(provenance::CheckTimeStampResponse(response, request, "TSA " + url_));
  return response;
}

Result<std::unique_ptr<provenance::TimeStamper>> OpenTimeStamper(
    const std::string& tsa, const std::string& home, const std::string& passphrase_file) {
  if (tsa == "none") return std::unique_ptr<provenance::TimeStamper>();
  if (tsa.empty() || tsa == "studio") {
    HM_ASSIGN_OR_RETURN(std::string passphrase, provenance::ReadPassphrase(passphrase_file));
    auto studio = provenance::StudioTimeStampAuthority::Open(home, passphrase);
    if (studio.ok()) return std::unique_ptr<provenance::TimeStamper>(std::move(*studio));
    // A home made before the studio TSA existed signs as it did, without a time-stamp.
    if (tsa.empty() && studio.status().code() == StatusCode::kNotFound) {
      return std::unique_ptr<provenance::TimeStamper>();
    }
    return studio.status();
  }
  if (tsa.rfind("http://", 0) != 0 && tsa.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("time-stamp authority '" + tsa + "': expected an http(s) URL");
  }
  HM_ASSIGN_OR_RETURN(std::unique_ptr<RemoteTimeStamper> remote, RemoteTimeStamper::Open(tsa));
  return std::unique_ptr<provenance::TimeStamper>(std::move(remote));
}

}  // namespace hallmark::pipeline
