#include "pipeline/asset_identity.h"

#include <openssl/rand.h>

namespace hallmark::pipeline {
namespace {

constexpr char kPrefix[] = "hm-";

}  // namespace

std::string AssetIdForPayload(const watermark::Payload& payload) {
  return kPrefix + payload.ToHex();
}

Result<watermark::Payload> PayloadForAssetId(const std::string& asset_id) {
  if (asset_id.rfind(kPrefix, 0) != 0) {
    return Status::InvalidArgument("asset id '" + asset_id + "' does not start with 'hm-'");
  }
  Result<watermark::Payload> p = watermark::Payload::FromHex(asset_id.substr(3));
  if (!p.ok()) return Status::InvalidArgument("asset id '" + asset_id + "' is malformed");
  return p;
}

Bytes LedgerPayloadBytes(const watermark::Payload& payload) {
  const int bytes = (payload.size() + 7) / 8;
  const uint64_t v = payload.ToUint64();
  Bytes out(size_t(bytes), 0);
  for (int i = 0; i < bytes; ++i) out[size_t(i)] = uint8_t(v >> (8 * (bytes - 1 - i)));
  return out;
}

Result<watermark::Payload> PayloadAllocator::Allocate(int bits) {
  if (bits < 8 || bits > 64) {
    return Status::InvalidArgument("payload size " + std::to_string(bits) + " is not 8..64 bits");
  }
  for (int attempt = 0; attempt < 64; ++attempt) {
    uint64_t v = 0;
    if (RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v) != 1) {
      return Status::Internal("the system random generator failed");
    }
    if (bits < 64) v &= (uint64_t{1} << bits) - 1;
    watermark::Payload p = watermark::Payload::FromUint64(v, bits);
    if (issued_.count(p.ToHex())) continue;
    HM_ASSIGN_OR_RETURN(auto existing, ledger_.FindAssetByPayload(LedgerPayloadBytes(p)));
    if (existing) continue;
    issued_.insert(p.ToHex());
    return p;
  }
  return Status::Internal("no free " + std::to_string(bits) +
                          "-bit watermark payload after 64 draws: the payload space is exhausted");
}

}  // namespace hallmark::pipeline
