// Setting up a studio's keys: the certificate authority and a first claim-signing key
// (provenance/pki/), and the watermark secret, which belongs to the studio as much as the signing
// key does. The trust anchor auditors pin is written to <home>/trust/studio-ca.pem.
#ifndef HALLMARK_PIPELINE_STUDIO_KEYS_H_
#define HALLMARK_PIPELINE_STUDIO_KEYS_H_

#include <string>

#include "base/result.h"
#include "provenance/pki/key_store.h"

namespace hallmark::pipeline {

struct StudioKeys {
  provenance::KeyInfo signing_key;
  std::string keys_dir;
  std::string trust_anchor;           // the CA certificate's path
  std::string watermark_fingerprint;  // of the watermark key, new or kept
  std::string watermark_key_file;
};

// Creates the home when missing. An existing watermark key is kept (marks already delivered must
// stay readable); the signing keys follow provenance::KeyStore::Init.
Result<StudioKeys> InitStudioKeys(const std::string& home, const provenance::KeyOptions& options,
                                  const std::string& passphrase);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_STUDIO_KEYS_H_
