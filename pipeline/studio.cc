#include "pipeline/studio.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "provenance/pki/key_store.h"
#include "provenance/pki/ocsp_responder.h"

namespace hallmark::pipeline {
namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// A watermark key others can read is refused: it would let them forge and remove marks.
Status CheckPrivate(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Status::BadInput(file + ": watermark key is readable by other users; chmod 600 it");
  }
  return Status::Ok();
}

// `shared_url` is the studio's PostgreSQL ledger, when it has one; a foreign file wins over it.
Result<std::unique_ptr<audit::LedgerStore>> OpenLedgerFor(const StudioOptions& options,
                                                          const std::string& shared_url) {
  audit::LedgerOptions lo;
  lo.home = options.home;
  lo.foreign_file = options.ledger_file;
  if (lo.foreign_file.empty()) lo.url = shared_url;
  const bool writes =
      options.ledger == LedgerAccess::kReadWrite || options.ledger == LedgerAccess::kWriteExisting;
  lo.read_only = !writes || !options.ledger_file.empty();
  lo.origin = Studio::LedgerOrigin();
  lo.quick_check = options.quick_check;
  return audit::OpenLedger(lo);
}

}  // namespace

std::string Studio::ResolveHome(const std::string& home_flag) {
  if (!home_flag.empty()) return home_flag;
  if (const char* env = std::getenv("HALLMARK_HOME"); env && *env) return env;
  return "./.hallmark";
}

Status Studio::EnsureHome(const std::string& home) {
  if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError(home +
                           ": cannot create the Hallmark home folder: " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(home.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::BadInput(home + ": the Hallmark home is not a folder");
  }
  return Status::Ok();
}

std::string Studio::LedgerOrigin() {
  const char* env = std::getenv("HALLMARK_LEDGER_ORIGIN");
  return env && *env ? env : audit::kDefaultOrigin;
}

Result<std::string> Studio::SharedLedgerUrl() {
  const char* env = std::getenv("HALLMARK_LEDGER");
  if (!env || !*env) return std::string();
  if (!audit::IsPostgresLedgerUrl(env)) {
    return Status::InvalidArgument(
        "HALLMARK_LEDGER (or --ledger) must be a postgresql:// URL; a SQLite ledger is the "
        "home's ledger.sqlite (--home)");
  }
  return std::string(env);
}

Result<Studio> Studio::Open(const StudioOptions& options) {
  StudioOptions opts = options;
  std::string shared_url;
  if (audit::IsPostgresLedgerUrl(opts.ledger_file)) {
    shared_url = opts.ledger_file;
    opts.ledger_file.clear();
  } else if (opts.ledger_file.empty() && opts.ledger != LedgerAccess::kNone) {
    HM_ASSIGN_OR_RETURN(shared_url, SharedLedgerUrl());
  }
  const bool foreign = !opts.ledger_file.empty() && opts.ledger != LedgerAccess::kNone;
  // A shared ledger is on its server, not in the home: whether it exists is the server's answer.
  const bool local = !foreign && shared_url.empty();
  const std::string home_ledger = opts.home + "/" + audit::kLedgerFileName;
  std::unique_ptr<audit::LedgerStore> ledger;
  switch (opts.ledger) {
    case LedgerAccess::kNone:
      break;
    case LedgerAccess::kReadIfPresent: {
      if (local && !Exists(home_ledger)) break;
      HM_ASSIGN_OR_RETURN(ledger, OpenLedgerFor(opts, shared_url));
      break;
    }
    case LedgerAccess::kReadOnly:
    case LedgerAccess::kWriteExisting: {
      if (local && !Exists(home_ledger)) {
        return Status::NotFound(home_ledger +
                                ": no ledger here (nothing has been recorded yet; set --home or "
                                "$HALLMARK_HOME)");
      }
      HM_ASSIGN_OR_RETURN(ledger, OpenLedgerFor(opts, shared_url));
      break;
    }
    case LedgerAccess::kReadWrite: {
      if (!foreign) HM_RETURN_IF_ERROR(EnsureHome(opts.home));
      HM_ASSIGN_OR_RETURN(ledger, OpenLedgerFor(opts, shared_url));
      break;
    }
  }
  return Studio(opts.home, std::move(ledger), foreign);
}

Result<Studio> Studio::Open(const std::string& home, bool read_only) {
  StudioOptions options;
  options.home = home;
  options.ledger = read_only ? LedgerAccess::kReadOnly : LedgerAccess::kReadWrite;
  return Open(options);
}

Result<watermark::Key> Studio::LoadWatermarkKey(const std::string& path) const {
  const std::string file = path.empty() ? home_ + "/" + kWatermarkKeyFile : path;
  HM_RETURN_IF_ERROR(CheckPrivate(file));
  Result<watermark::Key> key = watermark::Key::FromFile(file);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(file + ": no watermark key (run 'hallmark keys init' first)");
  }
  return key;
}

Result<std::optional<watermark::Key>> Studio::FindWatermarkKey(const std::string& path) const {
  if (path.empty() && !Exists(home_ + "/" + kWatermarkKeyFile)) {
    return std::optional<watermark::Key>();
  }
  HM_ASSIGN_OR_RETURN(
      watermark::Key key,
      watermark::Key::FromFile(path.empty() ? home_ + "/" + kWatermarkKeyFile : path));
  return std::optional<watermark::Key>(std::move(key));
}

Result<watermark::Key> Studio::EnsureWatermarkKey() const {
  const std::string file = home_ + "/" + kWatermarkKeyFile;
  if (Exists(file)) {
    HM_RETURN_IF_ERROR(CheckPrivate(file));
    return watermark::Key::FromFile(file);
  }
  HM_RETURN_IF_ERROR(EnsureHome(home_));
  const std::string keys_dir = home_ + "/keys";
  if (::mkdir(keys_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Status::IoError(keys_dir + ": cannot create: " + std::strerror(errno));
  }
  HM_ASSIGN_OR_RETURN(watermark::Key key, watermark::Key::Generate());
  HM_RETURN_IF_ERROR(watermark::WriteKeyFile(file, key));
  return key;
}

Result<provenance::Signer> Studio::LoadSigner(const std::string& passphrase_file) const {
  HM_ASSIGN_OR_RETURN(std::string passphrase, provenance::ReadPassphrase(passphrase_file));
  provenance::KeyStore keys(home_);
  return keys.LoadSigner(passphrase);
}

Result<std::unique_ptr<provenance::OcspResponder>> Studio::OpenOcspResponder(
    const std::string& passphrase_file) const {
  HM_ASSIGN_OR_RETURN(std::string passphrase, provenance::ReadPassphrase(passphrase_file));
  return provenance::OcspResponder::OpenForStapling(home_, passphrase);
}

Result<provenance::TrustStore> Studio::LoadTrust(const std::string& dir) const {
  return provenance::TrustStore::LoadDirectory(dir.empty() ? home_ + "/trust" : dir);
}

Result<std::optional<audit::CheckpointVerifier>> Studio::TrustedLogKey() {
  const std::string key_path = home_ + "/" + audit::kLogKeyFileName;
  if (foreign_ledger_ || ::access(key_path.c_str(), R_OK) != 0) {
    return std::optional<audit::CheckpointVerifier>();
  }
  HM_ASSIGN_OR_RETURN(audit::CheckpointSigner signer,
                      audit::CheckpointSigner::LoadOrCreate(key_path, LedgerOrigin()));
  std::string name = LedgerOrigin();
  if (ledger_) {
    HM_ASSIGN_OR_RETURN(std::optional<audit::CheckpointVerifier> recorded, ledger_->LogVerifier());
    if (recorded) name = recorded->name();
  }
  return std::optional<audit::CheckpointVerifier>(
      audit::CheckpointVerifier(name, signer.public_key()));
}

}  // namespace hallmark::pipeline
