// Imported generators: TorchScript files exported from PyTorch, brought in with
// `hallmark model import FILE.pt --manifest JSON` (docs/generator.md). This is the torch-free half:
// the manifest, the record kept beside the imported copy, and finding an imported model from what
// a user passes to --model. Loading and probing the file is the backend's (torch_script_model.cc).
//
// An imported model lives in the studio home as <home>/models/<id>.pt, a byte-exact copy of the
// file, with <id>.json beside it (the "sidecar": manifest, probed image shape, id). The id is the
// SHA-256 of the file; every load hashes the bytes it loads and refuses a file whose hash is no
// longer the id it was imported under.
#ifndef HALLMARK_GENERATOR_IMPORTED_MODEL_H_
#define HALLMARK_GENERATOR_IMPORTED_MODEL_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"
#include "generator/model_spec.h"

namespace hallmark::generator {

constexpr char kImportedArch[] = "torchscript";
constexpr char kImportedFormat[] = "hallmark-imported-model";
constexpr int kImportedFormatVersion = 1;
// The class list of an unconditional model whose manifest names none.
constexpr char kUnconditionalClass[] = "image";

// What the user's manifest says about the file (every key is checked; unknown keys are refused).
struct ImportManifest {
  std::vector<std::string> classes;   // class names, in label order (label i = classes[i])
  int latent_dim = 0;                 // z is (N, latent_dim)
  std::string weights_licence;        // SPDX expression of the weights (checked by the caller)
  std::string weights_attribution;    // the credit line the weights' licence asks for; optional
  std::vector<std::string> datasets;  // registered dataset names (or ids) that trained it
  bool conditional = true;            // false: forward(z) takes no labels
  std::string description;            // optional free text

  nlohmann::json ToJson() const;
};

// Parses a manifest's text; `file` names it in errors, which are one line naming the key:
//   "gen.json: key 'latent_dim': must be an integer between 1 and 4096".
Result<ImportManifest> ParseImportManifest(std::string_view text, const std::string& file);

// Whether the bytes start like a zip archive ("PK\3\4"), as every TorchScript file does.
bool HasZipMagic(ByteView head);
// Reads the first bytes of `path`; false when it cannot be read.
bool IsTorchScriptFile(const std::string& path);

// Image sizes an imported model may produce (square): what delivery and the watermark handle.
constexpr int kMinImportedSize = 16;
constexpr int kMaxImportedSize = 1024;
// Checks an imported model's spec (arch torchscript, size, channels, classes, latent).
Status ValidateImportedSpec(const ModelSpec& spec);

// <home>/models and the paths of an imported model in it.
std::string ImportedModelDir(const std::string& home);
std::string ImportedModelPath(const std::string& home, const std::string& model_id);
// "x/abc.pt" -> "x/abc.json"
std::string ImportedSidecarPath(const std::string& model_path);

// What the sidecar holds, as read back.
struct ImportedModel {
  std::string model_id;  // the SHA-256 the file was imported under
  ModelSpec spec;        // arch "torchscript", probed size and channels, manifest classes/latent
  bool conditional = true;
  std::string weights_licence;
  nlohmann::json sidecar;  // the whole document (the model's header)
};

nlohmann::json MakeImportedSidecar(const std::string& model_id, const ModelSpec& spec,
                                   const ImportManifest& manifest, const nlohmann::json& probe,
                                   const std::string& source_name);
// Reads and checks the sidecar beside `model_path`; NotFound when there is none.
Result<ImportedModel> ReadImportedSidecar(const std::string& model_path);

// What `--model ARG` names: a file that is not an unimported TorchScript file is returned as is;
// a 64-hex id names <home>/models/<id>.pt; a TorchScript file without a sidecar (the original a
// user exported) names the imported copy with the same SHA-256. NotFound when nothing matches.
Result<std::string> ResolveModelArgument(const std::string& home, const std::string& arg);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_IMPORTED_MODEL_H_
