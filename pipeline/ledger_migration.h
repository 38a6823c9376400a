// ledger migrate: copies a whole ledger between backends (a SQLite file and a PostgreSQL
// database, either way) and proves the copy is the same log: both sides pass verify-log against
// the log's own key, and their roots and sizes are equal.
#ifndef HALLMARK_PIPELINE_LEDGER_MIGRATION_H_
#define HALLMARK_PIPELINE_LEDGER_MIGRATION_H_

#include <cstdint>
#include <string>

#include "audit/ledger/merkle_tree.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct LedgerMigrationRequest {
  std::string home;  // whose log key opens the destination for writing (the key is not used)
  std::string from;  // a SQLite ledger file or a postgresql:// URL
  std::string to;    // a new SQLite file, or a PostgreSQL database without a ledger
};

struct LedgerMigration {
  uint64_t tree_size = 0;
  uint64_t checkpoints = 0;
  audit::Hash root{};
  // False when the home's log key is not the one the log is signed with: the copy is whole, but
  // this home cannot append to it.
  bool home_key_matches = false;
};

// The source must pass verify-log before anything is written; the destination is filled in one
// transaction and verified after. kBadInput when the source is not intact, the destination is
// not empty (or the file exists), or the copy does not verify.
Result<LedgerMigration> MigrateLedger(const LedgerMigrationRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_LEDGER_MIGRATION_H_
