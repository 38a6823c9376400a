// Registering a training dataset: the first step of the studio's journey. The licence is checked
// before anything is hashed (a typo fails in milliseconds), every image in the folder is hashed,
// and one ledger transaction records the dataset with its items and Merkle root. Where the files
// are is noted beside the log, so `train --data NAME` can find them again.
#ifndef HALLMARK_PIPELINE_DATASET_REGISTRATION_H_
#define HALLMARK_PIPELINE_DATASET_REGISTRATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "audit/ledger/dataset_scanner.h"
#include "audit/ledger/ledger_records.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct DatasetRequest {
  std::string dir;
  std::string name;
  std::string licence;  // SPDX expression, stored in canonical form
  std::string source;
  std::string attribution;
  // Called while hashing with files done and the folder's total.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct RegisteredDataset {
  audit::DatasetRecord record;
  uint64_t undecoded_items = 0;  // files recorded without dimensions: not decodable as images
  // Empty when the folder was noted; else why not (the record stands either way).
  std::string folder_warning;
  // Entries of the folder not recorded: symbolic links leading out of it or to folders, and
  // entries with image names that are not regular files (audit/ledger/dataset_scanner.h).
  std::vector<audit::SkippedDatasetPath> skipped;
};

// Creates the home and its ledger when missing. Nothing is created when the licence or the folder
// is refused (a sub-folder that cannot be listed refuses the folder).
Result<RegisteredDataset> AddDataset(const std::string& home, const DatasetRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_DATASET_REGISTRATION_H_
