#include "pipeline/service/http_fetch.h"

#include <memory>

#include <httplib.h>

namespace hallmark::pipeline {
namespace {

std::string Trimmed(std::string base) {
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

Result<std::unique_ptr<httplib::Client>> ClientFor(const std::string& base_url) {
  HM_RETURN_IF_ERROR(CheckServerUrl(base_url));
  auto client = std::make_unique<httplib::Client>(Trimmed(base_url));
  if (!client->is_valid()) {
    return Status::InvalidArgument(base_url + ": not a usable server URL");
  }
  client->set_connection_timeout(10, 0);
  client->set_read_timeout(60, 0);
  client->set_write_timeout(60, 0);
  client->set_follow_location(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  client->enable_server_certificate_verification(true);
#endif
  return client;
}

// The answer's body, or the error for a failed or non-200 request.
Result<std::string> Answer(const std::string& url, const httplib::Result& r, std::string body,
                           bool too_large, size_t max_bytes) {
  if (too_large) {
    return Status::BadInput(url + ": the answer is over " + std::to_string(max_bytes) + " bytes");
  }
  if (!r) return Status::IoError(url + ": " + httplib::to_string(r.error()));
  if (r->status != 200) {
    return Status::BadInput(url + ": HTTP " + std::to_string(r->status) +
                            (body.size() < 300
                                 ? ": " + body.substr(0, body.find_last_not_of('\n') + 1)
                                 : std::string()));
  }
  return body;
}

}  // namespace

Status CheckServerUrl(const std::string& base_url) {
  const std::string base = Trimmed(base_url);
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(base_url + ": not an http:// or https:// URL");
  }
  const size_t host = base.find("//") + 2;
  if (host >= base.size() || base.find_first_of("/?#", host) != std::string::npos) {
    return Status::InvalidArgument(base_url +
                                   ": give the server's address only (scheme, host, port)");
  }
  return Status::Ok();
}

Result<std::string> HttpGet(const std::string& base_url, const std::string& path,
                            size_t max_bytes) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<httplib::Client> client, ClientFor(base_url));
  std::string body;
  bool too_large = false;
  httplib::Result r = client->Get(path, [&](const char* data, size_t n) {
    if (body.size() + n > max_bytes) return !(too_large = true);
    body.append(data, n);
    return true;
  });
  return Answer(Trimmed(base_url) + path, r, std::move(body), too_large, max_bytes);
}

Result<std::string> HttpPost(const std::string& base_url, const std::string& path,
                             const std::string& body, const std::string& content_type,
                             const std::string& name, size_t max_bytes) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<httplib::Client> client, ClientFor(base_url));
  httplib::Headers headers;
  if (!name.empty()) headers.emplace("X-Filename", httplib::detail::encode_query_param(name));
  httplib::Result r = client->Post(path, headers, body, content_type);
  std::string answer = r ? r->body : std::string();
  const bool too_large = answer.size() > max_bytes;
  return Answer(Trimmed(base_url) + path, r, std::move(answer), too_large, max_bytes);
}

}  // namespace hallmark::pipeline
