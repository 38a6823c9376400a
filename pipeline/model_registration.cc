#include "pipeline/model_registration.h"

#include <nlohmann/json.hpp>

#include "base/hex.h"
#include "base/json_fields.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "generator/checkpoint_file.h"

namespace hallmark::pipeline {
namespace {

Result<std::vector<std::string>> DatasetIds(audit::LedgerStore& ledger,
                                            const std::vector<std::string>& names) {
  std::vector<std::string> ids;
  for (const std::string& name : names) {
    HM_ASSIGN_OR_RETURN(std::optional<audit::DatasetRecord> ds, ledger.FindDataset(name));
    if (!ds) {
      return Status::NotFound("dataset '" + name +
                              "' is not in the ledger (register it with 'hallmark dataset add')");
    }
    ids.push_back(ds->id);
  }
  return ids;
}

}  // namespace

Result<ModelRegistration> RegisterModel(Studio& studio, const std::string& model_path,
                                        const std::vector<std::string>& datasets,
                                        const std::string& training_run) {
  HM_ASSIGN_OR_RETURN(nlohmann::json header, generator::ReadCheckpointHeader(model_path));
  const JsonFields fields(header, model_path);
  HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(model_path));
  ModelRegistration out;
  audit::ModelRecord& record = out.record;
  record.id = HexEncode(ByteView(digest.data(), digest.size()));
  HM_ASSIGN_OR_RETURN(record.architecture, fields.String("/model/arch", ""));
  record.hyperparameters_json = DumpJsonReplacingInvalidUtf8(header);
  record.training_run = training_run;
  std::vector<std::string> names = datasets;
  HM_ASSIGN_OR_RETURN(std::string trained_on, fields.String("/data/dataset/id", ""));
  if (names.empty() && !trained_on.empty()) names.push_back(trained_on);
  if (names.empty()) {
    return Status::InvalidArgument(
        model_path + ": the model file names no registered dataset; pass --dataset NAME");
  }
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(record.dataset_ids, DatasetIds(ledger, names));
  HM_ASSIGN_OR_RETURN(std::optional<audit::ModelRecord> existing, ledger.FindModel(record.id));
  if (existing) {
    out.record = std::move(*existing);
    return out;
  }
  HM_ASSIGN_OR_RETURN(out.record, ledger.RecordModel(record));
  out.is_new = true;
  return out;
}

}  // namespace hallmark::pipeline
