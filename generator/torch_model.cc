// TorchModel and the backend object that libhallmark_generator.so exports.
#include "generator/torch_model.h"

#include <malloc.h>

#include <cmath>

#include <cstring>

#include "base/hex.h"
#include "base/sha256.h"
#include "generator/checkpoint_file.h"
#include "generator/imported_model.h"
#include "generator/torch_script_model.h"

namespace hallmark::generator {

// Defined in torch_training.cc and torch_quality.cc.
Result<TrainResult> TrainModel(const TrainConfig& config, const LabeledImages& data,
                               TrainObserver& observer);
Result<EvalReport> EvaluateModel(LatentModel& model, const TrainingData& data,
                                 const EvalConfig& config);

LatentModel::LatentModel(ModelSpec spec, torch::Device device) : device_(device) {
  info_.spec = std::move(spec);
  info_.device = device.is_cuda() ? "cuda" : "cpu";
}

TorchModel::TorchModel(ModelSpec spec, torch::Device device)
    : LatentModel(std::move(spec), device) {
  if (is_gan()) {
    generator = DcganGenerator(info_.spec);
    discriminator = DcganDiscriminator(info_.spec);
    generator->to(device_);
    discriminator->to(device_);
  } else {
    vae = ConvVae(info_.spec);
    vae->to(device_);
  }
  info_.header = {{"format", kModelFormat},
                  {"format_version", kModelFormatVersion},
                  {"model", info_.spec.ToJson()}};
}

Result<std::unique_ptr<TorchModel>> TorchModel::Create(const ModelSpec& spec, uint64_t seed,
                                                       const std::string& device) {
  HM_RETURN_IF_ERROR(spec.Validate());
  if (spec.arch != "dcgan" && spec.arch != "vae") {
    return Status::InvalidArgument("cannot build a '" + spec.arch + "' model");
  }
  HM_ASSIGN_OR_RETURN(torch::Device dev, ResolveDevice(device));
  // Initialise on the CPU from a seeded generator, so the same seed gives the same weights
  // whatever ran before in the process.
  torch::manual_seed(seed);
  std::unique_ptr<TorchModel> model(new TorchModel(spec, torch::Device(torch::kCPU)));
  if (model->is_gan()) {
    InitDcganWeights(*model->generator);
    InitDcganWeights(*model->discriminator);
  }
  if (dev.is_cuda()) model->MoveToCuda(dev);
  return model;
}

Result<std::unique_ptr<TorchModel>> TorchModel::FromCheckpoint(const Checkpoint& ckpt,
                                                               const std::string& path,
                                                               const std::string& device) {
  if (ckpt.header.value("format", "") != kModelFormat) {
    return Status::BadInput(path + ": not a Hallmark generator model (format field)");
  }
  if (ckpt.header.value("format_version", 0) != kModelFormatVersion) {
    return Status::BadInput(path + ": unsupported model format version");
  }
  auto spec_json = ckpt.header.find("model");
  if (spec_json == ckpt.header.end())
    return Status::BadInput(path + ": model header lacks 'model'");
  Result<ModelSpec> spec = ModelSpec::FromJson(*spec_json);
  if (!spec.ok()) return Status::BadInput(path + ": " + spec.status().message());
  HM_ASSIGN_OR_RETURN(torch::Device dev, ResolveDevice(device));
  std::unique_ptr<TorchModel> model(new TorchModel(*spec, torch::Device(torch::kCPU)));
  if (model->is_gan()) {
    HM_RETURN_IF_ERROR(LoadTensors(*model->generator, "G", ckpt, path));
    // A discriminator is only needed to resume training; sampling-only files may omit it.
    if (ckpt.Find("D.head.weight") != nullptr) {
      HM_RETURN_IF_ERROR(LoadTensors(*model->discriminator, "D", ckpt, path));
    }
  } else {
    HM_RETURN_IF_ERROR(LoadTensors(*model->vae, "VAE", ckpt, path));
  }
  model->info_.header = ckpt.header;
  model->info_.path = path;
  if (dev.is_cuda()) model->MoveToCuda(dev);
  return model;
}

void TorchModel::MoveToCuda(torch::Device dev) {
  if (is_gan()) {
    generator->to(dev);
    discriminator->to(dev);
  } else {
    vae->to(dev);
  }
  device_ = dev;
  info_.device = "cuda";
}

Checkpoint TorchModel::ToCheckpoint() const {
  Checkpoint ckpt;
  ckpt.header = info_.header;
  ckpt.header["format"] = kModelFormat;
  ckpt.header["format_version"] = kModelFormatVersion;
  ckpt.header["model"] = info_.spec.ToJson();
  if (is_gan()) {
    AppendTensors(*generator, "G", &ckpt.tensors);
    AppendTensors(*discriminator, "D", &ckpt.tensors);
  } else {
    AppendTensors(*vae, "VAE", &ckpt.tensors);
  }
  return ckpt;
}

Result<std::string> TorchModel::Save(const std::string& path) {
  HM_ASSIGN_OR_RETURN(std::string id, WriteCheckpoint(path, ToCheckpoint()));
  info_.model_id = id;
  info_.path = path;
  return id;
}

Status LatentModel::ValidateRequest(const SampleRequest& r) const {
  const int classes = info_.spec.num_classes();
  if (r.count < 1 || r.count > 1000000) {
    return Status::InvalidArgument("--count must be between 1 and 1000000");
  }
  if (r.class_index < -1 || r.class_index >= classes) {
    return Status::InvalidArgument("--class " + std::to_string(r.class_index) + ": the model has " +
                                   std::to_string(classes) + " classes (0-" +
                                   std::to_string(classes - 1) + ")");
  }
  if (!(r.truncation >= 0) || !std::isfinite(r.truncation)) {
    return Status::InvalidArgument("--truncation must be a positive number (0 = off)");
  }
  if (r.truncation > 0 && r.truncation < 0.05) {
    return Status::InvalidArgument("--truncation below 0.05 leaves no room to sample");
  }
  if (r.batch < 1) return Status::InvalidArgument("sampling batch must be positive");
  return Status::Ok();
}

namespace {

torch::Tensor DrawLatent(uint64_t seed, int64_t dim, double truncation) {
  torch::Generator gen = MakeCpuGenerator(seed);
  torch::Tensor z = torch::randn({1, dim}, gen);
  if (truncation > 0) {
    // Truncation trick: redraw the entries beyond +-t until none is left.
    for (torch::Tensor mask = z.abs() > truncation; mask.any().item<bool>();
         mask = z.abs() > truncation) {
      z.masked_scatter_(mask, torch::randn({mask.sum().item<int64_t>()}, gen));
    }
  }
  return z;
}

// Spherical interpolation: a walk between two Gaussian latents keeps a plausible norm.
torch::Tensor Slerp(const torch::Tensor& a, const torch::Tensor& b, double t) {
  double na = a.norm().item<double>(), nb = b.norm().item<double>();
  double cos = (a * b).sum().item<double>() / std::max(na * nb, 1e-12);
  double omega = std::acos(std::min(1.0, std::max(-1.0, cos)));
  if (omega < 1e-6) return a * (1 - t) + b * t;
  double s = std::sin(omega);
  return a * (std::sin((1 - t) * omega) / s) + b * (std::sin(t * omega) / s);
}

}  // namespace

torch::Tensor LatentModel::Latent(const SampleRequest& r, int index) const {
  const int64_t dim = info_.spec.EffectiveLatentDim();
  if (!r.interpolate) return DrawLatent(r.seed + uint64_t(index), dim, r.truncation);
  torch::Tensor a = DrawLatent(r.seed, dim, r.truncation);
  torch::Tensor b = DrawLatent(r.seed_b, dim, r.truncation);
  double t = r.count > 1 ? double(index) / double(r.count - 1) : 0.0;
  return Slerp(a, b, t);
}

bool TorchModel::EnterEvalMode() {
  const bool was_training = is_gan() ? generator->is_training() : vae->is_training();
  if (is_gan())
    generator->eval();
  else
    vae->eval();
  return was_training;
}

void TorchModel::LeaveEvalMode(bool was_training) {
  if (!was_training) return;
  if (is_gan())
    generator->train();
  else
    vae->train();
}

torch::Tensor TorchModel::DecodeBatch(const torch::Tensor& z, const torch::Tensor& y) {
  return is_gan() ? ToUint8(generator->forward(z, y), true)
                  : ToUint8(torch::sigmoid(vae->decode(z, y)), false);
}

torch::Tensor LatentModel::SampleUint8(const SampleRequest& r) {
  torch::NoGradGuard no_grad;
  const int classes = info_.spec.num_classes();
  const bool was_training = EnterEvalMode();
  std::vector<torch::Tensor> chunks;
  try {
    for (int start = 0; start < r.count; start += r.batch) {
      int n = std::min(r.batch, r.count - start);
      std::vector<torch::Tensor> zs;
      std::vector<int64_t> ys;
      for (int i = start; i < start + n; ++i) {
        zs.push_back(Latent(r, i));
        ys.push_back(r.class_index >= 0 ? r.class_index : i % classes);
      }
      torch::Tensor z = torch::cat(zs, 0).to(device_);
      torch::Tensor y = torch::tensor(ys, torch::kLong).to(device_);
      chunks.push_back(DecodeBatch(z, y));
    }
  } catch (...) {
    LeaveEvalMode(was_training);
    throw;
  }
  LeaveEvalMode(was_training);
  return torch::cat(chunks, 0);
}

Result<std::vector<image::Image>> LatentModel::Sample(const SampleRequest& r) {
  HM_RETURN_IF_ERROR(ValidateRequest(r));
  torch::Tensor u8;
  try {
    u8 = SampleUint8(r);
  } catch (const ContractError& e) {
    return Status::BadInput(info_.path + ": " + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("sampling failed: ") + e.what());
  }
  const int s = info_.spec.image_size, c = info_.spec.channels;
  // (N, C, S, S) -> (N, S, S, C): interleaved, as image::Image stores pixels.
  torch::Tensor hwc = u8.permute({0, 2, 3, 1}).contiguous();
  std::vector<image::Image> images;
  images.reserve(size_t(r.count));
  const size_t bytes = size_t(s) * size_t(s) * size_t(c);
  for (int i = 0; i < r.count; ++i) {
    image::Image img = *image::Image::Create(s, s, c);
    std::memcpy(img.data(), hwc.data_ptr<uint8_t>() + size_t(i) * bytes, bytes);
    images.push_back(std::move(img));
  }
  return images;
}

namespace {

class TorchBackend : public Backend {
 public:
  std::string Describe() override {
    return "LibTorch " + TorchVersion() + ", " + std::to_string(at::get_num_threads()) +
           " intra-op thread(s), CUDA " + (torch::cuda::is_available() ? "available" : "absent");
  }

  Result<std::unique_ptr<Model>> Load(const std::string& path, const std::string& device) override {
    // An imported TorchScript file is a zip archive ("PK\3\4"); Hallmark's own start "HMMODEL1".
    if (IsTorchScriptFile(path)) {
      try {
        HM_ASSIGN_OR_RETURN(std::unique_ptr<TorchScriptModel> m,
                            TorchScriptModel::Load(path, device));
        return std::unique_ptr<Model>(std::move(m));
      } catch (const std::exception& e) {
        return Status::BadInput(path + ": cannot load the model: " + e.what());
      }
    }
    HM_ASSIGN_OR_RETURN(Checkpoint ckpt, ReadCheckpoint(path));
    try {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<TorchModel> m,
                          TorchModel::FromCheckpoint(ckpt, path, device));
      HM_ASSIGN_OR_RETURN(auto digest, Sha256File(path));
      m->mutable_info().model_id = HexEncode(ByteView(digest.data(), digest.size()));
      return std::unique_ptr<Model>(std::move(m));
    } catch (const std::exception& e) {
      return Status::BadInput(path + ": cannot load the model: " + e.what());
    }
  }

  Result<ScriptProbe> ProbeScript(const std::string& path,
                                  const ScriptContract& contract) override {
    try {
      return ProbeTorchScript(path, contract);
    } catch (const std::exception& e) {
      return Status::BadInput(path + ": probing the model failed: " + e.what());
    }
  }

  Result<std::unique_ptr<Model>> Create(const ModelSpec& spec, uint64_t seed,
                                        const std::string& device) override {
    try {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<TorchModel> m, TorchModel::Create(spec, seed, device));
      return std::unique_ptr<Model>(std::move(m));
    } catch (const std::exception& e) {
      return Status::Internal(std::string("cannot build the model: ") + e.what());
    }
  }

  Result<TrainResult> Train(const TrainConfig& config, const LabeledImages& data,
                            TrainObserver& observer) override {
    try {
      return TrainModel(config, data, observer);
    } catch (const std::exception& e) {
      return Status::Internal(std::string("training failed: ") + e.what());
    }
  }

  Result<EvalReport> Evaluate(Model& model, const TrainingData& data,
                              const EvalConfig& config) override {
    auto* torch_model = dynamic_cast<LatentModel*>(&model);
    if (torch_model == nullptr) return Status::Internal("model from another backend");
    try {
      return EvaluateModel(*torch_model, data, config);
    } catch (const ContractError& e) {
      return Status::BadInput(model.info().path + ": " + e.what());
    } catch (const std::exception& e) {
      return Status::Internal(std::string("evaluation failed: ") + e.what());
    }
  }
};

}  // namespace
}  // namespace hallmark::generator

extern "C" __attribute__((visibility("default"))) hallmark::generator::Backend*
HallmarkGeneratorBackend(int* abi_version) {
  static hallmark::generator::TorchBackend backend;
  if (abi_version != nullptr) *abi_version = hallmark::generator::kBackendAbiVersion;
  return &backend;
}
