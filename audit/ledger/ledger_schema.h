// The SQLite ledger's schema and its forward-only migrations (PRAGMA user_version), with the
// application_id that marks a file as a Hallmark ledger. docs/audit.md describes the tables.
#ifndef HALLMARK_AUDIT_LEDGER_LEDGER_SCHEMA_H_
#define HALLMARK_AUDIT_LEDGER_LEDGER_SCHEMA_H_

#include <cstdint>

#include "audit/ledger/sqlite_db.h"
#include "base/status.h"

namespace hallmark::audit {

inline constexpr int32_t kLedgerApplicationId = 0x484d4c47;  // "HMLG"
inline constexpr int kLedgerSchemaVersion = 3;
// The first schema with each table that a later version added; an older ledger opened read-only
// is read as it is, and what it lacks reads as absent.
inline constexpr int kDatasetLocationsSchemaVersion = 2;  // dataset_locations
inline constexpr int kFingerprintsSchemaVersion = 3;      // fingerprints

// Brings `db` to kLedgerSchemaVersion in one transaction; creates the schema in an empty
// file. Refuses files of other applications (kBadInput) and newer schemas (kUnsupported); a
// read-only file is read as it is (any version from 1 up). A file whose header claims a version
// but which lacks a table of that version is kBadInput naming the file and the table.
Status MigrateLedgerSchema(SqliteDb& db, bool read_only);

// kBadInput naming the first append-only trigger of a ledger at `version` that is missing or
// whose text differs from the one the migration created (a trigger replaced by a no-op).
Status CheckAppendOnlyTriggers(SqliteDb& db, int64_t version);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_LEDGER_SCHEMA_H_
