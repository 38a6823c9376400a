#include "audit/ledger/sqlite_ledger_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>

#include "audit/ledger/ledger_schema.h"
#include "audit/ledger/merkle_tree.h"
#include "audit/ledger/record_checks.h"
#include "audit/ledger/sqlite_db.h"
#include "base/hex.h"
#include "base/utc_time.h"

namespace hallmark::audit {
namespace {

// Subtrees of 16 leaves and more are stored; smaller ones are recomputed from at most 16 leaf
// hashes when a proof needs them. This keeps one node row per 16 entries instead of one per entry.
constexpr int kMinStoredLevel = 4;

std::string UtcNow() { return NowUtc(UtcFormat::kRfc3339); }

// How a read-only connection opens the ledger file.
enum class ReadMode {
  kReadWrite,  // not read-only at all
  kShared,     // mode=ro: takes locks and maps the WAL index (<file>-shm), as a writer does
  kImmutable,  // mode=ro&immutable=1: no locks, no -shm; reads the main file alone
};

bool PathExists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

// A WAL reader must map "<file>-shm": it needs that file to exist and be readable, or the folder
// to be writable so it can create it (sqlite.org/wal.html, "Read-Only Databases"). A home on a
// read-only mount, or one owned by another user, satisfies neither once the last writer has
// closed cleanly (SQLite then deletes -wal and -shm), so a plain read-only open fails before the
// first row. Such a file is opened immutable instead, which SQLite allows only when nothing can
// change the file meanwhile. That holds here as far as it can be checked: this process cannot
// write the folder, and no -wal or -shm file exists, so no writer is at work and none has left
// committed pages outside the main file. (A writer that starts during the read and checkpoints
// into the main file could still tear it; the damage then surfaces as a corrupt-ledger error,
// never as silent success, and the next run reads normally through the writer's -shm.)
ReadMode ChooseReadMode(const std::string& path, bool read_only) {
  if (!read_only) return ReadMode::kReadWrite;
  std::string folder = path.substr(0, path.find_last_of('/') + 1);
  if (folder.empty()) folder = ".";
  if (::access(folder.c_str(), W_OK) == 0) return ReadMode::kShared;
  if (PathExists(path + "-wal") || PathExists(path + "-shm")) return ReadMode::kShared;
  return ReadMode::kImmutable;
}

std::string FileUri(const std::string& path, ReadMode mode) {
  std::string uri = "file:";
  for (char c : path) {
    if (c == '?' || c == '#' || c == '%') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      uri += buf;
    } else {
      uri += c;
    }
  }
  if (mode == ReadMode::kShared) uri += "?mode=ro";
  if (mode == ReadMode::kImmutable) uri += "?mode=ro&immutable=1";
  return uri;
}

class SqliteLedgerStore;

class StoredNodes : public NodeSource {
 public:
  explicit StoredNodes(SqliteLedgerStore* store) : store_(store) {}
  Result<Hash> PerfectNode(int level, uint64_t index) const override;

 private:
  SqliteLedgerStore* store_;
};

class SqliteLedgerStore : public LedgerStore {
 public:
  SqliteLedgerStore(SqliteDb db, LedgerOptions options, std::shared_ptr<CheckpointSigner> signer)
      : db_(std::move(db)),
        options_(std::move(options)),
        signer_(std::move(signer)),
        nodes_(this) {}

  Status Initialise();

  const std::string& path() const override { return db_.path(); }

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
  Status CheckIntegrity() override;
  Status CheckAppendOnlyGuards() override;
  Status ExportSnapshot(const std::string& out_path) override;
  Status ImportFrom(LedgerStore& source) override;

  Result<Hash> ReadNode(int level, uint64_t index);

 private:
  // A cached prepared statement, reset before use.
  Result<SqliteStatement*> Stmt(const std::string& sql);
  // Whether `sql` (a SELECT with one parameter) finds a row for `key`.
  Result<bool> HasRow(const std::string& sql, const std::string& key);

  // Finishes every cached statement so none keeps a read transaction open.
  void ResetStatements() {
    for (auto& entry : stmts_) entry.second->Reset();
  }
  Status Migrate();
  Status WriteTransaction(const std::function<Status()>& body);
  Status LoadLogState();
  Result<uint64_t> AppendEntry(EntryKind kind, const Bytes& body);
  Status SignCheckpoint();
  // Appends the fingerprint's entry and row (inside a write transaction) and sets its log index.
  Status InsertFingerprint(FingerprintRecord& fp);
  // The table rows of one record whose log index is already set: written by the Record* calls
  // after their entry, and by ImportFrom, which copies entries and rows separately.
  Status InsertDatasetRows(const DatasetRecord& d, const std::vector<DatasetItem>& items);
  Status InsertModelRows(const ModelRecord& m);
  Status InsertAssetRow(const AssetRecord& a);
  Status InsertFingerprintRow(const FingerprintRecord& fp);
  Status InsertKeyRow(const KeyRecord& k);
  Status InsertRevocationRow(const RevocationRecord& r);
  Status InsertPolicyEvaluationRow(const PolicyEvaluationRecord& p);
  Status InsertCheckpointRow(const StoredCheckpoint& cp);
  Status InsertLogMeta(const Bytes& public_key, const std::string& origin);
  // ImportFrom's body, inside its transaction.
  Status CopyFrom(LedgerStore& source);
  // Whether the ledger's schema has the fingerprints table: false for an older ledger read as it
  // is. Asked per read while false, since a writer may migrate the file meanwhile.
  Result<bool> HasFingerprints();
  // The SELECT of asset rows followed by `tail` ("WHERE a.id = ?", ...), with the fingerprint's
  // columns when the schema has them; its rows decode with AssetFromQueryRow.
  Result<std::string> AssetQuery(const char* tail);

  // Row decoders that need the store: a model row is completed by its model_datasets rows, and
  // a damaged log entry is reported with the ledger's path.
  Result<std::vector<std::string>> ModelDatasets(const std::string& model_id);
  Result<ModelRecord> ModelFromRow(const SqliteStatement& st);
  Result<LogEntry> EntryFromRow(const SqliteStatement& st) const;

  SqliteDb db_;
  LedgerOptions options_;
  std::shared_ptr<CheckpointSigner> signer_;
  StoredNodes nodes_;
  std::vector<std::pair<std::string, std::unique_ptr<SqliteStatement>>> stmts_;
  std::optional<CompactRange> range_;  // valid inside a write transaction
  bool has_fingerprints_ = false;      // once true, stays true: schemas only grow
};

Result<Hash> StoredNodes::PerfectNode(int level, uint64_t index) const {
  return store_->ReadNode(level, index);
}

Result<SqliteStatement*> SqliteLedgerStore::Stmt(const std::string& sql) {
  for (auto& [text, st] : stmts_) {
    if (text == sql) return &st->Reset();
  }
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare(sql));
  stmts_.emplace_back(sql, std::make_unique<SqliteStatement>(std::move(st)));
  return stmts_.back().second.get();
}

Result<bool> SqliteLedgerStore::HasRow(const std::string& sql, const std::string& key) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * q, Stmt(sql));
  q->Bind(1, key);
  return q->Step();
}

Status SqliteLedgerStore::Initialise() {
  sqlite3* db = db_.get();
  sqlite3_busy_timeout(db, options_.busy_timeout_ms);
  // A ledger file may come from someone else: refuse schema tricks and hostile pages
  // (sqlite.org/security.html).
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  HM_RETURN_IF_ERROR(db_.Exec("PRAGMA cell_size_check=ON; PRAGMA mmap_size=0;"));
  if (!options_.read_only) {
    HM_ASSIGN_OR_RETURN(SqliteStatement wal, db_.Prepare("PRAGMA journal_mode=WAL"));
    HM_ASSIGN_OR_RETURN(bool row, wal.Step());
    if (!row || wal.Text(0) != "wal") {
      return Status::IoError(path() + ": cannot switch the ledger to WAL journaling");
    }
    HM_RETURN_IF_ERROR(db_.Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
    // The payload index is written at random places; a larger cache and fewer, larger WAL
    // checkpoints write each hot page once per checkpoint instead of once per batch.
    HM_RETURN_IF_ERROR(db_.Exec("PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=8192;"));
    if (options_.max_page_count > 0) {
      HM_RETURN_IF_ERROR(
          db_.Exec("PRAGMA max_page_count=" + std::to_string(options_.max_page_count)));
    }
  }
  if (options_.quick_check) {
    HM_ASSIGN_OR_RETURN(SqliteStatement qc, db_.Prepare("PRAGMA quick_check"));
    HM_ASSIGN_OR_RETURN(bool row, qc.Step());
    if (row && qc.Text(0) != "ok") {
      return Status::BadInput(path() + ": the ledger file is corrupt (quick_check: " + qc.Text(0) +
                              ")");
    }
  }
  return Migrate();
}

Status SqliteLedgerStore::Migrate() { return MigrateLedgerSchema(db_, options_.read_only); }

Status SqliteLedgerStore::WriteTransaction(const std::function<Status()>& body) {
  if (!signer_) {
    return Status::InvalidArgument(path() + ": the ledger is open read-only");
  }
  HM_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(LoadLogState());
    HM_RETURN_IF_ERROR(body());
    HM_RETURN_IF_ERROR(SignCheckpoint());
    ResetStatements();
    return db_.Exec("COMMIT");
  }();
  range_.reset();
  ResetStatements();
  if (!st.ok()) (void)db_.Exec("ROLLBACK");
  return st;
}

Status SqliteLedgerStore::LoadLogState() {
  HM_ASSIGN_OR_RETURN(int64_t size, db_.QueryInt("SELECT coalesce(max(idx) + 1, 0) FROM entries"));
  std::vector<Hash> nodes;
  for (const auto& pos : CompactRange::Positions(static_cast<uint64_t>(size))) {
    HM_ASSIGN_OR_RETURN(Hash h, ReadNode(pos.level, pos.index));
    nodes.push_back(h);
  }
  HM_ASSIGN_OR_RETURN(CompactRange range,
                      CompactRange::FromNodes(static_cast<uint64_t>(size), std::move(nodes)));
  range_ = std::move(range);

  // The first write fixes the log's identity; later writers must use the same key and origin.
  HM_ASSIGN_OR_RETURN(SqliteStatement * get, Stmt("SELECT value FROM log_meta WHERE key = ?"));
  get->Bind(1, "public_key");
  HM_ASSIGN_OR_RETURN(bool have, get->Step());
  if (!have) return InsertLogMeta(signer_->public_key(), signer_->name());
  if (get->Blob(0) != signer_->public_key()) {
    return Status::BadInput(path() + ": the log key " + options_.home + "/" + kLogKeyFileName +
                            " is not the key this ledger was signed with");
  }
  HM_ASSIGN_OR_RETURN(get, Stmt("SELECT value FROM log_meta WHERE key = ?"));
  get->Bind(1, "origin");
  HM_ASSIGN_OR_RETURN(have, get->Step());
  Bytes origin = have ? get->Blob(0) : Bytes();
  if (std::string(origin.begin(), origin.end()) != signer_->name()) {
    return Status::InvalidArgument(path() + ": this ledger's origin is '" +
                                   std::string(origin.begin(), origin.end()) + "', not '" +
                                   signer_->name() + "'");
  }
  return Status::Ok();
}

Result<uint64_t> SqliteLedgerStore::AppendEntry(EntryKind kind, const Bytes& body) {
  uint64_t index = range_->size();
  Hash leaf = HashLeaf(body);
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO entries(idx, kind, body, leaf_hash) VALUES (?, ?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(index))
      .Bind(2, EntryKindName(kind))
      .BindBlob(3, body)
      .BindBlob(4, ByteView(leaf.data(), leaf.size()));
  HM_RETURN_IF_ERROR(ins->Run());
  Status node_status;
  range_->Append(leaf, [&](int level, uint64_t idx, const Hash& h) {
    if (!node_status.ok() || level < kMinStoredLevel) return;
    auto st = Stmt("INSERT INTO tree_nodes(level, idx, hash) VALUES (?, ?, ?)");
    if (!st.ok()) {
      node_status = st.status();
      return;
    }
    (*st)->Bind(1, level).Bind(2, static_cast<int64_t>(idx)).BindBlob(3, ByteView(h.data(), 32));
    node_status = (*st)->Run();
  });
  HM_RETURN_IF_ERROR(node_status);
  return index;
}

Status SqliteLedgerStore::InsertLogMeta(const Bytes& public_key, const std::string& origin) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * put,
                      Stmt("INSERT INTO log_meta(key, value) VALUES (?, ?)"));
  put->Bind(1, "public_key").BindBlob(2, public_key);
  HM_RETURN_IF_ERROR(put->Run());
  HM_ASSIGN_OR_RETURN(put, Stmt("INSERT INTO log_meta(key, value) VALUES (?, ?)"));
  put->Bind(1, "origin").BindBlob(2, ByteView(origin));
  return put->Run();
}

Status SqliteLedgerStore::SignCheckpoint() {
  Checkpoint cp{signer_->name(), range_->size(), range_->Root()};
  HM_ASSIGN_OR_RETURN(std::string note, signer_->Sign(cp));
  return InsertCheckpointRow({cp.size, cp.root, note});
}

Status SqliteLedgerStore::InsertCheckpointRow(const StoredCheckpoint& cp) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO checkpoints(tree_size, root_hash, note) VALUES (?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(cp.size))
      .BindBlob(2, ByteView(cp.root.data(), 32))
      .Bind(3, cp.note);
  return ins->Run();
}

Result<Hash> SqliteLedgerStore::ReadNode(int level, uint64_t index) {
  SqliteStatement* st;
  if (level > 0 && level < kMinStoredLevel) {
    uint64_t first = index << level, count = uint64_t{1} << level;
    HM_ASSIGN_OR_RETURN(st, Stmt("SELECT leaf_hash FROM entries WHERE idx >= ? AND idx < ? "
                                 "ORDER BY idx"));
    st->Bind(1, static_cast<int64_t>(first)).Bind(2, static_cast<int64_t>(first + count));
    auto damaged = [&] {
      return Status::BadInput(path() + ": log entries " + std::to_string(first) + " to " +
                              std::to_string(first + count - 1) + " are missing or damaged");
    };
    MemoryMerkleTree subtree;
    Status read = VisitRows<Bytes>(
        *st, [](const SqliteStatement& row) { return row.Blob(0); },
        [&](const Bytes& leaf) {
          if (leaf.size() != 32) return damaged();
          subtree.AppendLeafHash(ToHash(leaf));
          return Status::Ok();
        });
    st->Reset();
    HM_RETURN_IF_ERROR(read);
    if (subtree.size() != count) return damaged();
    return subtree.Root();
  }
  if (level == 0) {
    HM_ASSIGN_OR_RETURN(st, Stmt("SELECT leaf_hash FROM entries WHERE idx = ?"));
    st->Bind(1, static_cast<int64_t>(index));
  } else {
    HM_ASSIGN_OR_RETURN(st, Stmt("SELECT hash FROM tree_nodes WHERE level = ? AND idx = ?"));
    st->Bind(1, level).Bind(2, static_cast<int64_t>(index));
  }
  HM_ASSIGN_OR_RETURN(std::optional<Bytes> b,
                      FirstRow<Bytes>(*st, [](const SqliteStatement& row) { return row.Blob(0); }));
  st->Reset();
  if (!b || b->size() != 32) {
    return Status::BadInput(path() + ": Merkle tree node (level " + std::to_string(level) +
                            ", index " + std::to_string(index) + ") is missing or damaged");
  }
  return ToHash(*b);
}

// --- writes --------------------------------------------------------------------------------

Result<DatasetRecord> SqliteLedgerStore::RecordDataset(DatasetRecord d,
                                                       const std::vector<DatasetItem>& items) {
  if (items.empty()) return Status::InvalidArgument("dataset '" + d.name + "' has no items");
  if (d.name.empty()) return Status::InvalidArgument("a dataset needs a name");
  HM_ASSIGN_OR_RETURN(d.items_root, ItemsRoot(items));
  d.id = d.items_root;
  d.item_count = items.size();
  if (d.recorded_at.empty()) d.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(SqliteStatement * dup,
                        Stmt("SELECT name FROM datasets WHERE id = ? OR name = ?"));
    dup->Bind(1, d.id).Bind(2, d.name);
    HM_ASSIGN_OR_RETURN(bool exists, dup->Step());
    if (exists) {
      return Status::BadInput("dataset '" + d.name + "': already recorded as '" + dup->Text(0) +
                              "' (same name or same items)");
    }
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeDatasetEntry(d));
    HM_ASSIGN_OR_RETURN(d.log_index, AppendEntry(EntryKind::kDataset, body));
    return InsertDatasetRows(d, items);
  });
  if (!st.ok()) return st;
  return d;
}

Status SqliteLedgerStore::InsertDatasetRows(const DatasetRecord& d,
                                            const std::vector<DatasetItem>& items) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO datasets(id, name, source, licence, attribution, "
                           "item_count, items_root, recorded_at, log_index) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, d.id)
      .Bind(2, d.name)
      .Bind(3, d.source)
      .Bind(4, d.licence)
      .Bind(5, d.attribution)
      .Bind(6, static_cast<int64_t>(d.item_count))
      .Bind(7, d.items_root)
      .Bind(8, d.recorded_at)
      .Bind(9, static_cast<int64_t>(d.log_index));
  HM_RETURN_IF_ERROR(ins->Run());
  int64_t position = 0;
  for (const DatasetItem& item : items) {
    HM_ASSIGN_OR_RETURN(SqliteStatement * it,
                        Stmt("INSERT INTO dataset_items(dataset_id, position, sha256, path, "
                             "size, width, height) VALUES (?, ?, ?, ?, ?, ?, ?)"));
    it->Bind(1, d.id)
        .Bind(2, position++)
        .Bind(3, item.sha256)
        .Bind(4, item.path)
        .Bind(5, static_cast<int64_t>(item.size))
        .Bind(6, item.width)
        .Bind(7, item.height);
    HM_RETURN_IF_ERROR(it->Run());
  }
  return Status::Ok();
}

Status SqliteLedgerStore::SetDatasetFolder(const std::string& dataset_id,
                                           const std::string& folder) {
  if (!signer_) return Status::InvalidArgument(path() + ": the ledger is open read-only");
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("INSERT OR REPLACE INTO dataset_locations(dataset_id, folder, "
                                  "updated_at) VALUES (?, ?, ?)"));
  st.Bind(1, dataset_id).Bind(2, folder).Bind(3, UtcNow());
  return st.Run();
}

Result<std::optional<std::string>> SqliteLedgerStore::DatasetFolder(const std::string& dataset_id) {
  HM_ASSIGN_OR_RETURN(int64_t version, db_.QueryInt("PRAGMA user_version"));
  if (version < 2) return std::optional<std::string>();
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT folder FROM dataset_locations WHERE dataset_id = ?"));
  st.Bind(1, dataset_id);
  return FirstRow<std::string>(st, [](const SqliteStatement& row) { return row.Text(0); });
}

Result<ModelRecord> SqliteLedgerStore::RecordModel(ModelRecord m) {
  if (!IsSha256Hex(m.id)) {
    return Status::InvalidArgument("model id '" + m.id +
                                   "' must be the checkpoint's SHA-256 (64 lower-case hex digits)");
  }
  if (m.recorded_at.empty()) m.recorded_at = UtcNow();
  if (m.hyperparameters_json.empty()) m.hyperparameters_json = "{}";
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists, HasRow("SELECT 1 FROM models WHERE id = ?", m.id));
    if (exists) return Status::BadInput("model " + m.id + " is already recorded");
    for (const std::string& ds : m.dataset_ids) {
      HM_ASSIGN_OR_RETURN(bool found, HasRow("SELECT 1 FROM datasets WHERE id = ?", ds));
      if (!found) return Status::NotFound("model " + m.id + ": dataset " + ds + " is not recorded");
    }
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeModelEntry(m));
    HM_ASSIGN_OR_RETURN(m.log_index, AppendEntry(EntryKind::kModel, body));
    return InsertModelRows(m);
  });
  if (!st.ok()) return st;
  return m;
}

Status SqliteLedgerStore::InsertModelRows(const ModelRecord& m) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO models(id, architecture, hyperparameters, training_run, "
                           "recorded_at, log_index) VALUES (?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, m.id)
      .Bind(2, m.architecture)
      .Bind(3, m.hyperparameters_json)
      .Bind(4, m.training_run)
      .Bind(5, m.recorded_at)
      .Bind(6, static_cast<int64_t>(m.log_index));
  HM_RETURN_IF_ERROR(ins->Run());
  int64_t position = 0;
  for (const std::string& ds : m.dataset_ids) {
    HM_ASSIGN_OR_RETURN(SqliteStatement * md,
                        Stmt("INSERT INTO model_datasets(model_id, position, dataset_id) "
                             "VALUES (?, ?, ?)"));
    md->Bind(1, m.id).Bind(2, position++).Bind(3, ds);
    HM_RETURN_IF_ERROR(md->Run());
  }
  return Status::Ok();
}

Result<std::vector<AssetRecord>> SqliteLedgerStore::AppendAssets(std::vector<AssetRecord> assets) {
  if (assets.empty()) return assets;
  std::string now = UtcNow();
  HM_RETURN_IF_ERROR(PrepareAssets(assets, now));
  Status st = WriteTransaction([&]() -> Status {
    for (AssetRecord& a : assets) {
      HM_ASSIGN_OR_RETURN(Bytes body, EncodeAssetEntry(a));
      HM_ASSIGN_OR_RETURN(a.log_index, AppendEntry(EntryKind::kAsset, body));
      Status s = InsertAssetRow(a);
      if (!s.ok()) {
        std::string why = s.message();
        if (why.find("assets.payload") != std::string::npos) {
          return Status::BadInput("asset " + a.id + ": watermark payload " + HexEncode(a.payload) +
                                  " is already used by another asset");
        }
        if (why.find("assets.id") != std::string::npos) {
          return Status::BadInput("asset " + a.id + " is already recorded");
        }
        if (why.find("FOREIGN KEY") != std::string::npos) {
          return Status::NotFound("asset " + a.id + ": model " + a.model_id + " is not recorded");
        }
        return s;
      }
      // Immediately after its asset's entry and in the same transaction: one checkpoint covers
      // both, and a fingerprint never precedes its asset in the log (verify-log relies on it).
      if (a.fingerprint) HM_RETURN_IF_ERROR(InsertFingerprint(*a.fingerprint));
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return assets;
}

Status SqliteLedgerStore::InsertAssetRow(const AssetRecord& a) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO assets(log_index, id, payload, model_id, parameters, "
                           "content_hash, manifest_hash, file_name, signer_key_id, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(a.log_index))
      .Bind(2, a.id)
      .BindBlob(3, a.payload)
      .Bind(4, a.model_id)
      .Bind(5, a.parameters_json)
      .Bind(6, a.content_hash)
      .Bind(7, a.manifest_hash)
      .Bind(8, a.file_name)
      .Bind(9, a.signer_key_id)
      .Bind(10, a.created_at);
  return ins->Run();
}

Status SqliteLedgerStore::InsertFingerprint(FingerprintRecord& fp) {
  HM_ASSIGN_OR_RETURN(Bytes body, EncodeFingerprintEntry(fp));
  HM_ASSIGN_OR_RETURN(fp.log_index, AppendEntry(EntryKind::kFingerprint, body));
  return InsertFingerprintRow(fp);
}

Status SqliteLedgerStore::InsertFingerprintRow(const FingerprintRecord& fp) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO fingerprints(log_index, asset_id, algorithm, value, "
                           "source, recorded_at) VALUES (?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(fp.log_index))
      .Bind(2, fp.asset_id)
      .Bind(3, fp.algorithm)
      .BindBlob(4, fp.value)
      .Bind(5, fp.source)
      .Bind(6, fp.recorded_at);
  return ins->Run();
}

Result<FingerprintRecord> SqliteLedgerStore::RecordFingerprint(FingerprintRecord fp) {
  if (fp.asset_id.empty()) return Status::InvalidArgument("a fingerprint needs an asset id");
  HM_RETURN_IF_ERROR(ValidateFingerprint(fp));
  if (fp.recorded_at.empty()) fp.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    // Both checks run under the write lock, so two backfills of one asset cannot both pass.
    HM_ASSIGN_OR_RETURN(bool asset, HasRow("SELECT 1 FROM assets WHERE id = ?", fp.asset_id));
    if (!asset) {
      return Status::BadInput("asset " + fp.asset_id +
                              " is not recorded: there is nothing to fingerprint");
    }
    HM_ASSIGN_OR_RETURN(SqliteStatement * have,
                        Stmt("SELECT log_index FROM fingerprints WHERE asset_id = ?"));
    have->Bind(1, fp.asset_id);
    HM_ASSIGN_OR_RETURN(bool exists, have->Step());
    if (exists) {
      return Status::BadInput("asset " + fp.asset_id + " already has a fingerprint (log entry " +
                              std::to_string(have->Int(0)) +
                              "); the ledger is append-only and never replaces one");
    }
    return InsertFingerprint(fp);
  });
  if (!st.ok()) return st;
  return fp;
}

Result<KeyRecord> SqliteLedgerStore::RecordKey(KeyRecord k) {
  if (k.key_id.empty()) return Status::InvalidArgument("a key needs an id");
  if (k.recorded_at.empty()) k.recorded_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists, HasRow("SELECT 1 FROM keys WHERE key_id = ?", k.key_id));
    if (exists) return Status::BadInput("key " + k.key_id + " is already recorded");
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeKeyEntry(k));
    HM_ASSIGN_OR_RETURN(k.log_index, AppendEntry(EntryKind::kKey, body));
    return InsertKeyRow(k);
  });
  if (!st.ok()) return st;
  return k;
}

Status SqliteLedgerStore::InsertKeyRow(const KeyRecord& k) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO keys(key_id, algorithm, public_key, label, recorded_at, "
                           "log_index) VALUES (?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, k.key_id)
      .Bind(2, k.algorithm)
      .BindBlob(3, k.public_key)
      .Bind(4, k.label)
      .Bind(5, k.recorded_at)
      .Bind(6, static_cast<int64_t>(k.log_index));
  return ins->Run();
}

Result<RevocationRecord> SqliteLedgerStore::RecordRevocation(RevocationRecord r) {
  if (r.revoked_at.empty()) r.revoked_at = UtcNow();
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(bool exists, HasRow("SELECT 1 FROM keys WHERE key_id = ?", r.key_id));
    if (!exists) return Status::NotFound("key " + r.key_id + " is not recorded");
    HM_ASSIGN_OR_RETURN(Bytes body, EncodeRevocationEntry(r));
    HM_ASSIGN_OR_RETURN(r.log_index, AppendEntry(EntryKind::kRevocation, body));
    return InsertRevocationRow(r);
  });
  if (!st.ok()) return st;
  return r;
}

Status SqliteLedgerStore::InsertRevocationRow(const RevocationRecord& r) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO revocations(log_index, key_id, reason, revoked_at) "
                           "VALUES (?, ?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(r.log_index))
      .Bind(2, r.key_id)
      .Bind(3, r.reason)
      .Bind(4, r.revoked_at);
  return ins->Run();
}

Result<PolicyEvaluationRecord> SqliteLedgerStore::RecordPolicyEvaluation(PolicyEvaluationRecord p) {
  if (p.evaluated_at.empty()) p.evaluated_at = UtcNow();
  if (p.decision_json.empty()) p.decision_json = "{}";
  Status st = WriteTransaction([&]() -> Status {
    HM_ASSIGN_OR_RETURN(Bytes body, EncodePolicyEvaluationEntry(p));
    HM_ASSIGN_OR_RETURN(p.log_index, AppendEntry(EntryKind::kPolicyEvaluation, body));
    return InsertPolicyEvaluationRow(p);
  });
  if (!st.ok()) return st;
  return p;
}

Status SqliteLedgerStore::InsertPolicyEvaluationRow(const PolicyEvaluationRecord& p) {
  HM_ASSIGN_OR_RETURN(SqliteStatement * ins,
                      Stmt("INSERT INTO policy_evaluations(log_index, policy_sha256, "
                           "policy_name, subject, decision, evaluated_at) "
                           "VALUES (?, ?, ?, ?, ?, ?)"));
  ins->Bind(1, static_cast<int64_t>(p.log_index))
      .Bind(2, p.policy_sha256)
      .Bind(3, p.policy_name)
      .Bind(4, p.subject)
      .Bind(5, p.decision_json)
      .Bind(6, p.evaluated_at);
  return ins->Run();
}

// --- reads ---------------------------------------------------------------------------------
//
// Every reader prepares (or reuses) one statement, binds it and hands it to VisitRows, AllRows
// or FirstRow (sqlite_db.h) with the decoder for its table below.

constexpr char kDatasetColumns[] =
    "SELECT id, name, source, licence, attribution, item_count, items_root, recorded_at, "
    "log_index FROM datasets ";
constexpr char kModelColumns[] =
    "SELECT id, architecture, hyperparameters, training_run, recorded_at, log_index FROM models ";
constexpr char kAssetColumns[] =
    "SELECT a.id, a.payload, a.model_id, a.parameters, a.content_hash, a.manifest_hash, "
    "a.file_name, a.signer_key_id, a.created_at, a.log_index FROM assets a ";
// The same columns, then the asset's fingerprint (all NULL when it has none).
constexpr char kAssetWithFingerprintColumns[] =
    "SELECT a.id, a.payload, a.model_id, a.parameters, a.content_hash, a.manifest_hash, "
    "a.file_name, a.signer_key_id, a.created_at, a.log_index, f.algorithm, f.value, f.source, "
    "f.recorded_at, f.log_index FROM assets a LEFT JOIN fingerprints f ON f.asset_id = a.id ";
constexpr char kFingerprintColumns[] =
    "SELECT f.asset_id, f.algorithm, f.value, f.source, f.recorded_at, f.log_index, a.log_index "
    "FROM fingerprints f LEFT JOIN assets a ON a.id = f.asset_id ";
constexpr char kCheckpointColumns[] = "SELECT tree_size, root_hash, note FROM checkpoints ";

DatasetRecord DatasetFromRow(const SqliteStatement& st) {
  DatasetRecord d;
  d.id = st.Text(0);
  d.name = st.Text(1);
  d.source = st.Text(2);
  d.licence = st.Text(3);
  d.attribution = st.Text(4);
  d.item_count = static_cast<uint64_t>(st.Int(5));
  d.items_root = st.Text(6);
  d.recorded_at = st.Text(7);
  d.log_index = static_cast<uint64_t>(st.Int(8));
  return d;
}

AssetRecord AssetFromRow(const SqliteStatement& st) {
  AssetRecord a;
  a.id = st.Text(0);
  a.payload = st.Blob(1);
  a.model_id = st.Text(2);
  a.parameters_json = st.Text(3);
  a.content_hash = st.Text(4);
  a.manifest_hash = st.Text(5);
  a.file_name = st.Text(6);
  a.signer_key_id = st.Text(7);
  a.created_at = st.Text(8);
  a.log_index = static_cast<uint64_t>(st.Int(9));
  return a;
}

// The fingerprint columns of a row, from `first` on: algorithm, value, source, recorded_at and
// log_index, as kFingerprintColumns and kAssetWithFingerprintColumns select them.
FingerprintRecord FingerprintFromRow(const SqliteStatement& st, const std::string& asset_id,
                                     int first) {
  return {asset_id,           st.Text(first),     st.Blob(first + 1),
          st.Text(first + 2), st.Text(first + 3), static_cast<uint64_t>(st.Int(first + 4))};
}

// A row of either asset SELECT: the fingerprint columns, when present, follow the asset's.
AssetRecord AssetFromQueryRow(const SqliteStatement& st) {
  AssetRecord a = AssetFromRow(st);
  if (st.ColumnCount() > 10 && !st.IsNull(14)) a.fingerprint = FingerprintFromRow(st, a.id, 10);
  return a;
}

DatasetItem DatasetItemFromRow(const SqliteStatement& st) {
  return {st.Text(0), st.Text(1), static_cast<uint64_t>(st.Int(2)), static_cast<int>(st.Int(3)),
          static_cast<int>(st.Int(4))};
}

KeyRecord KeyFromRow(const SqliteStatement& st) {
  return {st.Text(0), st.Text(1), st.Blob(2),
          st.Text(3), st.Text(4), static_cast<uint64_t>(st.Int(5))};
}

RevocationRecord RevocationFromRow(const SqliteStatement& st) {
  return {st.Text(0), st.Text(1), st.Text(2), static_cast<uint64_t>(st.Int(3))};
}

PolicyEvaluationRecord PolicyEvaluationFromRow(const SqliteStatement& st) {
  return {st.Text(0), st.Text(1), st.Text(2),
          st.Text(3), st.Text(4), static_cast<uint64_t>(st.Int(5))};
}

StoredCheckpoint CheckpointFromRow(const SqliteStatement& st) {
  return StoredCheckpoint{static_cast<uint64_t>(st.Int(0)), ToHash(st.Blob(1)), st.Text(2)};
}

std::string FirstColumnText(const SqliteStatement& st) { return st.Text(0); }

Result<ModelRecord> SqliteLedgerStore::ModelFromRow(const SqliteStatement& st) {
  ModelRecord m;
  m.id = st.Text(0);
  m.architecture = st.Text(1);
  m.hyperparameters_json = st.Text(2);
  m.training_run = st.Text(3);
  m.recorded_at = st.Text(4);
  m.log_index = static_cast<uint64_t>(st.Int(5));
  HM_ASSIGN_OR_RETURN(m.dataset_ids, ModelDatasets(m.id));
  return m;
}

// A row of `SELECT idx, kind, body, leaf_hash FROM entries`; a damaged kind or leaf hash is an
// error, since everything that walks the whole log checks hashes against it.
Result<LogEntry> SqliteLedgerStore::EntryFromRow(const SqliteStatement& st) const {
  auto index = static_cast<uint64_t>(st.Int(0));
  Result<EntryKind> kind = ParseEntryKind(st.Text(1));
  Bytes leaf = st.Blob(3);
  if (!kind.ok() || leaf.size() != 32) {
    return Status::BadInput(path() + ": log entry " + std::to_string(index) +
                            " has a damaged kind or leaf hash");
  }
  return LogEntry{index, *kind, st.Blob(2), ToHash(leaf)};
}

Result<std::vector<std::string>> SqliteLedgerStore::ModelDatasets(const std::string& model_id) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT dataset_id FROM model_datasets WHERE model_id = ? "
                                  "ORDER BY position"));
  st.Bind(1, model_id);
  return AllRows<std::string>(st, FirstColumnText);
}

Result<std::optional<DatasetRecord>> SqliteLedgerStore::FindDataset(const std::string& id_or_name) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare(std::string(kDatasetColumns) + "WHERE id = ? OR name = ?"));
  st.Bind(1, id_or_name).Bind(2, id_or_name);
  return FirstRow<DatasetRecord>(st, DatasetFromRow);
}

Result<std::vector<DatasetItem>> SqliteLedgerStore::DatasetItems(const std::string& dataset_id) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT sha256, path, size, width, height FROM dataset_items "
                                  "WHERE dataset_id = ? ORDER BY position"));
  st.Bind(1, dataset_id);
  return AllRows<DatasetItem>(st, DatasetItemFromRow);
}

Result<std::vector<DatasetRecord>> SqliteLedgerStore::ListDatasets() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare(std::string(kDatasetColumns) + "ORDER BY log_index"));
  return AllRows<DatasetRecord>(st, DatasetFromRow);
}

Result<std::optional<ModelRecord>> SqliteLedgerStore::FindModel(const std::string& id) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare(std::string(kModelColumns) + "WHERE id = ?"));
  st.Bind(1, id);
  return FirstRow<ModelRecord>(st,
                               [this](const SqliteStatement& row) { return ModelFromRow(row); });
}

Result<std::vector<ModelRecord>> SqliteLedgerStore::ListModels() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare(std::string(kModelColumns) + "ORDER BY log_index"));
  return AllRows<ModelRecord>(st, [this](const SqliteStatement& row) { return ModelFromRow(row); });
}

Result<bool> SqliteLedgerStore::HasFingerprints() {
  if (has_fingerprints_) return true;
  HM_ASSIGN_OR_RETURN(int64_t version, db_.QueryInt("PRAGMA user_version"));
  has_fingerprints_ = version >= kFingerprintsSchemaVersion;
  return has_fingerprints_;
}

Result<std::string> SqliteLedgerStore::AssetQuery(const char* tail) {
  HM_ASSIGN_OR_RETURN(bool fingerprints, HasFingerprints());
  return std::string(fingerprints ? kAssetWithFingerprintColumns : kAssetColumns) + tail;
}

// Asset look-ups run once per verified image, so they keep their statements cached (and reset
// them, so that no read transaction stays open between calls).
Result<std::optional<AssetRecord>> SqliteLedgerStore::FindAsset(const std::string& id) {
  HM_ASSIGN_OR_RETURN(std::string sql, AssetQuery("WHERE a.id = ?"));
  HM_ASSIGN_OR_RETURN(SqliteStatement * st, Stmt(sql));
  st->Bind(1, id);
  HM_ASSIGN_OR_RETURN(std::optional<AssetRecord> out,
                      FirstRow<AssetRecord>(*st, AssetFromQueryRow));
  st->Reset();
  return out;
}

Result<std::optional<AssetRecord>> SqliteLedgerStore::FindAssetByPayload(ByteView payload) {
  HM_ASSIGN_OR_RETURN(std::string sql, AssetQuery("WHERE a.payload = ?"));
  HM_ASSIGN_OR_RETURN(SqliteStatement * st, Stmt(sql));
  st->BindBlob(1, payload);
  HM_ASSIGN_OR_RETURN(std::optional<AssetRecord> out,
                      FirstRow<AssetRecord>(*st, AssetFromQueryRow));
  st->Reset();
  return out;
}

Status SqliteLedgerStore::ForEachAsset(const std::function<Status(const AssetRecord&)>& fn) {
  HM_ASSIGN_OR_RETURN(std::string sql, AssetQuery("ORDER BY a.log_index"));
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare(sql));
  return VisitRows<AssetRecord>(st, AssetFromQueryRow, fn);
}

Status SqliteLedgerStore::ForEachAssetId(const std::function<Status(const std::string&)>& fn) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare("SELECT id FROM assets"));
  return VisitRows<std::string>(
      st, [](const SqliteStatement& row) { return row.Text(0); }, fn);
}

Result<uint64_t> SqliteLedgerStore::CountAssets() {
  HM_ASSIGN_OR_RETURN(int64_t n, db_.QueryInt("SELECT count(*) FROM assets"));
  return static_cast<uint64_t>(n);
}

Result<std::vector<KeyRecord>> SqliteLedgerStore::ListKeys() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT key_id, algorithm, public_key, label, recorded_at, "
                                  "log_index FROM keys ORDER BY log_index"));
  return AllRows<KeyRecord>(st, KeyFromRow);
}

Result<std::vector<RevocationRecord>> SqliteLedgerStore::ListRevocations() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT key_id, reason, revoked_at, log_index FROM revocations "
                                  "ORDER BY log_index"));
  return AllRows<RevocationRecord>(st, RevocationFromRow);
}

Result<std::vector<PolicyEvaluationRecord>> SqliteLedgerStore::ListPolicyEvaluations() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT policy_sha256, policy_name, subject, decision, "
                                  "evaluated_at, log_index FROM policy_evaluations "
                                  "ORDER BY log_index"));
  return AllRows<PolicyEvaluationRecord>(st, PolicyEvaluationFromRow);
}

// --- log -----------------------------------------------------------------------------------

Result<uint64_t> SqliteLedgerStore::TreeSize() {
  HM_ASSIGN_OR_RETURN(int64_t n, db_.QueryInt("SELECT coalesce(max(idx) + 1, 0) FROM entries"));
  return static_cast<uint64_t>(n);
}

Result<LogEntry> SqliteLedgerStore::Entry(uint64_t index) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT kind, body, leaf_hash FROM entries WHERE idx = ?"));
  st.Bind(1, static_cast<int64_t>(index));
  // Unlike EntryFromRow, a single entry is returned as stored: the caller compares its leaf hash.
  auto decode = [index](const SqliteStatement& row) -> Result<LogEntry> {
    HM_ASSIGN_OR_RETURN(EntryKind kind, ParseEntryKind(row.Text(0)));
    return LogEntry{index, kind, row.Blob(1), ToHash(row.Blob(2))};
  };
  HM_ASSIGN_OR_RETURN(std::optional<LogEntry> entry, FirstRow<LogEntry>(st, decode));
  if (!entry) return Status::NotFound(path() + ": no log entry " + std::to_string(index));
  return std::move(*entry);
}

Status SqliteLedgerStore::ForEachEntry(const std::function<Status(const LogEntry&)>& fn) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT idx, kind, body, leaf_hash FROM entries ORDER BY idx"));
  return VisitRows<LogEntry>(
      st, [this](const SqliteStatement& row) { return EntryFromRow(row); }, fn);
}

Status SqliteLedgerStore::ForEachStoredNode(
    const std::function<Status(int, uint64_t, const Hash&)>& fn) {
  struct Node {
    int level;
    uint64_t index;
    Hash hash;
  };
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare("SELECT level, idx, hash FROM tree_nodes ORDER BY level, idx"));
  return VisitRows<Node>(
      st,
      [](const SqliteStatement& row) {
        return Node{static_cast<int>(row.Int(0)), static_cast<uint64_t>(row.Int(1)),
                    ToHash(row.Blob(2))};
      },
      [&fn](const Node& n) { return fn(n.level, n.index, n.hash); });
}

Result<std::optional<StoredCheckpoint>> SqliteLedgerStore::LatestCheckpoint() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare(std::string(kCheckpointColumns) +
                                                      "ORDER BY tree_size DESC LIMIT 1"));
  return FirstRow<StoredCheckpoint>(st, CheckpointFromRow);
}

Status SqliteLedgerStore::ForEachCheckpoint(
    const std::function<Status(const StoredCheckpoint&)>& fn) {
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db_.Prepare(std::string(kCheckpointColumns) + "ORDER BY tree_size"));
  return VisitRows<StoredCheckpoint>(st, CheckpointFromRow, fn);
}

Status SqliteLedgerStore::ForEachTableEntry(EntryKind kind,
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
    case EntryKind::kDataset: {
      HM_ASSIGN_OR_RETURN(SqliteStatement st,
                          db_.Prepare(std::string(kDatasetColumns) + "ORDER BY log_index"));
      return VisitRows<DatasetRecord>(st, DatasetFromRow, [&](const DatasetRecord& d) -> Status {
        HM_ASSIGN_OR_RETURN(std::vector<DatasetItem> items, DatasetItems(d.id));
        Result<std::string> root =
            items.empty() ? Result<std::string>(std::string("none")) : ItemsRoot(items);
        if (!root.ok() || *root != d.items_root || items.size() != d.item_count) {
          te.inconsistency = "its dataset_items rows no longer match its item count and root";
        }
        return emit(EncodeDatasetEntry(d), d.log_index, "dataset " + d.name);
      });
    }
    case EntryKind::kModel: {
      HM_ASSIGN_OR_RETURN(SqliteStatement st,
                          db_.Prepare(std::string(kModelColumns) + "ORDER BY log_index"));
      return VisitRows<ModelRecord>(
          st, [this](const SqliteStatement& row) { return ModelFromRow(row); },
          [&](const ModelRecord& m) {
            return emit(EncodeModelEntry(m), m.log_index, "model " + m.id);
          });
    }
    case EntryKind::kAsset: {
      // The asset's own columns only: its entry leaves the fingerprint out.
      HM_ASSIGN_OR_RETURN(SqliteStatement st,
                          db_.Prepare(std::string(kAssetColumns) + "ORDER BY a.log_index"));
      return VisitRows<AssetRecord>(st, AssetFromRow, [&](const AssetRecord& a) {
        return emit(EncodeAssetEntry(a), a.log_index, "asset " + a.id);
      });
    }
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
    case EntryKind::kFingerprint: {
      HM_ASSIGN_OR_RETURN(bool fingerprints, HasFingerprints());
      if (!fingerprints) return Status::Ok();  // an older ledger: none can exist
      HM_ASSIGN_OR_RETURN(SqliteStatement st,
                          db_.Prepare(std::string(kFingerprintColumns) + "ORDER BY f.log_index"));
      // The entry names its asset by id, so a row moved to another asset no longer matches its
      // leaf; what the entry cannot show is a fingerprint logged before its asset existed.
      using Row = std::pair<FingerprintRecord, std::optional<uint64_t>>;  // and the asset's index
      return VisitRows<Row>(
          st,
          [](const SqliteStatement& row) {
            return Row(FingerprintFromRow(row, row.Text(0), 1),
                       row.IsNull(6) ? std::nullopt
                                     : std::optional<uint64_t>(static_cast<uint64_t>(row.Int(6))));
          },
          [&](const Row& r) {
            const FingerprintRecord& f = r.first;
            if (!r.second) {
              te.inconsistency = "its asset is not recorded";
            } else if (*r.second > f.log_index) {
              te.inconsistency =
                  "it precedes its asset (log entry " + std::to_string(*r.second) + ") in the log";
            }
            return emit(EncodeFingerprintEntry(f), f.log_index,
                        "fingerprint of asset " + f.asset_id);
          });
    }
  }
  return Status::Ok();
}

Result<std::optional<CheckpointVerifier>> SqliteLedgerStore::LogVerifier() {
  using MetaRow = std::pair<std::string, Bytes>;  // key, value
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare("SELECT key, value FROM log_meta"));
  Bytes key;
  std::string origin;
  HM_RETURN_IF_ERROR(VisitRows<MetaRow>(
      st, [](const SqliteStatement& row) { return MetaRow(row.Text(0), row.Blob(1)); },
      [&](const MetaRow& meta) {
        if (meta.first == "public_key") key = meta.second;
        if (meta.first == "origin") origin.assign(meta.second.begin(), meta.second.end());
        return Status::Ok();
      }));
  if (key.empty() && origin.empty()) return std::optional<CheckpointVerifier>();
  if (key.size() != 32 || origin.empty()) {
    return Status::BadInput(path() + ": the log's public key or origin is damaged");
  }
  return std::optional<CheckpointVerifier>(CheckpointVerifier(origin, key));
}

Status SqliteLedgerStore::WithSnapshot(const std::function<Status()>& fn) {
  if (!sqlite3_get_autocommit(db_.get())) return fn();  // already inside a transaction
  HM_RETURN_IF_ERROR(db_.Exec("BEGIN"));
  // The snapshot starts with the first read, so take it now.
  Status st = db_.QueryInt("SELECT count(*) FROM log_meta").status();
  if (st.ok()) st = fn();
  ResetStatements();
  Status end = db_.Exec(st.ok() ? "COMMIT" : "ROLLBACK");
  return st.ok() ? end : st;
}

Status SqliteLedgerStore::CheckIntegrity() {
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare("PRAGMA integrity_check"));
  HM_ASSIGN_OR_RETURN(bool row, st.Step());
  if (row && st.Text(0) != "ok") {
    return Status::BadInput(path() + ": integrity check failed: " + st.Text(0));
  }
  HM_ASSIGN_OR_RETURN(SqliteStatement fk, db_.Prepare("PRAGMA foreign_key_check"));
  HM_ASSIGN_OR_RETURN(bool bad, fk.Step());
  if (bad) {
    return Status::BadInput(path() + ": a " + fk.Text(0) +
                            " row refers to a missing parent (foreign key check)");
  }
  return Status::Ok();
}

Status SqliteLedgerStore::ImportFrom(LedgerStore& source) {
  if (!signer_) return Status::InvalidArgument(path() + ": the ledger is open read-only");
  HM_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(source.WithSnapshot([&] { return CopyFrom(source); }));
    ResetStatements();
    return db_.Exec("COMMIT");
  }();
  range_.reset();
  ResetStatements();
  if (!st.ok()) (void)db_.Exec("ROLLBACK");
  return st;
}

Status SqliteLedgerStore::CopyFrom(LedgerStore& source) {
  HM_ASSIGN_OR_RETURN(int64_t present, db_.QueryInt("SELECT count(*) FROM entries"));
  if (present != 0) {
    return Status::BadInput(path() + ": already holds " + std::to_string(present) +
                            " log entries; a ledger is copied only into an empty one");
  }
  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> log_key, source.LogVerifier());
  if (!log_key) return Status::BadInput(source.path() + ": nothing to copy (an empty ledger)");
  HM_RETURN_IF_ERROR(InsertLogMeta(log_key->public_key(), log_key->name()));
  HM_ASSIGN_OR_RETURN(CompactRange empty, CompactRange::FromNodes(0, {}));
  range_ = std::move(empty);
  Status entries = source.ForEachEntry([&](const LogEntry& e) -> Status {
    if (e.index != range_->size() || e.leaf_hash != HashLeaf(e.body)) {
      return Status::BadInput(source.path() + ": log entry " + std::to_string(e.index) +
                              " is out of order or damaged; nothing was copied");
    }
    return AppendEntry(e.kind, e.body).status();
  });
  HM_RETURN_IF_ERROR(entries);
  HM_ASSIGN_OR_RETURN(std::vector<DatasetRecord> datasets, source.ListDatasets());
  for (const DatasetRecord& d : datasets) {
    HM_ASSIGN_OR_RETURN(std::vector<DatasetItem> items, source.DatasetItems(d.id));
    HM_RETURN_IF_ERROR(InsertDatasetRows(d, items));
    // The folder note is not evidence, but losing it would make `train --data NAME` fail after
    // a migration.
    HM_ASSIGN_OR_RETURN(std::optional<std::string> folder, source.DatasetFolder(d.id));
    if (folder) HM_RETURN_IF_ERROR(SetDatasetFolder(d.id, *folder));
  }
  HM_ASSIGN_OR_RETURN(std::vector<ModelRecord> models, source.ListModels());
  for (const ModelRecord& m : models) HM_RETURN_IF_ERROR(InsertModelRows(m));
  Status assets = source.ForEachAsset([&](const AssetRecord& a) -> Status {
    HM_RETURN_IF_ERROR(InsertAssetRow(a));
    return a.fingerprint ? InsertFingerprintRow(*a.fingerprint) : Status::Ok();
  });
  HM_RETURN_IF_ERROR(assets);
  HM_ASSIGN_OR_RETURN(std::vector<KeyRecord> keys, source.ListKeys());
  for (const KeyRecord& k : keys) HM_RETURN_IF_ERROR(InsertKeyRow(k));
  HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> revocations, source.ListRevocations());
  for (const RevocationRecord& r : revocations) HM_RETURN_IF_ERROR(InsertRevocationRow(r));
  HM_ASSIGN_OR_RETURN(std::vector<PolicyEvaluationRecord> evaluations,
                      source.ListPolicyEvaluations());
  for (const PolicyEvaluationRecord& p : evaluations) {
    HM_RETURN_IF_ERROR(InsertPolicyEvaluationRow(p));
  }
  std::optional<StoredCheckpoint> latest;
  HM_RETURN_IF_ERROR(source.ForEachCheckpoint([&](const StoredCheckpoint& cp) {
    latest = cp;
    return InsertCheckpointRow(cp);
  }));
  // Every write signs a checkpoint over the whole log, so the latest one covers every entry; a
  // copy whose rebuilt tree disagrees with it would be a different log.
  if (!latest || latest->size != range_->size() || latest->root != range_->Root()) {
    return Status::BadInput(source.path() +
                            ": the log's entries do not rebuild the root its latest checkpoint "
                            "signs; nothing was copied (run audit verify-log on it)");
  }
  return Status::Ok();
}

Status SqliteLedgerStore::CheckAppendOnlyGuards() {
  HM_ASSIGN_OR_RETURN(int64_t version, db_.QueryInt("PRAGMA user_version"));
  return CheckAppendOnlyTriggers(db_, version);
}

Status SqliteLedgerStore::ExportSnapshot(const std::string& out_path) {
  if (::access(out_path.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(out_path + ": already exists; the export never overwrites");
  }
  ResetStatements();
  HM_ASSIGN_OR_RETURN(SqliteStatement st, db_.Prepare("VACUUM INTO ?"));
  st.Bind(1, out_path);
  Status s = st.Run();
  if (!s.ok()) return s.WithContext("exporting to " + out_path);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LedgerStore>> OpenSqliteLedger(const std::string& path,
                                                      const LedgerOptions& options,
                                                      std::shared_ptr<CheckpointSigner> signer) {
  bool read_only = options.read_only || !options.foreign_file.empty();
  if (read_only && ::access(path.c_str(), F_OK) != 0) {
    return Status::NotFound(path + ": no ledger here (nothing has been recorded yet)");
  }
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  HM_ASSIGN_OR_RETURN(SqliteDb db,
                      SqliteDb::Open(FileUri(path, ChooseReadMode(path, read_only)), path, flags));
  LedgerOptions opts = options;
  opts.read_only = read_only;
  auto store = std::make_unique<SqliteLedgerStore>(std::move(db), opts,
                                                   read_only ? nullptr : std::move(signer));
  HM_RETURN_IF_ERROR(store->Initialise());
  return std::unique_ptr<LedgerStore>(std::move(store));
}

}  // namespace hallmark::audit
