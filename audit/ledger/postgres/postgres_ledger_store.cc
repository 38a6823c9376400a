#include "audit/ledger/postgres/postgres_ledger_store.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "audit/ledger/merkle_tree.h"
#include "audit/ledger/postgres/pg_connection.h"
#include "audit/ledger/postgres/postgres_schema.h"
#include "audit/ledger/record_checks.h"
#include "base/hex.h"
#include "base/utc_time.h"

namespace hallmark::audit {
namespace {

// As in the SQLite store: subtrees of 16 leaves and more are stored; smaller ones are recomputed
// from at most 16 leaf hashes. Both backends store the same nodes, so a migrated ledger's
// tree_nodes match the source's.
constexpr int kMinStoredLevel = 4;
// Rows per FETCH from a cursor, and rows per INSERT while importing: large enough to amortise
// the round trip, small enough that a million-row table never sits in memory at once.
constexpr int kFetchRows = 10000;
constexpr size_t kImportBatchRows = 10000;

std::string UtcNow() { return NowUtc(UtcFormat::kRfc3339); }

ByteView HashView(const Hash& h) { return ByteView(h.data(), h.size()); }

// The key value a unique or foreign-key violation's detail names:
// "Key (payload)=(\x0102) already exists." gives "\x0102".
std::string DetailKeyValue(const std::string& detail) {
  size_t open = detail.find(")=(");
  if (open == std::string::npos) return "";
  size_t close = detail.rfind(')');
  if (close == std::string::npos || close < open + 3) return "";
  return detail.substr(open + 3, close - open - 3);
}

PgArray::Type ArrayType(const std::string& type) {
  if (type == "bigint") return PgArray::Type::kBigint;
  if (type == "integer") return PgArray::Type::kInteger;
  if (type == "bytea") return PgArray::Type::kBytea;
  return PgArray::Type::kText;
}

// Rows for one table, gathered as one array per column and inserted with a single
// INSERT ... SELECT FROM unnest(...): one round trip and one statement for a whole batch.
class RowBatch {
 public:
  struct Column {
    const char* name;
    const char* type;  // element type: bigint, integer, text, bytea
  };
  RowBatch(const char* table, std::vector<Column> columns) : columns_(std::move(columns)) {
    for (const Column& c : columns_) arrays_.emplace_back(ArrayType(c.type));
    sql_ = std::string("INSERT INTO hallmark.") + table + "(";
    std::string select = " SELECT * FROM unnest(";
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (i) {
        sql_ += ", ";
        select += ", ";
      }
      sql_ += columns_[i].name;
      select += "$" + std::to_string(i + 1) + "::" + columns_[i].type + "[]";
    }
    sql_ += ")" + select + ")";
  }

  PgArray& operator[](size_t column) { return arrays_[column]; }
  size_t rows() const { return arrays_[0].size(); }

  // Inserts the gathered rows (nothing when there are none) and empties the batch.
  Status Flush(PgConnection& db) {
    if (rows() == 0) return Status::Ok();
    PgParams params;
    for (const PgArray& a : arrays_) params.Array(a);
    Status st = db.ExecParams(sql_, params).status();
    Clear();
    return st;
  }
  void Clear() {
    for (PgArray& a : arrays_) a.Clear();
  }

 private:
  std::vector<Column> columns_;
  std::vector<PgArray> arrays_;
  std::string sql_;
};

RowBatch EntriesBatch() {
  return RowBatch("entries",
                  {{"idx", "bigint"}, {"kind", "text"}, {"body", "bytea"}, {"leaf_hash", "bytea"}});
}
RowBatch NodesBatch() {
  return RowBatch("tree_nodes", {{"level", "integer"}, {"idx", "bigint"}, {"hash", "bytea"}});
}
RowBatch AssetsBatch() {
  return RowBatch("assets", {{"log_index", "bigint"},
                             {"id", "text"},
                             {"payload", "bytea"},
                             {"model_id", "text"},
                             {"parameters", "text"},
                             {"content_hash", "text"},
                             {"manifest_hash", "text"},
                             {"file_name", "text"},
                             {"signer_key_id", "text"},
                             {"created_at", "text"}});
}
RowBatch FingerprintsBatch() {
  return RowBatch("fingerprints", {{"log_index", "bigint"},
                                   {"asset_id", "text"},
                                   {"algorithm", "text"},
                                   {"value", "bytea"},
                                   {"source", "text"},
                                   {"recorded_at", "text"}});
}
RowBatch DatasetItemsBatch() {
  return RowBatch("dataset_items", {{"dataset_id", "text"},
                                    {"position", "bigint"},
                                    {"sha256", "text"},
                                    {"path", "text"},
                                    {"size", "bigint"},
                                    {"width", "integer"},
                                    {"height", "integer"}});
}
RowBatch ModelDatasetsBatch() {
  return RowBatch("model_datasets",
                  {{"model_id", "text"}, {"position", "bigint"}, {"dataset_id", "text"}});
}
RowBatch CheckpointsBatch() {
  return RowBatch("checkpoints",
                  {{"tree_size", "bigint"}, {"root_hash", "bytea"}, {"note", "text"}});
}

void AddAssetRow(RowBatch& b, const AssetRecord& a) {
  b[0].Int(static_cast<int64_t>(a.log_index));
  b[1].Text(a.id);
  b[2].Blob(a.payload);
  b[3].Text(a.model_id);
  b[4].Text(a.parameters_json);
  b[5].Text(a.content_hash);
  b[6].Text(a.manifest_hash);
  b[7].Text(a.file_name);
  b[8].Text(a.signer_key_id);
  b[9].Text(a.created_at);
}

void AddFingerprintRow(RowBatch& b, const FingerprintRecord& f) {
  b[0].Int(static_cast<int64_t>(f.log_index));
  b[1].Text(f.asset_id);
  b[2].Text(f.algorithm);
  b[3].Blob(f.value);
  b[4].Text(f.source);
  b[5].Text(f.recorded_at);
}

void AddDatasetItems(RowBatch& b, const std::string& dataset_id,
                     const std::vector<DatasetItem>& items) {
  int64_t position = 0;
  for (const DatasetItem& item : items) {
    b[0].Text(dataset_id);
    b[1].Int(position++);
    b[2].Text(item.sha256);
    b[3].Text(item.path);
    b[4].Int(static_cast<int64_t>(item.size));
    b[5].Int(item.width);
    b[6].Int(item.height);
  }
}

void AddModelDatasets(RowBatch& b, const ModelRecord& m) {
  int64_t position = 0;
  for (const std::string& ds : m.dataset_ids) {
    b[0].Text(m.id);
    b[1].Int(position++);
    b[2].Text(ds);
  }
}

// --- row decoders (the column orders of the SELECTs below, as in the SQLite store) ----------

constexpr char kDatasetColumns[] =
    "SELECT id, name, source, licence, attribution, item_count, items_root, recorded_at, "
    "log_index FROM hallmark.datasets ";
constexpr char kModelColumns[] =
    "SELECT id, architecture, hyperparameters, training_run, recorded_at, log_index "
    "FROM hallmark.models ";
constexpr char kAssetColumns[] =
    "SELECT a.id, a.payload, a.model_id, a.parameters, a.content_hash, a.manifest_hash, "
    "a.file_name, a.signer_key_id, a.created_at, a.log_index FROM hallmark.assets a ";
constexpr char kAssetWithFingerprintColumns[] =
    "SELECT a.id, a.payload, a.model_id, a.parameters, a.content_hash, a.manifest_hash, "
    "a.file_name, a.signer_key_id, a.created_at, a.log_index, f.algorithm, f.value, f.source, "
    "f.recorded_at, f.log_index FROM hallmark.assets a "
    "LEFT JOIN hallmark.fingerprints f ON f.asset_id = a.id ";
constexpr char kFingerprintColumns[] =
    "SELECT f.asset_id, f.algorithm, f.value, f.source, f.recorded_at, f.log_index, a.log_index "
    "FROM hallmark.fingerprints f LEFT JOIN hallmark.assets a ON a.id = f.asset_id ";
constexpr char kCheckpointColumns[] =
    "SELECT tree_size, root_hash, note FROM hallmark.checkpoints ";
constexpr char kKeyColumns[] =
    "SELECT key_id, algorithm, public_key, label, recorded_at, log_index FROM hallmark.keys ";

DatasetRecord DatasetFromRow(const PgResult& r, int i) {
  DatasetRecord d;
  d.id = r.Text(i, 0);
  d.name = r.Text(i, 1);
  d.source = r.Text(i, 2);
  d.licence = r.Text(i, 3);
  d.attribution = r.Text(i, 4);
  d.item_count = static_cast<uint64_t>(r.Int(i, 5));
  d.items_root = r.Text(i, 6);
  d.recorded_at = r.Text(i, 7);
  d.log_index = static_cast<uint64_t>(r.Int(i, 8));
  return d;
}

AssetRecord AssetFromRow(const PgResult& r, int i) {
  AssetRecord a;
  a.id = r.Text(i, 0);
  a.payload = r.Blob(i, 1);
  a.model_id = r.Text(i, 2);
  a.parameters_json = r.Text(i, 3);
  a.content_hash = r.Text(i, 4);
  a.manifest_hash = r.Text(i, 5);
  a.file_name = r.Text(i, 6);
  a.signer_key_id = r.Text(i, 7);
  a.created_at = r.Text(i, 8);
  a.log_index = static_cast<uint64_t>(r.Int(i, 9));
  return a;
}

FingerprintRecord FingerprintFromRow(const PgResult& r, int i, const std::string& asset_id,
                                     int first) {
  return {asset_id,
          r.Text(i, first),
          r.Blob(i, first + 1),
          r.Text(i, first + 2),
          r.Text(i, first + 3),
          static_cast<uint64_t>(r.Int(i, first + 4))};
}

AssetRecord AssetWithFingerprintFromRow(const PgResult& r, int i) {
  AssetRecord a = AssetFromRow(r, i);
  if (r.columns() > 10 && !r.IsNull(i, 14)) a.fingerprint = FingerprintFromRow(r, i, a.id, 10);
  return a;
}

KeyRecord KeyFromRow(const PgResult& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Blob(i, 2),
          r.Text(i, 3), r.Text(i, 4), static_cast<uint64_t>(r.Int(i, 5))};
}

RevocationRecord RevocationFromRow(const PgResult& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2), static_cast<uint64_t>(r.Int(i, 3))};
}

PolicyEvaluationRecord PolicyEvaluationFromRow(const PgResult& r, int i) {
  return {r.Text(i, 0), r.Text(i, 1), r.Text(i, 2),
          r.Text(i, 3), r.Text(i, 4), static_cast<uint64_t>(r.Int(i, 5))};
}

StoredCheckpoint CheckpointFromRow(const PgResult& r, int i) {
  return StoredCheckpoint{static_cast<uint64_t>(r.Int(i, 0)), ToHash(r.Blob(i, 1)), r.Text(i, 2)};
}

class PostgresLedgerStore;

class StoredNodes : public NodeSource {
 public:
  explicit StoredNodes(PostgresLedgerStore* store) : store_(store) {}
  Result<Hash> PerfectNode(int level, uint64_t index) const override;

 private:
  PostgresLedgerStore* store_;
};

class PostgresLedgerStore : public LedgerStore {
 public:
  PostgresLedgerStore(PgConnection db, LedgerOptions options,
                      std::shared_ptr<CheckpointSigner> signer)
      : db_(std::move(db)),
        options_(std::move(options)),
        signer_(std::move(signer)),
        nodes_(this),
        path_(db_.redacted_url()),
        entries_(EntriesBatch()),
        new_nodes_(NodesBatch()) {}

  const std::string& path() const override { return path_; }

  Result<DatasetRecord> RecordDataset(DatasetRecord d,
                                      const std::vector<DatasetItem>& items) override;
  Result<ModelRecord> RecordModel(ModelRecord m) override;
  Result<std::vector<AssetRecord>> AppendAssets(std::vector<AssetRecord> assets) override;
  Result<FingerprintRecord> RecordFingerprint(FingerprintRecord fp) override;
  Result<KeyRecord> RecordKey(KeyRecord k) override;
  Result<RevocationRecord> RecordRevocation(RevocationRecord r) override;
  Result<PolicyEvaluationRecord> RecordPolicyEvaluation(PolicyEvaluationRecord p) override;

  Status SetDatasetFolder(const std::string& dataset_id, const std::string& folder) override;
  Result<std::optional<std::string>> DatasetFolder(const std::string& dataset_id) override;
  Result<std::optional<DatasetRecord>> FindDataset(const std::string& id_or_name) override;
  Result<std::vector<DatasetItem>> DatasetItems(const std::string& dataset_id) override;
  Result<std::vector<DatasetRecord>> ListDatasets() override;
  Result<std::optional<ModelRecord>> FindModel(const std::string& id) override;
  Result<std::vector<ModelRecord>> ListModels() override;
  Result<std::optional<AssetRecord>> FindAsset(const std::string& id) override;
  Result<std::optional<AssetRecord>> FindAssetByPayload(ByteView payload) override;
  Status ForEachAsset(const std::function<Status(const AssetRecord&)>& fn) override;
  Status ForEachAssetId(const std::function<Status(const std::string&)>& fn) override;
  Result<uint64_t> CountAssets() override;
  Result<std::vector<KeyRecord>> ListKeys() override;
  Result<std::vector<RevocationRecord>> ListRevocations() override;
  Result<std::vector<PolicyEvaluationRecord>> ListPolicyEvaluations() override;

  Result<uint64_t> TreeSize() override;
  Result<LogEntry> Entry(uint64_t index) override;
  Status ForEachEntry(const std::function<Status(const LogEntry&)>& fn) override;
  Status ForEachStoredNode(const std::function<Status(int, uint64_t, const Hash&)>& fn) override;
  const NodeSource& Nodes() override { return nodes_; }
  Result<std::optional<StoredCheckpoint>> LatestCheckpoint() override;
  Status ForEachCheckpoint(const std::function<Status(const StoredCheckpoint&)>& fn) override;
  Status ForEachTableEntry(EntryKind kind,
                           const std::function<Status(const TableEntry&)>& fn) override;
  Result<std::optional<CheckpointVerifier>> LogVerifier() override;

  Status WithSnapshot(const std::function<Status()>& fn) override;
  Status ImportFrom(LedgerStore& source) override;
  Status CheckIntegrity() override;
  Status CheckAppendOnlyGuards() override { return CheckAppendOnlyTriggers(db_); }
  Status ExportSnapshot(const std::string& out_path) override;

  Result<Hash> ReadNode(int level, uint64_t index);

 private:
  Result<PgResult> Query(const std::string& sql, const PgParams& params = PgParams()) {
    return params.size() == 0 ? db_.Exec(sql) : db_.ExecParams(sql, params);
  }
  Result<bool> HasRow(const std::string& sql, const std::string& key) {
    HM_ASSIGN_OR_RETURN(PgResult r, Query(sql, PgParams().Text(key)));
    return r.rows() > 0;
  }
  // Runs `sql` (no parameters) through a server-side cursor, `kFetchRows` rows at a time, so a
  // table of any size streams through `fn(result, row)`. Inside a snapshot or transaction the
  // cursor shares it; otherwise one read-only snapshot covers the whole walk.
  Status ForEachRow(const std::string& sql, const std::function<Status(const PgResult&, int)>& fn);

  // Opens a write transaction: the advisory lock that serialises writers, then the log state.
  Status WriteTransaction(const std::function<Status()>& body);
  // Runs `body` in a transaction under the advisory lock and commits it; on failure rolls back.
  // Either way it drops the log state and the staged rows, which belong to that transaction.
  Status LockedTransaction(const std::function<Status()>& body);
  Status Lock();
  Status LoadLogState();
  Result<std::vector<Hash>> BorderNodes(uint64_t size);
  // Stages one log entry (and the tree nodes it completes) for FlushEntries; returns its index.
  Result<uint64_t> AppendEntry(EntryKind kind, const Bytes& body);
  Result<uint64_t> AppendEntryHashed(EntryKind kind, const Bytes& body, const Hash& leaf);
  // Inserts the staged entries and nodes: before any row that refers to them.
  Status FlushEntries();
  Status SignCheckpoint();
  // The log's identity, fixed by its first write or by an import.
  Status InsertLogMeta(ByteView public_key, const std::string& origin);
  // One record's rows, shared by the Record* methods and ImportLocked, so that a migrated
  // record is stored exactly as one recorded here. Its log entry must be flushed first.
  Status InsertDatasetRows(const DatasetRecord& d, const std::vector<DatasetItem>& items);
  Status InsertModelRows(const ModelRecord& m);
  Status InsertKeyRow(const KeyRecord& k);
  Status InsertRevocationRow(const RevocationRecord& r);
  Status InsertPolicyEvaluationRow(const PolicyEvaluationRecord& p);
  Status InsertFingerprint(FingerprintRecord& fp);
  Status AssetInsertError(const std::vector<AssetRecord>& assets, Status cause);
  Result<std::vector<std::string>> ModelDatasets(const std::string& model_id);
  Result<ModelRecord> ModelFromRow(const PgResult& r, int i);
  Result<LogEntry> EntryFromRow(const PgResult& r, int i) const;
  Status BusyOr(Status st);
  // ImportFrom's work inside its transaction.
  Status ImportLocked(LedgerStore& source);

  PgConnection db_;
  LedgerOptions options_;
  std::shared_ptr<CheckpointSigner> signer_;
  StoredNodes nodes_;
  std::string path_;
  std::optional<CompactRange> range_;  // valid inside a write transaction
  RowBatch entries_;                   // staged by AppendEntry
  RowBatch new_nodes_;
  int cursors_ = 0;  // names cursors uniquely, so that walks may nest
};

Result<Hash> StoredNodes::PerfectNode(int level, uint64_t index) const {
  return store_->ReadNode(level, index);
}

// --- transactions and the log --------------------------------------------------------------

Status PostgresLedgerStore::BusyOr(Status st) {
  if (!st.ok() && db_.last_sqlstate() == "55P03") {
    return Status::Busy("ledger is busy: " + path_ + ": another writer held it for more than " +
                        std::to_string(options_.busy_timeout_ms) + " ms");
  }
  return st;
}

Status PostgresLedgerStore::Lock() {
  return BusyOr(
      db_.Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kLedgerAdvisoryLockKey) + ")")
          .status());
}

Status PostgresLedgerStore::WriteTransaction(const std::function<Status()>& body) {
  if (!signer_) return Status::InvalidArgument(path() + ": the ledger is open read-only");
  if (db_.InTransaction()) {
    return Status::InvalidArgument(path() + ": cannot write inside a read snapshot");
  }
  return LockedTransaction([&]() -> Status {
    HM_RETURN_IF_ERROR(LoadLogState());
    HM_RETURN_IF_ERROR(body());
    HM_RETURN_IF_ERROR(FlushEntries());
    return SignCheckpoint();
  });
}

Status PostgresLedgerStore::LockedTransaction(const std::function<Status()>& body) {
  HM_RETURN_IF_ERROR(db_.Exec("BEGIN").status());
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(Lock());
    HM_RETURN_IF_ERROR(body());
    return db_.Commit();
  }();
  range_.reset();
  entries_.Clear();
  new_nodes_.Clear();
  if (!st.ok()) db_.Rollback();
  return st;
}

Status PostgresLedgerStore::LoadLogState() {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      db_.Exec("SELECT coalesce(max(idx) + 1, 0) FROM hallmark.entries"));
  auto size = static_cast<uint64_t>(r.Int(0, 0));
  HM_ASSIGN_OR_RETURN(std::vector<Hash> nodes, BorderNodes(size));
  HM_ASSIGN_OR_RETURN(CompactRange range, CompactRange::FromNodes(size, std::move(nodes)));
  range_ = std::move(range);

  // The first write fixes the log's identity; later writers must use the same key and origin.
  HM_ASSIGN_OR_RETURN(PgResult meta, db_.Exec("SELECT key, value FROM hallmark.log_meta"));
  std::optional<Bytes> key, origin;
  for (int i = 0; i < meta.rows(); ++i) {
    if (meta.Text(i, 0) == "public_key") key = meta.Blob(i, 1);
    if (meta.Text(i, 0) == "origin") origin = meta.Blob(i, 1);
  }
  if (!key) return InsertLogMeta(signer_->public_key(), signer_->name());
  if (*key != signer_->public_key()) {
    return Status::BadInput(path() + ": the log key " + options_.home + "/" + kLogKeyFileName +
                            " is not the key this ledger was signed with");
  }
  std::string name = origin ? std::string(origin->begin(), origin->end()) : "";
  if (name != signer_->name()) {
    return Status::InvalidArgument(path() + ": this ledger's origin is '" + name + "', not '" +
                                   signer_->name() + "'");
  }
  return Status::Ok();
}

// The hashes at CompactRange::Positions(size) in two queries, whatever the size: the stored
// nodes (level >= kMinStoredLevel) by key, and the last size % 16 leaf hashes, from which the
// smaller subtrees are computed. Every write transaction starts with this, under the lock.
Result<std::vector<Hash>> PostgresLedgerStore::BorderNodes(uint64_t size) {
  std::vector<CompactRange::Position> positions = CompactRange::Positions(size);
  const uint64_t tail = size & ~((uint64_t{1} << kMinStoredLevel) - 1);
  std::string keys;
  for (const auto& pos : positions) {
    if (pos.level < kMinStoredLevel) continue;
    keys += std::string(keys.empty() ? "" : ", ") + "(" + std::to_string(pos.level) + ", " +
            std::to_string(pos.index) + ")";
  }
  std::map<std::pair<int, uint64_t>, Bytes> stored;
  if (!keys.empty()) {
    HM_ASSIGN_OR_RETURN(PgResult r, db_.Exec("SELECT level, idx, hash FROM hallmark.tree_nodes "
                                             "WHERE (level, idx) IN (VALUES " +
                                             keys + ")"));
    for (int i = 0; i < r.rows(); ++i) {
      stored[{static_cast<int>(r.Int(i, 0)), static_cast<uint64_t>(r.Int(i, 1))}] = r.Blob(i, 2);
    }
  }
  std::vector<Hash> leaves;
  if (tail < size) {
    HM_ASSIGN_OR_RETURN(PgResult r, db_.Exec("SELECT idx, leaf_hash FROM hallmark.entries WHERE "
                                             "idx >= " +
                                             std::to_string(tail) + " ORDER BY idx"));
    for (int i = 0; i < r.rows(); ++i) {
      Bytes leaf = r.Blob(i, 1);
      if (static_cast<uint64_t>(r.Int(i, 0)) != tail + leaves.size() || leaf.size() != 32) break;
      leaves.push_back(ToHash(leaf));
    }
  }
  std::vector<Hash> nodes;
  for (const auto& pos : positions) {
    if (pos.level >= kMinStoredLevel) {
      auto it = stored.find({pos.level, pos.index});
      if (it == stored.end() || it->second.size() != 32) {
        return Status::BadInput(path() + ": Merkle tree node (level " + std::to_string(pos.level) +
                                ", index " + std::to_string(pos.index) + ") is missing or damaged");
      }
      nodes.push_back(ToHash(it->second));
      continue;
    }
    uint64_t first = (pos.index << pos.level) - tail, count = uint64_t{1} << pos.level;
    if (first + count > leaves.size()) {
      return Status::BadInput(path() + ": log entries " + std::to_string(tail + first) + " to " +
                              std::to_string(tail + first + count - 1) + " are missing or damaged");
    }
    MemoryMerkleTree subtree;
    for (uint64_t i = first; i < first + count; ++i) subtree.AppendLeafHash(leaves[i]);
    nodes.push_back(pos.level == 0 ? leaves[first] : subtree.Root());
  }
  return nodes;
}

Result<uint64_t> PostgresLedgerStore::AppendEntry(EntryKind kind, const Bytes& body) {
  return AppendEntryHashed(kind, body, HashLeaf(body));
}

Result<uint64_t> PostgresLedgerStore::AppendEntryHashed(EntryKind kind, const Bytes& body,
                                                        const Hash& leaf) {
  uint64_t index = range_->size();
  entries_[0].Int(static_cast<int64_t>(index));
  entries_[1].Text(EntryKindName(kind));
  entries_[2].Blob(body);
  entries_[3].Blob(HashView(leaf));
  range_->Append(leaf, [&](int level, uint64_t idx, const Hash& h) {
    if (level < kMinStoredLevel) return;
    new_nodes_[0].Int(level);
    new_nodes_[1].Int(static_cast<int64_t>(idx));
    new_nodes_[2].Blob(HashView(h));
  });
  return index;
}

Status PostgresLedgerStore::FlushEntries() {
  HM_RETURN_IF_ERROR(entries_.Flush(db_));
  return new_nodes_.Flush(db_);
}

Status PostgresLedgerStore::SignCheckpoint() {
  Checkpoint cp{signer_->name(), range_->size(), range_->Root()};
  HM_ASSIGN_OR_RETURN(std::string note, signer_->Sign(cp));
  return db_
      .ExecParams(
          "INSERT INTO hallmark.checkpoints(tree_size, root_hash, note) "
          "VALUES ($1, $2, $3)",
          PgParams().Int(static_cast<int64_t>(cp.size)).Blob(HashView(cp.root)).Text(note))
      .status();
}

Status PostgresLedgerStore::InsertLogMeta(ByteView public_key, const std::string& origin) {
  return db_
      .ExecParams(
          "INSERT INTO hallmark.log_meta(key, value) VALUES ('public_key', $1), "
          "('origin', $2)",
          PgParams().Blob(public_key).Blob(ByteView(origin)))
      .status();
}

Result<Hash> PostgresLedgerStore::ReadNode(int level, uint64_t index) {
  if (level > 0 && level < kMinStoredLevel) {
    uint64_t first = index << level, count = uint64_t{1} << level;
    HM_ASSIGN_OR_RETURN(
        PgResult r,
        Query(
            "SELECT leaf_hash FROM hallmark.entries WHERE idx >= $1 AND idx < $2 "
            "ORDER BY idx",
            PgParams().Int(static_cast<int64_t>(first)).Int(static_cast<int64_t>(first + count))));
    MemoryMerkleTree subtree;
    for (int i = 0; i < r.rows(); ++i) {
      Bytes leaf = r.Blob(i, 0);
      if (leaf.size() != 32) break;
      subtree.AppendLeafHash(ToHash(leaf));
    }
    if (subtree.size() != count) {
      return Status::BadInput(path() + ": log entries " + std::to_string(first) + " to " +
                              std::to_string(first + count - 1) + " are missing or damaged");
    }
    return subtree.Root();
  }
  Result<PgResult> r =
      level == 0 ? Query("SELECT leaf_hash FROM hallmark.entries WHERE idx = $1",
                         PgParams().Int(static_cast<int64_t>(index)))
                 : Query("SELECT hash FROM hallmark.tree_nodes WHERE level = $1 AND idx = $2",
                         PgParams().Int(level).Int(static_cast<int64_t>(index)));
  if (!r.ok()) return r.status();
  Bytes b = r->rows() > 0 ? r->Blob(0, 0) : Bytes();
  if (b.size() != 32) {
    return Status::BadInput(path() + ": Merkle tree node (level " + std::to_string(level) +
                            ", index " + std::to_string(index) + ") is missing or damaged");
  }
  return ToHash(b);
}

// --- writes --------------------------------------------------------------------------------

Result<DatasetRecord> PostgresLedgerStore::RecordDataset(DatasetRecord d,
                                                         const std::vector<DatasetItem>& items) {
  if (items.empty()) return Status::InvalidArgument("dataset '" + d.name + "' has no items");
  if (d.name.empty()) return Status::InvalidArgument("a dataset needs a name");
  HM_ASSIGN_OR_RETURN(d.items_root, ItemsRoot(items));
  d.id = d.items_root;
  d.item_count = items.size();
  if (d.recorded_at.empty()) d.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(PgResult dup,
                        Query("SELECT name FROM hallmark.datasets WHERE id = $1 OR name = $2",
                              PgParams().Text(d.id).Text(d.name)));
    if (dup.rows() > 0) {
      return Status::BadInput("dataset '" + d.name + "': already recorded as '" + dup.Text(0, 0) +
                              "' (same name or same items)");
    }
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeDatasetEntry(d));
    HM_ASSIGN_OR_RETURN(d.log_index, AppendEntry(EntryKind::kDataset, body));
    HM_RETURN_IF_ERROR(FlushEntries());
    return InsertDatasetRows(d, items);
  });
  if (!st.ok()) return st;
  return d;
}

Status PostgresLedgerStore::InsertDatasetRows(const DatasetRecord& d,
                                              const std::vector<DatasetItem>& items) {
  HM_RETURN_IF_ERROR(Query("INSERT INTO hallmark.datasets(id, name, source, licence, "
                           "attribution, item_count, items_root, recorded_at, log_index) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                           PgParams()
                               .Text(d.id)
                               .Text(d.name)
                               .Text(d.source)
                               .Text(d.licence)
                               .Text(d.attribution)
                               .Int(static_cast<int64_t>(d.item_count))
                               .Text(d.items_root)
                               .Text(d.recorded_at)
                               .Int(static_cast<int64_t>(d.log_index)))
                         .status());
  RowBatch rows = DatasetItemsBatch();
  AddDatasetItems(rows, d.id, items);
  return rows.Flush(db_);
}

Status PostgresLedgerStore::SetDatasetFolder(const std::string& dataset_id,
                                             const std::string& folder) {
  if (!signer_) return Status::InvalidArgument(path() + ": the ledger is open read-only");
  return Query(
             "INSERT INTO hallmark.dataset_locations(dataset_id, folder, updated_at) "
             "VALUES ($1, $2, $3) ON CONFLICT (dataset_id) DO UPDATE SET "
             "folder = excluded.folder, updated_at = excluded.updated_at",
             PgParams().Text(dataset_id).Text(folder).Text(UtcNow()))
      .status();
}

Result<std::optional<std::string>> PostgresLedgerStore::DatasetFolder(
    const std::string& dataset_id) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query("SELECT folder FROM hallmark.dataset_locations WHERE dataset_id = $1",
                            PgParams().Text(dataset_id)));
  if (r.rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r.Text(0, 0));
}

Result<ModelRecord> PostgresLedgerStore::RecordModel(ModelRecord m) {
  if (!IsSha256Hex(m.id)) {
    return Status::InvalidArgument("model id '" + m.id +
                                   "' must be the checkpoint's SHA-256 (64 lower-case hex digits)");
  }
  if (m.recorded_at.empty()) m.recorded_at = UtcNow();
  if (m.hyperparameters_json.empty()) m.hyperparameters_json = "{}";
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists, HasRow("SELECT 1 FROM hallmark.models WHERE id = $1", m.id));
    if (exists) return Status::BadInput("model " + m.id + " is already recorded");
    for (const std::string& ds : m.dataset_ids) {
      HM_ASSIGN_OR_RETURN(bool found, HasRow("SELECT 1 FROM hallmark.datasets WHERE id = $1", ds));
      if (!found) return Status::NotFound("model " + m.id + ": dataset " + ds + " is not recorded");
    }
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeModelEntry(m));
    HM_ASSIGN_OR_RETURN(m.log_index, AppendEntry(EntryKind::kModel, body));
    HM_RETURN_IF_ERROR(FlushEntries());
    return InsertModelRows(m);
  });
  if (!st.ok()) return st;
  return m;
}

Status PostgresLedgerStore::InsertModelRows(const ModelRecord& m) {
  HM_RETURN_IF_ERROR(Query("INSERT INTO hallmark.models(id, architecture, hyperparameters, "
                           "training_run, recorded_at, log_index) "
                           "VALUES ($1, $2, $3, $4, $5, $6)",
                           PgParams()
                               .Text(m.id)
                               .Text(m.architecture)
                               .Text(m.hyperparameters_json)
                               .Text(m.training_run)
                               .Text(m.recorded_at)
                               .Int(static_cast<int64_t>(m.log_index)))
                         .status());
  RowBatch rows = ModelDatasetsBatch();
  AddModelDatasets(rows, m);
  return rows.Flush(db_);
}

// A failed batch INSERT into assets names the offending key in its detail line; the message
// names the asset, as the SQLite store's row-by-row inserts do. Of two assets in the batch with
// the same key, the second is the one refused.
Status PostgresLedgerStore::AssetInsertError(const std::vector<AssetRecord>& assets, Status cause) {
  const std::string constraint = db_.last_constraint();
  const std::string value = DetailKeyValue(db_.last_detail());
  auto culprit = [&](const auto& matches) -> const AssetRecord* {
    const AssetRecord* first = nullptr;
    for (const AssetRecord& a : assets) {
      if (!matches(a)) continue;
      if (first) return &a;
      first = &a;
    }
    return first;
  };
  if (constraint == "assets_payload_unique") {
    const AssetRecord* a = culprit([&](const AssetRecord& r) {
      return value.size() > 2 && value.compare(0, 2, "\\x") == 0 &&
             HexEncode(r.payload) == value.substr(2);
    });
    if (a) {
      return Status::BadInput("asset " + a->id + ": watermark payload " + HexEncode(a->payload) +
                              " is already used by another asset");
    }
    return Status::BadInput(path() +
                            ": a watermark payload of the batch is already used by "
                            "another asset (" +
                            cause.message() + ")");
  }
  if (constraint == "assets_id_unique") {
    const AssetRecord* a = culprit([&](const AssetRecord& r) { return r.id == value; });
    return Status::BadInput("asset " + (a ? a->id : value) + " is already recorded");
  }
  if (constraint == "assets_model_fk") {
    const AssetRecord* a = culprit([&](const AssetRecord& r) { return r.model_id == value; });
    if (a) {
      return Status::NotFound("asset " + a->id + ": model " + a->model_id + " is not recorded");
    }
    return Status::NotFound(path() + ": model " + value + " is not recorded");
  }
  return cause;
}

Result<std::vector<AssetRecord>> PostgresLedgerStore::AppendAssets(
    std::vector<AssetRecord> assets) {
  if (assets.empty()) return assets;
  std::string now = UtcNow();
  HM_RETURN_IF_ERROR(PrepareAssets(assets, now));
  // Encoded before the lock is taken: the entry bytes do not depend on the log index.
  std::vector<Bytes> bodies, fp_bodies;
  bodies.reserve(assets.size());
  for (AssetRecord& a : assets) {
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeAssetEntry(a));
    bodies.push_back(std::move(body));
    if (a.fingerprint) {
      HM_ASSIGN_OR_RETURN(Bytes fp_body, EncodeFingerprintEntry(*a.fingerprint));
      fp_bodies.push_back(std::move(fp_body));
    }
  }
  Status st = WriteTransaction([&]() -> Status {
    RowBatch rows = AssetsBatch();
    RowBatch fps = FingerprintsBatch();
    size_t next_fp = 0;
    for (size_t i = 0; i < assets.size(); ++i) {
      AssetRecord& a = assets[i];
      HM_ASSIGN_OR_RETURN(a.log_index, AppendEntry(EntryKind::kAsset, bodies[i]));
      AddAssetRow(rows, a);
      // Right after its asset's entry: one checkpoint covers both, and a fingerprint never
      // precedes its asset in the log (verify-log relies on it).
      if (a.fingerprint) {
        HM_ASSIGN_OR_RETURN(a.fingerprint->log_index,
                            AppendEntry(EntryKind::kFingerprint, fp_bodies[next_fp++]));
        AddFingerprintRow(fps, *a.fingerprint);
      }
    }
    HM_RETURN_IF_ERROR(FlushEntries());
    Status s = rows.Flush(db_);
    if (!s.ok()) return AssetInsertError(assets, s);
    return fps.Flush(db_);
  });
  if (!st.ok()) return st;
  return assets;
}

Status PostgresLedgerStore::InsertFingerprint(FingerprintRecord& fp) {
  HM_ASSIGN_OR_RETURN(Bytes body, EncodeFingerprintEntry(fp));
  HM_ASSIGN_OR_RETURN(fp.log_index, AppendEntry(EntryKind::kFingerprint, body));
  HM_RETURN_IF_ERROR(FlushEntries());
  RowBatch rows = FingerprintsBatch();
  AddFingerprintRow(rows, fp);
  return rows.Flush(db_);
}

Result<FingerprintRecord> PostgresLedgerStore::RecordFingerprint(FingerprintRecord fp) {
  if (fp.asset_id.empty()) return Status::InvalidArgument("a fingerprint needs an asset id");
  HM_RETURN_IF_ERROR(ValidateFingerprint(fp));
  if (fp.recorded_at.empty()) fp.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    // Both checks run under the advisory lock, so two backfills of one asset cannot both pass.
    HM_ASSIGN_OR_RETURN(bool asset,
                        HasRow("SELECT 1 FROM hallmark.assets WHERE id = $1", fp.asset_id));
    if (!asset) {
      return Status::BadInput("asset " + fp.asset_id +
                              " is not recorded: there is nothing to fingerprint");
    }
    HM_ASSIGN_OR_RETURN(PgResult have,
                        Query("SELECT log_index FROM hallmark.fingerprints WHERE asset_id = $1",
                              PgParams().Text(fp.asset_id)));
    if (have.rows() > 0) {
      return Status::BadInput("asset " + fp.asset_id + " already has a fingerprint (log entry " +
                              std::to_string(have.Int(0, 0)) +
                              "); the ledger is append-only and never replaces one");
    }
    return InsertFingerprint(fp);
  });
  if (!st.ok()) return st;
  return fp;
}

Result<KeyRecord> PostgresLedgerStore::RecordKey(KeyRecord k) {
  if (k.key_id.empty()) return Status::InvalidArgument("a key needs an id");
  if (k.recorded_at.empty()) k.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists,
                        HasRow("SELECT 1 FROM hallmark.keys WHERE key_id = $1", k.key_id));
    if (exists) return Status::BadInput("key " + k.key_id + " is already recorded");
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeKeyEntry(k));
    HM_ASSIGN_OR_RETURN(k.log_index, AppendEntry(EntryKind::kKey, body));
    HM_RETURN_IF_ERROR(FlushEntries());
    return InsertKeyRow(k);
  });
  if (!st.ok()) return st;
  return k;
}

Status PostgresLedgerStore::InsertKeyRow(const KeyRecord& k) {
  return Query(
             "INSERT INTO hallmark.keys(key_id, algorithm, public_key, label, recorded_at, "
             "log_index) VALUES ($1, $2, $3, $4, $5, $6)",
             PgParams()
                 .Text(k.key_id)
                 .Text(k.algorithm)
                 .Blob(k.public_key)
                 .Text(k.label)
                 .Text(k.recorded_at)
                 .Int(static_cast<int64_t>(k.log_index)))
      .status();
}

Result<RevocationRecord> PostgresLedgerStore::RecordRevocation(RevocationRecord r) {
  if (r.revoked_at.empty()) r.revoked_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists,
                        HasRow("SELECT 1 FROM hallmark.keys WHERE key_id = $1", r.key_id));
    if (!exists) return Status::NotFound("key " + r.key_id + " is not recorded");
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeRevocationEntry(r));
    HM_ASSIGN_OR_RETURN(r.log_index, AppendEntry(EntryKind::kRevocation, body));
    HM_RETURN_IF_ERROR(FlushEntries());
    return InsertRevocationRow(r);
  });
  if (!st.ok()) return st;
  return r;
}

Status PostgresLedgerStore::InsertRevocationRow(const RevocationRecord& r) {
  return Query(
             "INSERT INTO hallmark.revocations(log_index, key_id, reason, revoked_at) "
             "VALUES ($1, $2, $3, $4)",
             PgParams()
                 .Int(static_cast<int64_t>(r.log_index))
                 .Text(r.key_id)
                 .Text(r.reason)
                 .Text(r.revoked_at))
      .status();
}

Result<PolicyEvaluationRecord> PostgresLedgerStore::RecordPolicyEvaluation(
    PolicyEvaluationRecord p) {
  if (p.evaluated_at.empty()) p.evaluated_at = UtcNow();
  if (p.decision_json.empty()) p.decision_json = "{}";
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(Bytes body, EncodePolicyEvaluationEntry(p));
    HM_ASSIGN_OR_RETURN(p.log_index, AppendEntry(EntryKind::kPolicyEvaluation, body));
    HM_RETURN_IF_ERROR(FlushEntries());
    return InsertPolicyEvaluationRow(p);
  });
  if (!st.ok()) return st;
  return p;
}

Status PostgresLedgerStore::InsertPolicyEvaluationRow(const PolicyEvaluationRecord& p) {
  return Query(
             "INSERT INTO hallmark.policy_evaluations(log_index, policy_sha256, policy_name, "
             "subject, decision, evaluated_at) VALUES ($1, $2, $3, $4, $5, $6)",
             PgParams()
                 .Int(static_cast<int64_t>(p.log_index))
                 .Text(p.policy_sha256)
                 .Text(p.policy_name)
                 .Text(p.subject)
                 .Text(p.decision_json)
                 .Text(p.evaluated_at))
      .status();
}

// --- reads ---------------------------------------------------------------------------------

Status PostgresLedgerStore::ForEachRow(const std::string& sql,
                                       const std::function<Status(const PgResult&, int)>& fn) {
  const bool own = !db_.InTransaction();
  if (own) {
    HM_RETURN_IF_ERROR(db_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status());
  }
  const std::string cursor = "hallmark_walk_" + std::to_string(++cursors_);
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(db_.Exec("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + sql).status());
    const std::string fetch = "FETCH " + std::to_string(kFetchRows) + " FROM " + cursor;
    while (true) {
      HM_ASSIGN_OR_RETURN(PgResult r, db_.Exec(fetch));
      for (int i = 0; i < r.rows(); ++i) HM_RETURN_IF_ERROR(fn(r, i));
      if (r.rows() < kFetchRows) break;
    }
    return db_.Exec("CLOSE " + cursor).status();
  }();
  --cursors_;
  if (own) {
    if (st.ok()) return db_.Commit();
    db_.Rollback();
  } else if (!st.ok()) {
    // Leave the enclosing transaction usable when only the visitor failed.
    (void)db_.Exec("CLOSE " + cursor);
  }
  return st;
}

Result<ModelRecord> PostgresLedgerStore::ModelFromRow(const PgResult& r, int i) {
  ModelRecord m;
  m.id = r.Text(i, 0);
  m.architecture = r.Text(i, 1);
  m.hyperparameters_json = r.Text(i, 2);
  m.training_run = r.Text(i, 3);
  m.recorded_at = r.Text(i, 4);
  m.log_index = static_cast<uint64_t>(r.Int(i, 5));
  HM_ASSIGN_OR_RETURN(m.dataset_ids, ModelDatasets(m.id));
  return m;
}

Result<LogEntry> PostgresLedgerStore::EntryFromRow(const PgResult& r, int i) const {
  auto index = static_cast<uint64_t>(r.Int(i, 0));
  Result<EntryKind> kind = ParseEntryKind(r.Text(i, 1));
  Bytes leaf = r.Blob(i, 3);
  if (!kind.ok() || leaf.size() != 32) {
    return Status::BadInput(path() + ": log entry " + std::to_string(index) +
                            " has a damaged kind or leaf hash");
  }
  return LogEntry{index, *kind, r.Blob(i, 2), ToHash(leaf)};
}

Result<std::vector<std::string>> PostgresLedgerStore::ModelDatasets(const std::string& model_id) {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT dataset_id FROM hallmark.model_datasets WHERE "
                                        "model_id = $1 ORDER BY position",
                                        PgParams().Text(model_id)));
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(r.Text(i, 0));
  return out;
}

Result<std::optional<DatasetRecord>> PostgresLedgerStore::FindDataset(
    const std::string& id_or_name) {
  HM_ASSIGN_OR_RETURN(PgResult r, Query(std::string(kDatasetColumns) +
                                            "WHERE id = $1 OR name = $1 ORDER BY log_index LIMIT 1",
                                        PgParams().Text(id_or_name)));
  if (r.rows() == 0) return std::optional<DatasetRecord>();
  return std::optional<DatasetRecord>(DatasetFromRow(r, 0));
}

Result<std::vector<DatasetItem>> PostgresLedgerStore::DatasetItems(const std::string& dataset_id) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query("SELECT sha256, path, size, width, height FROM hallmark.dataset_items "
                            "WHERE dataset_id = $1 ORDER BY position",
                            PgParams().Text(dataset_id)));
  std::vector<DatasetItem> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    out.push_back({r.Text(i, 0), r.Text(i, 1), static_cast<uint64_t>(r.Int(i, 2)),
                   static_cast<int>(r.Int(i, 3)), static_cast<int>(r.Int(i, 4))});
  }
  return out;
}

Result<std::vector<DatasetRecord>> PostgresLedgerStore::ListDatasets() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query(std::string(kDatasetColumns) + "ORDER BY log_index"));
  std::vector<DatasetRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(DatasetFromRow(r, i));
  return out;
}

Result<std::optional<ModelRecord>> PostgresLedgerStore::FindModel(const std::string& id) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query(std::string(kModelColumns) + "WHERE id = $1", PgParams().Text(id)));
  if (r.rows() == 0) return std::optional<ModelRecord>();
  HM_ASSIGN_OR_RETURN(ModelRecord m, ModelFromRow(r, 0));
  return std::optional<ModelRecord>(std::move(m));
}

Result<std::vector<ModelRecord>> PostgresLedgerStore::ListModels() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query(std::string(kModelColumns) + "ORDER BY log_index"));
  std::vector<ModelRecord> out;
  for (int i = 0; i < r.rows(); ++i) {
    HM_ASSIGN_OR_RETURN(ModelRecord m, ModelFromRow(r, i));
    out.push_back(std::move(m));
  }
  return out;
}

Result<std::optional<AssetRecord>> PostgresLedgerStore::FindAsset(const std::string& id) {
  HM_ASSIGN_OR_RETURN(
      PgResult r,
      Query(std::string(kAssetWithFingerprintColumns) + "WHERE a.id = $1", PgParams().Text(id)));
  if (r.rows() == 0) return std::optional<AssetRecord>();
  return std::optional<AssetRecord>(AssetWithFingerprintFromRow(r, 0));
}

Result<std::optional<AssetRecord>> PostgresLedgerStore::FindAssetByPayload(ByteView payload) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query(std::string(kAssetWithFingerprintColumns) + "WHERE a.payload = $1",
                            PgParams().Blob(payload)));
  if (r.rows() == 0) return std::optional<AssetRecord>();
  return std::optional<AssetRecord>(AssetWithFingerprintFromRow(r, 0));
}

Status PostgresLedgerStore::ForEachAsset(const std::function<Status(const AssetRecord&)>& fn) {
  return ForEachRow(
      std::string(kAssetWithFingerprintColumns) + "ORDER BY a.log_index",
      [&](const PgResult& r, int i) { return fn(AssetWithFingerprintFromRow(r, i)); });
}

Status PostgresLedgerStore::ForEachAssetId(const std::function<Status(const std::string&)>& fn) {
  return ForEachRow("SELECT id FROM hallmark.assets",
                    [&](const PgResult& r, int i) { return fn(r.Text(i, 0)); });
}

Result<uint64_t> PostgresLedgerStore::CountAssets() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT count(*) FROM hallmark.assets"));
  return static_cast<uint64_t>(r.Int(0, 0));
}

Result<std::vector<KeyRecord>> PostgresLedgerStore::ListKeys() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query(std::string(kKeyColumns) + "ORDER BY log_index"));
  std::vector<KeyRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(KeyFromRow(r, i));
  return out;
}

Result<std::vector<RevocationRecord>> PostgresLedgerStore::ListRevocations() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT key_id, reason, revoked_at, log_index FROM "
                                        "hallmark.revocations ORDER BY log_index"));
  std::vector<RevocationRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(RevocationFromRow(r, i));
  return out;
}

Result<std::vector<PolicyEvaluationRecord>> PostgresLedgerStore::ListPolicyEvaluations() {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query("SELECT policy_sha256, policy_name, subject, decision, evaluated_at, "
                            "log_index FROM hallmark.policy_evaluations ORDER BY log_index"));
  std::vector<PolicyEvaluationRecord> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(PolicyEvaluationFromRow(r, i));
  return out;
}

// --- log -----------------------------------------------------------------------------------

Result<uint64_t> PostgresLedgerStore::TreeSize() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT coalesce(max(idx) + 1, 0) FROM hallmark.entries"));
  return static_cast<uint64_t>(r.Int(0, 0));
}

Result<LogEntry> PostgresLedgerStore::Entry(uint64_t index) {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT kind, body, leaf_hash FROM hallmark.entries "
                                        "WHERE idx = $1",
                                        PgParams().Int(static_cast<int64_t>(index))));
  if (r.rows() == 0) return Status::NotFound(path() + ": no log entry " + std::to_string(index));
  // Returned as stored: the caller compares its leaf hash.
  HM_ASSIGN_OR_RETURN(EntryKind kind, ParseEntryKind(r.Text(0, 0)));
  return LogEntry{index, kind, r.Blob(0, 1), ToHash(r.Blob(0, 2))};
}

Status PostgresLedgerStore::ForEachEntry(const std::function<Status(const LogEntry&)>& fn) {
  return ForEachRow("SELECT idx, kind, body, leaf_hash FROM hallmark.entries ORDER BY idx",
                    [&](const PgResult& r, int i) -> Status {
                      HM_ASSIGN_OR_RETURN(LogEntry e, EntryFromRow(r, i));
                      return fn(e);
                    });
}

Status PostgresLedgerStore::ForEachStoredNode(
    const std::function<Status(int, uint64_t, const Hash&)>& fn) {
  return ForEachRow("SELECT level, idx, hash FROM hallmark.tree_nodes ORDER BY level, idx",
                    [&](const PgResult& r, int i) {
                      return fn(static_cast<int>(r.Int(i, 0)), static_cast<uint64_t>(r.Int(i, 1)),
                                ToHash(r.Blob(i, 2)));
                    });
}

Result<std::optional<StoredCheckpoint>> PostgresLedgerStore::LatestCheckpoint() {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      Query(std::string(kCheckpointColumns) + "ORDER BY tree_size DESC LIMIT 1"));
  if (r.rows() == 0) return std::optional<StoredCheckpoint>();
  return std::optional<StoredCheckpoint>(CheckpointFromRow(r, 0));
}

Status PostgresLedgerStore::ForEachCheckpoint(
    const std::function<Status(const StoredCheckpoint&)>& fn) {
  return ForEachRow(std::string(kCheckpointColumns) + "ORDER BY tree_size",
                    [&](const PgResult& r, int i) { return fn(CheckpointFromRow(r, i)); });
}

Status PostgresLedgerStore::ForEachTableEntry(EntryKind kind,
                                              const std::function<Status(const TableEntry&)>& fn) {
  TableEntry te;
  te.kind = kind;
  auto emit = [&](Result<Bytes> body, uint64_t index, std::string row) -> Status {
    te.log_index = index;
    te.row = std::move(row);
    if (body.ok()) {
      te.body = std::move(*body);
    } else {
      te.body.clear();
      te.inconsistency = body.status().message();
    }
    Status s = fn(te);
    te.inconsistency.clear();
    return s;
  };
  switch (kind) {
    case EntryKind::kDataset:
      return ForEachRow(
          std::string(kDatasetColumns) + "ORDER BY log_index",
          [&](const PgResult& r, int i) -> Status {
            DatasetRecord d = DatasetFromRow(r, i);
            HM_ASSIGN_OR_RETURN(std::vector<DatasetItem> items, DatasetItems(d.id));
            Result<std::string> root =
                items.empty() ? Result<std::string>(std::string("none")) : ItemsRoot(items);
            if (!root.ok() || *root != d.items_root || items.size() != d.item_count) {
              te.inconsistency = "its dataset_items rows no longer match its item count and root";
            }
            return emit(EncodeDatasetEntry(d), d.log_index, "dataset " + d.name);
          });
    case EntryKind::kModel:
      return ForEachRow(std::string(kModelColumns) + "ORDER BY log_index",
                        [&](const PgResult& r, int i) -> Status {
                          HM_ASSIGN_OR_RETURN(ModelRecord m, ModelFromRow(r, i));
                          return emit(EncodeModelEntry(m), m.log_index, "model " + m.id);
                        });
    case EntryKind::kAsset:
      // The asset's own columns only: its entry leaves the fingerprint out.
      return ForEachRow(std::string(kAssetColumns) + "ORDER BY a.log_index",
                        [&](const PgResult& r, int i) {
                          AssetRecord a = AssetFromRow(r, i);
                          return emit(EncodeAssetEntry(a), a.log_index, "asset " + a.id);
                        });
    case EntryKind::kKey: {
      HM_ASSIGN_OR_RETURN(std::vector<KeyRecord> keys, ListKeys());
      for (const KeyRecord& k : keys) {
        HM_RETURN_IF_ERROR(emit(EncodeKeyEntry(k), k.log_index, "key " + k.key_id));
      }
      return Status::Ok();
    }
    case EntryKind::kRevocation: {
      HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> revs, ListRevocations());
      for (const RevocationRecord& r : revs) {
        HM_RETURN_IF_ERROR(
            emit(EncodeRevocationEntry(r), r.log_index, "revocation of key " + r.key_id));
      }
      return Status::Ok();
    }
    case EntryKind::kPolicyEvaluation: {
      HM_ASSIGN_OR_RETURN(std::vector<PolicyEvaluationRecord> evs, ListPolicyEvaluations());
      for (const PolicyEvaluationRecord& p : evs) {
        HM_RETURN_IF_ERROR(
            emit(EncodePolicyEvaluationEntry(p), p.log_index, "policy evaluation of " + p.subject));
      }
      return Status::Ok();
    }
    case EntryKind::kFingerprint:
      // The entry names its asset by id, so a row moved to another asset no longer matches its
      // leaf; what the entry cannot show is a fingerprint logged before its asset existed.
      return ForEachRow(std::string(kFingerprintColumns) + "ORDER BY f.log_index",
                        [&](const PgResult& r, int i) {
                          FingerprintRecord f = FingerprintFromRow(r, i, r.Text(i, 0), 1);
                          if (r.IsNull(i, 6)) {
                            te.inconsistency = "its asset is not recorded";
                          } else if (static_cast<uint64_t>(r.Int(i, 6)) > f.log_index) {
                            te.inconsistency =
                                "it precedes its asset (log entry " + r.Text(i, 6) + ") in the log";
                          }
                          return emit(EncodeFingerprintEntry(f), f.log_index,
                                      "fingerprint of asset " + f.asset_id);
                        });
  }
  return Status::Ok();
}

Result<std::optional<CheckpointVerifier>> PostgresLedgerStore::LogVerifier() {
  HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT key, value FROM hallmark.log_meta"));
  Bytes key;
  std::string origin;
  for (int i = 0; i < r.rows(); ++i) {
    Bytes value = r.Blob(i, 1);
    if (r.Text(i, 0) == "public_key") key = value;
    if (r.Text(i, 0) == "origin") origin.assign(value.begin(), value.end());
  }
  if (key.empty() && origin.empty()) return std::optional<CheckpointVerifier>();
  if (key.size() != 32 || origin.empty()) {
    return Status::BadInput(path() + ": the log's public key or origin is damaged");
  }
  return std::optional<CheckpointVerifier>(CheckpointVerifier(origin, key));
}

Status PostgresLedgerStore::WithSnapshot(const std::function<Status()>& fn) {
  if (db_.InTransaction()) return fn();
  HM_RETURN_IF_ERROR(db_.Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").status());
  // The snapshot starts with the first statement, so take it now.
  Status st = db_.Exec("SELECT count(*) FROM hallmark.log_meta").status();
  if (st.ok()) st = fn();
  if (st.ok()) return db_.Commit();
  db_.Rollback();
  return st;
}

// --- migration -----------------------------------------------------------------------------

Status PostgresLedgerStore::ImportFrom(LedgerStore& source) {
  if (!signer_) return Status::InvalidArgument(path() + ": the ledger is open read-only");
  if (&source == this)
    return Status::InvalidArgument(path() + ": cannot import a ledger into itself");
  if (db_.InTransaction()) {
    return Status::InvalidArgument(path() + ": cannot import inside a read snapshot");
  }
  return LockedTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(PgResult r, db_.Exec("SELECT EXISTS (SELECT 1 FROM hallmark.entries), "
                                             "EXISTS (SELECT 1 FROM hallmark.log_meta)"));
    if (r.Text(0, 0) == "t" || r.Text(0, 1) == "t") {
      return Status::BadInput(path() +
                              ": the ledger is not empty; a ledger can only be imported "
                              "into an empty one");
    }
    return source.WithSnapshot([&] { return ImportLocked(source); });
  });
}

Status PostgresLedgerStore::ImportLocked(LedgerStore& source) {
  const std::string from = source.path();
  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> verifier, source.LogVerifier());
  HM_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> latest, source.LatestCheckpoint());
  if (!verifier) {
    HM_ASSIGN_OR_RETURN(uint64_t n, source.TreeSize());
    if (n == 0 && !latest) return Status::Ok();  // nothing was ever recorded there
    return Status::BadInput(from + ": the ledger has log entries but no log key");
  }
  HM_RETURN_IF_ERROR(InsertLogMeta(verifier->public_key(), verifier->name()));

  // The log, with the tree rebuilt from the entries' bytes.
  range_ = CompactRange();
  std::optional<Hash> root_at_latest;
  if (latest && latest->size == 0) root_at_latest = EmptyTreeHash();
  Status walked = source.ForEachEntry([&](const LogEntry& e) -> Status {
    if (e.index != range_->size()) {
      return Status::BadInput(from + ": log entry " + std::to_string(range_->size()) +
                              " is missing (the next one is " + std::to_string(e.index) + ")");
    }
    Hash leaf = HashLeaf(e.body);
    if (leaf != e.leaf_hash) {
      return Status::BadInput(from + ": log entry " + std::to_string(e.index) +
                              ": its stored leaf hash does not match its bytes");
    }
    HM_RETURN_IF_ERROR(AppendEntryHashed(e.kind, e.body, leaf).status());
    if (latest && range_->size() == latest->size) root_at_latest = range_->Root();
    return entries_.rows() >= kImportBatchRows ? FlushEntries() : Status::Ok();
  });
  HM_RETURN_IF_ERROR(walked);
  HM_RETURN_IF_ERROR(FlushEntries());
  if (range_->size() > 0 && !latest) {
    return Status::BadInput(from + ": the log has " + std::to_string(range_->size()) +
                            " entries but no signed checkpoint");
  }
  if (latest) {
    if (!root_at_latest) {
      return Status::BadInput(from + ": the latest checkpoint covers " +
                              std::to_string(latest->size) + " entries, but the log has " +
                              std::to_string(range_->size()));
    }
    if (*root_at_latest != latest->root) {
      return Status::BadInput(from +
                              ": the Merkle root rebuilt from the log's entries differs "
                              "from the one its latest checkpoint (size " +
                              std::to_string(latest->size) + ") signs; nothing was imported");
    }
    Result<Checkpoint> signed_cp = verifier->Verify(latest->note);
    if (!signed_cp.ok() || signed_cp->size != latest->size || signed_cp->root != latest->root) {
      return Status::BadInput(from +
                              ": the latest checkpoint's note is not signed by the log's "
                              "key or does not match its size and root; nothing was imported");
    }
  }

  // The tables, parents before children.
  HM_ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, source.ListDatasets());
  for (const DatasetRecord& d : datasets) {
    HM_ASSIGN_OR_RETURN(std::vector<DatasetItem> items, source.DatasetItems(d.id));
    HM_RETURN_IF_ERROR(InsertDatasetRows(d, items));
    HM_ASSIGN_OR_RETURN(std::optional<std::string> folder, source.DatasetFolder(d.id));
    if (folder) {
      HM_RETURN_IF_ERROR(Query("INSERT INTO hallmark.dataset_locations(dataset_id, folder, "
                               "updated_at) VALUES ($1, $2, $3)",
                               PgParams().Text(d.id).Text(*folder).Text(UtcNow()))
                             .status());
    }
  }
  HM_ASSIGN_OR_RETURN(std::vector<ModelRecord> models, source.ListModels());
  for (const ModelRecord& m : models) HM_RETURN_IF_ERROR(InsertModelRows(m));
  {
    RowBatch assets = AssetsBatch();
    RowBatch fps = FingerprintsBatch();
    auto flush = [&]() -> Status {
      HM_RETURN_IF_ERROR(assets.Flush(db_));  // before the fingerprints that refer to them
      return fps.Flush(db_);
    };
    Status walked_assets = source.ForEachAsset([&](const AssetRecord& a) -> Status {
      AddAssetRow(assets, a);
      if (a.fingerprint) AddFingerprintRow(fps, *a.fingerprint);
      return assets.rows() >= kImportBatchRows ? flush() : Status::Ok();
    });
    HM_RETURN_IF_ERROR(walked_assets);
    HM_RETURN_IF_ERROR(flush());
  }
  HM_ASSIGN_OR_RETURN(std::vector<KeyRecord> keys, source.ListKeys());
  for (const KeyRecord& k : keys) HM_RETURN_IF_ERROR(InsertKeyRow(k));
  HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> revocations, source.ListRevocations());
  for (const RevocationRecord& r : revocations) HM_RETURN_IF_ERROR(InsertRevocationRow(r));
  HM_ASSIGN_OR_RETURN(std::vector<PolicyEvaluationRecord> evaluations,
                      source.ListPolicyEvaluations());
  for (const PolicyEvaluationRecord& p : evaluations) {
    HM_RETURN_IF_ERROR(InsertPolicyEvaluationRow(p));
  }
  // Every checkpoint verbatim: the notes keep their signatures.
  RowBatch checkpoints = CheckpointsBatch();
  HM_RETURN_IF_ERROR(source.ForEachCheckpoint([&](const StoredCheckpoint& cp) -> Status {
    checkpoints[0].Int(static_cast<int64_t>(cp.size));
    checkpoints[1].Blob(HashView(cp.root));
    checkpoints[2].Text(cp.note);
    return checkpoints.rows() >= kImportBatchRows ? checkpoints.Flush(db_) : Status::Ok();
  }));
  return checkpoints.Flush(db_);
}

// --- maintenance ---------------------------------------------------------------------------

Status PostgresLedgerStore::CheckIntegrity() {
  HM_RETURN_IF_ERROR(CheckAppendOnlyTriggers(db_));
  return WithSnapshot([&]() -> Status {
    HM_ASSIGN_OR_RETURN(PgResult r, Query("SELECT count(*), coalesce(max(idx) + 1, 0), "
                                          "(SELECT coalesce(max(tree_size), 0) FROM "
                                          "hallmark.checkpoints) FROM hallmark.entries"));
    if (r.Int(0, 0) != r.Int(0, 1)) {
      return Status::BadInput(path() + ": the log has gaps: " + r.Text(0, 0) +
                              " entries but indices up to " + std::to_string(r.Int(0, 1) - 1));
    }
    if (r.Int(0, 2) > r.Int(0, 1)) {
      return Status::BadInput(path() + ": a checkpoint covers " + r.Text(0, 2) +
                              " entries but the log has " + r.Text(0, 1));
    }
    // A constraint re-added with NOT VALID no longer vouches for the rows it skipped.
    HM_ASSIGN_OR_RETURN(PgResult c, Query("SELECT conrelid::regclass::text, conname FROM "
                                          "pg_catalog.pg_constraint WHERE connamespace = "
                                          "'hallmark'::regnamespace AND NOT convalidated"));
    if (c.rows() > 0) {
      return Status::BadInput(path() + ": constraint " + c.Text(0, 1) + " on " + c.Text(0, 0) +
                              " is not validated");
    }
    return Status::Ok();
  });
}

Status PostgresLedgerStore::ExportSnapshot(const std::string& out_path) {
  return Status::Unsupported(path() + ": a PostgreSQL ledger cannot be exported to " + out_path +
                             " directly; use `hallmark ledger migrate --to FILE` to copy it into "
                             "a SQLite ledger file");
}

}  // namespace

Result<std::unique_ptr<LedgerStore>> OpenPostgresLedger(const std::string& url,
                                                        const LedgerOptions& options,
                                                        std::shared_ptr<CheckpointSigner> signer) {
  LedgerOptions opts = options;
  opts.read_only = options.read_only || !signer;
  HM_ASSIGN_OR_RETURN(PgConnection db, PgConnection::Connect(url, options.busy_timeout_ms));
  HM_RETURN_IF_ERROR(PreparePostgresSchema(db, opts.read_only));
  if (opts.read_only) {
    // A reader never writes, whatever a caller tries.
    HM_RETURN_IF_ERROR(db.AddSessionSetting("SET default_transaction_read_only = on"));
    signer.reset();
  }
  return std::unique_ptr<LedgerStore>(
      std::make_unique<PostgresLedgerStore>(std::move(db), opts, std::move(signer)));
}

}  // namespace hallmark::audit
