// Registering a trained model: its id is the SHA-256 of the model file, and its ledger record cites
// the datasets that trained it, so licences propagate to every asset it makes. A model file
// written by `train --data NAME` names its dataset in its header; otherwise the caller names them.
#ifndef HALLMARK_PIPELINE_MODEL_REGISTRATION_H_
#define HALLMARK_PIPELINE_MODEL_REGISTRATION_H_

#include <string>
#include <vector>

#include "audit/ledger/ledger_records.h"
#include "base/result.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

struct ModelRegistration {
  audit::ModelRecord record;
  bool is_new = false;  // false: it was already recorded, and `record` is the earlier record
};

// `datasets` are names or ids of registered datasets; empty means the one the header names.
Result<ModelRegistration> RegisterModel(Studio& studio, const std::string& model_path,
                                        const std::vector<std::string>& datasets,
                                        const std::string& training_run);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_MODEL_REGISTRATION_H_
