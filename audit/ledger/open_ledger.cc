// OpenLedger: picks the backend that LedgerOptions names and gives it the log's signer.
#include <csignal>

#include "audit/ledger/ledger_store.h"
#include "audit/ledger/postgres/postgres_ledger_store.h"
#include "audit/ledger/sqlite_ledger_store.h"

namespace hallmark::audit {

bool IsPostgresLedgerUrl(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

Result<std::unique_ptr<LedgerStore>> OpenLedger(const LedgerOptions& options) {
  if (!options.foreign_file.empty()) {
    return OpenSqliteLedger(options.foreign_file, options, nullptr);
  }
  const bool postgres = IsPostgresLedgerUrl(options.url);
  if (options.home.empty() && !(postgres && options.read_only)) {
    return Status::InvalidArgument("no Hallmark home given for the ledger");
  }
  std::shared_ptr<CheckpointSigner> signer;
  if (!options.read_only) {
    // A file-size limit must surface as a write error, not kill the process mid-transaction.
    std::signal(SIGXFSZ, SIG_IGN);
    HM_ASSIGN_OR_RETURN(
        CheckpointSigner s,
        CheckpointSigner::LoadOrCreate(options.home + "/" + kLogKeyFileName, options.origin));
    signer = std::make_shared<CheckpointSigner>(std::move(s));
  }
  if (postgres) return OpenPostgresLedger(options.url, options, std::move(signer));
  std::string path = options.url.empty() ? options.home + "/" + kLedgerFileName : options.url;
  return OpenSqliteLedger(path, options, std::move(signer));
}

}  // namespace hallmark::audit
