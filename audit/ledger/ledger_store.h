// LedgerStore: the audit ledger's storage contract. Callers (dataset add, train, generate,
// verify, report, policy) use only this interface. Two backends implement it: a SQLite file in
// the Hallmark home (sqlite_ledger_store.h, the default) and a PostgreSQL database that many
// machines share (postgres/postgres_ledger_store.h), chosen by LedgerOptions::url.
//
// Every Record*/Append* call is one atomic transaction that stores the rows, appends one
// transparency-log entry per record (entry_codec.h; an asset's fingerprint is a record of its
// own) and a newly signed checkpoint covering them.
// When it returns OK the records are durable; when it fails nothing of it was recorded. The
// tables and the log are append-only: there is no update or delete.
#ifndef HALLMARK_AUDIT_LEDGER_LEDGER_STORE_H_
#define HALLMARK_AUDIT_LEDGER_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/entry_codec.h"
#include "audit/ledger/ledger_records.h"
#include "audit/ledger/merkle_tree.h"
#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::audit {

inline constexpr char kLedgerFileName[] = "ledger.sqlite";
inline constexpr char kLogKeyFileName[] = "log-key.pem";

// Whether `url` names a PostgreSQL ledger ("postgresql://..." or "postgres://...").
bool IsPostgresLedgerUrl(const std::string& url);

struct LedgerOptions {
  // The Hallmark home: the ledger is <home>/ledger.sqlite, the log key <home>/log-key.pem
  // (created, mode 0600, on the first write).
  std::string home;
  // When set, the ledger lives here instead of in the home: a PostgreSQL connection URL
  // (IsPostgresLedgerUrl) or the path of a SQLite ledger file. The log key still comes from
  // <home>/log-key.pem, so every machine that writes one shared ledger needs the same key.
  std::string url;
  // When set, this file is opened instead, read-only and defensively (a ledger received from
  // someone else may carry hostile triggers or views); home is then not used.
  std::string foreign_file;
  // No writes; the file must exist. A read-only open works in a folder this process cannot write
  // (a read-only mount, another user's home): with no WAL files present the file is then read
  // immutable, without the -shm file a shared read would have to create.
  bool read_only = false;
  std::string origin = kDefaultOrigin;
  int busy_timeout_ms = 10000;  // how long a writer waits for another before kBusy
  bool quick_check = true;      // PRAGMA quick_check on open
  // When > 0, caps the file at this many pages (PRAGMA max_page_count): a quota, and the way
  // tests provoke "disk full".
  int64_t max_page_count = 0;
};

struct LogEntry {
  uint64_t index = 0;
  EntryKind kind = EntryKind::kAsset;
  Bytes body;  // the exact leaf data
  Hash leaf_hash{};
};

struct StoredCheckpoint {
  uint64_t size = 0;
  Hash root{};
  std::string note;  // signed note text
};

// A table row turned back into entry bytes, for verify-log.
struct TableEntry {
  EntryKind kind = EntryKind::kAsset;
  uint64_t log_index = 0;
  Bytes body;
  std::string row;            // names the row for messages: "asset a-17"
  std::string inconsistency;  // non-empty when the row disagrees with its child rows
};

class LedgerStore {
 public:
  virtual ~LedgerStore() = default;

  // The ledger file, for messages.
  virtual const std::string& path() const = 0;

  // --- writes ------------------------------------------------------------------------------
  // Items are kept in the given order; the dataset id and items_root are the RFC 9162 root over
  // the item digests. The name must be new.
  virtual Result<DatasetRecord> RecordDataset(DatasetRecord dataset,
                                              const std::vector<DatasetItem>& items) = 0;
  // Every dataset id must be recorded already; the model id must be new.
  virtual Result<ModelRecord> RecordModel(ModelRecord model) = 0;
  // One transaction for the whole batch: all recorded, or none (a duplicate id or payload, an
  // unknown model). Returns the records with times and log indices filled in.
  //
  // An asset whose `fingerprint` is set gets a fingerprint entry right after its own, in the
  // same transaction: its asset_id is the asset's id, an empty recorded_at becomes the asset's
  // created_at and an empty source "generate". The fingerprint is validated as for
  // RecordFingerprint (kInvalidArgument), and the returned one carries its log index.
  virtual Result<std::vector<AssetRecord>> AppendAssets(std::vector<AssetRecord> assets) = 0;
  // Records the fingerprint of an asset recorded without one (backfill from the delivered file).
  // kBadInput when the asset is not recorded or already has a fingerprint (the ledger is
  // append-only: a fingerprint is never replaced); kInvalidArgument for an empty algorithm or
  // source, or a value outside 1..65536 bytes. An empty recorded_at is the current time.
  virtual Result<FingerprintRecord> RecordFingerprint(FingerprintRecord fp) = 0;
  virtual Result<KeyRecord> RecordKey(KeyRecord key) = 0;
  virtual Result<RevocationRecord> RecordRevocation(RevocationRecord revocation) = 0;
  virtual Result<PolicyEvaluationRecord> RecordPolicyEvaluation(
      PolicyEvaluationRecord evaluation) = 0;

  // --- where this machine keeps a dataset's files (a local note, not part of the log) --------
  // Replaces the folder noted earlier for the dataset, which must be recorded.
  virtual Status SetDatasetFolder(const std::string& dataset_id, const std::string& folder) = 0;
  // nullopt when no folder was noted (or the ledger predates folder notes).
  virtual Result<std::optional<std::string>> DatasetFolder(const std::string& dataset_id) = 0;

  // --- reads (nullopt when absent) -----------------------------------------------------------
  virtual Result<std::optional<DatasetRecord>> FindDataset(const std::string& id_or_name) = 0;
  virtual Result<std::vector<DatasetItem>> DatasetItems(const std::string& dataset_id) = 0;
  virtual Result<std::vector<DatasetRecord>> ListDatasets() = 0;
  virtual Result<std::optional<ModelRecord>> FindModel(const std::string& id) = 0;
  virtual Result<std::vector<ModelRecord>> ListModels() = 0;
  // Asset reads fill AssetRecord::fingerprint when one is recorded (never for a ledger whose
  // schema predates fingerprints, read as it is).
  virtual Result<std::optional<AssetRecord>> FindAsset(const std::string& id) = 0;
  virtual Result<std::optional<AssetRecord>> FindAssetByPayload(ByteView payload) = 0;
  // In log order of the assets; stops at the first error `fn` returns.
  virtual Status ForEachAsset(const std::function<Status(const AssetRecord&)>& fn) = 0;
  // Every asset's id, in no particular order: what a caller that needs only the ids (the issued
  // watermark payloads) reads, without the records' other columns (a fingerprint is 2 KB).
  virtual Status ForEachAssetId(const std::function<Status(const std::string&)>& fn) = 0;
  virtual Result<uint64_t> CountAssets() = 0;
  virtual Result<std::vector<KeyRecord>> ListKeys() = 0;
  virtual Result<std::vector<RevocationRecord>> ListRevocations() = 0;
  virtual Result<std::vector<PolicyEvaluationRecord>> ListPolicyEvaluations() = 0;

  // --- transparency log ----------------------------------------------------------------------
  virtual Result<uint64_t> TreeSize() = 0;
  virtual Result<LogEntry> Entry(uint64_t index) = 0;
  virtual Status ForEachEntry(const std::function<Status(const LogEntry&)>& fn) = 0;
  // Stored perfect subtree hashes (level >= 1) in (level, index) order.
  virtual Status ForEachStoredNode(
      const std::function<Status(int level, uint64_t index, const Hash& hash)>& fn) = 0;
  // Perfect subtrees of the stored tree, for proofs of any size up to TreeSize().
  virtual const NodeSource& Nodes() = 0;
  virtual Result<std::optional<StoredCheckpoint>> LatestCheckpoint() = 0;
  // Ascending tree size.
  virtual Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) = 0;
  // The rows of one table rebuilt into entry bytes, in log-index order.
  virtual Status ForEachTableEntry(EntryKind kind,
                                   const std::function<Status(const TableEntry&)>& fn) = 0;
  // The key the log was first signed with (nullopt for a ledger never written to).
  virtual Result<std::optional<CheckpointVerifier>> LogVerifier() = 0;

  // Runs `fn` with every read inside it seeing one snapshot of the ledger, even while other
  // processes append (verify-log and proofs need a log, its nodes and its checkpoints that agree).
  virtual Status WithSnapshot(const std::function<Status()>& fn) = 0;

  // --- migration -----------------------------------------------------------------------------
  // Copies every record, log entry and checkpoint of `source` into this ledger, which must be
  // empty (kBadInput otherwise), keeping log indices, times, note signatures and the log's key
  // and origin. One transaction: all of it or nothing. The Merkle tree is rebuilt from the
  // entries, and the copy is refused when its root differs from the one the source's latest
  // checkpoint signs. Works across backends (SQLite to PostgreSQL and back).
  virtual Status ImportFrom(LedgerStore& source) = 0;

  // --- maintenance ---------------------------------------------------------------------------
  virtual Status CheckIntegrity() = 0;  // full integrity check of the storage
  // kBadInput naming the first append-only trigger that is missing, disabled or altered. A raw
  // edit starts by removing one, so verify-log reports it even before any row has changed. Reads
  // only the schema catalogue.
  virtual Status CheckAppendOnlyGuards() = 0;
  // A consistent snapshot in a new file (refuses to overwrite).
  virtual Status ExportSnapshot(const std::string& out_path) = 0;
};

// Opens (creating when writable and missing) the ledger described by `options`.
Result<std::unique_ptr<LedgerStore>> OpenLedger(const LedgerOptions& options);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_LEDGER_STORE_H_
