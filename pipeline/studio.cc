#include "pipeline/studio.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "provenance/key_store.h"

namespace hallmark::pipeline {

Result<Studio> Studio::Open(const std::string& home, bool read_only) {
  audit::LedgerOptions options;
  options.home = home;
  options.read_only = read_only;
  HM_ASSIGN_OR_RETURN(std::unique_ptr<audit::LedgerStore> ledger, audit::OpenLedger(options));
  return Studio(home, std::move(ledger));
}

Result<watermark::Key> Studio::LoadWatermarkKey(const std::string& path) const {
  const std::string file = path.empty() ? home_ + "/" + kWatermarkKeyFile : path;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    return Status::BadInput(file + ": watermark key is readable by other users; chmod 600 it");
  }
  Result<watermark::Key> key = watermark::Key::FromFile(file);
  if (!key.ok() && key.status().code() == StatusCode::kNotFound) {
    return Status::NotFound(file + ": no watermark key (run 'hallmark keys init' first)");
  }
  return key;
}

Result<watermark::Key> EnsureWatermarkKey(const std::string& home) {
  const std::string file = home + "/" + kWatermarkKeyFile;
  struct stat st {};
  if (::stat(file.c_str(), &st) == 0) {
    if ((st.st_mode & 077) != 0) {
      return Status::BadInput(file + ": watermark key is readable by other users; chmod 600 it");
    }
    return watermark::Key::FromFile(file);
  }
  const std::string keys_dir = home + "/keys";
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

Result<provenance::TrustStore> Studio::LoadTrust(const std::string& dir) const {
  return provenance::TrustStore::LoadDirectory(dir.empty() ? home_ + "/trust" : dir);
}

}  // namespace hallmark::pipeline
