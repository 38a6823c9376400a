// Walks a dataset folder and describes every image in it for the ledger: SHA-256, path relative
// to the folder, size, and pixel dimensions when the image module can decode the file (0 x 0
// when it cannot, e.g. a format this build does not decode; the hash is what identifies it).
//
// The walk never leaves the folder: a symbolic link to a folder is not followed, and a link to a
// file is followed only when its target resolves inside the folder. What is passed over that way
// (and any other entry with an image name that is not a regular file) is listed as skipped, so
// the caller can say so; nothing is skipped silently. A sub-folder that cannot be listed fails the
// walk (kBadInput naming it): a dataset recorded without some of its files would misdescribe what
// a model was trained on.
#ifndef HALLMARK_AUDIT_LEDGER_DATASET_SCANNER_H_
#define HALLMARK_AUDIT_LEDGER_DATASET_SCANNER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/ledger/ledger_records.h"
#include "base/result.h"

namespace hallmark::audit {

// An entry of the folder that was not recorded.
struct SkippedDatasetPath {
  std::string path;  // as found: the folder joined with the entry's relative path
  std::string why;   // "symbolic link to a file outside the dataset folder", ...
};

struct DatasetFile {
  std::string path;    // relative to the folder, '/'-separated: what the ledger records
  std::string source;  // the file to read (a link inside the folder resolved to its target)
};

struct DatasetListing {
  std::vector<DatasetFile> files;  // sorted by path
  std::vector<SkippedDatasetPath> skipped;
};

// Image files by extension (.png, .jpg, .jpeg, .webp; any case) under `dir`, as described above.
// kNotFound / kBadInput when `dir` is missing or not a folder. Never throws.
Result<DatasetListing> ListDatasetFiles(const std::string& dir);

struct ScanOptions {
  bool read_dimensions = true;
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct DatasetScan {
  std::vector<DatasetItem> items;  // in listing order
  std::vector<SkippedDatasetPath> skipped;
};

// Lists and hashes the folder. kBadInput when it holds no image file.
Result<DatasetScan> ScanDatasetFolder(const std::string& dir, const ScanOptions& options);

// The items of ScanDatasetFolder alone, for callers that compare a folder with items recorded
// earlier (a skipped file then shows up as a missing item).
Result<std::vector<DatasetItem>> ScanDataset(const std::string& dir, const ScanOptions& options);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_DATASET_SCANNER_H_
