// LatentModel: what every LibTorch-backed Model shares (latents drawn on the CPU per image from the
// seed, truncation, interpolation, batching, conversion to images). TorchModel: the native models
// of one checkpoint; TorchScriptModel (torch_script_model.h): an imported TorchScript generator.
// Internal to libhallmark_generator.so.
#ifndef HALLMARK_GENERATOR_TORCH_MODEL_H_
#define HALLMARK_GENERATOR_TORCH_MODEL_H_

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "generator/backend.h"
#include "generator/torch_models.h"

namespace hallmark::generator {

constexpr char kModelFormat[] = "hallmark-model";
constexpr int kModelFormatVersion = 1;

class LatentModel : public Model {
 public:
  const ModelInfo& info() const override { return info_; }
  Result<std::vector<image::Image>> Sample(const SampleRequest& request) override;

  // The generated images as a CPU uint8 tensor (N, C, S, S); request must be validated. Throws
  // what LibTorch throws (and ContractError for an output that breaks the generator contract).
  torch::Tensor SampleUint8(const SampleRequest& request);
  Status ValidateRequest(const SampleRequest& request) const;
  // The latent of image `index` for `request` (CPU, (1, latent)).
  torch::Tensor Latent(const SampleRequest& request, int index) const;

  ModelInfo& mutable_info() { return info_; }
  torch::Device device() const { return device_; }

 protected:
  LatentModel(ModelSpec spec, torch::Device device);
  // One batch: latents (N, latent) and labels (N) int64, both on device() -> uint8 (N, C, S, S).
  virtual torch::Tensor DecodeBatch(const torch::Tensor& z, const torch::Tensor& y) = 0;
  // Puts the networks in eval mode for SampleUint8; returns whether they were training.
  virtual bool EnterEvalMode() { return false; }
  virtual void LeaveEvalMode(bool /*was_training*/) {}

  ModelInfo info_;
  torch::Device device_;
};

// Thrown by DecodeBatch when a model's output breaks the contract (shape, dtype, NaN); Sample
// reports it as bad input.
class ContractError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class TorchModel : public LatentModel {
 public:
  static Result<std::unique_ptr<TorchModel>> Create(const ModelSpec& spec, uint64_t seed,
                                                    const std::string& device);
  static Result<std::unique_ptr<TorchModel>> FromCheckpoint(const Checkpoint& ckpt,
                                                            const std::string& path,
                                                            const std::string& device);

  Result<std::string> Save(const std::string& path) override;
  Checkpoint ToCheckpoint() const;
  bool is_gan() const { return info_.spec.arch == "dcgan"; }

  DcganGenerator generator{nullptr};
  DcganDiscriminator discriminator{nullptr};
  ConvVae vae{nullptr};

 protected:
  torch::Tensor DecodeBatch(const torch::Tensor& z, const torch::Tensor& y) override;
  bool EnterEvalMode() override;
  void LeaveEvalMode(bool was_training) override;

 private:
  // Moves the networks to a CUDA device (models are built on the CPU first).
  void MoveToCuda(torch::Device dev);
  TorchModel(ModelSpec spec, torch::Device device);
};

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_TORCH_MODEL_H_
