#include "audit/ledger/ledger_schema.h"

#include <cstddef>
#include <iterator>
#include <string>
#include <vector>

namespace hallmark::audit {
namespace {

// Tables that only ever grow. Each gets triggers that abort UPDATE and DELETE, so a bug or a
// careless script cannot rewrite history through SQLite; verify-log catches edits made after
// dropping the triggers. Listed by the schema version that created them, since a trigger can
// only be created with its table.
constexpr const char* kAppendOnlyTablesV1[] = {
    "log_meta", "entries",        "tree_nodes", "checkpoints", "datasets",    "dataset_items",
    "models",   "model_datasets", "assets",     "keys",        "revocations", "policy_evaluations"};
constexpr const char* kAppendOnlyTablesV3[] = {"fingerprints"};

constexpr char kSchemaV1[] = R"sql(
CREATE TABLE log_meta(
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;
CREATE TABLE entries(
  idx INTEGER PRIMARY KEY CHECK (idx >= 0),
  kind TEXT NOT NULL,
  body BLOB NOT NULL,
  leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)
) STRICT;
CREATE TABLE tree_nodes(
  level INTEGER NOT NULL CHECK (level >= 1),
  idx INTEGER NOT NULL,
  hash BLOB NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
) STRICT, WITHOUT ROWID;
CREATE TABLE checkpoints(
  tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 1),
  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),
  note TEXT NOT NULL
) STRICT;
CREATE TABLE datasets(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  licence TEXT NOT NULL,
  attribution TEXT NOT NULL,
  item_count INTEGER NOT NULL,
  items_root TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  log_index INTEGER NOT NULL UNIQUE REFERENCES entries(idx)
) STRICT;
CREATE TABLE dataset_items(
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  position INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  PRIMARY KEY (dataset_id, position)
) STRICT, WITHOUT ROWID;
CREATE TABLE models(
  id TEXT PRIMARY KEY,
  architecture TEXT NOT NULL,
  hyperparameters TEXT NOT NULL,
  training_run TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  log_index INTEGER NOT NULL UNIQUE REFERENCES entries(idx)
) STRICT;
CREATE TABLE model_datasets(
  model_id TEXT NOT NULL REFERENCES models(id),
  position INTEGER NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets(id),
  PRIMARY KEY (model_id, position)
) STRICT, WITHOUT ROWID;
CREATE TABLE assets(
  log_index INTEGER PRIMARY KEY REFERENCES entries(idx),
  id TEXT NOT NULL UNIQUE,
  payload BLOB NOT NULL CHECK (length(payload) BETWEEN 1 AND 8),
  model_id TEXT NOT NULL REFERENCES models(id),
  parameters TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  manifest_hash TEXT NOT NULL,
  file_name TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX assets_by_payload ON assets(payload);
CREATE TABLE keys(
  key_id TEXT PRIMARY KEY,
  algorithm TEXT NOT NULL,
  public_key BLOB NOT NULL,
  label TEXT NOT NULL,
  recorded_at TEXT NOT NULL,
  log_index INTEGER NOT NULL UNIQUE REFERENCES entries(idx)
) STRICT;
CREATE TABLE revocations(
  log_index INTEGER PRIMARY KEY REFERENCES entries(idx),
  key_id TEXT NOT NULL REFERENCES keys(key_id),
  reason TEXT NOT NULL,
  revoked_at TEXT NOT NULL
) STRICT;
CREATE TABLE policy_evaluations(
  log_index INTEGER PRIMARY KEY REFERENCES entries(idx),
  policy_sha256 TEXT NOT NULL,
  policy_name TEXT NOT NULL,
  subject TEXT NOT NULL,
  decision TEXT NOT NULL,
  evaluated_at TEXT NOT NULL
) STRICT;
CREATE INDEX policy_evaluations_by_subject ON policy_evaluations(subject);
)sql";

// Version 2: where this machine keeps each dataset's files, so `train --data NAME` can find and
// re-check them. A local convenience, not evidence: it is not in the log, and it may change
// (the folder moves), so it is the one table without append-only triggers.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE dataset_locations(
  dataset_id TEXT PRIMARY KEY REFERENCES datasets(id),
  folder TEXT NOT NULL,
  updated_at TEXT NOT NULL
) STRICT;
)sql";

// Version 3: each asset's content fingerprint, at most one, logged as an entry of its own so
// that the asset entries of older ledgers keep their bytes. Append-only like the other records:
// an asset recorded without one may gain it later (backfill), but a fingerprint never changes.
// asset_id is UNIQUE, which also indexes the look-up by asset.
constexpr char kSchemaV3[] = R"sql(
CREATE TABLE fingerprints(
  log_index INTEGER PRIMARY KEY REFERENCES entries(idx),
  asset_id TEXT NOT NULL UNIQUE REFERENCES assets(id),
  algorithm TEXT NOT NULL,
  value BLOB NOT NULL CHECK (length(value) BETWEEN 1 AND 65536),
  source TEXT NOT NULL,
  recorded_at TEXT NOT NULL
) STRICT;
)sql";

// The statement that creates one append-only trigger, as SQLite keeps it in sqlite_schema.sql.
std::string AppendOnlyTrigger(const std::string& table, const char* op) {
  return "CREATE TRIGGER " + table + "_no_" + (op[0] == 'U' ? "update" : "delete") + " BEFORE " +
         op + " ON " + table + " BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: " + table +
         " rows cannot be changed or deleted'); END";
}

template <size_t N>
std::string AppendOnlyTriggers(const char* const (&tables)[N]) {
  std::string sql;
  for (const char* t : tables) {
    for (const char* op : {"UPDATE", "DELETE"}) sql += AppendOnlyTrigger(t, op) + ";\n";
  }
  return sql;
}

// Every table the statements of a ledger at `version` read. A file that claims the version in
// its header but lacks one of them (or offers a view in its place) is refused at open with one
// clear message, instead of failing later inside whichever query first meets the gap.
Status CheckLedgerTables(SqliteDb& db, int64_t version) {
  std::vector<std::string> required(std::begin(kAppendOnlyTablesV1), std::end(kAppendOnlyTablesV1));
  if (version >= kDatasetLocationsSchemaVersion) required.emplace_back("dataset_locations");
  if (version >= kFingerprintsSchemaVersion)
    required.insert(required.end(), std::begin(kAppendOnlyTablesV3), std::end(kAppendOnlyTablesV3));
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db.Prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND "
                                 "name = ?"));
  for (const std::string& table : required) {
    st.Reset().Bind(1, std::string_view(table));
    HM_ASSIGN_OR_RETURN(bool row, st.Step());
    if (!row || st.Int(0) != 1) {
      return Status::BadInput(db.path() + ": not a usable Hallmark ledger (schema " +
                              std::to_string(version) + " but no '" + table + "' table)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status MigrateLedgerSchema(SqliteDb& db, bool read_only) {
  HM_ASSIGN_OR_RETURN(int64_t app_id, db.QueryInt("PRAGMA application_id"));
  HM_ASSIGN_OR_RETURN(int64_t version, db.QueryInt("PRAGMA user_version"));
  HM_ASSIGN_OR_RETURN(int64_t objects, db.QueryInt("SELECT count(*) FROM sqlite_schema"));
  bool fresh = app_id == 0 && version == 0 && objects == 0;
  if (!fresh && app_id != kLedgerApplicationId) {
    return Status::BadInput(db.path() + ": not a Hallmark ledger (SQLite application_id " +
                            std::to_string(app_id) + ")");
  }
  if (version > kLedgerSchemaVersion) {
    return Status::Unsupported(db.path() + ": ledger schema " + std::to_string(version) +
                               " was written by a newer Hallmark (this one knows " +
                               std::to_string(kLedgerSchemaVersion) + ")");
  }
  if (version == kLedgerSchemaVersion) return CheckLedgerTables(db, version);
  // Reading an older ledger needs no migration: what it lacks reads as absent.
  if (read_only && version >= 1) return CheckLedgerTables(db, version);
  if (read_only) {
    return Status::BadInput(db.path() +
                            ": the ledger is empty or unfinished, and opened read-only");
  }
  // An older ledger must be whole before it is built on: a file that claims a version but lacks
  // its tables is refused as it is, not migrated into a bigger broken file.
  if (version >= 1) HM_RETURN_IF_ERROR(CheckLedgerTables(db, version));
  // Forward-only migrations, all steps in one transaction; user_version is re-read under the
  // write lock because another process may have migrated meanwhile.
  HM_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status st = [&]() -> Status {
    HM_ASSIGN_OR_RETURN(int64_t v, db.QueryInt("PRAGMA user_version"));
    if (v == 0) {
      HM_RETURN_IF_ERROR(db.Exec(kSchemaV1));
      HM_RETURN_IF_ERROR(db.Exec(AppendOnlyTriggers(kAppendOnlyTablesV1)));
      HM_RETURN_IF_ERROR(db.Exec("PRAGMA application_id=" + std::to_string(kLedgerApplicationId) +
                                 "; PRAGMA user_version=1;"));
      v = 1;
    }
    if (v == 1) {
      HM_RETURN_IF_ERROR(db.Exec(kSchemaV2));
      HM_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=2;"));
      v = 2;
    }
    if (v == 2) {
      HM_RETURN_IF_ERROR(db.Exec(kSchemaV3));
      HM_RETURN_IF_ERROR(db.Exec(AppendOnlyTriggers(kAppendOnlyTablesV3)));
      HM_RETURN_IF_ERROR(db.Exec("PRAGMA user_version=3;"));
    }
    return db.Exec("COMMIT");
  }();
  if (!st.ok()) {
    (void)db.Exec("ROLLBACK");
    return st;
  }
  return CheckLedgerTables(db, kLedgerSchemaVersion);
}

Status CheckAppendOnlyTriggers(SqliteDb& db, int64_t version) {
  std::vector<std::string> tables(std::begin(kAppendOnlyTablesV1), std::end(kAppendOnlyTablesV1));
  if (version >= kFingerprintsSchemaVersion) {
    tables.insert(tables.end(), std::begin(kAppendOnlyTablesV3), std::end(kAppendOnlyTablesV3));
  }
  HM_ASSIGN_OR_RETURN(SqliteStatement st,
                      db.Prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND "
                                 "name = ?"));
  for (const std::string& table : tables) {
    for (const char* op : {"UPDATE", "DELETE"}) {
      const std::string name = table + "_no_" + (op[0] == 'U' ? "update" : "delete");
      st.Reset().Bind(1, std::string_view(name));
      HM_ASSIGN_OR_RETURN(bool row, st.Step());
      if (!row || st.Text(0) != AppendOnlyTrigger(table, op)) {
        return Status::BadInput(db.path() + ": the append-only trigger " + name + " is " +
                                (row ? "altered" : "missing") + "; " + table +
                                " rows could be changed or deleted");
      }
    }
  }
  return Status::Ok();
}

}  // namespace hallmark::audit
