// Studio: the material a Hallmark home holds and every journey needs — the ledger, the watermark
// key, the claim signer and the trust store — opened once per command.
//
//   <home>/ledger.sqlite        the audit ledger (audit/)
//   <home>/keys/               claim-signing keys and certificates (provenance/)
//   <home>/keys/watermark.key  the watermark secret (created with the studio keys)
//   <home>/trust/              trust anchors and revocation lists for verification
#ifndef HALLMARK_PIPELINE_STUDIO_H_
#define HALLMARK_PIPELINE_STUDIO_H_

#include <memory>
#include <optional>
#include <string>

#include "audit/ledger_store.h"
#include "base/result.h"
#include "provenance/signer.h"
#include "provenance/trust_store.h"
#include "watermark/key.h"

namespace hallmark::pipeline {

inline constexpr char kWatermarkKeyFile[] = "keys/watermark.key";

// The watermark secret of the studio at `home`, created (mode 0600) on first use. Needs no ledger.
Result<watermark::Key> EnsureWatermarkKey(const std::string& home);

class Studio {
 public:
  // Opens the ledger (read-only if asked). Keys are loaded on first use.
  static Result<Studio> Open(const std::string& home, bool read_only = false);

  const std::string& home() const { return home_; }
  audit::LedgerStore& ledger() { return *ledger_; }

  // The watermark key from `path`, or <home>/keys/watermark.key when `path` is empty.
  Result<watermark::Key> LoadWatermarkKey(const std::string& path = "") const;
  // Creates <home>/keys/watermark.key (mode 0600) unless it exists; returns the key either way.
  Result<watermark::Key> EnsureWatermarkKey() const { return pipeline::EnsureWatermarkKey(home_); }

  // The active signing key, decrypted with the passphrase from `passphrase_file` or
  // $HALLMARK_PASSPHRASE.
  Result<provenance::Signer> LoadSigner(const std::string& passphrase_file) const;

  // Trust anchors from `dir`, or <home>/trust when `dir` is empty.
  Result<provenance::TrustStore> LoadTrust(const std::string& dir = "") const;

 private:
  Studio(std::string home, std::unique_ptr<audit::LedgerStore> ledger)
      : home_(std::move(home)), ledger_(std::move(ledger)) {}

  std::string home_;
  std::unique_ptr<audit::LedgerStore> ledger_;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_STUDIO_H_
