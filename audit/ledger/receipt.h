// Inclusion receipts: everything an auditor needs to check, offline, that an asset's ledger entry
// is in the log. The checkpoint inside is signed, so the receipt is also a checkpoint to hold on
// to (verify-log --since accepts its "checkpoint" field saved as a file).
//
//   {"origin": "hallmark.local/ledger", "leaf_index": 17, "tree_size": 40,
//    "leaf_hash": "<hex>", "inclusion_path": ["<hex>", ...], "entry": "<the entry bytes>",
//    "checkpoint": "<signed note>", "log_key": "<verifier key>"}
#ifndef HALLMARK_AUDIT_LEDGER_RECEIPT_H_
#define HALLMARK_AUDIT_LEDGER_RECEIPT_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/ledger_store.h"

namespace hallmark::audit {

struct Receipt {
  std::string origin;
  uint64_t leaf_index = 0;
  uint64_t tree_size = 0;
  Hash leaf_hash{};
  std::vector<Hash> inclusion_path;
  Bytes entry;
  std::string checkpoint;  // signed note
  std::string log_key;     // verifier key string
};

// A receipt for log entry `index` against the latest checkpoint.
Result<Receipt> ProveEntry(LedgerStore& store, uint64_t index);
// The asset's entry; `asset` is an asset id or, failing that, a hex watermark payload.
Result<Receipt> ProveAsset(LedgerStore& store, const std::string& asset);

nlohmann::json ReceiptToJson(const Receipt& r);
Result<Receipt> ReceiptFromJson(const nlohmann::json& j);

// Checks the checkpoint signature with `key`, the entry bytes against the leaf hash, and the
// inclusion path against the checkpoint root.
Status VerifyReceipt(const Receipt& r, const CheckpointVerifier& key);

// A consistency proof between two tree sizes, as `hallmark serve` sends it and `audit monitor`
// reads it: {"from": M, "to": N, "consistency": ["<hex>", ...]}. Unsigned: it is checked
// against the roots of two signed checkpoints (VerifyConsistency).
struct ConsistencyProofRecord {
  uint64_t from = 0;
  uint64_t to = 0;
  std::vector<Hash> proof;
};
nlohmann::json ConsistencyProofToJson(const ConsistencyProofRecord& p);
// BadInput naming the field for anything malformed, or a proof longer than any tree of 2^64
// leaves needs.
Result<ConsistencyProofRecord> ConsistencyProofFromJson(const nlohmann::json& j);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_RECEIPT_H_
