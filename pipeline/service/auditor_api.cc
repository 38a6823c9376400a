#include "pipeline/service/auditor_api.h"

#include <ctime>
#include <string_view>

#include "audit/ledger/merkle_tree.h"
#include "audit/ledger/receipt.h"
#include "base/hex.h"
#include "pipeline/service/log_tiles.h"
#include "provenance/pki/key_store.h"

namespace hallmark::pipeline {
namespace {

nlohmann::json HexList(const std::vector<audit::Hash>& hashes) {
  nlohmann::json a = nlohmann::json::array();
  for (const audit::Hash& h : hashes) a.push_back(HexEncode(ByteView(h.data(), h.size())));
  return a;
}

nlohmann::json SummaryJson(const ManifestSummary& s) {
  nlohmann::json datasets = nlohmann::json::array();
  for (const ManifestSummary::Dataset& d : s.datasets) {
    datasets.push_back({{"name", d.name}, {"licence", d.license}});
  }
  nlohmann::json ingredients = nlohmann::json::array();
  for (const std::string& title : s.ingredients) ingredients.push_back({{"title", title}});
  return {{"title", s.title},
          {"claim_generator", s.claim_generator},
          {"actions", s.actions},
          {"ingredients", ingredients},
          {"datasets", datasets}};
}

// The signed note of the latest checkpoint with the tree size it covers.
struct Latest {
  std::string note;
  uint64_t size = 0;
};

Result<Latest> LatestCheckpoint(audit::LedgerStore& ledger) {
  HM_ASSIGN_OR_RETURN(std::optional<audit::StoredCheckpoint> cp, ledger.LatestCheckpoint());
  if (!cp) return Status::NotFound("the log has no signed checkpoint yet");
  return Latest{cp->note, cp->size};
}

// The latest checkpoint could not be had: none yet (404), or the ledger failed (500; its message
// names the ledger's file and stays on the server).
ApiResponse CheckpointError(const Status& s) {
  return s.code() == StatusCode::kNotFound
             ? ApiResponse::Error(404, "the log has no signed checkpoint yet")
             : ApiResponse::Error(500, "the ledger could not be read");
}

}  // namespace

ApiResponse ApiResponse::Json(int status, const nlohmann::json& j) {
  // Text in a record comes from whoever made the file; invalid UTF-8 is replaced, never thrown.
  return {status,
          "application/json",
          j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
          {}};
}

ApiResponse ApiResponse::Text(int status, std::string content_type, std::string body) {
  return {status, std::move(content_type), std::move(body), {}};
}

ApiResponse ApiResponse::Error(int status, const std::string& message) {
  return Json(status, {{"error", message}});
}

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kBadInput:
    case StatusCode::kInvalidArgument:
    case StatusCode::kUnsupported:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kBusy:
      return 503;
    default:
      return 500;
  }
}

Result<std::unique_ptr<AuditorApi>> AuditorApi::Open(const ApiOptions& options) {
  HM_ASSIGN_OR_RETURN(std::unique_ptr<SessionPool> pool,
                      SessionPool::Open(options.home, options.sources, options.sessions));
  std::unique_ptr<provenance::OcspResponder> responder;
  std::unique_ptr<provenance::StudioTimeStampAuthority> tsa;
  if (!options.responder_passphrase.empty()) {
    // A home made before these keys existed serves without them; a wrong passphrase or a
    // damaged key stops the server, so the operator hears of it at once.
    Result<std::unique_ptr<provenance::OcspResponder>> r =
        provenance::OcspResponder::Open(options.home, options.responder_passphrase);
    if (r.ok()) {
      responder = std::move(*r);
    } else if (r.status().code() != StatusCode::kNotFound) {
      return r.status();
    }
    Result<std::unique_ptr<provenance::StudioTimeStampAuthority>> t =
        provenance::StudioTimeStampAuthority::Open(options.home, options.responder_passphrase);
    if (t.ok()) {
      tsa = std::move(*t);
    } else if (t.status().code() != StatusCode::kNotFound) {
      return t.status();
    }
  }
  return std::unique_ptr<AuditorApi>(
      new AuditorApi(options, std::move(pool), std::move(responder), std::move(tsa)));
}

Result<SessionPool::Lease> AuditorApi::Borrow(ApiResponse* error, bool need_ledger) {
  Result<SessionPool::Lease> lease = pool_->Acquire(options_.session_wait);
  if (!lease.ok()) {
    *error = ApiResponse::Error(503, "the server is busy; try again shortly");
    error->headers.emplace_back("Retry-After", "1");
    return lease.status();
  }
  if (need_ledger && !(*lease)->studio().has_ledger()) {
    *error = ApiResponse::Error(404, "this server has no ledger");
    return Status::NotFound("no ledger");
  }
  return lease;
}

ApiResponse AuditorApi::Verify(const std::string& name, ByteView bytes, bool summary) {
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error, /*need_ledger=*/false);
  if (!lease.ok()) return error;
  Result<AssetVerification> v = (*lease)->VerifyBytes(name, bytes);
  if (!v.ok()) {
    // A bad upload's message names the upload; anything else stays on the server.
    return HttpStatusFor(v.status()) == 500
               ? ApiResponse::Error(500, "the image could not be verified (server error)")
               : ApiResponse::Error(400, v.status().message());
  }
  nlohmann::json j = v->ToJson();
  if (summary && v->evidence.manifest.c2pa_verdict != provenance::Verdict::kNoManifest) {
    j["manifest_summary"] = SummaryJson(v->evidence.manifest.summary);
  }
  ApiResponse r = ApiResponse::Json(200, j);
  // The ledger's messages name its file; the server's layout is none of a client's business.
  if ((*lease)->studio().has_ledger()) {
    const std::string& path = (*lease)->studio().ledger().path();
    for (size_t at = 0; !path.empty() && (at = r.body.find(path, at)) != std::string::npos;) {
      r.body.replace(at, path.size(), "the ledger");
    }
  }
  return r;
}

ApiResponse AuditorApi::Asset(const std::string& id) {
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error);
  if (!lease.ok()) return error;
  audit::LedgerStore& ledger = (*lease)->studio().ledger();
  Result<std::optional<audit::AssetRecord>> found = ledger.FindAsset(id);
  if (!found.ok()) return ApiResponse::Error(500, "the ledger could not be read");
  if (!*found) return ApiResponse::Error(404, "asset " + id + " is not in the ledger");
  const audit::AssetRecord& a = **found;
  nlohmann::json j = {{"asset_id", a.id},
                      {"model_id", a.model_id},
                      {"created", a.created_at},
                      {"content_hash", a.content_hash},
                      {"manifest_hash", a.manifest_hash},
                      {"payload", HexEncode(a.payload)},
                      {"log_index", a.log_index},
                      {"datasets", nlohmann::json::array()}};
  Result<std::optional<audit::ModelRecord>> model = ledger.FindModel(a.model_id);
  if (model.ok() && *model) {
    const audit::ModelRecord& m = **model;
    j["model"] = {{"id", m.id}, {"architecture", m.architecture}, {"recorded", m.recorded_at}};
    for (const std::string& dataset_id : m.dataset_ids) {
      Result<std::optional<audit::DatasetRecord>> d = ledger.FindDataset(dataset_id);
      if (!d.ok() || !*d) continue;
      j["datasets"].push_back({{"id", (*d)->id},
                               {"name", (*d)->name},
                               {"licence", (*d)->licence},
                               {"attribution", (*d)->attribution},
                               {"items", (*d)->item_count}});
    }
  }
  return ApiResponse::Json(200, j);
}

ApiResponse AuditorApi::Checkpoint() {
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error);
  if (!lease.ok()) return error;
  Result<Latest> latest = LatestCheckpoint((*lease)->studio().ledger());
  if (!latest.ok()) return CheckpointError(latest.status());
  ApiResponse r = ApiResponse::Text(200, "text/plain; charset=utf-8", latest->note);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

ApiResponse AuditorApi::InclusionProof(const std::string& asset, std::optional<uint64_t> size) {
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error);
  if (!lease.ok()) return error;
  audit::LedgerStore& ledger = (*lease)->studio().ledger();
  Result<audit::Receipt> receipt = audit::ProveAsset(ledger, asset);
  if (!receipt.ok()) {
    // The store's message names the ledger's path; the client gets the gist only.
    if (receipt.status().code() == StatusCode::kNotFound) {
      return ApiResponse::Error(404, "asset " + asset + " is not in the ledger");
    }
    return ApiResponse::Error(500, "no proof could be made for asset " + asset);
  }
  if (!size || *size == receipt->tree_size)
    return ApiResponse::Json(200, audit::ReceiptToJson(*receipt));
  if (*size <= receipt->leaf_index || *size > receipt->tree_size) {
    return ApiResponse::Error(400, "size must be above the asset's leaf index " +
                                       std::to_string(receipt->leaf_index) + " and at most " +
                                       std::to_string(receipt->tree_size));
  }
  Result<std::vector<audit::Hash>> path =
      audit::InclusionProof(ledger.Nodes(), receipt->leaf_index, *size);
  Result<audit::Hash> root = audit::RootHash(ledger.Nodes(), *size);
  if (!path.ok() || !root.ok()) return ApiResponse::Error(500, "the proof could not be made");
  return ApiResponse::Json(
      200,
      {{"origin", receipt->origin},
       {"leaf_index", receipt->leaf_index},
       {"tree_size", *size},
       {"leaf_hash", HexEncode(ByteView(receipt->leaf_hash.data(), receipt->leaf_hash.size()))},
       {"root_hash", HexEncode(ByteView(root->data(), root->size()))},
       {"inclusion_path", HexList(*path)}});
}

ApiResponse AuditorApi::ConsistencyProof(uint64_t from, uint64_t to) {
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error);
  if (!lease.ok()) return error;
  audit::LedgerStore& ledger = (*lease)->studio().ledger();
  Result<Latest> latest = LatestCheckpoint(ledger);
  if (!latest.ok()) return CheckpointError(latest.status());
  if (from == 0 || from > to || to > latest->size) {
    return ApiResponse::Error(400, "need 0 < from <= to <= " + std::to_string(latest->size) +
                                       " (the latest checkpoint's size)");
  }
  std::vector<audit::Hash> proof;
  if (from < to) {
    Result<std::vector<audit::Hash>> p = audit::ConsistencyProof(ledger.Nodes(), from, to);
    if (!p.ok()) return ApiResponse::Error(500, "the proof could not be made");
    proof = std::move(*p);
  }
  return ApiResponse::Json(200, audit::ConsistencyProofToJson({from, to, std::move(proof)}));
}

ApiResponse AuditorApi::RevocationList() {
  const provenance::KeyStore keys(options_.home);
  Result<Bytes> der = keys.RevocationListDer();
  if (!der.ok()) {
    return der.status().code() == StatusCode::kNotFound
               ? ApiResponse::Error(404, "the studio has no revocation list")
               : ApiResponse::Error(500, "the revocation list could not be read");
  }
  ApiResponse r =
      ApiResponse::Text(200, "application/pkix-crl", std::string(der->begin(), der->end()));
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

ApiResponse AuditorApi::Ocsp(ByteView request) {
  constexpr char kType[] = "application/ocsp-response";
  if (!responder_) {
    // tryLater (RFC 6960 §4.2.1), as one unsigned byte string: responseStatus 3, no body.
    ApiResponse r = ApiResponse::Text(503, kType, std::string("\x30\x03\x0a\x01\x03", 5));
    r.headers.emplace_back("Retry-After", "3600");
    return r;
  }
  const provenance::OcspAnswer a = responder_->Respond(request, std::time(nullptr));
  ApiResponse r = ApiResponse::Text(a.http_status, kType, std::string(a.der.begin(), a.der.end()));
  // Caches may keep an answer as long as it is good for, and no longer (RFC 5019 §6.2).
  if (a.http_status == 200) {
    r.headers.emplace_back(
        "Cache-Control",
        "max-age=" + std::to_string(provenance::kOcspResponseSeconds) + ", public");
  }
  return r;
}

ApiResponse AuditorApi::TimeStamp(ByteView request) {
  if (!tsa_) return ApiResponse::Error(503, "this server has no time-stamping authority");
  const provenance::StudioTimeStampAuthority::Answer a = tsa_->Respond(request);
  if (a.der.empty()) return ApiResponse::Error(500, "the time-stamp could not be made");
  return ApiResponse::Text(a.http_status, "application/timestamp-reply",
                           std::string(a.der.begin(), a.der.end()));
}

ApiResponse AuditorApi::Tile(std::string_view path) {
  Result<TileRequest> tile = ParseTilePath(path);
  if (!tile.ok()) return ApiResponse::Error(404, "no such tile");
  ApiResponse error;
  Result<SessionPool::Lease> lease = Borrow(&error);
  if (!lease.ok()) return error;
  audit::LedgerStore& ledger = (*lease)->studio().ledger();
  Result<Latest> latest = LatestCheckpoint(ledger);
  if (!latest.ok()) return ApiResponse::Error(404, "the log has no signed checkpoint yet");
  Result<Bytes> bytes = ReadTile(ledger, *tile, latest->size);
  if (!bytes.ok()) {
    return ApiResponse::Error(bytes.status().code() == StatusCode::kNotFound ? 404 : 500,
                              bytes.status().code() == StatusCode::kNotFound
                                  ? "the log has no such tile"
                                  : "the tile could not be read");
  }
  ApiResponse r =
      ApiResponse::Text(200, "application/octet-stream", std::string(bytes->begin(), bytes->end()));
  // A full tile never changes; a partial one is replaced by a wider one as the log grows.
  r.headers.emplace_back("Cache-Control", tile->width == kTileWidth
                                              ? "public, max-age=31536000, immutable"
                                              : "no-cache");
  return r;
}

ApiResponse AuditorApi::Health() {
  return ApiResponse::Json(200, {{"status", "ok"}, {"sessions", pool_->size()}});
}

}  // namespace hallmark::pipeline
