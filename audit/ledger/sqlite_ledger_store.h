// The SQLite implementation of LedgerStore: one file, WAL journal, synchronous=FULL, STRICT
// tables with foreign keys, triggers that abort any UPDATE or DELETE, BEGIN IMMEDIATE for every
// write so concurrent writers queue on busy_timeout instead of failing, schema migrations keyed
// by PRAGMA user_version, and an application_id that marks the file as a Hallmark ledger.
// docs/audit.md describes the schema.
#ifndef HALLMARK_AUDIT_LEDGER_SQLITE_LEDGER_STORE_H_
#define HALLMARK_AUDIT_LEDGER_SQLITE_LEDGER_STORE_H_

#include <memory>
#include <string>

#include "audit/ledger/ledger_schema.h"
#include "audit/ledger/ledger_store.h"

namespace hallmark::audit {

// Opens `path`. `signer` may be null for read-only use; writes then fail.
Result<std::unique_ptr<LedgerStore>> OpenSqliteLedger(const std::string& path,
                                                      const LedgerOptions& options,
                                                      std::shared_ptr<CheckpointSigner> signer);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_SQLITE_LEDGER_STORE_H_
