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
  h["data"] = c.data_info;
  h["library"] = {{"hallmark", HALLMARK_VERSION_STRING}, {"libtorch", TorchVersion()}};
}

}  // namespace

Result<TrainResult> TrainModel(const TrainConfig& c, const LabeledImages& data,
                               TrainObserver& observer) {
  HM_RETURN_IF_ERROR(c.spec.Validate());
  HM_RETURN_IF_ERROR(ValidateDevice(c.device));
  if (c.batch < 1 || c.batch > 65536) return Status::InvalidArgument("--batch must be positive");
  if (c.steps < 1) return Status::InvalidArgument("--steps must be positive");
  if (c.threads < 1 || c.threads > 1024) return Status::InvalidArgument("--threads must be >= 1");
  if (data.count() == 0) return Status::InvalidArgument("no training images");
  if (data.size != c.spec.image_size || data.channels != c.spec.channels) {
    return Status::Internal("training data does not have the model's geometry");
  }
  TuneMalloc();
  torch::set_num_threads(c.threads);
  HM_ASSIGN_OR_RETURN(torch::Device device, ResolveDevice(c.device));
  const bool gan = c.spec.arch == "dcgan";
  const double lr = c.lr > 0 ? c.lr : (gan ? 2e-4 : 1e-3);

  // A new model, or the one in model_path to resume.
  std::unique_ptr<TorchModel> model;
  int64_t done = 0;
  double seconds_before = 0;
  if (Exists(c.model_path)) {
    HM_ASSIGN_OR_RETURN(Checkpoint ckpt, ReadCheckpoint(c.model_path));
    HM_ASSIGN_OR_RETURN(model, TorchModel::FromCheckpoint(ckpt, c.model_path, c.device));
    if (model->info().spec.ToJson() != c.spec.ToJson()) {
      return Status::InvalidArgument(c.model_path +
                                     ": holds a model with another architecture, size or "
                                     "classes; choose another --out to start afresh");
    }
    auto digest = [](const nlohmann::json& info) {
      return info.is_object() ? info.value("digest", "") : std::string();
    };
    if (digest(model->info().header.value("data", nlohmann::json())) != digest(c.data_info)) {
      return Status::InvalidArgument(c.model_path +
                                     ": was trained on other data; choose another --out");
    }
    const nlohmann::json training = model->info().header.value("training", nlohmann::json());
    if (training.is_object()) {
      done = training.value("steps", int64_t{0});
      seconds_before = training.value("seconds", 0.0);
    }
  } else {
    HM_ASSIGN_OR_RETURN(model, TorchModel::Create(c.spec, c.seed, c.device));
  }

  std::vector<torch::Tensor> params_g, params_d;
  std::unique_ptr<torch::optim::Adam> opt_g, opt_d;
  if (gan) {
    opt_g = std::make_unique<torch::optim::Adam>(
        model->generator->parameters(),
        torch::optim::AdamOptions(lr).betas(std::make_tuple(0.5, 0.999)));
    opt_d = std::make_unique<torch::optim::Adam>(
        model->discriminator->parameters(),
        torch::optim::AdamOptions(lr).betas(std::make_tuple(0.5, 0.999)));
  } else {
    opt_g = std::make_unique<torch::optim::Adam>(model->vae->parameters(),
                                                 torch::optim::AdamOptions(lr));
  }
  if (done > 0 && Exists(c.optimizer_path)) {
    torch::serialize::InputArchive archive;
    try {
      archive.load_from(c.optimizer_path);
      torch::serialize::InputArchive a_g, a_d;
      archive.read("g", a_g);
      opt_g->load(a_g);
      if (gan) {
        archive.read("d", a_d);
        opt_d->load(a_d);
      }
    } catch (const std::exception&) {
      return Status::BadInput(c.optimizer_path + ": unreadable optimiser state");
    }
  }
  auto save = [&](int64_t steps, double seconds) -> Result<std::string> {
    UpdateHeader(*model, c, steps, seconds, device.is_cuda() ? "cuda" : "cpu", lr);
    HM_ASSIGN_OR_RETURN(std::string id, model->Save(c.model_path));
    if (!c.optimizer_path.empty()) {
      torch::serialize::OutputArchive archive, a_g, a_d;
      opt_g->save(a_g);
      archive.write("g", a_g);
      if (gan) {
        opt_d->save(a_d);
        archive.write("d", a_d);
      }
      try {
        archive.save_to(c.optimizer_path);
      } catch (const std::exception& e) {
        return Status::IoError(c.optimizer_path + ": cannot write the optimiser state");
      }
    }
    observer.OnCheckpoint(steps, id);
    return id;
  };

  // The whole set stays on the device as uint8; batches are converted as they are drawn.
  torch::Tensor images =
      torch::from_blob(const_cast<uint8_t*>(data.pixels.data()),
                       {int64_t(data.count()), data.channels, data.size, data.size}, torch::kUInt8)
          .to(device);
  torch::Tensor labels = torch::from_blob(const_cast<int32_t*>(data.labels.data()),
                                          {int64_t(data.count())}, torch::kInt)
                             .to(torch::kLong)
                             .to(device);
  BatchSampler sampler(int64_t(data.count()), c.batch, c.seed);
  const int classes = c.spec.num_classes();
  const int per_class = std::max(1, std::min(10, 100 / classes));
  SampleRequest grid;  // fixed latents, so successive grids show the same faces improving
  grid.count = classes * per_class;
  grid.seed = 1000;
  std::vector<int64_t> grid_classes;

  TrainResult result;
  result.device = device.is_cuda() ? "cuda" : "cpu";
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  observer.OnStart(done, c.steps);
  if (gan) {
    model->generator->train();
    model->discriminator->train();
  } else {
    model->vae->train();
  }
  const int64_t latent = c.spec.EffectiveLatentDim();
  int64_t step = done;
  for (; step < c.steps; ++step) {
    if (observer.StopRequested()) {
      result.interrupted = true;
      break;
    }
    torch::Tensor idx = sampler.Indices(step).to(device);
    torch::Tensor x = images.index_select(0, idx).to(torch::kFloat);
    torch::Tensor y = labels.index_select(0, idx);
    const int64_t n = x.size(0);
    torch::Generator gen = MakeCpuGenerator(c.seed * 7919u + uint64_t(step));
    std::vector<std::pair<std::string, double>> losses;
    if (gan) {
      x = x / 127.5 - 1.0;
      torch::Tensor z = torch::randn({n, latent}, gen).to(device);
      torch::Tensor fake = model->generator->forward(z, y);
      // Discriminator: real -> 1, fake -> 0.
      opt_d->zero_grad();
      torch::Tensor real_logits = model->discriminator->forward(x, y);
      torch::Tensor fake_logits = model->discriminator->forward(fake.detach(), y);
      torch::Tensor loss_d =
          torch::binary_cross_entropy_with_logits(real_logits, torch::ones_like(real_logits)) +
          torch::binary_cross_entropy_with_logits(fake_logits, torch::zeros_like(fake_logits));
      loss_d.backward();
      opt_d->step();
      // Generator: the non-saturating loss, fake -> 1.
      opt_g->zero_grad();
      torch::Tensor gen_logits = model->discriminator->forward(fake, y);
      torch::Tensor loss_g =
          torch::binary_cross_entropy_with_logits(gen_logits, torch::ones_like(gen_logits));
      loss_g.backward();
      opt_g->step();
      losses = {{"D", loss_d.item<double>()}, {"G", loss_g.item<double>()}};
    } else {
      x = x / 255.0;
      torch::Tensor eps = torch::randn({n, latent}, gen).to(device);
      opt_g->zero_grad();
      VaeOutput out = model->vae->forward(x, y, eps);
      torch::Tensor recon =
          torch::binary_cross_entropy_with_logits(out.logits, x, {}, {}, at::Reduction::Sum) /
          double(n);
      torch::Tensor kl =
          -0.5 * torch::sum(1 + out.logvar - out.mu.pow(2) - out.logvar.exp()) / double(n);
      torch::Tensor loss = recon + kl;
      loss.backward();
      opt_g->step();
      losses = {{"recon", recon.item<double>()}, {"kl", kl.item<double>()}};
    }
    for (const auto& l : losses) {
      if (!std::isfinite(l.second)) {
        return Status::Internal("training diverged at step " + std::to_string(step + 1) + " (" +
                                l.first + " loss is not finite); try a lower --lr");
      }
    }
    observer.OnStep(step + 1, losses, int(n));
    const int64_t s = step + 1;
    if (c.sample_every > 0 && (s % c.sample_every == 0 || s == c.steps)) {
      // Class-major grid: per_class images of class 0, then class 1, ...
      grid.class_index = -1;
      std::vector<image::Image> imgs;
      for (int k = 0; k < classes; ++k) {
        SampleRequest r = grid;
        r.count = per_class;
        r.class_index = k;
        HM_ASSIGN_OR_RETURN(auto part, model->Sample(r));
        for (auto& im : part) imgs.push_back(std::move(im));
      }
      observer.OnSamples(s, imgs, per_class);
    }
    if (c.checkpoint_every > 0 && s % c.checkpoint_every == 0 && s != c.steps) {
      HM_RETURN_IF_ERROR(save(s, seconds_before + elapsed()).status());
    }
  }
  result.steps = step;
  result.seconds = elapsed();
  HM_ASSIGN_OR_RETURN(result.model_id, save(step, seconds_before + result.seconds));
  return result;
}

}  // namespace hallmark::generator
