#include "pipeline/studio_keys.h"

#include "pipeline/studio.h"

namespace hallmark::pipeline {

Result<StudioKeys> InitStudioKeys(const std::string& home, const provenance::KeyOptions& options,
                                  const std::string& passphrase) {
  // Refused before the home is created, so a bad passphrase leaves nothing behind.
  HM_RETURN_IF_ERROR(provenance::CheckPassphrase(passphrase));
  HM_RETURN_IF_ERROR(Studio::EnsureHome(home));
  StudioOptions studio_options;
  studio_options.home = home;
  studio_options.ledger = LedgerAccess::kNone;
  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(studio_options));
  provenance::KeyStore store(home);
  StudioKeys keys;
  HM_ASSIGN_OR_RETURN(keys.signing_key, store.Init(options, passphrase));
  keys.keys_dir = store.keys_dir();
  keys.trust_anchor = store.trust_dir() + "/studio-ca.pem";
  HM_ASSIGN_OR_RETURN(watermark::Key watermark_key, studio.EnsureWatermarkKey());
  keys.watermark_fingerprint = watermark_key.Fingerprint();
  keys.watermark_key_file = home + "/" + kWatermarkKeyFile;
  return keys;
}

}  // namespace hallmark::pipeline
