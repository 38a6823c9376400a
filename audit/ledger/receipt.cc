#include "audit/ledger/receipt.h"

#include "audit/ledger/merkle_proof.h"
#include "base/hex.h"
#include "base/json_fields.h"

namespace hallmark::audit {
namespace {

std::string Hex(const Hash& h) { return HexEncode(ByteView(h.data(), h.size())); }

Result<Hash> HashFromHex(const std::string& s, const char* what) {
  HM_ASSIGN_OR_RETURN(Bytes b, HexDecode(s, what));
  if (b.size() != 32) return Status::BadInput(std::string(what) + " is not 32 bytes");
  Hash h{};
  std::copy(b.begin(), b.end(), h.begin());
  return h;
}

}  // namespace

namespace {

Result<Receipt> ProveEntryInSnapshot(LedgerStore& store, uint64_t index) {
  HM_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> cp, store.LatestCheckpoint());
  if (!cp || cp->size <= index) {
    return Status::NotFound(store.path() + ": no checkpoint covers log entry " +
                            std::to_string(index));
  }
  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> key, store.LogVerifier());
  if (!key) return Status::BadInput(store.path() + ": the ledger records no log key");
  HM_ASSIGN_OR_RETURN(LogEntry entry, store.Entry(index));
  Receipt r;
  r.origin = key->name();
  r.leaf_index = index;
  r.tree_size = cp->size;
  r.leaf_hash = entry.leaf_hash;
  HM_ASSIGN_OR_RETURN(r.inclusion_path, InclusionProof(store.Nodes(), index, cp->size));
  r.entry = std::move(entry.body);
  r.checkpoint = cp->note;
  r.log_key = key->VerifierKey();
  return r;
}

}  // namespace

Result<Receipt> ProveEntry(LedgerStore& store, uint64_t index) {
  std::optional<Receipt> out;
  HM_RETURN_IF_ERROR(store.WithSnapshot([&]() -> Status {
    HM_ASSIGN_OR_RETURN(Receipt r, ProveEntryInSnapshot(store, index));
    out = std::move(r);
    return Status::Ok();
  }));
  return std::move(*out);
}

Result<Receipt> ProveAsset(LedgerStore& store, const std::string& asset) {
  HM_ASSIGN_OR_RETURN(std::optional<AssetRecord> found, store.FindAsset(asset));
  if (!found) {
    Result<Bytes> payload = HexDecode(asset, "payload");
    if (payload.ok() && !payload->empty() && payload->size() <= 8) {
      HM_ASSIGN_OR_RETURN(found, store.FindAssetByPayload(*payload));
    }
  }
  if (!found) {
    return Status::NotFound("asset " + asset + ": not in the ledger " + store.path() +
                            " (neither an asset id nor a watermark payload)");
  }
  return ProveEntry(store, found->log_index);
}

nlohmann::json ReceiptToJson(const Receipt& r) {
  nlohmann::json path = nlohmann::json::array();
  for (const Hash& h : r.inclusion_path) path.push_back(Hex(h));
  return {{"origin", r.origin},         {"leaf_index", r.leaf_index},
          {"tree_size", r.tree_size},   {"leaf_hash", Hex(r.leaf_hash)},
          {"inclusion_path", path},     {"entry", std::string(r.entry.begin(), r.entry.end())},
          {"checkpoint", r.checkpoint}, {"log_key", r.log_key}};
}

// Every field through the typed reader: a wrong type, or a number too large for its field, is bad
// input naming the field, never an exception or a silent conversion.
Result<Receipt> ReceiptFromJson(const nlohmann::json& j) {
  const JsonFields fields(j, "receipt");
  Receipt r;
  HM_ASSIGN_OR_RETURN(r.origin, fields.String("/origin"));
  HM_ASSIGN_OR_RETURN(r.leaf_index, fields.Unsigned("/leaf_index"));
  HM_ASSIGN_OR_RETURN(r.tree_size, fields.Unsigned("/tree_size"));
  HM_ASSIGN_OR_RETURN(std::string leaf_hash, fields.String("/leaf_hash"));
  HM_ASSIGN_OR_RETURN(r.leaf_hash, HashFromHex(leaf_hash, "leaf_hash"));
  HM_ASSIGN_OR_RETURN(std::vector<std::string> path, fields.Strings("/inclusion_path"));
  for (const std::string& h : path) {
    HM_ASSIGN_OR_RETURN(Hash x, HashFromHex(h, "inclusion_path hash"));
    r.inclusion_path.push_back(x);
  }
  HM_ASSIGN_OR_RETURN(std::string entry, fields.String("/entry"));
  r.entry.assign(entry.begin(), entry.end());
  HM_ASSIGN_OR_RETURN(r.checkpoint, fields.String("/checkpoint"));
  HM_ASSIGN_OR_RETURN(r.log_key, fields.String("/log_key", ""));
  return r;
}

Status VerifyReceipt(const Receipt& r, const CheckpointVerifier& key) {
  HM_ASSIGN_OR_RETURN(Checkpoint cp, key.Verify(r.checkpoint));
  if (cp.size != r.tree_size) {
    return Status::BadInput("receipt: tree size " + std::to_string(r.tree_size) +
                            " differs from its checkpoint's " + std::to_string(cp.size));
  }
  if (HashLeaf(r.entry) != r.leaf_hash) {
    return Status::BadInput("receipt: the entry bytes do not match the leaf hash");
  }
  return VerifyInclusion(r.leaf_index, r.tree_size, r.leaf_hash, r.inclusion_path, cp.root);
}

nlohmann::json ConsistencyProofToJson(const ConsistencyProofRecord& p) {
  nlohmann::json proof = nlohmann::json::array();
  for (const Hash& h : p.proof) proof.push_back(Hex(h));
  return {{"from", p.from}, {"to", p.to}, {"consistency", proof}};
}

Result<ConsistencyProofRecord> ConsistencyProofFromJson(const nlohmann::json& j) {
  const JsonFields fields(j, "consistency proof");
  ConsistencyProofRecord p;
  HM_ASSIGN_OR_RETURN(p.from, fields.Unsigned("/from"));
  HM_ASSIGN_OR_RETURN(p.to, fields.Unsigned("/to"));
  HM_ASSIGN_OR_RETURN(std::vector<std::string> hashes, fields.Strings("/consistency"));
  if (hashes.size() > 128) return fields.Error("/consistency", "is longer than any proof can be");
  for (const std::string& h : hashes) {
    HM_ASSIGN_OR_RETURN(Hash x, HashFromHex(h, "consistency hash"));
    p.proof.push_back(x);
  }
  return p;
}

}  // namespace hallmark::audit
