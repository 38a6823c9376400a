// Studio: the one owner of a Hallmark home folder. Every command and every journey opens what it
// needs from the home through this type, so the layout and the rules for opening it live here:
//
//   <home>/ledger.sqlite        the audit ledger (audit/ledger/), unless $HALLMARK_LEDGER names a
//                               shared PostgreSQL one
//   <home>/log-key.pem          the log's checkpoint-signing key (created with the ledger)
//   <home>/keys/               claim-signing keys and certificates (provenance/pki/)
//   <home>/keys/watermark.key  the watermark secret (created with the studio keys)
//   <home>/trust/              trust anchors and revocation lists for verification
//
// Which home: the --home flag, else $HALLMARK_HOME, else ./.hallmark (ResolveHome). Which log
// origin: $HALLMARK_LEDGER_ORIGIN, else audit::kDefaultOrigin, for every ledger opened here, so a
// ledger first written under a custom origin is read and written alike by every command.
#ifndef HALLMARK_PIPELINE_STUDIO_H_
#define HALLMARK_PIPELINE_STUDIO_H_

#include <memory>
#include <optional>
#include <string>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/ledger_store.h"
#include "base/result.h"
#include "provenance/pki/ocsp_responder.h"
#include "provenance/pki/signer.h"
#include "provenance/pki/trust_store.h"
#include "watermark/key.h"

namespace hallmark::pipeline {

inline constexpr char kWatermarkKeyFile[] = "keys/watermark.key";

// How a command needs the ledger.
enum class LedgerAccess {
  kNone,           // not at all (key and provenance commands)
  kReadIfPresent,  // read-only when the home has one, else none (verify, dataset list)
  kReadOnly,       // read-only; NotFound when the home has none (audit, report, policy --no-record)
  kReadWrite,      // read-write; the home and the ledger are created on first use
  kWriteExisting,  // read-write; NotFound when the home has none (policy check records into it)
};

struct StudioOptions {
  std::string home;  // already resolved (ResolveHome)
  LedgerAccess ledger = LedgerAccess::kReadWrite;
  // A ledger file received from elsewhere (--ledger): opened instead of the home's, read-only and
  // defensively, whatever `ledger` asks for (kNone excepted). A postgresql:// URL here names the
  // studio's shared ledger instead, opened as `ledger` asks, like $HALLMARK_LEDGER.
  std::string ledger_file;
  bool quick_check = true;  // PRAGMA quick_check on open; off where only the log key is read
};

class Studio {
 public:
  // --home when given, else $HALLMARK_HOME, else ./.hallmark.
  static std::string ResolveHome(const std::string& home_flag);
  // Creates `home` (mode 0700) when missing; BadInput when it exists but is not a folder.
  static Status EnsureHome(const std::string& home);
  // $HALLMARK_LEDGER_ORIGIN, else audit::kDefaultOrigin.
  static std::string LedgerOrigin();
  // $HALLMARK_LEDGER (the global --ledger flag sets it): the PostgreSQL ledger that the studio's
  // machines share, used instead of <home>/ledger.sqlite; empty when unset. Any other value is
  // kInvalidArgument.
  static Result<std::string> SharedLedgerUrl();

  static Result<Studio> Open(const StudioOptions& options);
  // The home's ledger read-write (creating it), or read-only.
  static Result<Studio> Open(const std::string& home, bool read_only = false);

  const std::string& home() const { return home_; }
  bool has_ledger() const { return ledger_ != nullptr; }
  bool ledger_is_foreign() const { return foreign_ledger_; }
  // Only when has_ledger().
  audit::LedgerStore& ledger() { return *ledger_; }
  // The ledger, or nullptr when none was opened.
  audit::LedgerStore* ledger_or_null() { return ledger_.get(); }

  // The watermark key from `path`, or <home>/keys/watermark.key when `path` is empty.
  Result<watermark::Key> LoadWatermarkKey(const std::string& path = "") const;
  // The key from `path` when given; else the home's when it has one; else none.
  Result<std::optional<watermark::Key>> FindWatermarkKey(const std::string& path = "") const;
  // Creates <home>/keys/watermark.key (mode 0600) unless it exists; returns the key either way.
  Result<watermark::Key> EnsureWatermarkKey() const;

  // The active signing key, decrypted with the passphrase from `passphrase_file` or
  // $HALLMARK_PASSPHRASE.
  Result<provenance::Signer> LoadSigner(const std::string& passphrase_file) const;

  // The studio's OCSP responder (keys/ocsp/), unlocked with the same passphrase as LoadSigner,
  // for stapling the signer's status into claim signatures; null when the home has none or its
  // responder certificate has expired (a staple it signed would not verify).
  Result<std::unique_ptr<provenance::OcspResponder>> OpenOcspResponder(
      const std::string& passphrase_file) const;

  // Trust anchors from `dir`, or <home>/trust when `dir` is empty.
  Result<provenance::TrustStore> LoadTrust(const std::string& dir = "") const;

  // The log key this home trusts for its own ledger: the public half of <home>/log-key.pem, named
  // as the ledger records it. None for a foreign ledger (it can only be checked against the key it
  // records, or a checkpoint kept earlier) or when the home has no log key.
  Result<std::optional<audit::CheckpointVerifier>> TrustedLogKey();

 private:
  Studio(std::string home, std::unique_ptr<audit::LedgerStore> ledger, bool foreign)
      : home_(std::move(home)), ledger_(std::move(ledger)), foreign_ledger_(foreign) {}

  std::string home_;
  std::unique_ptr<audit::LedgerStore> ledger_;
  bool foreign_ledger_ = false;
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_STUDIO_H_
