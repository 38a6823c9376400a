// An asset's identity. Its id is "hm-" followed by the hex of the watermark payload it carries,
// so the pixels alone name the ledger record, and a manifest's asset id and the watermark in the
// same image must agree.
#ifndef HALLMARK_PIPELINE_ASSET_IDENTITY_H_
#define HALLMARK_PIPELINE_ASSET_IDENTITY_H_

#include <set>
#include <string>

#include "audit/ledger/ledger_store.h"
#include "base/bytes.h"
#include "base/result.h"
#include "watermark/payload.h"

namespace hallmark::pipeline {

std::string AssetIdForPayload(const watermark::Payload& payload);
// Inverse of AssetIdForPayload; InvalidArgument for anything not of that form.
Result<watermark::Payload> PayloadForAssetId(const std::string& asset_id);
// The payload as the ledger stores it: ceil(bits / 8) bytes, most significant first.
Bytes LedgerPayloadBytes(const watermark::Payload& payload);

// Draws random payloads of a given size that no ledger record and no earlier draw of this
// allocator uses. Random rather than sequential so ids reveal nothing about volume, and so two
// studios sharing a key cannot collide by counting from the same start.
class PayloadAllocator {
 public:
  explicit PayloadAllocator(audit::LedgerStore& ledger) : ledger_(ledger) {}
  Result<watermark::Payload> Allocate(int bits);

 private:
  audit::LedgerStore& ledger_;
  std::set<std::string> issued_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_ASSET_IDENTITY_H_
