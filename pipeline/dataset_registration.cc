#include "pipeline/dataset_registration.h"

#include <filesystem>
#include <vector>

#include "audit/compliance/spdx_expression.h"
#include "audit/ledger/dataset_scanner.h"
#include "image/codec.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {
namespace {

// The folder as `train --data` will look for it: absolute and normalised.
Result<std::string> CanonicalFolder(const std::string& dir) {
  std::error_code ec;
  std::string folder = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) return Status::IoError(dir + ": " + ec.message());
  return folder;
}

}  // namespace

Result<RegisteredDataset> AddDataset(const std::string& home, const DatasetRequest& request) {
  HM_ASSIGN_OR_RETURN(audit::SpdxNode licence, audit::ParseSpdxExpression(request.licence));
  audit::ScanOptions scan;
  scan.progress = request.progress;
  HM_ASSIGN_OR_RETURN(audit::DatasetScan scanned, audit::ScanDatasetFolder(request.dir, scan));
  const std::vector<audit::DatasetItem>& items = scanned.items;

  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(home));
  audit::DatasetRecord d;
  d.name = request.name;
  d.source = request.source;
  d.licence = audit::SpdxToString(licence);
  d.attribution = request.attribution;
  RegisteredDataset out;
  out.skipped = std::move(scanned.skipped);
  HM_ASSIGN_OR_RETURN(out.record, studio.ledger().RecordDataset(d, items));
  // IDX files hold many images each and are recorded by their hash alone, as intended.
  for (const audit::DatasetItem& item : items) {
    out.undecoded_items += item.width == 0 && image::IsImageFileName(item.path);
  }

  Result<std::string> folder = CanonicalFolder(request.dir);
  Status noted =
      folder.ok() ? studio.ledger().SetDatasetFolder(out.record.id, *folder) : folder.status();
  if (!noted.ok()) out.folder_warning = noted.message();
  return out;
}

}  // namespace hallmark::pipeline
