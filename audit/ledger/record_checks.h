// The checks and defaults every ledger backend applies to records before it stores them, so that
// SQLite and PostgreSQL accept and refuse exactly the same records with the same messages.
// Internal to the ledger stores.
#ifndef HALLMARK_AUDIT_LEDGER_RECORD_CHECKS_H_
#define HALLMARK_AUDIT_LEDGER_RECORD_CHECKS_H_

#include <string>
#include <vector>

#include "audit/ledger/ledger_records.h"
#include "audit/ledger/merkle_tree.h"
#include "base/result.h"

namespace hallmark::audit {

// The fingerprints table's CHECK on its value, tested before any write so the caller gets a
// message rather than a constraint failure.
inline constexpr size_t kMaxFingerprintBytes = 65536;

// A 32-byte column as a Hash (all zeros when the size is wrong; callers check sizes first).
Hash ToHash(const Bytes& b);

// The dataset id: the RFC 9162 root over the items' SHA-256 digests, in hex.
Result<std::string> ItemsRoot(const std::vector<DatasetItem>& items);

// The fields a fingerprint must have wherever it is recorded; `asset_id` is already set.
Status ValidateFingerprint(const FingerprintRecord& fp);

// Checks a batch for AppendAssets and fills what the store fills: empty parameters, times
// (`now`), and each fingerprint's asset id, time and source.
Status PrepareAssets(std::vector<AssetRecord>& assets, const std::string& now);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_RECORD_CHECKS_H_
