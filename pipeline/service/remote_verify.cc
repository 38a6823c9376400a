#include "pipeline/service/remote_verify.h"

#include <filesystem>

#include "audit/ledger/receipt.h"
#include "base/file.h"
#include "base/json_fields.h"
#include "base/sha256.h"
#include "image/codec.h"
#include "pipeline/service/http_fetch.h"
#include "pipeline/verdict.h"

namespace hallmark::pipeline {
namespace {

const char* ContentTypeOf(ByteView bytes) {
  Result<image::Format> f = image::SniffFormat(bytes);
  if (!f.ok()) return "application/octet-stream";
  switch (*f) {
    case image::Format::kPng:
      return "image/png";
    case image::Format::kJpeg:
      return "image/jpeg";
    case image::Format::kWebp:
      return "image/webp";
  }
  return "application/octet-stream";
}

bool IsVerifiedName(const std::string& name) {
  for (Verdict v : AllVerdicts()) {
    if (name == VerdictName(v)) return IsVerified(v);
  }
  return false;
}

}  // namespace

Result<RemoteVerifier> RemoteVerifier::Create(std::string url, const std::string& log_key) {
  if (log_key.empty()) {
    return Status::InvalidArgument(
        "verify --remote needs --log-key, the studio's log key to check its receipts with "
        "('hallmark audit log-key' prints it)");
  }
  HM_RETURN_IF_ERROR(CheckServerUrl(url));
  HM_ASSIGN_OR_RETURN(audit::CheckpointVerifier key,
                      audit::CheckpointVerifier::FromVerifierKey(log_key));
  return RemoteVerifier(std::move(url), std::move(key));
}

Result<RemoteVerification> RemoteVerifier::Verify(const std::string& file) const {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(file, size_t{256} << 20));
  const std::string name = std::filesystem::path(file).filename().string();
  HM_ASSIGN_OR_RETURN(std::string answer,
                      HttpPost(url_, "/api/v1/verify", std::string(bytes.begin(), bytes.end()),
                               ContentTypeOf(bytes), name));
  RemoteVerification v;
  v.record = nlohmann::json::parse(answer, nullptr, false);
  if (!v.record.is_object() || TextOrEmpty(v.record, "verdict").empty()) {
    return Status::BadInput(url_ + ": the answer for " + file + " is not a verify record");
  }
  v.record["file"] = file;
  const bool verified = IsVerifiedName(TextOrEmpty(v.record, "verdict"));
  // The asset the server says the image is: the ledger layer's, else the manifest's. A verdict
  // that proves origin must name one, and its receipt must check out here; the server's word
  // on the ledger's state is not taken.
  std::string asset_id;
  for (const char* layer : {"ledger", "manifest"}) {
    const auto it = v.record.find(layer);
    if (asset_id.empty() && it != v.record.end() && it->is_object()) {
      asset_id = TextOrEmpty(*it, "asset_id");
    }
  }
  if (asset_id.empty()) {
    v.ledger = verified ? "the server's verdict names no asset whose receipt could be checked"
                        : "no ledger record to check";
    return v;
  }
  CheckReceipt(asset_id, Sha256Hex(bytes), &v);
  v.verified = verified && v.receipt_checked;
  return v;
}

void RemoteVerifier::CheckReceipt(const std::string& asset_id, const std::string& file_sha256,
                                  RemoteVerification* out) const {
  Result<std::string> body =
      HttpGet(url_, "/api/v1/proof/inclusion?asset=" + asset_id, size_t{1} << 20);
  if (!body.ok()) {
    out->ledger = "no receipt: " + body.status().message();
    return;
  }
  const nlohmann::json j = nlohmann::json::parse(*body, nullptr, false);
  Result<audit::Receipt> receipt = audit::ReceiptFromJson(j);
  if (!receipt.ok()) {
    out->ledger = "the server's receipt is malformed: " + receipt.status().message();
    return;
  }
  if (Status s = audit::VerifyReceipt(*receipt, key_); !s.ok()) {
    out->ledger = "the receipt does not verify against the pinned log key: " + s.message();
    return;
  }
  // The entry is "<kind line>\n<canonical JSON>": it must be the asset the server named.
  const std::string entry(receipt->entry.begin(), receipt->entry.end());
  const size_t newline = entry.find('\n');
  const nlohmann::json record = nlohmann::json::parse(
      newline == std::string::npos ? std::string() : entry.substr(newline + 1), nullptr, false);
  if (!record.is_object() || TextOrEmpty(record, "id") != asset_id) {
    out->ledger = "the receipt proves another entry than asset " + asset_id;
    return;
  }
  out->receipt_checked = true;
  out->ledger = "entry " + std::to_string(receipt->leaf_index) + " of " +
                std::to_string(receipt->tree_size) +
                ", proven against a checkpoint signed by the pinned log key" +
                (TextOrEmpty(record, "content_hash") == file_sha256
                     ? "; the recorded file hash matches this file"
                     : "; this file is not the delivered file byte for byte");
}

}  // namespace hallmark::pipeline
