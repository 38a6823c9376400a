// LibTorch modules of the generator (internal to libhallmark_generator.so; includes torch).
//
// DCGAN (Radford, Metz & Chintala 2016) made class-conditional: the generator sees [z, onehot(y)]
// as a 1x1 input; the discriminator is a projection discriminator (Miyato & Koyama 2018): its
// logit is psi(h) + <embed(y), sum_xy h>. The VAE (Kingma & Welling 2014) conditions encoder and
// decoder on onehot(y). LeNet-5 (LeCun et al. 1998) is the offline quality classifier.
// Every size is 4 * 2^n: one stride-2 (transposed) convolution per doubling, feature maps halve
// as the resolution doubles, `width` maps at full resolution.
#ifndef HALLMARK_GENERATOR_TORCH_MODELS_H_
#define HALLMARK_GENERATOR_TORCH_MODELS_H_

#include <torch/torch.h>

#include <string>
#include <vector>

#include "generator/checkpoint_file.h"
#include "generator/model_spec.h"

namespace hallmark::generator {

class DcganGeneratorImpl : public torch::nn::Module {
 public:
  explicit DcganGeneratorImpl(const ModelSpec& spec);
  // z: (N, latent), y: (N) int64 -> images (N, C, S, S) in [-1, 1].
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& y);

 private:
  int64_t classes_;
  torch::nn::Sequential main_{nullptr};
};
TORCH_MODULE(DcganGenerator);

class DcganDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit DcganDiscriminatorImpl(const ModelSpec& spec);
  // x: (N, C, S, S) in [-1, 1], y: (N) -> logits (N).
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& y);

 private:
  torch::nn::Sequential features_{nullptr};
  torch::nn::Conv2d head_{nullptr};
  torch::nn::Embedding projection_{nullptr};
};
TORCH_MODULE(DcganDiscriminator);

struct VaeOutput {
  torch::Tensor logits;  // decoder output before the sigmoid, (N, C, S, S)
  torch::Tensor mu;
  torch::Tensor logvar;
};

class ConvVaeImpl : public torch::nn::Module {
 public:
  explicit ConvVaeImpl(const ModelSpec& spec);
  // x: (N, C, S, S) in [0, 1]; eps: N(0, 1) noise of shape (N, latent) for the reparameterisation.
  VaeOutput forward(const torch::Tensor& x, const torch::Tensor& y, const torch::Tensor& eps);
  // z: (N, latent) -> logits (N, C, S, S).
  torch::Tensor decode(const torch::Tensor& z, const torch::Tensor& y);

 private:
  int64_t classes_, size_, top_channels_;
  torch::nn::Sequential encoder_{nullptr};
  torch::nn::Linear mu_{nullptr}, logvar_{nullptr}, expand_{nullptr};
  torch::nn::Sequential decoder_{nullptr};
};
TORCH_MODULE(ConvVae);

class LeNetImpl : public torch::nn::Module {
 public:
  LeNetImpl(int channels, int classes);
  // x: (N, C, S, S) in [0, 1], any S >= 32 (pooled to 32) -> the 84-d penultimate features.
  torch::Tensor features(const torch::Tensor& x);
  torch::Tensor forward(const torch::Tensor& x);  // class logits
  torch::Tensor classify(const torch::Tensor& features) { return fc3_->forward(features); }

 private:
  torch::nn::Conv2d conv1_{nullptr}, conv2_{nullptr};
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, fc3_{nullptr};
};
TORCH_MODULE(LeNet);

// N(0, 0.02) convolution weights, N(1, 0.02) batch-norm scales, zero biases (DCGAN paper).
void InitDcganWeights(torch::nn::Module& module);

// Float parameters and buffers as records named "<prefix>.<name>" (integer buffers such as
// num_batches_tracked are skipped: they do not affect inference).
void AppendTensors(const torch::nn::Module& module, const std::string& prefix,
                   std::vector<TensorRecord>* out);
// Copies records back; every float parameter and buffer must be present with the right shape.
Status LoadTensors(torch::nn::Module& module, const std::string& prefix, const Checkpoint& ckpt,
                   const std::string& name);

// Loads the module's state from a torch::serialize archive written by SaveOptimizer.
Status SaveOptimizer(torch::optim::Optimizer& optimizer, const std::string& path);
Status LoadOptimizer(torch::optim::Optimizer& optimizer, const std::string& path);

// "cpu" or "cuda" for a request of auto|cpu|cuda; Unsupported when CUDA is asked for but absent.
Result<torch::Device> ResolveDevice(const std::string& device);

// A CPU generator seeded with `seed`, the only source of randomness the module uses, so results
// depend on the seed and not on what else ran in the process.
torch::Generator MakeCpuGenerator(uint64_t seed);

// Uint8 images (N, C, S, S) from a [-1, 1] (signed = true) or [0, 1] tensor.
torch::Tensor ToUint8(const torch::Tensor& x, bool signed_range);

// Library version strings for checkpoint headers.
std::string TorchVersion();

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_TORCH_MODELS_H_
