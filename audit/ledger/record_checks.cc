#include "audit/ledger/record_checks.h"

#include <algorithm>

#include "base/hex.h"

namespace hallmark::audit {

Hash ToHash(const Bytes& b) {
  Hash h{};
  if (b.size() == h.size()) std::copy(b.begin(), b.end(), h.begin());
  return h;
}

Result<std::string> ItemsRoot(const std::vector<DatasetItem>& items) {
  MemoryMerkleTree tree;
  for (const DatasetItem& item : items) {
    if (!IsSha256Hex(item.sha256)) {
      return Status::InvalidArgument("dataset item " + item.path +
                                     ": SHA-256 must be 64 lower-case hex digits");
    }
    HM_ASSIGN_OR_RETURN(Bytes digest, HexDecode(item.sha256));
    tree.AppendEntry(digest);
  }
  return HexEncode(ByteView(tree.Root().data(), 32));
}

Status ValidateFingerprint(const FingerprintRecord& fp) {
  if (fp.algorithm.empty()) {
    return Status::InvalidArgument("fingerprint of asset " + fp.asset_id + ": no algorithm named");
  }
  if (fp.value.empty() || fp.value.size() > kMaxFingerprintBytes) {
    return Status::InvalidArgument(
        "fingerprint of asset " + fp.asset_id + ": the value must be 1 to " +
        std::to_string(kMaxFingerprintBytes) + " bytes, not " + std::to_string(fp.value.size()));
  }
  if (fp.source.empty()) {
    return Status::InvalidArgument("fingerprint of asset " + fp.asset_id + ": no source named");
  }
  return Status::Ok();
}

Status PrepareAssets(std::vector<AssetRecord>& assets, const std::string& now) {
  for (AssetRecord& a : assets) {
    if (a.id.empty()) return Status::InvalidArgument("an asset needs an id");
    if (a.payload.empty() || a.payload.size() > 8) {
      return Status::InvalidArgument("asset " + a.id + ": watermark payload must be 1 to 8 bytes");
    }
    if (!IsSha256Hex(a.content_hash) ||
        (!a.manifest_hash.empty() && !IsSha256Hex(a.manifest_hash))) {
      return Status::InvalidArgument("asset " + a.id +
                                     ": content and manifest hashes must be hex SHA-256");
    }
    if (a.parameters_json.empty()) a.parameters_json = "{}";
    if (a.created_at.empty()) a.created_at = now;
    if (a.fingerprint) {
      FingerprintRecord& fp = *a.fingerprint;
      fp.asset_id = a.id;
      if (fp.recorded_at.empty()) fp.recorded_at = a.created_at;
      if (fp.source.empty()) fp.source = "generate";
      HM_RETURN_IF_ERROR(ValidateFingerprint(fp));
    }
  }
  return Status::Ok();
}

}  // namespace hallmark::audit
