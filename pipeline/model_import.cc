#include "pipeline/model_import.h"

#include <filesystem>

#include "audit/compliance/spdx_expression.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "base/utf8.h"

namespace hallmark::pipeline {
namespace {

nlohmann::json ProbeJson(const generator::ScriptProbe& p) {
  return {{"batch", p.batch}, {"seed", p.seed}, {"output_shape", p.shape},
          {"dtype", p.dtype}, {"min", p.min},   {"max", p.max}};
}

}  // namespace

Result<ModelImport> ImportModel(Studio& studio, generator::Backend& backend,
                                const ModelImportRequest& request) {
  namespace fs = std::filesystem;
  ModelImport out;
  HM_ASSIGN_OR_RETURN(Bytes manifest_text, ReadFile(request.manifest, size_t{1} << 20));
  HM_ASSIGN_OR_RETURN(out.manifest, generator::ParseImportManifest(
                                        ByteView(manifest_text).AsStringView(), request.manifest));
  generator::ImportManifest& m = out.manifest;
  Result<audit::SpdxNode> licence = audit::ParseSpdxExpression(m.weights_licence);
  if (!licence.ok()) {
    return Status::BadInput(request.manifest +
                            ": key 'weights_licence': " + licence.status().message());
  }
  m.weights_licence = audit::SpdxToString(*licence);

  audit::LedgerStore& ledger = studio.ledger();
  for (const std::string& name : m.datasets) {
    HM_ASSIGN_OR_RETURN(std::optional<audit::DatasetRecord> ds, ledger.FindDataset(name));
    if (!ds) {
      return Status::NotFound(request.manifest + ": key 'datasets': dataset '" + name +
                              "' is not in the ledger (register it with 'hallmark dataset add')");
    }
    out.record.dataset_ids.push_back(ds->id);
    out.datasets.push_back(std::move(*ds));
  }

  std::error_code ec;
  if (!fs::is_regular_file(request.file, ec)) {
    return Status::NotFound(request.file + ": no such file");
  }
  if (!generator::IsTorchScriptFile(request.file)) {
    return Status::BadInput(request.file +
                            ": not a TorchScript file (torch.jit.save writes a zip archive)");
  }
  generator::ScriptContract contract;
  contract.latent_dim = m.latent_dim;
  contract.classes = int(m.classes.size());
  contract.conditional = m.conditional;
  HM_ASSIGN_OR_RETURN(out.probe, backend.ProbeScript(request.file, contract));

  // The copy is made of bytes read now; they must be the bytes the probe ran.
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(request.file));
  Sha256Digest digest = Sha256(bytes);
  const std::string id = HexEncode(ByteView(digest.data(), digest.size()));
  if (id != out.probe.sha256) {
    return Status::BadInput(request.file + ": the file changed while it was being imported");
  }
  generator::ModelSpec& spec = out.spec;
  spec.arch = generator::kImportedArch;
  spec.image_size = out.probe.image_size;
  spec.channels = out.probe.channels;
  spec.class_names = m.classes;
  spec.latent_dim = m.latent_dim;
  spec.width = 0;
  Status valid = generator::ValidateImportedSpec(spec);
  if (!valid.ok()) return Status::BadInput(request.file + ": " + valid.message());

  const std::string dir = generator::ImportedModelDir(studio.home());
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create the folder: " + ec.message());
  out.path = generator::ImportedModelPath(studio.home(), id);
  const std::string source_name = fs::path(request.file).filename().string();
  const nlohmann::json sidecar =
      generator::MakeImportedSidecar(id, spec, m, ProbeJson(out.probe), source_name);
  HM_ASSIGN_OR_RETURN(std::optional<audit::ModelRecord> existing, ledger.FindModel(id));
  if (existing) {
    // Importing the same file again restores its copy and sidecar, but the record stays.
    nlohmann::json before = nlohmann::json::parse(existing->hyperparameters_json, nullptr, false);
    if (before.is_discarded() || !before.is_object() ||
        before.value("manifest", nlohmann::json()) != sidecar["manifest"] ||
        before.value("model", nlohmann::json()) != sidecar["model"]) {
      return Status::BadInput(request.manifest + ": model " + id +
                              " is already recorded with another manifest; a recorded model's "
                              "manifest cannot change");
    }
  }
  // Read-only: the copy is pinned by its hash, and loads refuse it once edited.
  HM_RETURN_IF_ERROR(WriteFileAtomic(out.path, bytes, 0444));
  const std::string sidecar_text = sidecar.dump(2) + "\n";
  HM_RETURN_IF_ERROR(WriteFileAtomic(generator::ImportedSidecarPath(out.path),
                                     ByteView(std::string_view(sidecar_text))));
  if (existing) {
    out.record = std::move(*existing);
    return out;
  }
  out.record.id = id;
  out.record.architecture = generator::kImportedArch;
  out.record.hyperparameters_json = DumpJsonReplacingInvalidUtf8(sidecar);
  out.record.training_run =
      request.note.empty() ? "imported from TorchScript file " + source_name : request.note;
  HM_ASSIGN_OR_RETURN(out.record, ledger.RecordModel(out.record));
  out.is_new = true;
  return out;
}

}  // namespace hallmark::pipeline
