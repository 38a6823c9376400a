#include "pipeline/training_dataset.h"

#include <filesystem>
#include <vector>

#include "audit/ledger/dataset_scanner.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

Status CheckDatasetFolder(audit::LedgerStore& ledger, const audit::DatasetRecord& dataset,
                          const std::string& folder,
                          const std::function<void(uint64_t, uint64_t)>& progress) {
  const std::string what = "dataset '" + dataset.name + "' (" + folder + ")";
  HM_ASSIGN_OR_RETURN(std::vector<audit::DatasetItem> recorded, ledger.DatasetItems(dataset.id));
  audit::ScanOptions scan;
  scan.read_dimensions = false;  // the hash is what identifies an item
  scan.progress = progress;
  Result<std::vector<audit::DatasetItem>> found = audit::ScanDataset(folder, scan);
  if (!found.ok()) return Status::BadInput(what + ": " + found.status().message());
  if (found->size() != recorded.size()) {
    return Status::BadInput(
        what + ": holds " + std::to_string(found->size()) + " images, the ledger recorded " +
        std::to_string(recorded.size()) +
        "; train on the recorded data or register this folder as a new dataset");
  }
  for (size_t i = 0; i < recorded.size(); ++i) {
    const audit::DatasetItem& want = recorded[i];
    const audit::DatasetItem& got = (*found)[i];
    if (got.path != want.path || got.sha256 != want.sha256) {
      return Status::BadInput(what + ": " + want.path +
                              (got.path != want.path ? " is missing" : " has changed") +
                              " since it was recorded");
    }
  }
  return Status::Ok();
}

Result<std::optional<RegisteredTrainingData>> ResolveRegisteredDataset(
    const std::string& home, const std::string& name_or_id,
    const std::function<void(uint64_t, uint64_t)>& progress) {
  using Found = std::optional<RegisteredTrainingData>;
  StudioOptions options;
  options.home = home;
  options.ledger = LedgerAccess::kReadIfPresent;
  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(options));
  if (!studio.has_ledger()) return Found();
  HM_ASSIGN_OR_RETURN(std::optional<audit::DatasetRecord> dataset,
                      studio.ledger().FindDataset(name_or_id));
  if (!dataset) return Found();
  HM_ASSIGN_OR_RETURN(std::optional<std::string> folder,
                      studio.ledger().DatasetFolder(dataset->id));
  if (!folder) {
    return Status::NotFound("dataset '" + dataset->name +
                            "': the ledger does not say where its files are (it was recorded by "
                            "an older Hallmark); pass its folder to --data");
  }
  HM_RETURN_IF_ERROR(CheckDatasetFolder(studio.ledger(), *dataset, *folder, progress));
  return Found(RegisteredTrainingData{*folder, *dataset});
}

}  // namespace hallmark::pipeline
