// Fuzzes inclusion receipts (audit/ledger/receipt.h) as an auditor checks one: JSON, the receipt
// fields, then the checkpoint signature (with the key the receipt names), leaf hash and
// inclusion path.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "audit/ledger/receipt.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  Result<audit::Receipt> receipt = audit::ReceiptFromJson(j);
  if (!receipt.ok()) return 0;
  (void)audit::ReceiptToJson(*receipt).dump();
  Result<audit::CheckpointVerifier> key =
      audit::CheckpointVerifier::FromVerifierKey(receipt->log_key);
  if (!key.ok()) return 0;
  (void)audit::VerifyReceipt(*receipt, *key);
  return 0;
}
