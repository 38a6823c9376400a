// TorchModel: the Model behind the backend interface, holding the LibTorch modules of one
// checkpoint (internal to libhallmark_generator.so).
#ifndef HALLMARK_GENERATOR_TORCH_MODEL_H_
#define HALLMARK_GENERATOR_TORCH_MODEL_H_

#include <memory>
#include <string>
#include <vector>

#include "generator/backend.h"
#include "generator/torch_models.h"

namespace hallmark::generator {

constexpr char kModelFormat[] = "hallmark-model";
constexpr int kModelFormatVersion = 1;

class TorchModel : public Model {
 public:
  static Result<std::unique_ptr<TorchModel>> Create(const ModelSpec& spec, uint64_t seed,
                                                    const std::string& device);
  static Result<std::unique_ptr<TorchModel>> FromCheckpoint(const Checkpoint& ckpt,
                                                            const std::string& path,
                                                            const std::string& device);

  const ModelInfo& info() const override { return info_; }
  Result<std::vector<image::Image>> Sample(const SampleRequest& request) override;
  Result<std::string> Save(const std::string& path) override;

  // The generated images as a CPU uint8 tensor (N, C, S, S); request must be validated.
  torch::Tensor SampleUint8(const SampleRequest& request);
  Status ValidateRequest(const SampleRequest& request) const;
  Checkpoint ToCheckpoint() const;
  // The latent of image `index` for `request` (CPU, (1, latent)).
  torch::Tensor Latent(const SampleRequest& request, int index) const;

  ModelInfo& mutable_info() { return info_; }
  torch::Device device() const { return device_; }
  bool is_gan() const { return info_.spec.arch == "dcgan"; }

  DcganGenerator generator{nullptr};
  DcganDiscriminator discriminator{nullptr};
  ConvVae vae{nullptr};

 private:
  // Moves the networks to a CUDA device (models are built on the CPU first).
  void MoveToCuda(torch::Device dev);
  TorchModel(ModelSpec spec, torch::Device device);

  ModelInfo info_;
  torch::Device device_;
};

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_TORCH_MODEL_H_
