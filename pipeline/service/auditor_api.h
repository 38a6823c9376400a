// AuditorApi: what `hallmark serve` answers, without the HTTP. Each call takes a request's
// parameters and returns the whole response (status, type, body), so the rules live here and can
// be tested without a socket, and http_server.h only moves bytes.
//
// It reads the home through a SessionPool: the ledger read-only, the watermark key and the trust
// store. It never loads a claim-signing key or the CA key; with a passphrase it loads the OCSP
// responder's delegated key, which can vouch for certificate status and nothing else. Error bodies
// are {"error": "<one line>"} and never name a path on the server.
#ifndef HALLMARK_PIPELINE_SERVICE_AUDITOR_API_H_
#define HALLMARK_PIPELINE_SERVICE_AUDITOR_API_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"
#include "pipeline/service/session_pool.h"
#include "provenance/pki/ocsp_responder.h"
#include "provenance/pki/time_stamp_authority.h"

namespace hallmark::pipeline {

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // beyond the server's own

  static ApiResponse Json(int status, const nlohmann::json& j);
  static ApiResponse Text(int status, std::string content_type, std::string body);
  static ApiResponse Error(int status, const std::string& message);
};

struct ApiOptions {
  std::string home;
  VerifySources sources;
  int sessions = 4;  // concurrent verifications
  // How long a request waits for a free session before it is answered 503.
  std::chrono::milliseconds session_wait{2000};
  // Unlocks the OCSP responder's and the studio TSA's keys; empty: POST /ocsp answers tryLater
  // and POST /tsa 503.
  std::string responder_passphrase;
};

class AuditorApi {
 public:
  static Result<std::unique_ptr<AuditorApi>> Open(const ApiOptions& options);

  // POST /api/v1/verify: the `verify --json` record of the uploaded image, plus
  // "manifest_summary" (title, claim generator, actions, ingredients, training datasets) when the
  // image carries a manifest and `summary` is asked for.
  ApiResponse Verify(const std::string& name, ByteView bytes, bool summary);
  // GET /api/v1/assets/{id}: the public record (model, datasets and licences, time, hash).
  ApiResponse Asset(const std::string& id);
  // GET /api/v1/checkpoint and /log/checkpoint: the latest signed note, as text.
  ApiResponse Checkpoint();
  // GET /api/v1/proof/inclusion?asset=ID[&size=N]: the inclusion receipt against the latest
  // checkpoint, or the bare proof at an earlier tree size N.
  ApiResponse InclusionProof(const std::string& asset, std::optional<uint64_t> size);
  // GET /api/v1/proof/consistency?from=M&to=N.
  ApiResponse ConsistencyProof(uint64_t from, uint64_t to);
  // GET /crl: the studio CA's current revocation list, DER.
  ApiResponse RevocationList();
  // POST /ocsp (and GET /ocsp/{base64}): the DER OCSPResponse to a DER OCSPRequest.
  ApiResponse Ocsp(ByteView request);
  bool ocsp_enabled() const { return responder_ != nullptr; }
  // POST /tsa: the studio TSA's DER TimeStampResp to a DER TimeStampReq (RFC 3161 §3.4).
  ApiResponse TimeStamp(ByteView request);
  bool tsa_enabled() const { return tsa_ != nullptr; }
  // GET /log/tile/...: `path` is what follows "tile/".
  ApiResponse Tile(std::string_view path);
  // GET /healthz.
  ApiResponse Health();

 private:
  AuditorApi(ApiOptions options, std::unique_ptr<SessionPool> pool,
             std::unique_ptr<provenance::OcspResponder> responder,
             std::unique_ptr<provenance::StudioTimeStampAuthority> tsa)
      : options_(std::move(options)),
        pool_(std::move(pool)),
        responder_(std::move(responder)),
        tsa_(std::move(tsa)) {}
  // A free session (with a ledger, when `need_ledger`), or the error response: 503 when none
  // came free in time, 404 when the ledger is needed and the server has none.
  Result<SessionPool::Lease> Borrow(ApiResponse* error, bool need_ledger = true);

  ApiOptions options_;
  std::unique_ptr<SessionPool> pool_;
  std::unique_ptr<provenance::OcspResponder> responder_;
  std::unique_ptr<provenance::StudioTimeStampAuthority> tsa_;
};

// The HTTP status for a failed Status: 400 bad input, 404 not found, 503 busy, 500 otherwise.
int HttpStatusFor(const Status& s);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_AUDITOR_API_H_
