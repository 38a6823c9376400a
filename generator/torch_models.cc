#include "generator/torch_models.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/version.h>

#include <cstring>

namespace hallmark::generator {
namespace nn = torch::nn;
namespace {

int Doublings(int size) {
  int n = 0;
  while ((4 << n) < size) ++n;
  return n;  // 32 -> 3, 64 -> 4, 128 -> 5
}

// Feature maps at the 4x4 stage.
int64_t TopChannels(const ModelSpec& spec) {
  return int64_t(spec.width) << (Doublings(spec.image_size) - 1);
}

torch::Tensor OneHot(const torch::Tensor& y, int64_t classes, const torch::Tensor& like) {
  return torch::one_hot(y, classes).to(like.options());
}

}  // namespace

DcganGeneratorImpl::DcganGeneratorImpl(const ModelSpec& spec) : classes_(spec.num_classes()) {
  int64_t ch = TopChannels(spec);
  main_ = nn::Sequential();
  main_->push_back(nn::ConvTranspose2d(
      nn::ConvTranspose2dOptions(spec.EffectiveLatentDim() + classes_, ch, 4).bias(false)));
  main_->push_back(nn::BatchNorm2d(ch));
  main_->push_back(nn::ReLU(true));
  for (int i = 1; i < Doublings(spec.image_size); ++i) {
    main_->push_back(nn::ConvTranspose2d(
        nn::ConvTranspose2dOptions(ch, ch / 2, 4).stride(2).padding(1).bias(false)));
    main_->push_back(nn::BatchNorm2d(ch / 2));
    main_->push_back(nn::ReLU(true));
    ch /= 2;
  }
  main_->push_back(nn::ConvTranspose2d(
      nn::ConvTranspose2dOptions(ch, spec.channels, 4).stride(2).padding(1).bias(false)));
  main_->push_back(nn::Tanh());
  register_module("main", main_);
}

torch::Tensor DcganGeneratorImpl::forward(const torch::Tensor& z, const torch::Tensor& y) {
  torch::Tensor in = torch::cat({z, OneHot(y, classes_, z)}, 1);
  return main_->forward(in.view({in.size(0), in.size(1), 1, 1}));
}

DcganDiscriminatorImpl::DcganDiscriminatorImpl(const ModelSpec& spec) {
  int64_t ch = spec.width;
  features_ = nn::Sequential();
  features_->push_back(
      nn::Conv2d(nn::Conv2dOptions(spec.channels, ch, 4).stride(2).padding(1).bias(false)));
  features_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2).inplace(true)));
  for (int i = 1; i < Doublings(spec.image_size); ++i) {
    features_->push_back(
        nn::Conv2d(nn::Conv2dOptions(ch, ch * 2, 4).stride(2).padding(1).bias(false)));
    features_->push_back(nn::BatchNorm2d(ch * 2));
    features_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2).inplace(true)));
    ch *= 2;
  }
  head_ = nn::Conv2d(nn::Conv2dOptions(ch, 1, 4).bias(false));
  projection_ = nn::Embedding(spec.num_classes(), ch);
  register_module("features", features_);
  register_module("head", head_);
  register_module("projection", projection_);
}

torch::Tensor DcganDiscriminatorImpl::forward(const torch::Tensor& x, const torch::Tensor& y) {
  torch::Tensor h = features_->forward(x);
  torch::Tensor logit = head_->forward(h).view({-1});
  torch::Tensor pooled = h.sum({2, 3});
  return logit + (projection_->forward(y) * pooled).sum(1);
}

ConvVaeImpl::ConvVaeImpl(const ModelSpec& spec)
    : classes_(spec.num_classes()), size_(spec.image_size), top_channels_(TopChannels(spec)) {
  const int64_t latent = spec.EffectiveLatentDim();
  int64_t ch = spec.width;
  encoder_ = nn::Sequential();
  encoder_->push_back(nn::Conv2d(nn::Conv2dOptions(spec.channels, ch, 4).stride(2).padding(1)));
  encoder_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
  for (int i = 2; i < Doublings(spec.image_size); ++i) {
    encoder_->push_back(nn::Conv2d(nn::Conv2dOptions(ch, ch * 2, 4).stride(2).padding(1)));
    encoder_->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
    ch *= 2;
  }
  // The encoder stops at 8x8 with top_channels_ / 2 ... width * 2^(n-2) maps.
  const int64_t flat = ch * 8 * 8;
  mu_ = nn::Linear(flat + classes_, latent);
  logvar_ = nn::Linear(flat + classes_, latent);
  expand_ = nn::Linear(latent + classes_, top_channels_ * 4 * 4);
  decoder_ = nn::Sequential();
  ch = top_channels_;
  for (int i = 1; i < Doublings(spec.image_size); ++i) {
    decoder_->push_back(nn::ReLU());
    decoder_->push_back(
        nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ch, ch / 2, 4).stride(2).padding(1)));
    ch /= 2;
  }
  decoder_->push_back(nn::ReLU());
  decoder_->push_back(
      nn::ConvTranspose2d(nn::ConvTranspose2dOptions(ch, spec.channels, 4).stride(2).padding(1)));
  register_module("encoder", encoder_);
  register_module("mu", mu_);
  register_module("logvar", logvar_);
  register_module("expand", expand_);
  register_module("decoder", decoder_);
}

VaeOutput ConvVaeImpl::forward(const torch::Tensor& x, const torch::Tensor& y,
                               const torch::Tensor& eps) {
  torch::Tensor h = encoder_->forward(x).flatten(1);
  h = torch::cat({h, OneHot(y, classes_, h)}, 1);
  VaeOutput out;
  out.mu = mu_->forward(h);
  out.logvar = logvar_->forward(h);
  torch::Tensor z = out.mu + eps * torch::exp(0.5 * out.logvar);
  out.logits = decode(z, y);
  return out;
}

torch::Tensor ConvVaeImpl::decode(const torch::Tensor& z, const torch::Tensor& y) {
  torch::Tensor h = expand_->forward(torch::cat({z, OneHot(y, classes_, z)}, 1));
  return decoder_->forward(h.view({-1, top_channels_, 4, 4}));
}

LeNetImpl::LeNetImpl(int channels, int classes)
    : conv1_(nn::Conv2dOptions(channels, 6, 5)),
      conv2_(nn::Conv2dOptions(6, 16, 5)),
      fc1_(16 * 5 * 5, 120),
      fc2_(120, 84),
      fc3_(84, classes) {
  register_module("conv1", conv1_);
  register_module("conv2", conv2_);
  register_module("fc1", fc1_);
  register_module("fc2", fc2_);
  register_module("fc3", fc3_);
}

torch::Tensor LeNetImpl::features(const torch::Tensor& x) {
  torch::Tensor h = x.size(2) == 32 ? x : torch::adaptive_avg_pool2d(x, {32, 32});
  h = torch::max_pool2d(torch::relu(conv1_->forward(h)), 2);
  h = torch::max_pool2d(torch::relu(conv2_->forward(h)), 2);
  h = torch::relu(fc1_->forward(h.flatten(1)));
  return torch::relu(fc2_->forward(h));
}

torch::Tensor LeNetImpl::forward(const torch::Tensor& x) { return fc3_->forward(features(x)); }

void InitDcganWeights(nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& m : module.modules(/*include_self=*/false)) {
    const std::string name = m->name();
    if (name.find("Conv") != std::string::npos || name.find("Embedding") != std::string::npos) {
      for (auto& p : m->named_parameters(false)) {
        if (p.key() == "weight") p.value().normal_(0.0, 0.02);
      }
    } else if (name.find("BatchNorm") != std::string::npos) {
      for (auto& p : m->named_parameters(false)) {
        if (p.key() == "weight") p.value().normal_(1.0, 0.02);
        if (p.key() == "bias") p.value().zero_();
      }
    }
  }
}

void AppendTensors(const nn::Module& module, const std::string& prefix,
                   std::vector<TensorRecord>* out) {
  auto append = [&](const std::string& name, const torch::Tensor& t) {
    if (t.scalar_type() != torch::kFloat) return;
    torch::Tensor c = t.detach().to(torch::kCPU).contiguous();
    TensorRecord r;
    r.name = prefix + "." + name;
    r.shape.assign(c.sizes().begin(), c.sizes().end());
    r.values.resize(size_t(c.numel()));
    std::memcpy(r.values.data(), c.data_ptr<float>(), r.values.size() * sizeof(float));
    out->push_back(std::move(r));
  };
  for (const auto& p : module.named_parameters(true)) append(p.key(), p.value());
  for (const auto& b : module.named_buffers(true)) append(b.key(), b.value());
}

Status LoadTensors(nn::Module& module, const std::string& prefix, const Checkpoint& ckpt,
                   const std::string& name) {
  torch::NoGradGuard no_grad;
  auto load = [&](const std::string& key, torch::Tensor& t) -> Status {
    if (t.scalar_type() != torch::kFloat) return Status::Ok();
    const TensorRecord* r = ckpt.Find(prefix + "." + key);
    if (r == nullptr) {
      return Status::BadInput(name + ": model file lacks tensor " + prefix + "." + key);
    }
    if (std::vector<int64_t>(t.sizes().begin(), t.sizes().end()) != r->shape) {
      return Status::BadInput(name + ": tensor " + r->name +
                              " has the wrong shape for this architecture");
    }
    torch::Tensor src =
        torch::from_blob(const_cast<float*>(r->values.data()), t.sizes(), torch::kFloat);
    t.copy_(src);
    return Status::Ok();
  };
  for (auto& p : module.named_parameters(true)) HM_RETURN_IF_ERROR(load(p.key(), p.value()));
  for (auto& b : module.named_buffers(true)) HM_RETURN_IF_ERROR(load(b.key(), b.value()));
  return Status::Ok();
}

Status SaveOptimizer(torch::optim::Optimizer& optimizer, const std::string& path) {
  try {
    torch::save(optimizer, path);
  } catch (const std::exception& e) {
    return Status::IoError(path + ": cannot write the optimiser state: " + e.what());
  }
  return Status::Ok();
}

Status LoadOptimizer(torch::optim::Optimizer& optimizer, const std::string& path) {
  try {
    torch::load(optimizer, path);
  } catch (const std::exception& e) {
    return Status::BadInput(path + ": unreadable optimiser state");
  }
  return Status::Ok();
}

Result<torch::Device> ResolveDevice(const std::string& device) {
  HM_RETURN_IF_ERROR(ValidateDevice(device));
  if (device == "cpu") return torch::Device(torch::kCPU);
  if (torch::cuda::is_available()) return torch::Device(torch::kCUDA);
  if (device == "cuda") {
    return Status::Unsupported(
        "--device cuda: no CUDA device is available to this LibTorch build (use --device cpu "
        "or auto)");
  }
  return torch::Device(torch::kCPU);
}

torch::Generator MakeCpuGenerator(uint64_t seed) {
  return at::make_generator<at::CPUGeneratorImpl>(seed);
}

torch::Tensor ToUint8(const torch::Tensor& x, bool signed_range) {
  torch::Tensor v = signed_range ? (x + 1) * 127.5 : x * 255.0;
  return v.round().clamp(0, 255).to(torch::kCPU).to(torch::kUInt8).contiguous();
}

std::string TorchVersion() {
  return std::to_string(TORCH_VERSION_MAJOR) + "." + std::to_string(TORCH_VERSION_MINOR) + "." +
         std::to_string(TORCH_VERSION_PATCH);
}

}  // namespace hallmark::generator
