// Training on a registered dataset: `hallmark train --data NAME` finds the folder that
// `dataset add` hashed and checks, file by file, that it still holds exactly the recorded items,
// so a model's training data is the data whose licence the ledger holds, not merely data of the
// same name.
#ifndef HALLMARK_PIPELINE_TRAINING_DATASET_H_
#define HALLMARK_PIPELINE_TRAINING_DATASET_H_

#include <functional>
#include <optional>
#include <string>

#include "audit/ledger/ledger_records.h"
#include "audit/ledger/ledger_store.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct RegisteredTrainingData {
  std::string folder;  // where the items are, as noted by `dataset add`
  audit::DatasetRecord dataset;
};

// nullopt when `home` holds no ledger or the ledger no dataset named (or with id) `name_or_id`.
// An error when the dataset is recorded but its folder was never noted, is gone, or no longer
// holds exactly the recorded items (the message names the first difference).
// `progress(done, total)` follows the re-hashing.
Result<std::optional<RegisteredTrainingData>> ResolveRegisteredDataset(
    const std::string& home, const std::string& name_or_id,
    const std::function<void(uint64_t, uint64_t)>& progress = {});

// Compares a fresh scan of `folder` with the items recorded for `dataset`.
Status CheckDatasetFolder(audit::LedgerStore& ledger, const audit::DatasetRecord& dataset,
                          const std::string& folder,
                          const std::function<void(uint64_t, uint64_t)>& progress = {});

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_TRAINING_DATASET_H_
