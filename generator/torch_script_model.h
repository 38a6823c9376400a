// TorchScriptModel: an imported TorchScript generator behind the backend interface (internal to
// libhallmark_generator.so). Latents, truncation, interpolation and batching are LatentModel's,
// exactly as for the native models; only the network is the file's.
//
// Contract: forward(z: float32 (N, latent), labels: int64 (N)) -> (N, C, S, S) in [-1, 1], C 1 or
// 3; an unconditional model's forward(z) takes no labels. Every batch is checked against it.
#ifndef HALLMARK_GENERATOR_TORCH_SCRIPT_MODEL_H_
#define HALLMARK_GENERATOR_TORCH_SCRIPT_MODEL_H_

#include <torch/script.h>

#include <memory>
#include <string>

#include "generator/imported_model.h"
#include "generator/torch_model.h"

namespace hallmark::generator {

class TorchScriptModel : public LatentModel {
 public:
  // Loads the imported file at `path` (its sidecar beside it) after checking its SHA-256.
  static Result<std::unique_ptr<TorchScriptModel>> Load(const std::string& path,
                                                        const std::string& device);

  Result<std::string> Save(const std::string& path) override;

 protected:
  torch::Tensor DecodeBatch(const torch::Tensor& z, const torch::Tensor& y) override;

 private:
  TorchScriptModel(ModelSpec spec, torch::Device device, torch::jit::Module module,
                   bool conditional);

  torch::jit::Module module_;
  bool conditional_;
};

// Probes a TorchScript file (Backend::ProbeScript).
Result<ScriptProbe> ProbeTorchScript(const std::string& path, const ScriptContract& contract);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_TORCH_SCRIPT_MODEL_H_
