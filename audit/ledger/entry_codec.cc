#include "audit/ledger/entry_codec.h"

#include <exception>

#include <nlohmann/json.hpp>

#include "base/hex.h"

namespace hallmark::audit {
namespace {

constexpr std::string_view kTagPrefix = "hallmark-ledger/v1 ";

Result<Bytes> Encode(EntryKind kind, const nlohmann::json& fields) {
  std::string text(kTagPrefix);
  text += EntryKindName(kind);
  text += '\n';
  try {
    // nlohmann::json objects keep keys sorted, which makes the dump canonical.
    text += fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const std::exception&) {
    return Status::BadInput(std::string(EntryKindName(kind)) +
                            " record: a text field is not valid UTF-8");
  }
  return Bytes(text.begin(), text.end());
}

}  // namespace

const char* EntryKindName(EntryKind kind) {
  switch (kind) {
    case EntryKind::kDataset:
      return "dataset";
    case EntryKind::kModel:
      return "model";
    case EntryKind::kAsset:
      return "asset";
    case EntryKind::kKey:
      return "key";
    case EntryKind::kRevocation:
      return "revocation";
    case EntryKind::kPolicyEvaluation:
      return "policy-evaluation";
    case EntryKind::kFingerprint:
      return "fingerprint";
  }
  return "unknown";
}

Result<EntryKind> ParseEntryKind(std::string_view name) {
  for (EntryKind k : kAllEntryKinds) {
    if (name == EntryKindName(k)) return k;
  }
  return Status::BadInput("unknown ledger entry kind '" + std::string(name) + "'");
}

Result<EntryKind> EntryKindOf(ByteView entry) {
  std::string_view text = entry.AsStringView();
  size_t nl = text.find('\n');
  if (nl == std::string_view::npos || text.substr(0, kTagPrefix.size()) != kTagPrefix) {
    return Status::BadInput("ledger entry does not start with a hallmark-ledger/v1 tag");
  }
  return ParseEntryKind(text.substr(kTagPrefix.size(), nl - kTagPrefix.size()));
}

Result<Bytes> EncodeDatasetEntry(const DatasetRecord& r) {
  return Encode(EntryKind::kDataset, {{"id", r.id},
                                      {"name", r.name},
                                      {"source", r.source},
                                      {"licence", r.licence},
                                      {"attribution", r.attribution},
                                      {"item_count", r.item_count},
                                      {"items_root", r.items_root},
                                      {"recorded_at", r.recorded_at}});
}

Result<Bytes> EncodeModelEntry(const ModelRecord& r) {
  return Encode(EntryKind::kModel, {{"id", r.id},
                                    {"architecture", r.architecture},
                                    {"hyperparameters", r.hyperparameters_json},
                                    {"datasets", r.dataset_ids},
                                    {"training_run", r.training_run},
                                    {"recorded_at", r.recorded_at}});
}

Result<Bytes> EncodeAssetEntry(const AssetRecord& r) {
  return Encode(EntryKind::kAsset, {{"id", r.id},
                                    {"payload", HexEncode(r.payload)},
                                    {"model", r.model_id},
                                    {"parameters", r.parameters_json},
                                    {"content_hash", r.content_hash},
                                    {"manifest_hash", r.manifest_hash},
                                    {"file_name", r.file_name},
                                    {"signer", r.signer_key_id},
                                    {"created_at", r.created_at}});
}

Result<Bytes> EncodeKeyEntry(const KeyRecord& r) {
  return Encode(EntryKind::kKey, {{"key_id", r.key_id},
                                  {"algorithm", r.algorithm},
                                  {"public_key", HexEncode(r.public_key)},
                                  {"label", r.label},
                                  {"recorded_at", r.recorded_at}});
}

Result<Bytes> EncodeRevocationEntry(const RevocationRecord& r) {
  return Encode(EntryKind::kRevocation,
                {{"key_id", r.key_id}, {"reason", r.reason}, {"revoked_at", r.revoked_at}});
}

Result<Bytes> EncodePolicyEvaluationEntry(const PolicyEvaluationRecord& r) {
  return Encode(EntryKind::kPolicyEvaluation, {{"policy_sha256", r.policy_sha256},
                                               {"policy_name", r.policy_name},
                                               {"subject", r.subject},
                                               {"decision", r.decision_json},
                                               {"evaluated_at", r.evaluated_at}});
}

Result<Bytes> EncodeFingerprintEntry(const FingerprintRecord& r) {
  return Encode(EntryKind::kFingerprint, {{"asset_id", r.asset_id},
                                          {"algorithm", r.algorithm},
                                          {"value", HexEncode(r.value)},
                                          {"source", r.source},
                                          {"recorded_at", r.recorded_at}});
}

}  // namespace hallmark::audit
