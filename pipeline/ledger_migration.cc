#include "pipeline/ledger_migration.h"

#include <unistd.h>

#include <memory>
#include <optional>

#include "audit/ledger/ledger_store.h"
#include "audit/ledger/log_verifier.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {
namespace {

using audit::LedgerStore;

Result<std::unique_ptr<LedgerStore>> OpenSource(const LedgerMigrationRequest& request) {
  audit::LedgerOptions o;
  o.home = request.home;
  o.origin = Studio::LedgerOrigin();
  if (audit::IsPostgresLedgerUrl(request.from)) {
    o.url = request.from;
    o.read_only = true;
  } else {
    o.foreign_file = request.from;  // read-only and defensive: it may come from anyone
  }
  return audit::OpenLedger(o);
}

Result<std::unique_ptr<LedgerStore>> OpenDestination(const LedgerMigrationRequest& request) {
  if (!audit::IsPostgresLedgerUrl(request.to) && ::access(request.to.c_str(), F_OK) == 0) {
    return Status::BadInput(request.to + ": already exists; ledger migrate never overwrites");
  }
  HM_RETURN_IF_ERROR(Studio::EnsureHome(request.home));
  audit::LedgerOptions o;
  o.home = request.home;
  o.origin = Studio::LedgerOrigin();
  o.url = request.to;
  return audit::OpenLedger(o);
}

// verify-log against the key the log records: a migration carries a log, it does not vouch for
// it, so the source's own checkpoints are what both sides must agree with.
Result<audit::LogVerification> CheckLog(LedgerStore& store,
                                        const std::optional<audit::CheckpointVerifier>& key,
                                        const std::string& side) {
  audit::VerifyLogOptions options;
  options.trusted_key = key;
  HM_ASSIGN_OR_RETURN(audit::LogVerification v, audit::VerifyLog(store, options));
  if (!v.intact()) {
    return Status::BadInput(store.path() + " (" + side +
                            "): verify-log failed: " + v.problems.front());
  }
  return v;
}

}  // namespace

Result<LedgerMigration> MigrateLedger(const LedgerMigrationRequest& request) {
  if (request.from == request.to) {
    return Status::InvalidArgument("ledger migrate: --from and --to name the same ledger");
  }
  HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> source, OpenSource(request));
  HM_ASSIGN_OR_RETURN(std::optional<audit::CheckpointVerifier> key, source->LogVerifier());
  if (!key) return Status::BadInput(source->path() + ": an empty ledger; nothing to migrate");
  HM_ASSIGN_OR_RETURN(audit::LogVerification before, CheckLog(*source, key, "source"));

  HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> destination, OpenDestination(request));
  Status copied = destination->ImportFrom(*source);
  if (!copied.ok()) return copied.WithContext("ledger migrate to " + destination->path());
  HM_ASSIGN_OR_RETURN(audit::LogVerification after, CheckLog(*destination, key, "copy"));
  // The source may have grown meanwhile (another writer): the copy is the snapshot ImportFrom
  // read, so it must equal the source at that size, which its own checkpoints prove above.
  if (after.tree_size < before.tree_size) {
    return Status::BadInput(destination->path() + ": the copy holds " +
                            std::to_string(after.tree_size) + " entries, fewer than the " +
                            std::to_string(before.tree_size) + " verified in the source");
  }

  LedgerMigration result;
  result.tree_size = after.tree_size;
  result.checkpoints = after.checkpoints_checked;
  result.root = after.root;
  Result<audit::CheckpointSigner> signer = audit::CheckpointSigner::LoadOrCreate(
      request.home + "/" + audit::kLogKeyFileName, Studio::LedgerOrigin());
  result.home_key_matches = signer.ok() && signer->public_key() == key->public_key();
  return result;
}

}  // namespace hallmark::pipeline
