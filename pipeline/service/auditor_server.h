// AuditorServer: `hallmark serve`, the HTTP(S) face of AuditorApi for auditors outside the
// studio. It moves bytes and enforces the limits a public endpoint needs; every answer comes from
// AuditorApi.
//
//   GET  /, /verify.js, /verify.css        the verify page (built in; no file is served from disk)
//   POST /api/v1/verify                    an image in the body -> the `verify --json` record
//   GET  /api/v1/assets/{id}               the public record of an asset
//   GET  /api/v1/checkpoint                the latest signed checkpoint (also /log/checkpoint)
//   GET  /api/v1/proof/inclusion?asset=ID[&size=N], /api/v1/proof/consistency?from=M&to=N
//   GET  /crl                              the studio CA's revocation list (DER)
//   GET  /log/tile/...                     the log as C2SP tlog-tiles
//   GET  /healthz
//
// Limits, each answered with a 4xx or 503 while the server stays up: uploads over max_upload
// bytes (413) or of another type (415); a body not received within the request deadline (408);
// more than `rate` requests a second from one address (429, Retry-After); connections beyond
// what the workers and their queue hold (503, BoundedTaskQueue); an upload cut short (400, never
// verified in part); anything but the routes above (404). Every response carries security headers
// (a CSP without inline script, nosniff, no framing, no referrer); CORS is off unless an origin is
// allowed. The request log has one line per request and never the body.
#ifndef HALLMARK_PIPELINE_SERVICE_AUDITOR_SERVER_H_
#define HALLMARK_PIPELINE_SERVICE_AUDITOR_SERVER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/result.h"
#include "pipeline/service/auditor_api.h"

namespace hallmark::pipeline {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;       // 0: any free port (Bind() says which)
  std::string tls_cert;  // PEM files; both or neither
  std::string tls_key;
  uint64_t max_upload_bytes = 25ull << 20;
  double rate = 20.0;           // requests per second per client address; 0: unlimited
  int threads = 8;              // connections served at once
  int max_queued = 64;          // connections waiting for a thread before the server sheds
  int request_deadline_s = 30;  // to receive a whole upload
  std::string cors_origin;      // empty: no CORS headers
  // The address of a reverse proxy in front of the server. A request from it is attributed (rate
  // limit, log) to the last address in its X-Forwarded-For, the one the proxy itself appended;
  // X-Forwarded-For from anyone else is ignored, since any client can send one. Empty: never read.
  std::string trusted_proxy;
  // One line per request (no body); empty: none.
  std::function<void(const std::string&)> log;
};

class AuditorServer {
 public:
  // `api` must outlive the server.
  static Result<std::unique_ptr<AuditorServer>> Create(AuditorApi& api,
                                                       const ServerOptions& options);
  ~AuditorServer();

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  Result<int> Bind();
  // Serves until Stop() (from another thread or a signal handler's thread). Bind() first.
  Status Serve();
  void Stop();

  bool tls() const;

 private:
  struct Impl;
  explicit AuditorServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_AUDITOR_SERVER_H_
