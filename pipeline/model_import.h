// Importing a generator exported from PyTorch as TorchScript (`hallmark model import`): the
// manifest is checked, the file is loaded and run on a small batch by the backend, a byte-exact
// copy goes to <home>/models/<id>.pt with its sidecar, and the model is recorded in the ledger
// with the datasets that trained it, so that licences and policies apply as for a trained model.
// The id is the SHA-256 of the file. See generator/imported_model.h and docs/generator.md.
#ifndef HALLMARK_PIPELINE_MODEL_IMPORT_H_
#define HALLMARK_PIPELINE_MODEL_IMPORT_H_

#include <string>
#include <vector>

#include "audit/ledger/ledger_records.h"
#include "base/result.h"
#include "generator/backend.h"
#include "generator/imported_model.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

struct ModelImportRequest {
  std::string file;      // the TorchScript file (FILE.pt)
  std::string manifest;  // the manifest JSON file
  std::string note;      // free text for the record's training_run (default: "imported from ...")
};

struct ModelImport {
  audit::ModelRecord record;
  bool is_new = false;  // false: the same file was imported before; `record` is that record
  std::string path;     // the imported copy, <home>/models/<id>.pt
  generator::ModelSpec spec;
  generator::ImportManifest manifest;
  generator::ScriptProbe probe;
  std::vector<audit::DatasetRecord> datasets;
};

// Refuses (BadInput or NotFound, exit 3) a manifest with an unknown key or a bad value, a dataset
// not in the ledger, a file that is not TorchScript and a model whose output breaks the contract.
Result<ModelImport> ImportModel(Studio& studio, generator::Backend& backend,
                                const ModelImportRequest& request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_MODEL_IMPORT_H_
