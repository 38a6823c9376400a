// The PostgreSQL ledger's tables, in the schema (namespace) "hallmark": the SQLite ledger's
// tables (ledger_schema.cc) with bytea for blobs and bigint for indices, the same CHECK
// constraints and foreign keys, and append-only triggers. The version lives in the append-only
// table hallmark.schema_version, one row per applied version; its numbering is the PostgreSQL
// ledger's own, unrelated to SQLite's user_version.
#ifndef HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_SCHEMA_H_
#define HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_SCHEMA_H_

#include <cstdint>

#include "audit/ledger/postgres/pg_connection.h"
#include "base/status.h"

namespace hallmark::audit {

inline constexpr int kPostgresSchemaVersion = 1;

// The key of the transaction-scoped advisory lock that serialises the ledger's writers (and
// its migrations): the bytes "Hallmark" as a big-endian 64-bit integer. Every process that
// writes one database must use the same key; other applications sharing the database should
// not.
inline constexpr int64_t kLedgerAdvisoryLockKey = 5215569056419115627;

// The tables guarded by append-only triggers: all but dataset_locations.
inline constexpr const char* kPostgresAppendOnlyTables[] = {
    "schema_version",     "log_meta",    "entries",       "tree_nodes",
    "checkpoints",        "datasets",    "dataset_items", "models",
    "model_datasets",     "assets",      "keys",          "revocations",
    "policy_evaluations", "fingerprints"};

// Makes the database's ledger schema usable: a writer creates it when missing or migrates it
// forward (one transaction under the advisory lock, the version re-read under the lock); a
// reader only checks. kNotFound for a reader of a database without a ledger; kUnsupported for
// a newer version; kBadInput for a "hallmark" schema that is not a whole Hallmark ledger.
Status PreparePostgresSchema(PgConnection& db, bool read_only);

// kBadInput naming the first append-only trigger that is missing or disabled.
Status CheckAppendOnlyTriggers(PgConnection& db);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_SCHEMA_H_
