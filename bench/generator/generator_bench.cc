// Training and sampling throughput of the generator's C++ path, one configuration per process so
// that peak RSS belongs to that configuration alone. Mirrors python_twin.py and prints the same
// JSON line.
//
//   generator_bench train|sample dcgan|vae BATCH STEPS_OR_IMAGES
//   generator_bench sample torchscript:FILE.pt BATCH IMAGES
//
// The second form samples an imported TorchScript generator (python_twin.py export writes the
// native DCGAN's architecture as one) through the same Model interface, for the imported-vs-native
// comparison; the file is copied to a temporary folder with the sidecar `model import` writes.
#include <sys/resource.h>
#include <unistd.h>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

#include "base/hex.h"
#include "base/sha256.h"
#include "generator/backend.h"
#include "generator/backend_loader.h"
#include "generator/imported_model.h"

using namespace hallmark::generator;
using Clock = std::chrono::steady_clock;

namespace {

// CPU seconds of this process. With one intra-op thread this equals wall time on an idle
// machine, and unlike wall time it does not count the time other jobs held the CPU.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

ModelSpec Spec(const std::string& arch) {
  ModelSpec s;
  s.arch = arch;
  s.image_size = 32;
  s.channels = 1;
  for (int i = 0; i < 10; ++i) s.class_names.push_back(std::to_string(i));
  s.width = arch == "dcgan" ? 64 : 32;
  return s;
}

// A temporary "imported" copy of `file` (the DCGAN spec of Spec("dcgan"), 100-d latent), loaded.
hallmark::Result<std::unique_ptr<Model>> LoadImported(Backend& backend, const std::string& file,
                                                      const std::string& dir) {
  ModelSpec spec = Spec("dcgan");
  spec.arch = kImportedArch;
  spec.latent_dim = 100;
  spec.width = 0;
  ImportManifest manifest;
  manifest.classes = spec.class_names;
  manifest.latent_dim = spec.latent_dim;
  manifest.weights_licence = "MIT";
  manifest.datasets = {"bench"};
  HM_ASSIGN_OR_RETURN(hallmark::Sha256Digest digest, hallmark::Sha256File(file));
  const std::string id = hallmark::HexEncode(hallmark::ByteView(digest.data(), digest.size()));
  const std::string copy = dir + "/" + id + ".pt";
  std::filesystem::copy_file(file, copy, std::filesystem::copy_options::overwrite_existing);
  std::FILE* f = std::fopen(ImportedSidecarPath(copy).c_str(), "w");
  if (f == nullptr) return hallmark::Status::IoError(dir + ": cannot write the sidecar");
  std::fputs(MakeImportedSidecar(id, spec, manifest, nlohmann::json::object(), file).dump().c_str(),
             f);
  std::fclose(f);
  return backend.Load(copy, "cpu");
}

class StepClock : public TrainObserver {
 public:
  void OnStart(int64_t, int64_t) override {}
  void OnStep(int64_t step, const std::vector<std::pair<std::string, double>>&, int) override {
    if (step == 3) {  // the first steps warm up allocators and oneDNN
      start = Clock::now();
      cpu_start = CpuSeconds();
    }
    end = Clock::now();
    cpu_end = CpuSeconds();
    last = step;
  }
  void OnSamples(int64_t, const std::vector<hallmark::image::Image>&, int) override {}
  void OnCheckpoint(int64_t, const std::string&) override {}
  bool StopRequested() override { return false; }
  Clock::time_point start, end;
  double cpu_start = 0, cpu_end = 0;
  int64_t last = 0;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s train|sample dcgan|vae|torchscript:FILE.pt BATCH N\n", argv[0]);
    return 2;
  }
  const std::string mode = argv[1], arch = argv[2];
  const int batch = std::atoi(argv[3]);
  const int n = std::atoi(argv[4]);
  TuneMallocForTensors();  // as LoadBackend() does in the hallmark binary
  int abi = 0;
  Backend& backend = *HallmarkGeneratorBackend(&abi);
  double rate = 0, cpu_rate = 0;
  if (mode == "train") {
    LabeledImages data{32, 1, {}, {}, Spec(arch).class_names};
    std::mt19937 rng(1);
    data.pixels.resize(4096 * data.image_bytes());
    for (auto& p : data.pixels) p = uint8_t(rng() & 255);
    for (int i = 0; i < 4096; ++i) data.labels.push_back(int32_t(rng() % 10));
    std::string dir =
        std::filesystem::temp_directory_path() / ("hallmark-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    TrainConfig c;
    c.spec = Spec(arch);
    c.steps = n;
    c.batch = batch;
    c.device = "cpu";
    c.sample_every = 0;
    c.checkpoint_every = 0;
    c.model_path = dir + "/model.hmk";
    StepClock clock;
    auto r = backend.Train(c, data, clock);
    std::filesystem::remove_all(dir);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 1;
    }
    rate = double(clock.last - 3) / std::chrono::duration<double>(clock.end - clock.start).count();
    cpu_rate = double(clock.last - 3) / (clock.cpu_end - clock.cpu_start);
  } else {
    const std::string prefix = "torchscript:";
    const bool imported = arch.rfind(prefix, 0) == 0;
    std::string dir =
        std::filesystem::temp_directory_path() / ("hallmark-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto model = imported ? LoadImported(backend, arch.substr(prefix.size()), dir)
                          : backend.Create(Spec(arch), 1, "cpu");
    std::filesystem::remove_all(dir);
    if (!model.ok()) {
      std::fprintf(stderr, "%s\n", model.status().message().c_str());
      return 1;
    }
    SampleRequest warm;
    warm.count = batch;
    warm.batch = batch;
    // Two warm-up batches: TorchScript's executor profiles the first runs before it optimises.
    for (int i = 0; i < 2; ++i) {
      if (!(*model)->Sample(warm).ok()) return 1;
    }
    SampleRequest r;
    r.count = n;
    r.batch = batch;
    r.seed = 100;
    auto start = Clock::now();
    double cpu_start = CpuSeconds();
    auto images = (*model)->Sample(r);
    cpu_rate = double(n) / (CpuSeconds() - cpu_start);
    rate = double(n) / std::chrono::duration<double>(Clock::now() - start).count();
    if (!images.ok()) return 1;
  }
  struct rusage ru {};
  ::getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"impl\": \"cpp\", \"mode\": \"%s\", \"arch\": \"%s\", \"batch\": %d, \"rate\": %.3f, "
      "\"cpu_rate\": %.3f, \"peak_rss_mb\": %.1f}\n",
      mode.c_str(), arch.rfind("torchscript:", 0) == 0 ? "dcgan-torchscript" : arch.c_str(), batch,
      rate, cpu_rate, double(ru.ru_maxrss) / 1024.0);
  return 0;
}
