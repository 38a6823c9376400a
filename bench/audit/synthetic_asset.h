// The synthetic asset records the ledger benchmarks append: realistic sizes, unique ids, and
// payloads spread over the key space as real watermark payloads would be.
#ifndef HALLMARK_BENCH_AUDIT_SYNTHETIC_ASSET_H_
#define HALLMARK_BENCH_AUDIT_SYNTHETIC_ASSET_H_

#include <cstdint>
#include <string>

#include "audit/ledger/ledger_records.h"
#include "base/sha256.h"

namespace hallmark::bench {

inline audit::AssetRecord SyntheticAsset(const std::string& model, uint64_t n) {
  audit::AssetRecord a;
  a.id = "asset-" + std::to_string(n);
  const uint64_t p = n * 0x9E3779B97F4A7C15ull;  // a bijection: distinct n, distinct payloads
  for (int i = 0; i < 8; ++i) a.payload.push_back(static_cast<uint8_t>(p >> (8 * (7 - i))));
  a.model_id = model;
  a.parameters_json = R"({"seed":)" + std::to_string(n) + R"(,"steps":1,"size":64})";
  a.content_hash = Sha256Hex(ByteView(a.id));
  a.manifest_hash = Sha256Hex(ByteView(a.id + "m"));
  a.file_name = "gen/" + a.id + ".png";
  a.signer_key_id = "studio-key-1";
  return a;
}

}  // namespace hallmark::bench

#endif  // HALLMARK_BENCH_AUDIT_SYNTHETIC_ASSET_H_
