#include "audit/ledger/postgres/postgres_schema.h"

#include <map>
#include <set>
#include <string>

namespace hallmark::audit {
namespace {

// The body of the trigger function every append-only trigger runs. CheckAppendOnlyTriggers
// compares the stored body with this text, so a function replaced by a no-op is caught too.
constexpr char kRefuseChangeBody[] =
    "\nBEGIN\n"
    "  RAISE EXCEPTION 'the ledger is append-only: % rows cannot be changed or deleted',\n"
    "    TG_TABLE_NAME;\n"
    "END\n";

// Version 1: the SQLite ledger's schema 3 (ledger_schema.cc) in PostgreSQL types. Unique
// constraints carry names, so that a violation can be told apart without parsing messages.
constexpr char kSchemaV1[] = R"sql(
CREATE SCHEMA hallmark;
REVOKE ALL ON SCHEMA hallmark FROM PUBLIC;
CREATE TABLE hallmark.schema_version(
  version integer PRIMARY KEY CHECK (version >= 1),
  applied_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE hallmark.log_meta(
  key text PRIMARY KEY,
  value bytea NOT NULL
);
CREATE TABLE hallmark.entries(
  idx bigint PRIMARY KEY CHECK (idx >= 0),
  kind text NOT NULL,
  body bytea NOT NULL,
  leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32)
);
CREATE TABLE hallmark.tree_nodes(
  level integer NOT NULL CHECK (level >= 1),
  idx bigint NOT NULL,
  hash bytea NOT NULL CHECK (length(hash) = 32),
  PRIMARY KEY (level, idx)
);
CREATE TABLE hallmark.checkpoints(
  tree_size bigint PRIMARY KEY CHECK (tree_size >= 1),
  root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
  note text NOT NULL
);
CREATE TABLE hallmark.datasets(
  id text PRIMARY KEY,
  name text NOT NULL CONSTRAINT datasets_name_unique UNIQUE,
  source text NOT NULL,
  licence text NOT NULL,
  attribution text NOT NULL,
  item_count bigint NOT NULL,
  items_root text NOT NULL,
  recorded_at text NOT NULL,
  log_index bigint NOT NULL UNIQUE REFERENCES hallmark.entries(idx)
);
CREATE TABLE hallmark.dataset_items(
  dataset_id text NOT NULL REFERENCES hallmark.datasets(id),
  position bigint NOT NULL,
  sha256 text NOT NULL,
  path text NOT NULL,
  size bigint NOT NULL,
  width integer NOT NULL,
  height integer NOT NULL,
  PRIMARY KEY (dataset_id, position)
);
CREATE TABLE hallmark.models(
  id text PRIMARY KEY,
  architecture text NOT NULL,
  hyperparameters text NOT NULL,
  training_run text NOT NULL,
  recorded_at text NOT NULL,
  log_index bigint NOT NULL UNIQUE REFERENCES hallmark.entries(idx)
);
CREATE TABLE hallmark.model_datasets(
  model_id text NOT NULL REFERENCES hallmark.models(id),
  position bigint NOT NULL,
  dataset_id text NOT NULL REFERENCES hallmark.datasets(id),
  PRIMARY KEY (model_id, position)
);
CREATE TABLE hallmark.assets(
  log_index bigint PRIMARY KEY REFERENCES hallmark.entries(idx),
  id text NOT NULL CONSTRAINT assets_id_unique UNIQUE,
  payload bytea NOT NULL CHECK (length(payload) BETWEEN 1 AND 8)
    CONSTRAINT assets_payload_unique UNIQUE,
  model_id text NOT NULL CONSTRAINT assets_model_fk REFERENCES hallmark.models(id),
  parameters text NOT NULL,
  content_hash text NOT NULL,
  manifest_hash text NOT NULL,
  file_name text NOT NULL,
  signer_key_id text NOT NULL,
  created_at text NOT NULL
);
CREATE TABLE hallmark.keys(
  key_id text PRIMARY KEY,
  algorithm text NOT NULL,
  public_key bytea NOT NULL,
  label text NOT NULL,
  recorded_at text NOT NULL,
  log_index bigint NOT NULL UNIQUE REFERENCES hallmark.entries(idx)
);
CREATE TABLE hallmark.revocations(
  log_index bigint PRIMARY KEY REFERENCES hallmark.entries(idx),
  key_id text NOT NULL REFERENCES hallmark.keys(key_id),
  reason text NOT NULL,
  revoked_at text NOT NULL
);
CREATE TABLE hallmark.policy_evaluations(
  log_index bigint PRIMARY KEY REFERENCES hallmark.entries(idx),
  policy_sha256 text NOT NULL,
  policy_name text NOT NULL,
  subject text NOT NULL,
  decision text NOT NULL,
  evaluated_at text NOT NULL
);
CREATE INDEX policy_evaluations_by_subject ON hallmark.policy_evaluations(subject);
CREATE TABLE hallmark.fingerprints(
  log_index bigint PRIMARY KEY REFERENCES hallmark.entries(idx),
  asset_id text NOT NULL CONSTRAINT fingerprints_asset_unique UNIQUE
    REFERENCES hallmark.assets(id),
  algorithm text NOT NULL,
  value bytea NOT NULL CHECK (length(value) BETWEEN 1 AND 65536),
  source text NOT NULL,
  recorded_at text NOT NULL
);
-- Where a machine keeps each dataset's files: a local convenience, not evidence, and the one
-- table a writer may update (the folder moves).
CREATE TABLE hallmark.dataset_locations(
  dataset_id text PRIMARY KEY REFERENCES hallmark.datasets(id),
  folder text NOT NULL,
  updated_at text NOT NULL
);
)sql";

std::string RefuseChangeFunction() {
  return std::string(
             "CREATE FUNCTION hallmark.refuse_change() RETURNS trigger LANGUAGE plpgsql "
             "AS $body$") +
         kRefuseChangeBody + "$body$;\n";
}

// Named as the SQLite ledger's (<table>_no_update, <table>_no_delete), plus <table>_no_truncate:
// TRUNCATE fires no row trigger.
// The third field is the trigger's pg_trigger.tgtype: TRIGGER_TYPE_BEFORE (2) with ROW (1) and
// UPDATE (16) or DELETE (8), or with TRUNCATE (32), so that a trigger recreated for some other
// event under the same name is caught too.
struct TriggerKind {
  const char* suffix;
  const char* timing;  // null for the statement-level TRUNCATE trigger
  int tgtype;
};
constexpr TriggerKind kTriggerKinds[] = {{"_no_update", "BEFORE UPDATE", 19},
                                         {"_no_delete", "BEFORE DELETE", 11},
                                         {"_no_truncate", nullptr, 34}};

std::string AppendOnlyTriggers() {
  std::string sql;
  for (const char* t : kPostgresAppendOnlyTables) {
    for (const auto& kind : kTriggerKinds) {
      sql +=
          std::string("CREATE TRIGGER ") + t + kind.suffix + " " +
          (kind.timing ? std::string(kind.timing) + " ON hallmark." + t + " FOR EACH ROW"
                       : std::string("BEFORE TRUNCATE ON hallmark.") + t + " FOR EACH STATEMENT") +
          " EXECUTE FUNCTION hallmark.refuse_change();\n";
    }
  }
  return sql;
}

// Privileges for the group roles of docs/deployment.md, when the administrator created them:
// writers may read and append (and move a dataset's folder note), readers may read.
constexpr char kGrants[] = R"sql(
REVOKE ALL ON ALL TABLES IN SCHEMA hallmark FROM PUBLIC;
DO $grants$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'hallmark_writer') THEN
    GRANT USAGE ON SCHEMA hallmark TO hallmark_writer;
    GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA hallmark TO hallmark_writer;
    REVOKE INSERT ON hallmark.schema_version FROM hallmark_writer;
    GRANT UPDATE ON hallmark.dataset_locations TO hallmark_writer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'hallmark_reader') THEN
    GRANT USAGE ON SCHEMA hallmark TO hallmark_reader;
    GRANT SELECT ON ALL TABLES IN SCHEMA hallmark TO hallmark_reader;
  END IF;
END
$grants$;
)sql";

struct SchemaState {
  bool schema_exists = false;
  bool has_version_table = false;
};

Result<SchemaState> ReadState(PgConnection& db) {
  HM_ASSIGN_OR_RETURN(
      PgResult r,
      db.Exec("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'hallmark'), "
              "EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
              "ON n.oid = c.relnamespace WHERE n.nspname = 'hallmark' AND "
              "c.relname = 'schema_version' AND c.relkind = 'r')"));
  return SchemaState{r.Text(0, 0) == "t", r.Text(0, 1) == "t"};
}

Result<int64_t> ReadVersion(PgConnection& db) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      db.Exec("SELECT coalesce(max(version), 0) FROM hallmark.schema_version"));
  return r.Int(0, 0);
}

// The version of the schema `state` describes, 0 when there is none. A 'hallmark' schema with no
// version table was not written by Hallmark, and is refused before anything reads or adds to it.
Result<int64_t> ExistingVersion(PgConnection& db, const SchemaState& state) {
  if (!state.schema_exists) return int64_t{0};
  if (!state.has_version_table) {
    return Status::BadInput("ledger " + db.redacted_url() +
                            ": not a Hallmark ledger (the database has a 'hallmark' schema "
                            "without a schema_version table)");
  }
  return ReadVersion(db);
}

// Refuses a schema from a newer Hallmark: this one cannot know what its tables mean.
Status RefuseNewerVersion(const PgConnection& db, int64_t version) {
  if (version <= kPostgresSchemaVersion) return Status::Ok();
  return Status::Unsupported("ledger " + db.redacted_url() + ": ledger schema " +
                             std::to_string(version) +
                             " was written by a newer Hallmark (this one knows " +
                             std::to_string(kPostgresSchemaVersion) + ")");
}

// Every table a ledger at `version` must have; refuses a schema that lacks one with one clear
// message instead of failing later in whichever query meets the gap.
Status CheckTables(PgConnection& db, int64_t version) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      db.Exec("SELECT c.relname FROM pg_catalog.pg_class c JOIN "
                              "pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE "
                              "n.nspname = 'hallmark' AND c.relkind IN ('r', 'p')"));
  std::set<std::string> present;
  for (int i = 0; i < r.rows(); ++i) present.insert(r.Text(i, 0));
  std::vector<std::string> required(std::begin(kPostgresAppendOnlyTables),
                                    std::end(kPostgresAppendOnlyTables));
  required.emplace_back("dataset_locations");
  for (const std::string& t : required) {
    if (!present.count(t)) {
      return Status::BadInput("ledger " + db.redacted_url() +
                              ": not a usable Hallmark ledger (schema " + std::to_string(version) +
                              " but no 'hallmark." + t + "' table)");
    }
  }
  return Status::Ok();
}

Status OwnerMustCreate(const PgConnection& db) {
  return Status::BadInput("ledger " + db.redacted_url() +
                          ": this role may not create or upgrade the ledger's tables; the "
                          "ledger's owner role must open it for writing once first "
                          "(docs/deployment.md); the server said: " +
                          db.last_message());
}

Status Migrate(PgConnection& db) {
  HM_RETURN_IF_ERROR(db.Exec("BEGIN").status());
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(
        db.Exec("SELECT pg_advisory_xact_lock(" + std::to_string(kLedgerAdvisoryLockKey) + ")")
            .status());
    // Re-read under the lock: another process may have created or migrated the schema.
    HM_ASSIGN_OR_RETURN(SchemaState state, ReadState(db));
    HM_ASSIGN_OR_RETURN(int64_t version, ExistingVersion(db, state));
    if (version > kPostgresSchemaVersion) return Status::Ok();  // refused by the caller
    if (version >= 1) HM_RETURN_IF_ERROR(CheckTables(db, version));
    if (version == 0) {
      if (state.schema_exists) {
        return Status::BadInput("ledger " + db.redacted_url() +
                                ": the 'hallmark' schema has no version; not a Hallmark ledger");
      }
      Status created = db.Exec(kSchemaV1).status();
      if (!created.ok()) {
        if (db.last_sqlstate() == "42501") return OwnerMustCreate(db);
        return created;
      }
      HM_RETURN_IF_ERROR(db.Exec(RefuseChangeFunction()).status());
      HM_RETURN_IF_ERROR(db.Exec(AppendOnlyTriggers()).status());
      HM_RETURN_IF_ERROR(db.Exec(kGrants).status());
      HM_RETURN_IF_ERROR(
          db.Exec("INSERT INTO hallmark.schema_version(version) VALUES (1)").status());
      version = 1;
    }
    // Later versions: `if (version == 1) { ...; version = 2; }`, each granting on its new tables.
    return db.Commit();
  }();
  if (!st.ok()) db.Rollback();
  return st;
}

}  // namespace

Status PreparePostgresSchema(PgConnection& db, bool read_only) {
  HM_ASSIGN_OR_RETURN(SchemaState state, ReadState(db));
  HM_ASSIGN_OR_RETURN(int64_t version, ExistingVersion(db, state));
  HM_RETURN_IF_ERROR(RefuseNewerVersion(db, version));
  if (version == kPostgresSchemaVersion) return CheckTables(db, version);
  if (read_only) {
    if (!state.schema_exists) {
      return Status::NotFound("ledger " + db.redacted_url() +
                              ": no ledger here (nothing has been recorded yet)");
    }
    if (version >= 1) return CheckTables(db, version);
    return Status::BadInput("ledger " + db.redacted_url() +
                            ": the ledger is empty or unfinished, and opened read-only");
  }
  HM_RETURN_IF_ERROR(Migrate(db));
  HM_ASSIGN_OR_RETURN(version, ReadVersion(db));
  HM_RETURN_IF_ERROR(RefuseNewerVersion(db, version));
  return CheckTables(db, version);
}

Status CheckAppendOnlyTriggers(PgConnection& db) {
  HM_ASSIGN_OR_RETURN(
      PgResult r,
      db.Exec("SELECT c.relname, t.tgname, t.tgenabled, pn.nspname, p.proname, p.prosrc, "
              "t.tgtype "
              "FROM pg_catalog.pg_trigger t "
              "JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
              "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
              "JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid "
              "JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace "
              "WHERE n.nspname = 'hallmark' AND NOT t.tgisinternal"));
  struct Found {
    bool enabled;
    bool refuses;
    int64_t type;
  };
  std::map<std::string, Found> triggers;
  for (int i = 0; i < r.rows(); ++i) {
    std::string enabled = r.Text(i, 2);
    bool refuses = r.Text(i, 3) == "hallmark" && r.Text(i, 4) == "refuse_change" &&
                   r.Text(i, 5) == kRefuseChangeBody;
    triggers[r.Text(i, 0) + "." + r.Text(i, 1)] = {enabled == "O" || enabled == "A", refuses,
                                                   r.Int(i, 6)};
  }
  for (const char* t : kPostgresAppendOnlyTables) {
    for (const auto& kind : kTriggerKinds) {
      std::string name = std::string(t) + kind.suffix;
      auto it = triggers.find(std::string(t) + "." + name);
      std::string what =
          "ledger " + db.redacted_url() + ": the append-only trigger " + name + " on hallmark." + t;
      if (it == triggers.end()) return Status::BadInput(what + " is missing");
      if (!it->second.enabled) return Status::BadInput(what + " is disabled");
      if (it->second.type != kind.tgtype) {
        return Status::BadInput(what + " no longer fires on the event it was created for");
      }
      if (!it->second.refuses) {
        return Status::BadInput(what + " no longer runs hallmark.refuse_change as created");
      }
    }
  }
  return Status::Ok();
}

}  // namespace hallmark::audit
