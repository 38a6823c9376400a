// Walks a dataset folder and describes every image in it for the ledger: SHA-256, path relative
// to the folder, size, and pixel dimensions when the image module can decode the file (0 x 0
// when it cannot, e.g. a format this build does not decode; the hash is what identifies it).
#ifndef HALLMARK_AUDIT_DATASET_SCANNER_H_
#define HALLMARK_AUDIT_DATASET_SCANNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/ledger_records.h"
#include "base/result.h"

namespace hallmark::audit {

// Image files by extension (.png, .jpg, .jpeg, .webp; any case), sorted by relative path.
Result<std::vector<std::string>> ListDatasetFiles(const std::string& dir);

struct ScanOptions {
  bool read_dimensions = true;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

Result<std::vector<DatasetItem>> ScanDataset(const std::string& dir, const ScanOptions& options);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_DATASET_SCANNER_H_
