// The exact bytes of a ledger log entry: the leaf data of the transparency log.
//
//   hallmark-ledger/v1 asset\n{"content_hash":"…","created_at":"…",…}
//
// A domain tag line (format version and entry kind), then one JSON object with sorted keys, no
// whitespace and UTF-8 strings. The bytes are stored verbatim beside the table rows; verify-log
// rebuilds them from the rows and compares, so a row changed behind the ledger's back no longer
// matches its leaf. The serialisation must therefore never change for version 1: a new layout
// needs a new tag.
#ifndef HALLMARK_AUDIT_LEDGER_ENTRY_CODEC_H_
#define HALLMARK_AUDIT_LEDGER_ENTRY_CODEC_H_

#include <string>
#include <string_view>

#include "audit/ledger/ledger_records.h"
#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::audit {

enum class EntryKind {
  kDataset,
  kModel,
  kAsset,
  kKey,
  kRevocation,
  kPolicyEvaluation,
  kFingerprint,  // since ledger schema 3
};

inline constexpr EntryKind kAllEntryKinds[] = {EntryKind::kDataset,    EntryKind::kModel,
                                               EntryKind::kAsset,      EntryKind::kKey,
                                               EntryKind::kRevocation, EntryKind::kPolicyEvaluation,
                                               EntryKind::kFingerprint};

// "dataset", "model", "asset", "key", "revocation", "policy-evaluation", "fingerprint".
const char* EntryKindName(EntryKind kind);
Result<EntryKind> ParseEntryKind(std::string_view name);

// The kind named by an entry's tag line; BadInput for bytes that are not a version-1 entry.
Result<EntryKind> EntryKindOf(ByteView entry);

// Strings must be valid UTF-8 (BadInput otherwise). `items_root` and `item_count` of a dataset
// are part of its entry, so the entry commits to every item. An asset's entry leaves out its
// `fingerprint`, which has an entry of its own: asset entries written before fingerprints existed
// are rebuilt byte for byte.
Result<Bytes> EncodeDatasetEntry(const DatasetRecord& r);
Result<Bytes> EncodeModelEntry(const ModelRecord& r);
Result<Bytes> EncodeAssetEntry(const AssetRecord& r);
Result<Bytes> EncodeKeyEntry(const KeyRecord& r);
Result<Bytes> EncodeRevocationEntry(const RevocationRecord& r);
Result<Bytes> EncodePolicyEvaluationEntry(const PolicyEvaluationRecord& r);
// Keys asset_id, algorithm, value (lower-case hex), source, recorded_at; not log_index.
Result<Bytes> EncodeFingerprintEntry(const FingerprintRecord& r);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_ENTRY_CODEC_H_
