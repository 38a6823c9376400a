// Signing an image Hallmark did not generate (`hallmark provenance sign`): a photograph, an
// illustration, another tool's output. The manifest says only what the user declares about the
// image's source, and claims a watermark only when one is really embedded:
//
//   without `watermark`  the file's pixels are untouched; the manifest has no c2pa.watermarked
//                        action and no soft binding, and nothing is recorded in the ledger.
//   with `watermark`     a fresh payload is embedded, the marked pixels are re-encoded in the
//                        input's format, and the asset is recorded in the ledger (with its content
//                        fingerprint) before the file is written, so `verify` can name it after the
//                        metadata is stripped, as it does for generated assets.
//
// An asset recorded here cites the ledger's no-generator model (audit/ledger/no_generator_model.h).
#ifndef HALLMARK_PIPELINE_CONTENT_SIGNING_H_
#define HALLMARK_PIPELINE_CONTENT_SIGNING_H_

#include <string>
#include <vector>

#include "audit/ledger/ledger_records.h"
#include "audit/ledger/ledger_store.h"
#include "base/result.h"
#include "pipeline/studio.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::pipeline {

struct ContentSigningRequest {
  std::string file;           // PNG or JPEG to sign
  std::string manifest_path;  // Hallmark's manifest JSON or a c2patool manifest definition
  std::string source_type;    // IPTC digital source type; overrides the manifest's
  std::string out;
  std::string parent;  // a signed image this one derives from (recorded as parentOf)
  std::string key_id;  // signing key; empty: the active key
  std::string passphrase_file;
  // Time-stamps the claim signature (sigTst2) when given; must outlive the call.
  const provenance::TimeStamper* time_stamper = nullptr;
  bool ocsp_staple = true;
  bool watermark = false;
  float watermark_strength = 1.0f;
  int jpeg_quality = 92;  // a JPEG input is re-encoded at this quality once marked
  std::string software_version;
};

struct SignedContent {
  std::string out;
  size_t bytes = 0;
  std::vector<std::string> notes;  // about the manifest (keys read as c2patool's, ...)
  // With `watermark`: the recorded asset.
  std::string asset_id;
  std::string payload_hex;
  uint64_t log_index = 0;
  bool watermark_read_back = false;  // MarkReadsBack: the ledger's "marks" say the same
};

// `studio` must have its ledger open read-write when `request.watermark` is set.
Result<SignedContent> SignContent(const ContentSigningRequest& request, Studio& studio);

// The ledger's no-generator model (audit/ledger/no_generator_model.h), recorded on first use.
Result<audit::ModelRecord> NoGeneratorModel(audit::LedgerStore& ledger);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_CONTENT_SIGNING_H_
