#include "pipeline/fingerprint_backfill.h"

#include <map>

#include "base/file.h"
#include "base/sha256.h"
#include "base/utc_time.h"
#include "image/codec.h"
#include "pipeline/studio.h"
#include "watermark/fingerprint/content_fingerprint.h"

namespace hallmark::pipeline {
namespace {

// The fingerprint of one delivered file, or why there is none.
Result<Bytes> FingerprintOf(ByteView file) {
  HM_ASSIGN_OR_RETURN(image::Image img, image::Decode(file));
  HM_ASSIGN_OR_RETURN(fingerprint::ContentFingerprint fp,
                      fingerprint::ContentFingerprint::Compute(img));
  return fp.Encode();
}

}  // namespace

Result<BackfillSummary> BackfillFingerprints(const std::string& home,
                                             const BackfillRequest& request) {
  HM_ASSIGN_OR_RETURN(ImageFileList files, ListImageFiles(request.paths, request.recursive));
  StudioOptions options;
  options.home = home;
  options.ledger = LedgerAccess::kWriteExisting;
  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(options));
  audit::LedgerStore& ledger = studio.ledger();

  // Delivered-file hash -> (asset id, whether it has a fingerprint already).
  std::map<std::string, std::pair<std::string, bool>> by_hash;
  HM_RETURN_IF_ERROR(ledger.ForEachAsset([&](const audit::AssetRecord& a) {
    by_hash[a.content_hash] = {a.id, a.fingerprint.has_value()};
    return Status::Ok();
  }));

  BackfillSummary summary;
  summary.skipped = std::move(files.skipped);
  for (const std::string& path : files.files) {
    Result<Bytes> bytes = ReadFile(path);
    if (!bytes.ok()) {
      summary.failed.push_back(path + ": " + bytes.status().message());
      continue;
    }
    auto it = by_hash.find(Sha256Hex(*bytes));
    if (it == by_hash.end()) {
      summary.unmatched.push_back(path);
      continue;
    }
    auto& [asset_id, has_fingerprint] = it->second;
    if (has_fingerprint) {
      ++summary.already_fingerprinted;
      continue;
    }
    Result<Bytes> value = FingerprintOf(*bytes);
    if (!value.ok()) {
      summary.failed.push_back(path + ": " + value.status().message());
      continue;
    }
    audit::FingerprintRecord fp;
    fp.asset_id = asset_id;
    fp.algorithm = fingerprint::kAlgorithm;
    fp.value = std::move(*value);
    fp.source = "backfill";
    fp.recorded_at = NowUtc(UtcFormat::kRfc3339);
    HM_RETURN_IF_ERROR(ledger.RecordFingerprint(std::move(fp)).status());
    has_fingerprint = true;  // a second copy of the same file is not recorded twice
    summary.recorded.push_back(asset_id);
  }
  return summary;
}

}  // namespace hallmark::pipeline
