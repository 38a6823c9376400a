// The PostgreSQL implementation of LedgerStore: one ledger that many machines append to.
//
// The same contract as the SQLite file (ledger_store.h): append-only tables guarded by row
// triggers against UPDATE and DELETE and a statement trigger against TRUNCATE, a schema version
// migrated forward, and one signed checkpoint per write transaction. Concurrent writers
// serialise only the sequencing step: each write transaction takes one transaction-scoped
// advisory lock, reads the log size from the entries table and appends after it, so the log
// order, the Merkle tree and the checkpoints mean what they mean on SQLite. No sequence
// (bigserial) ever numbers the log: a rolled-back insert would burn a value and leave a gap.
//
// Roles: the role that first opens a database for writing creates the schema and owns it. It
// grants SELECT and INSERT, and nothing more, to the group role hallmark_writer, and SELECT to
// hallmark_reader, when those roles exist (docs/deployment.md). docs/audit.md describes the
// tables.
#ifndef HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_LEDGER_STORE_H_
#define HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_LEDGER_STORE_H_

#include <memory>
#include <string>

#include "audit/ledger/ledger_store.h"

namespace hallmark::audit {

// Connects to `url` (a libpq connection URI). `signer` may be null for read-only use; writes then
// fail. An unreachable server, a refused login or a database that is not a Hallmark ledger is an
// error naming the URL without its password.
Result<std::unique_ptr<LedgerStore>> OpenPostgresLedger(const std::string& url,
                                                        const LedgerOptions& options,
                                                        std::shared_ptr<CheckpointSigner> signer);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_POSTGRES_POSTGRES_LEDGER_STORE_H_
