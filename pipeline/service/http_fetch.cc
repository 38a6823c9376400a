#include "pipeline/service/http_fetch.h"

#include <httplib.h>

namespace hallmark::pipeline {

Result<std::string> HttpGet(const std::string& base_url, const std::string& path,
                            size_t max_bytes) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (base.rfind("http://", 0) != 0 && base.rfind("https://", 0) != 0) {
    return Status::InvalidArgument(base_url + ": not an http:// or https:// URL");
  }
  if (base.find('/', base.find("//") + 2) != std::string::npos) {
    return Status::InvalidArgument(base_url +
                                   ": give the server's address only (scheme, host, port)");
  }
  httplib::Client client(base);
  if (!client.is_valid()) return Status::InvalidArgument(base_url + ": not a usable server URL");
  client.set_connection_timeout(10, 0);
  client.set_read_timeout(30, 0);
  client.set_follow_location(false);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  client.enable_server_certificate_verification(true);
#endif
  std::string body;
  bool too_large = false;
  const std::string url = base + path;
  httplib::Result r = client.Get(path, [&](const char* data, size_t n) {
    if (body.size() + n > max_bytes) return !(too_large = true);
    body.append(data, n);
    return true;
  });
  if (too_large)
    return Status::BadInput(url + ": the answer is over " + std::to_string(max_bytes) + " bytes");
  if (!r) return Status::IoError(url + ": " + httplib::to_string(r.error()));
  if (r->status != 200) {
    return Status::BadInput(url + ": HTTP " + std::to_string(r->status) +
                            (body.size() < 300
                                 ? ": " + body.substr(0, body.find_last_not_of('\n') + 1)
                                 : std::string()));
  }
  return body;
}

}  // namespace hallmark::pipeline
