// The training loops of the DCGAN and the VAE.
#include <malloc.h>
#include <sys/stat.h>

#include <chrono>

#include "generator/torch_model.h"

namespace hallmark::generator {
namespace {

// Large tensors are mmap()ed and returned to the kernel on every step by default, which costs
// 2.4 M page faults per 150 DCGAN steps; keeping them in the heap makes training 17-45% faster
// at the same peak RSS.
void TuneMalloc() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// Mini-batches drawn without replacement: epoch e visits the images in a permutation seeded by
// (seed, e), so a resumed run continues with exactly the batches it would have had.
class BatchSampler {
 public:
  BatchSampler(int64_t count, int batch, uint64_t seed)
      : count_(count),
        batch_(batch),
        seed_(seed),
        per_epoch_(std::max<int64_t>(1, count / batch)) {}

  torch::Tensor Indices(int64_t step) {
    int64_t epoch = step / per_epoch_;
    if (epoch != epoch_) {
      torch::Generator gen = MakeCpuGenerator(seed_ * 1000003u + uint64_t(epoch) + 17u);
      perm_ = torch::randperm(count_, gen, torch::kLong);
      epoch_ = epoch;
    }
    int64_t at = (step % per_epoch_) * batch_;
    int64_t n = std::min<int64_t>(batch_, count_ - at);
    return perm_.narrow(0, at, n);
  }

 private:
  int64_t count_;
  int batch_;
  uint64_t seed_;
  int64_t per_epoch_;
  int64_t epoch_ = -1;
  torch::Tensor perm_;
};

void UpdateHeader(TorchModel& model, const TrainConfig& c, int64_t steps, double seconds,
                  const std::string& device, double lr) {
  nlohmann::json& h = model.mutable_info().header;
  h["training"] = {{"steps", steps},
                   {"seconds", std::round(seconds * 10) / 10},
                   {"batch", c.batch},
                   {"lr", lr},
                   {"adam_betas", model.is_gan() ? std::vector<double>{0.5, 0.999}
                                                 : std::vector<double>{0.9, 0.999}},
                   {"seed", c.seed},
                   {"device", device},
                   {"threads", c.threads}};
  if (!c.data_info.is_null()) h["data"] = c.data_info;
  h["library"] = {{"hallmark", HALLMARK_VERSION_STRING}, {"libtorch", TorchVersion()}};
}

using Losses = std::vector<std::pair<std::string, double>>;

Status ValidateTrainConfig(const TrainConfig& c, const LabeledImages& data) {
  HM_RETURN_IF_ERROR(c.spec.Validate());
  HM_RETURN_IF_ERROR(ValidateDevice(c.device));
  if (c.batch < 1 || c.batch > 65536) return Status::InvalidArgument("--batch must be positive");
  if (c.steps < 1) return Status::InvalidArgument("--steps must be positive");
  if (c.threads < 1 || c.threads > 1024) return Status::InvalidArgument("--threads must be >= 1");
  if (data.count() == 0) return Status::InvalidArgument("no training images");
  if (data.size != c.spec.image_size || data.channels != c.spec.channels) {
    return Status::Internal("training data does not have the model's geometry");
  }
  return Status::Ok();
}

// The model to train, and how far an earlier run took it.
struct StartingPoint {
  std::unique_ptr<TorchModel> model;
  int64_t done = 0;
  double seconds_before = 0;
};

// The model in c.model_path, which must have the same spec and data, to resume.
Result<StartingPoint> ResumeModel(const TrainConfig& c) {
  StartingPoint start;
  HM_ASSIGN_OR_RETURN(Checkpoint ckpt, ReadCheckpoint(c.model_path));
  HM_ASSIGN_OR_RETURN(start.model, TorchModel::FromCheckpoint(ckpt, c.model_path, c.device));
  if (start.model->info().spec.ToJson() != c.spec.ToJson()) {
    return Status::InvalidArgument(c.model_path +
                                   ": holds a model with another architecture, size or "
                                   "classes; choose another --out to start afresh");
  }
  auto digest = [](const nlohmann::json& info) {
    return info.is_object() ? info.value("digest", "") : std::string();
  };
  const nlohmann::json& header = start.model->info().header;
  if (digest(header.value("data", nlohmann::json())) != digest(c.data_info)) {
    return Status::InvalidArgument(c.model_path +
                                   ": was trained on other data; choose another --out");
  }
  const nlohmann::json training = header.value("training", nlohmann::json());
  if (training.is_object()) {
    start.done = training.value("steps", int64_t{0});
    start.seconds_before = training.value("seconds", 0.0);
  }
  return start;
}

// A new model, or the one in c.model_path to resume.
Result<StartingPoint> LoadOrCreateModel(const TrainConfig& c) {
  if (Exists(c.model_path)) return ResumeModel(c);
  StartingPoint start;
  HM_ASSIGN_OR_RETURN(start.model, TorchModel::Create(c.spec, c.seed, c.device));
  return start;
}

struct Optimizers {
  std::unique_ptr<torch::optim::Adam> g;  // the generator's, or the VAE's
  std::unique_ptr<torch::optim::Adam> d;  // the discriminator's; null for a VAE
};

Optimizers MakeOptimizers(TorchModel& model, double lr) {
  Optimizers opt;
  if (model.is_gan()) {
    opt.g = std::make_unique<torch::optim::Adam>(
        model.generator->parameters(),
        torch::optim::AdamOptions(lr).betas(std::make_tuple(0.5, 0.999)));
    opt.d = std::make_unique<torch::optim::Adam>(
        model.discriminator->parameters(),
        torch::optim::AdamOptions(lr).betas(std::make_tuple(0.5, 0.999)));
  } else {
    opt.g = std::make_unique<torch::optim::Adam>(model.vae->parameters(),
                                                 torch::optim::AdamOptions(lr));
  }
  return opt;
}

Status LoadOptimizerState(const std::string& path, Optimizers& opt) {
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
    torch::serialize::InputArchive a_g, a_d;
    archive.read("g", a_g);
    opt.g->load(a_g);
    if (opt.d) {
      archive.read("d", a_d);
      opt.d->load(a_d);
    }
  } catch (const std::exception&) {
    return Status::BadInput(path + ": unreadable optimiser state");
  }
  return Status::Ok();
}

Status SaveOptimizerState(const std::string& path, const Optimizers& opt) {
  torch::serialize::OutputArchive archive, a_g, a_d;
  opt.g->save(a_g);
  archive.write("g", a_g);
  if (opt.d) {
    opt.d->save(a_d);
    archive.write("d", a_d);
  }
  try {
    archive.save_to(path);
  } catch (const std::exception&) {
    return Status::IoError(path + ": cannot write the optimiser state");
  }
  return Status::Ok();
}

// The whole set stays on the device as uint8; batches are converted as they are drawn.
struct DeviceImages {
  torch::Tensor images;  // uint8, N x C x H x W
  torch::Tensor labels;  // int64, N
};

DeviceImages UploadImages(const LabeledImages& data, const torch::Device& device) {
  DeviceImages d;
  d.images =
      torch::from_blob(const_cast<uint8_t*>(data.pixels.data()),
                       {int64_t(data.count()), data.channels, data.size, data.size}, torch::kUInt8)
          .to(device);
  d.labels = torch::from_blob(const_cast<int32_t*>(data.labels.data()), {int64_t(data.count())},
                              torch::kInt)
                 .to(torch::kLong)
                 .to(device);
  return d;
}

void EnterTrainMode(TorchModel& model) {
  if (model.is_gan()) {
    model.generator->train();
    model.discriminator->train();
  } else {
    model.vae->train();
  }
}

// One DCGAN step on the batch (x in 0..255, labels y); the latents come from `gen`.
Losses GanStep(TorchModel& model, Optimizers& opt, torch::Tensor x, const torch::Tensor& y,
               torch::Generator& gen, int64_t latent, const torch::Device& device) {
  const int64_t n = x.size(0);
  x = x / 127.5 - 1.0;
  torch::Tensor z = torch::randn({n, latent}, gen).to(device);
  torch::Tensor fake = model.generator->forward(z, y);
  // Discriminator: real -> 1, fake -> 0.
  opt.d->zero_grad();
  torch::Tensor real_logits = model.discriminator->forward(x, y);
  torch::Tensor fake_logits = model.discriminator->forward(fake.detach(), y);
  torch::Tensor loss_d =
      torch::binary_cross_entropy_with_logits(real_logits, torch::ones_like(real_logits)) +
      torch::binary_cross_entropy_with_logits(fake_logits, torch::zeros_like(fake_logits));
  loss_d.backward();
  opt.d->step();
  // Generator: the non-saturating loss, fake -> 1.
  opt.g->zero_grad();
  torch::Tensor gen_logits = model.discriminator->forward(fake, y);
  torch::Tensor loss_g =
      torch::binary_cross_entropy_with_logits(gen_logits, torch::ones_like(gen_logits));
  loss_g.backward();
  opt.g->step();
  return {{"D", loss_d.item<double>()}, {"G", loss_g.item<double>()}};
}

// One VAE step on the batch (x in 0..255, labels y); the noise comes from `gen`.
Losses VaeStep(TorchModel& model, Optimizers& opt, torch::Tensor x, const torch::Tensor& y,
               torch::Generator& gen, int64_t latent, const torch::Device& device) {
  const int64_t n = x.size(0);
  x = x / 255.0;
  torch::Tensor eps = torch::randn({n, latent}, gen).to(device);
  opt.g->zero_grad();
  VaeOutput out = model.vae->forward(x, y, eps);
  torch::Tensor recon =
      torch::binary_cross_entropy_with_logits(out.logits, x, {}, {}, at::Reduction::Sum) /
      double(n);
  torch::Tensor kl =
      -0.5 * torch::sum(1 + out.logvar - out.mu.pow(2) - out.logvar.exp()) / double(n);
  torch::Tensor loss = recon + kl;
  loss.backward();
  opt.g->step();
  return {{"recon", recon.item<double>()}, {"kl", kl.item<double>()}};
}

Status CheckLossesFinite(const Losses& losses, int64_t step) {
  for (const auto& l : losses) {
    if (!std::isfinite(l.second)) {
      return Status::Internal("training diverged at step " + std::to_string(step + 1) + " (" +
                              l.first + " loss is not finite); try a lower --lr");
    }
  }
  return Status::Ok();
}

// The progress grid: fixed latents, so successive grids show the same faces improving.
struct SampleGrid {
  explicit SampleGrid(int classes)
      : classes(classes), per_class(std::max(1, std::min(10, 100 / classes))) {
    request.count = classes * per_class;
    request.seed = 1000;
  }
  int classes;
  int per_class;
  SampleRequest request;
};

// Class-major grid: per_class images of class 0, then class 1, ...
Status ObserveSampleGrid(TorchModel& model, SampleGrid& grid, int64_t step,
                         TrainObserver& observer) {
  grid.request.class_index = -1;
  std::vector<image::Image> imgs;
  for (int k = 0; k < grid.classes; ++k) {
    SampleRequest r = grid.request;
    r.count = grid.per_class;
    r.class_index = k;
    HM_ASSIGN_OR_RETURN(auto part, model.Sample(r));
    for (auto& im : part) imgs.push_back(std::move(im));
  }
  observer.OnSamples(step, imgs, grid.per_class);
  return Status::Ok();
}

// Runs the optimisation loop of one training call over its model, data and optimisers.
class TrainingRun {
 public:
  TrainingRun(const TrainConfig& c, const LabeledImages& data, TrainObserver& observer,
              const torch::Device& device, double lr, StartingPoint start)
      : c_(c),
        observer_(observer),
        device_(device),
        lr_(lr),
        model_(std::move(start.model)),
        done_(start.done),
        seconds_before_(start.seconds_before),
        opt_(MakeOptimizers(*model_, lr)),
        data_(data),
        sampler_(int64_t(data.count()), c.batch, c.seed),
        grid_(c.spec.num_classes()) {}

  Result<TrainResult> Run() {
    if (done_ > 0 && Exists(c_.optimizer_path)) {
      HM_RETURN_IF_ERROR(LoadOptimizerState(c_.optimizer_path, opt_));
    }
    const DeviceImages on_device = UploadImages(data_, device_);
    TrainResult result;
    result.device = DeviceName();
    start_ = std::chrono::steady_clock::now();
    observer_.OnStart(done_, c_.steps);
    EnterTrainMode(*model_);
    int64_t step = done_;
    for (; step < c_.steps; ++step) {
      if (observer_.StopRequested()) {
        result.interrupted = true;
        break;
      }
      HM_RETURN_IF_ERROR(TrainStep(on_device, step));
    }
    result.steps = step;
    result.seconds = Elapsed();
    HM_ASSIGN_OR_RETURN(result.model_id, Save(step, seconds_before_ + result.seconds));
    return result;
  }

 private:
  // One optimisation step, then the sample grid and checkpoint when they fall due.
  Status TrainStep(const DeviceImages& on_device, int64_t step) {
    torch::Tensor idx = sampler_.Indices(step).to(device_);
    torch::Tensor x = on_device.images.index_select(0, idx).to(torch::kFloat);
    torch::Tensor y = on_device.labels.index_select(0, idx);
    const int64_t n = x.size(0);
    torch::Generator gen = MakeCpuGenerator(c_.seed * 7919u + uint64_t(step));
    const int64_t latent = c_.spec.EffectiveLatentDim();
    const Losses losses = model_->is_gan() ? GanStep(*model_, opt_, x, y, gen, latent, device_)
                                           : VaeStep(*model_, opt_, x, y, gen, latent, device_);
    HM_RETURN_IF_ERROR(CheckLossesFinite(losses, step));
    observer_.OnStep(step + 1, losses, int(n));
    const int64_t s = step + 1;
    if (c_.sample_every > 0 && (s % c_.sample_every == 0 || s == c_.steps)) {
      HM_RETURN_IF_ERROR(ObserveSampleGrid(*model_, grid_, s, observer_));
    }
    if (c_.checkpoint_every > 0 && s % c_.checkpoint_every == 0 && s != c_.steps) {
      HM_RETURN_IF_ERROR(Save(s, seconds_before_ + Elapsed()).status());
    }
    return Status::Ok();
  }

  // Writes the model (and the optimiser state, for exact resumption) after `steps` steps.
  Result<std::string> Save(int64_t steps, double seconds) {
    UpdateHeader(*model_, c_, steps, seconds, DeviceName(), lr_);
    HM_ASSIGN_OR_RETURN(std::string id, model_->Save(c_.model_path));
    if (!c_.optimizer_path.empty()) {
      HM_RETURN_IF_ERROR(SaveOptimizerState(c_.optimizer_path, opt_));
    }
    observer_.OnCheckpoint(steps, id);
    return id;
  }

  std::string DeviceName() const { return device_.is_cuda() ? "cuda" : "cpu"; }
  double Elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  const TrainConfig& c_;
  TrainObserver& observer_;
  const torch::Device device_;
  const double lr_;
  std::unique_ptr<TorchModel> model_;
  const int64_t done_;
  const double seconds_before_;
  Optimizers opt_;
  const LabeledImages& data_;
  BatchSampler sampler_;
  SampleGrid grid_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace

Result<TrainResult> TrainModel(const TrainConfig& c, const LabeledImages& data,
                               TrainObserver& observer) {
  HM_RETURN_IF_ERROR(ValidateTrainConfig(c, data));
  TuneMalloc();
  torch::set_num_threads(c.threads);
  HM_ASSIGN_OR_RETURN(torch::Device device, ResolveDevice(c.device));
  const bool gan = c.spec.arch == "dcgan";
  const double lr = c.lr > 0 ? c.lr : (gan ? 2e-4 : 1e-3);
  HM_ASSIGN_OR_RETURN(StartingPoint start, LoadOrCreateModel(c));
  TrainingRun run(c, data, observer, device, lr, std::move(start));
  return run.Run();
}

}  // namespace hallmark::generator
