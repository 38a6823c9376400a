#include "pipeline/service/auditor_server.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

#include <httplib.h>

#include "base/base64.h"
#include "pipeline/service/bounded_task_queue.h"
#include "pipeline/service/page_assets.h"
#include "pipeline/service/rate_limiter.h"

namespace hallmark::pipeline {
namespace {

using httplib::Request;
using httplib::Response;

// An OCSP request names a few certificates by hash and serial: a few hundred bytes.
constexpr size_t kMaxOcspRequestBytes = 2048;
// A time-stamp request is a digest, a nonce and a few flags.
constexpr size_t kMaxTimeStampRequestBytes = 4096;

// The page loads its script and styles from this server only; nothing else may run or frame it.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

void Send(const ApiResponse& api, Response& res) {
  res.status = api.status;
  bool cache_set = false;
  for (const auto& [name, value] : api.headers) {
    res.set_header(name, value);
    cache_set |= name == "Cache-Control";
  }
  if (!cache_set) res.set_header("Cache-Control", "no-store");
  res.set_content(api.body, api.content_type);
}

// Digits only, at most 20, no overflow: what a proof's sizes must be.
bool ParseSize(const std::string& text, uint64_t* out) {
  if (text.empty() || text.size() > 20) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const uint64_t digit = uint64_t(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

bool AcceptedImageType(const std::string& content_type) {
  const std::string type = content_type.substr(0, content_type.find(';'));
  return type == "image/png" || type == "image/jpeg" || type == "image/webp" ||
         type == "application/octet-stream";
}

// The name an upload is reported under: the X-Filename header's last path part, printable ASCII
// only and short, so nothing a client sends reaches a path, a log or the JSON unchecked.
std::string UploadName(const Request& req) {
  std::string raw = httplib::detail::decode_url(req.get_header_value("X-Filename"), false);
  const size_t slash = raw.find_last_of("/\\");
  if (slash != std::string::npos) raw = raw.substr(slash + 1);
  std::string name;
  for (char c : raw) {
    if (c >= 0x20 && c < 0x7f && name.size() < 100) name += c;
  }
  return name.empty() || name == "." || name == ".." ? "upload" : name;
}

// Paths no route has: a traversal attempt or a malformed request, refused before routing.
bool SuspiciousPath(const std::string& path) {
  if (path.empty() || path[0] != '/') return true;
  if (path.find("..") != std::string::npos) return true;
  // Base64 in an OCSP GET (RFC 6960 A.1) may hold "//"; no other route does.
  if (path.find("//") != std::string::npos && path.rfind("/ocsp/", 0) != 0) return true;
  for (char c : path) {
    if (c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

// A request field as it may appear in the log: printable ASCII only (a decoded %0a or an escape
// sequence would forge or garble lines), spaces escaped, and short.
std::string LogField(const std::string& text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    if (u > 0x20 && u < 0x7f) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "%%%02X", u);
      out += hex;
    }
  }
  if (text.size() > max) out += "...";
  return out.empty() ? "-" : out;
}

// Who sent `req`: the connection's address, or behind `trusted_proxy` the last hop of
// X-Forwarded-For (earlier hops are whatever the client wrote).
std::string ClientAddress(const Request& req, const std::string& trusted_proxy) {
  if (trusted_proxy.empty() || req.remote_addr != trusted_proxy) return req.remote_addr;
  const std::string forwarded = req.get_header_value("X-Forwarded-For");
  std::string last = forwarded.substr(forwarded.rfind(',') + 1);
  const size_t start = last.find_first_not_of(' ');
  if (start == std::string::npos) return req.remote_addr;
  last = last.substr(start, last.find_last_not_of(' ') - start + 1);
  // An address, not arbitrary text: it becomes a rate-limit key and a log field.
  if (last.size() > 64 ||
      last.find_first_not_of("0123456789abcdefABCDEF.:[]") != std::string::npos) {
    return req.remote_addr;
  }
  return last;
}

std::string UtcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

struct AuditorServer::Impl {
  Impl(AuditorApi& a, ServerOptions o) : api(a), options(std::move(o)), limiter(options.rate) {}

  void Routes();
  httplib::Server::HandlerResponse PreRoute(const Request& req, Response& res);
  void VerifyUpload(const Request& req, Response& res, const httplib::ContentReader& reader);

  AuditorApi& api;
  ServerOptions options;
  RateLimiter limiter;
  std::unique_ptr<httplib::Server> server;
  bool tls = false;
};

httplib::Server::HandlerResponse AuditorServer::Impl::PreRoute(const Request& req, Response& res) {
  using HR = httplib::Server::HandlerResponse;
  if (BoundedTaskQueue::Shedding()) {
    Send(ApiResponse::Error(503, "the server is busy; try again shortly"), res);
    res.set_header("Retry-After", "1");
    res.set_header("Connection", "close");
    return HR::Handled;
  }
  int retry_after = 1;
  if (!limiter.Admit(ClientAddress(req, options.trusted_proxy), &retry_after)) {
    Send(ApiResponse::Error(429, "too many requests; slow down"), res);
    res.set_header("Retry-After", std::to_string(retry_after));
    return HR::Handled;
  }
  if (SuspiciousPath(req.path)) {
    Send(ApiResponse::Error(400, "malformed request path"), res);
    return HR::Handled;
  }
  return HR::Unhandled;
}

void AuditorServer::Impl::VerifyUpload(const Request& req, Response& res,
                                       const httplib::ContentReader& reader) {
  if (!AcceptedImageType(req.get_header_value("Content-Type"))) {
    Send(ApiResponse::Error(415,
                            "send the image itself as the body, typed image/png, "
                            "image/jpeg, image/webp or application/octet-stream"),
         res);
    // The body is not read, so the connection cannot carry another request.
    res.set_header("Connection", "close");
    return;
  }
  // httplib's read timeout bounds each wait for data, not the whole body: a client trickling a
  // byte every few seconds would hold a thread for ever. The deadline bounds the whole upload.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(options.request_deadline_s);
  std::string body;
  bool late = false, too_large = false;
  // A body whose declared length is over the limit never reaches the receiver: httplib reads and
  // discards it (so the client, still sending, gets the answer rather than a reset) and the
  // reader fails.
  uint64_t declared = 0;
  const bool over_limit = ParseSize(req.get_header_value("Content-Length"), &declared) &&
                          declared > options.max_upload_bytes;
  const bool complete = reader([&](const char* data, size_t n) {
    if (std::chrono::steady_clock::now() > deadline) return !(late = true);
    if (body.size() + n > options.max_upload_bytes) return !(too_large = true);
    body.append(data, n);
    return true;
  });
  if (late) {
    Send(ApiResponse::Error(408, "the upload took too long"), res);
    res.set_header("Connection", "close");
    return;
  }
  if (too_large || over_limit) {
    Send(ApiResponse::Error(413, "the upload is over the server's limit"), res);
    res.set_header("Connection", "close");
    return;
  }
  if (!complete) {
    // The client stopped sending (or the connection broke): never verify part of a file.
    Send(ApiResponse::Error(400, "the upload was cut short"), res);
    res.set_header("Connection", "close");
    return;
  }
  if (body.empty()) {
    Send(ApiResponse::Error(400, "the request has no image in its body"), res);
    return;
  }
  const bool summary = req.get_param_value("summary") == "1";
  Send(api.Verify(UploadName(req),
                  ByteView(reinterpret_cast<const uint8_t*>(body.data()), body.size()), summary),
       res);
}

void AuditorServer::Impl::Routes() {
  httplib::Server& s = *server;
  for (const PageAsset& asset : PageAssets()) {
    s.Get(std::string(asset.path), [&asset](const Request&, Response& res) {
      res.set_header("Cache-Control", "no-cache");
      res.set_content(asset.body.data(), asset.body.size(), std::string(asset.content_type));
    });
  }
  s.Get("/healthz", [this](const Request&, Response& res) { Send(api.Health(), res); });
  s.Post("/api/v1/verify",
         [this](const Request& req, Response& res, const httplib::ContentReader& reader) {
           VerifyUpload(req, res, reader);
         });
  s.Get(R"(/api/v1/assets/([^/]{1,200}))",
        [this](const Request& req, Response& res) { Send(api.Asset(req.matches[1]), res); });
  for (const char* path : {"/api/v1/checkpoint", "/log/checkpoint"}) {
    s.Get(path, [this](const Request&, Response& res) { Send(api.Checkpoint(), res); });
  }
  s.Get("/api/v1/proof/inclusion", [this](const Request& req, Response& res) {
    const std::string asset = req.get_param_value("asset");
    std::optional<uint64_t> size;
    uint64_t n = 0;
    if (req.has_param("size")) {
      if (!ParseSize(req.get_param_value("size"), &n)) {
        return Send(ApiResponse::Error(400, "size must be a tree size"), res);
      }
      size = n;
    }
    if (asset.empty() || asset.size() > 200) {
      return Send(ApiResponse::Error(400, "asset= must name an asset id or payload"), res);
    }
    Send(api.InclusionProof(asset, size), res);
  });
  s.Get("/api/v1/proof/consistency", [this](const Request& req, Response& res) {
    uint64_t from = 0, to = 0;
    if (!ParseSize(req.get_param_value("from"), &from) ||
        !ParseSize(req.get_param_value("to"), &to)) {
      return Send(ApiResponse::Error(400, "from= and to= must be tree sizes"), res);
    }
    Send(api.ConsistencyProof(from, to), res);
  });
  s.Get("/crl", [this](const Request&, Response& res) { Send(api.RevocationList(), res); });
  s.Post(R"(/ocsp/?)", [this](const Request& req, Response& res) {
    const std::string type = req.get_header_value("Content-Type");
    if (type.substr(0, type.find(';')) != "application/ocsp-request") {
      return Send(ApiResponse::Error(415, "send a DER OCSP request typed application/ocsp-request"),
                  res);
    }
    if (req.body.size() > kMaxOcspRequestBytes) {
      return Send(ApiResponse::Error(413, "the OCSP request is too large"), res);
    }
    Send(api.Ocsp(ByteView(reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size())),
         res);
  });
  s.Post("/tsa", [this](const Request& req, Response& res) {
    const std::string type = req.get_header_value("Content-Type");
    if (type.substr(0, type.find(';')) != "application/timestamp-query") {
      return Send(ApiResponse::Error(
                      415, "send a DER time-stamp request typed application/timestamp-query"),
                  res);
    }
    if (req.body.size() > kMaxTimeStampRequestBytes) {
      return Send(ApiResponse::Error(413, "the time-stamp request is too large"), res);
    }
    Send(
        api.TimeStamp(ByteView(reinterpret_cast<const uint8_t*>(req.body.data()), req.body.size())),
        res);
  });
  // RFC 6960 Appendix A.1: GET with the request base64-encoded (and URL-encoded) in the path.
  s.Get(R"(/ocsp/([A-Za-z0-9+/=]{1,2800}))", [this](const Request& req, Response& res) {
    const Result<Bytes> der = Base64Decode(std::string(req.matches[1]), "the OCSP request");
    if (!der.ok()) return Send(ApiResponse::Error(400, der.status().message()), res);
    Send(api.Ocsp(ByteView(*der)), res);
  });
  s.Get(R"(/log/tile/(.{1,64}))", [this](const Request& req, Response& res) {
    Send(api.Tile(std::string(req.matches[1])), res);
  });
  if (!options.cors_origin.empty()) {
    s.Options(R"(/api/v1/.*)", [](const Request&, Response& res) {
      res.status = 204;
      res.set_header("Access-Control-Allow-Methods", "GET, POST");
      res.set_header("Access-Control-Allow-Headers", "Content-Type, X-Filename");
      res.set_header("Access-Control-Max-Age", "600");
    });
  }
}

AuditorServer::AuditorServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditorServer::~AuditorServer() = default;

Result<std::unique_ptr<AuditorServer>> AuditorServer::Create(AuditorApi& api,
                                                             const ServerOptions& options) {
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (options.threads < 1 || options.max_queued < 0 || options.request_deadline_s < 1) {
    return Status::InvalidArgument("the server needs a thread, a queue and a deadline");
  }
  auto impl = std::make_unique<Impl>(api, options);
  if (!options.tls_cert.empty()) {
    auto ssl =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!ssl->is_valid()) {
      return Status::BadInput(options.tls_cert + ", " + options.tls_key +
                              ": not a usable TLS certificate and private key (PEM)");
    }
    impl->server = std::move(ssl);
    impl->tls = true;
  } else {
    impl->server = std::make_unique<httplib::Server>();
  }
  httplib::Server& s = *impl->server;
  const int threads = options.threads;
  const size_t queued = size_t(options.max_queued);
  s.new_task_queue = [threads, queued] { return new BoundedTaskQueue(threads, queued); };
  s.set_payload_max_length(options.max_upload_bytes);
  s.set_read_timeout(5, 0);
  s.set_write_timeout(10, 0);
  s.set_keep_alive_max_count(20);
  s.set_keep_alive_timeout(2);
  httplib::Headers headers = {{"Content-Security-Policy", kContentSecurityPolicy},
                              {"X-Content-Type-Options", "nosniff"},
                              {"X-Frame-Options", "DENY"},
                              {"Referrer-Policy", "no-referrer"}};
  if (options.cors_origin.empty()) {
    headers.emplace("Cross-Origin-Resource-Policy", "same-origin");
  } else {
    headers.emplace("Access-Control-Allow-Origin", options.cors_origin);
    headers.emplace("Access-Control-Expose-Headers", "Retry-After");
    headers.emplace("Vary", "Origin");
  }
  if (impl->tls) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  s.set_default_headers(headers);
  Impl* p = impl.get();
  s.set_pre_routing_handler(
      [p](const Request& req, Response& res) { return p->PreRoute(req, res); });
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const Request&, Response& res) {
    // Our own error answers carry their JSON already; httplib's (404, 413, 400) get one here.
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const char* what = res.status == 404   ? "no such resource"
                       : res.status == 413 ? "the upload is over the server's limit"
                       : res.status == 414 ? "the request line is too long"
                                           : "the request could not be handled";
    Send(ApiResponse::Error(res.status, what), res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([](const Request&, Response& res, const std::exception_ptr&) {
    Send(ApiResponse::Error(500, "internal error"), res);
  });
  if (options.log) {
    s.set_logger([p](const Request& req, const Response& res) {
      p->options.log(UtcNow() + " " + LogField(ClientAddress(req, p->options.trusted_proxy), 64) +
                     " " + LogField(req.method, 16) + " " + LogField(req.path, 200) + " " +
                     std::to_string(res.status) + " " + std::to_string(res.body.size()));
    });
  }
  impl->Routes();
  return std::unique_ptr<AuditorServer>(new AuditorServer(std::move(impl)));
}

Result<int> AuditorServer::Bind() {
  httplib::Server& s = *impl_->server;
  const std::string& host = impl_->options.host;
  if (impl_->options.port == 0) {
    const int port = s.bind_to_any_port(host);
    if (port <= 0) return Status::IoError("cannot listen on " + host + " (any port)");
    return port;
  }
  if (!s.bind_to_port(host, impl_->options.port)) {
    return Status::IoError("cannot listen on " + host + ":" + std::to_string(impl_->options.port) +
                           " (in use, or not an address of this machine)");
  }
  return impl_->options.port;
}

Status AuditorServer::Serve() {
  if (!impl_->server->listen_after_bind()) return Status::IoError("the server stopped listening");
  return Status::Ok();
}

void AuditorServer::Stop() { impl_->server->stop(); }

bool AuditorServer::tls() const { return impl_->tls; }

}  // namespace hallmark::pipeline
