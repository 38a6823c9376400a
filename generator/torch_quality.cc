// The offline quality metric: a LeNet-5 trained on the model's own dataset, its penultimate
// features as the embedding for a Fréchet distance ("LeNet-FID"), and its predictions to check
// that samples asked for class c look like class c.
#include <sys/stat.h>

#include <chrono>

#include "base/sha256.h"
#include "generator/torch_model.h"

namespace hallmark::generator {
namespace {

constexpr char kClassifierFormat[] = "hallmark-lenet";

torch::Tensor AsTensor(const LabeledImages& d) {
  return torch::from_blob(const_cast<uint8_t*>(d.pixels.data()),
                          {int64_t(d.count()), d.channels, d.size, d.size}, torch::kUInt8)
      .to(torch::kFloat)
      .div_(255.0);
}

torch::Tensor Labels(const LabeledImages& d) {
  return torch::from_blob(const_cast<int32_t*>(d.labels.data()), {int64_t(d.count())}, torch::kInt)
      .to(torch::kLong);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return !path.empty() && ::stat(path.c_str(), &st) == 0;
}

// Trains LeNet-5 with Adam; deterministic for a seed on one thread.
void TrainClassifier(LeNet& net, const LabeledImages& train, int epochs, uint64_t seed,
                     torch::Device device) {
  torch::Tensor x = AsTensor(train).to(device), y = Labels(train).to(device);
  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(1e-3));
  net->train();
  const int64_t n = x.size(0), batch = 64;
  for (int e = 0; e < epochs; ++e) {
    torch::Generator gen = MakeCpuGenerator(seed * 31u + uint64_t(e));
    torch::Tensor perm = torch::randperm(n, gen, torch::kLong).to(device);
    for (int64_t at = 0; at < n; at += batch) {
      torch::Tensor idx = perm.narrow(0, at, std::min(batch, n - at));
      opt.zero_grad();
      torch::Tensor loss = torch::nn::functional::cross_entropy(
          net->forward(x.index_select(0, idx)), y.index_select(0, idx));
      loss.backward();
      opt.step();
    }
  }
  net->eval();
}

// Features and predictions in batches, without gradients. x in [0, 1].
void Embed(LeNet& net, const torch::Tensor& x, torch::Tensor* features, torch::Tensor* predicted,
           torch::Device device) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> f, p;
  for (int64_t at = 0; at < x.size(0); at += 500) {
    torch::Tensor h =
        net->features(x.narrow(0, at, std::min<int64_t>(500, x.size(0) - at)).to(device));
    f.push_back(h.to(torch::kCPU).to(torch::kDouble));
    p.push_back(net->classify(h).argmax(1).to(torch::kCPU));
  }
  *features = torch::cat(f, 0);
  *predicted = torch::cat(p, 0);
}

// Fréchet distance between Gaussians fitted to two feature sets (rows = samples), in double:
// |mu1 - mu2|^2 + Tr(C1 + C2 - 2 (C1 C2)^1/2), with Tr (C1 C2)^1/2 = sum sqrt(eig(S C2 S)),
// S = C1^1/2 from a symmetric eigendecomposition (stable where scipy's sqrtm is not).
double Frechet(const torch::Tensor& a, const torch::Tensor& b) {
  auto cov = [](const torch::Tensor& x, const torch::Tensor& mu) {
    torch::Tensor c = x - mu;
    return c.t().mm(c) / double(x.size(0) - 1);
  };
  torch::Tensor mu1 = a.mean(0), mu2 = b.mean(0);
  torch::Tensor c1 = cov(a, mu1), c2 = cov(b, mu2);
  auto [e1, v1] = torch::linalg::eigh(c1, "L");
  torch::Tensor s1 = v1.mm(torch::diag(e1.clamp_min(0).sqrt())).mm(v1.t());
  torch::Tensor m = s1.mm(c2).mm(s1);
  m = (m + m.t()) / 2;
  torch::Tensor tr_sqrt = torch::linalg::eigvalsh(m, "L").clamp_min(0).sqrt().sum();
  return ((mu1 - mu2).pow(2).sum() + c1.trace() + c2.trace() - 2 * tr_sqrt).item<double>();
}

}  // namespace

Result<EvalReport> EvaluateModel(LatentModel& model, const TrainingData& data,
                                 const EvalConfig& config) {
  auto start = std::chrono::steady_clock::now();
  const ModelSpec& spec = model.info().spec;
  if (data.train.size != spec.image_size || data.train.channels != spec.channels ||
      data.train.class_names != spec.class_names) {
    return Status::InvalidArgument(
        "the evaluation data does not match the model (size, channels or classes)");
  }
  if (data.test.count() < 2) return Status::InvalidArgument("the dataset has no test images");
  if (config.samples < 2) return Status::InvalidArgument("--samples must be at least 2");
  torch::set_num_threads(config.threads);
  HM_ASSIGN_OR_RETURN(torch::Device device, ResolveDevice(config.device));
  EvalReport report;

  LeNet net(spec.channels, spec.num_classes());
  bool loaded = false;
  if (Exists(config.classifier_path)) {
    HM_ASSIGN_OR_RETURN(Checkpoint ckpt, ReadCheckpoint(config.classifier_path));
    if (ckpt.header.value("format", "") == kClassifierFormat &&
        ckpt.header.value("data_digest", "") == data.digest &&
        ckpt.header.value("epochs", 0) == config.classifier_epochs &&
        ckpt.header.value("seed", uint64_t{0}) == config.seed) {
      HM_RETURN_IF_ERROR(LoadTensors(*net, "lenet", ckpt, config.classifier_path));
      loaded = true;
    }
  }
  if (!loaded) {
    torch::manual_seed(config.seed);
    net = LeNet(spec.channels, spec.num_classes());
    TrainClassifier(net, data.train, config.classifier_epochs, config.seed, torch::kCPU);
    report.classifier_trained = true;
    if (!config.classifier_path.empty()) {
      Checkpoint ckpt;
      ckpt.header = {{"format", kClassifierFormat},
                     {"data_digest", data.digest},
                     {"epochs", config.classifier_epochs},
                     {"seed", config.seed},
                     {"classes", spec.class_names}};
      AppendTensors(*net, "lenet", &ckpt.tensors);
      HM_RETURN_IF_ERROR(WriteCheckpoint(config.classifier_path, ckpt).status());
    }
  }
  net->eval();
  {
    Checkpoint ckpt;
    AppendTensors(*net, "lenet", &ckpt.tensors);
    report.classifier_id = Sha256Hex(EncodeCheckpoint(ckpt));
  }
  net->to(device);

  torch::Tensor test_features, test_predicted;
  Embed(net, AsTensor(data.test), &test_features, &test_predicted, device);
  report.classifier_accuracy =
      test_predicted.eq(Labels(data.test)).to(torch::kDouble).mean().item<double>();

  SampleRequest request;
  request.count = config.samples;
  request.seed = config.seed * 1000003u;
  request.batch = 256;
  HM_RETURN_IF_ERROR(model.ValidateRequest(request));
  torch::Tensor samples = model.SampleUint8(request).to(torch::kFloat).div_(255.0);
  torch::Tensor sample_features, sample_predicted;
  Embed(net, samples, &sample_features, &sample_predicted, device);
  report.samples = config.samples;
  report.fid = Frechet(sample_features, test_features);

  const int classes = spec.num_classes();
  torch::Tensor asked = torch::arange(config.samples, torch::kLong).remainder(classes);
  torch::Tensor hit = sample_predicted.eq(asked).to(torch::kDouble);
  report.class_consistency = hit.mean().item<double>();
  for (int k = 0; k < classes; ++k) {
    torch::Tensor mask = asked.eq(k);
    report.per_class_consistency.push_back(hit.masked_select(mask).mean().item<double>());
  }

  if (config.with_floor) {
    // The same number of real training images as samples (or all of them): the distance a
    // perfect generator would reach, given the finite sample.
    int64_t n = std::min<int64_t>(config.samples, int64_t(data.train.count()));
    torch::Generator gen = MakeCpuGenerator(config.seed + 99);
    torch::Tensor idx =
        torch::randperm(int64_t(data.train.count()), gen, torch::kLong).narrow(0, 0, n);
    torch::Tensor real = AsTensor(data.train).index_select(0, idx);
    torch::Tensor real_features, real_predicted;
    Embed(net, real, &real_features, &real_predicted, device);
    report.floor_fid = Frechet(real_features, test_features);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace hallmark::generator
