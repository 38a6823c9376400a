// The records the audit ledger keeps. Plain values: callers fill them, the LedgerStore persists
// them and appends one log entry per record (see entry_codec.h for the entry bytes); an asset
// with a fingerprint gets two, the asset's and the fingerprint's.
//
// Times are UTC RFC 3339 strings ("2026-11-24T05:00:00Z"); the store fills an empty time with the
// current time. Hashes are lower-case hex SHA-256.
#ifndef HALLMARK_AUDIT_LEDGER_LEDGER_RECORDS_H_
#define HALLMARK_AUDIT_LEDGER_LEDGER_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace hallmark::audit {

inline constexpr uint64_t kNoLogIndex = ~uint64_t{0};

// One file of a dataset.
struct DatasetItem {
  std::string sha256;  // hex of the file's bytes
  std::string path;    // relative to the dataset folder, '/' separated
  uint64_t size = 0;   // bytes
  int width = 0;       // pixels; 0 when the file could not be decoded
  int height = 0;
};

struct DatasetRecord {
  std::string id;       // filled by the store: hex Merkle root of the item hashes (= items_root)
  std::string name;     // unique among datasets
  std::string source;   // URL or description of where it came from
  std::string licence;  // canonical SPDX licence expression
  std::string attribution;
  uint64_t item_count = 0;  // filled by the store
  std::string items_root;   // filled by the store: RFC 9162 root over the item SHA-256 digests
  std::string recorded_at;
  uint64_t log_index = kNoLogIndex;  // filled by the store
};

struct ModelRecord {
  std::string id;  // hex SHA-256 of the checkpoint file
  std::string architecture;
  std::string hyperparameters_json;      // stored verbatim
  std::vector<std::string> dataset_ids;  // each must already be recorded
  std::string training_run;              // free text: run id, host, command
  std::string recorded_at;
  uint64_t log_index = kNoLogIndex;
};

// A content fingerprint of one asset (watermark/fingerprint: a compact perceptual summary of the
// delivered pixels), recorded at generation or filled in later from the delivered file. It has
// its own log entry, so the log commits to it as it does to the asset; at most one per asset,
// never replaced.
struct FingerprintRecord {
  std::string asset_id;   // a recorded asset
  std::string algorithm;  // e.g. "hallmark.blockmean/1"
  Bytes value;            // the encoded fingerprint, 1..65536 bytes
  std::string source;     // "generate" or "backfill"
  std::string recorded_at;
  uint64_t log_index = kNoLogIndex;
};

// One generated image.
struct AssetRecord {
  std::string id;  // unique
  Bytes payload;   // watermark payload, 1..8 bytes, unique across the ledger
  std::string model_id;
  std::string parameters_json;  // generation parameters, stored verbatim
  std::string content_hash;     // hex SHA-256 of the delivered file
  std::string manifest_hash;    // hex SHA-256 of the C2PA manifest (may be empty)
  std::string file_name;
  std::string signer_key_id;  // may be empty when unsigned
  std::string created_at;
  uint64_t log_index = kNoLogIndex;
  // Absent for assets recorded before fingerprints, until backfilled. Not part of the asset's
  // own entry: the fingerprint is logged as an entry of its own (EncodeFingerprintEntry), so
  // the asset entries of existing ledgers keep their bytes.
  std::optional<FingerprintRecord> fingerprint;
};

struct KeyRecord {
  std::string key_id;
  std::string algorithm;  // "ed25519", "ecdsa-p256", ...
  Bytes public_key;       // raw or DER, as the algorithm defines
  std::string label;
  std::string recorded_at;
  uint64_t log_index = kNoLogIndex;
};

struct RevocationRecord {
  std::string key_id;  // must be a recorded key
  std::string reason;
  std::string revoked_at;
  uint64_t log_index = kNoLogIndex;
};

struct PolicyEvaluationRecord {
  std::string policy_sha256;
  std::string policy_name;
  std::string subject;        // what was evaluated: "asset:<id>", "model:<id>", ...
  std::string decision_json;  // stored verbatim
  std::string evaluated_at;
  uint64_t log_index = kNoLogIndex;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_LEDGER_RECORDS_H_
