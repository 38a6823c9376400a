// The generator's LibTorch side, seen through a torch-free interface.
//
// Everything that touches LibTorch lives in libhallmark_generator.so. The hallmark binary does not
// link it: commands that generate call LoadBackend() (backend_loader.h), which dlopen()s the
// library on first use, so verify/audit/watermark never pay LibTorch's start-up (0.4 s, 160 MB).
// Only plain structs, std types, Status/Result and image::Image cross this interface; the library
// and the binary are built from the same tree with the same compiler, so the C++ ABI matches.
#ifndef HALLMARK_GENERATOR_BACKEND_H_
#define HALLMARK_GENERATOR_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "generator/labeled_images.h"
#include "generator/model_spec.h"
#include "image/image.h"

namespace hallmark::generator {

// Bumped whenever a declaration in this header changes; the loader refuses a library built
// against another version.
constexpr int kBackendAbiVersion = 2;

struct TrainConfig {
  ModelSpec spec;
  int64_t steps = 1000;  // total optimisation steps, counting those of a resumed run
  int batch = 64;
  double lr = 0;  // 0 = the architecture's default (DCGAN 2e-4, VAE 1e-3)
  uint64_t seed = 1;
  std::string device = "auto";  // auto | cpu | cuda
  int threads = 1;              // intra-op threads; 1 is deterministic and robust on shared CPUs
  int64_t sample_every = 200;   // steps between sample grids (0 = never)
  int64_t checkpoint_every = 500;
  std::string model_path;      // checkpoint written here (and read from, to resume)
  std::string optimizer_path;  // optimiser state beside it, for exact resumption
  nlohmann::json data_info;    // {"digest","source","count",...} copied into the header
};

// Called from the training loop, on the training thread.
class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void OnStart(int64_t first_step, int64_t total_steps) = 0;
  // After each step: step is 1-based; losses are named ("G", "D" or "recon", "kl").
  virtual void OnStep(int64_t step, const std::vector<std::pair<std::string, double>>& losses,
                      int batch) = 0;
  // A fixed-latent grid: `per_class` images per class, class-major.
  virtual void OnSamples(int64_t step, const std::vector<image::Image>& images, int per_class) = 0;
  virtual void OnCheckpoint(int64_t step, const std::string& model_id) = 0;
  // Polled once per step; true makes the loop save a checkpoint and return (Ctrl-C).
  virtual bool StopRequested() = 0;
};

struct TrainResult {
  int64_t steps = 0;  // steps done in total
  bool interrupted = false;
  double seconds = 0;  // training time of this invocation
  std::string model_id;
  std::string device;  // where it ran: "cpu" or "cuda"
};

struct SampleRequest {
  int count = 1;
  int class_index = -1;   // -1: image i gets class i % classes
  uint64_t seed = 0;      // image i draws its latent from seed + i (or walks seed -> seed_b)
  double truncation = 0;  // > 0: latent entries beyond +-truncation are redrawn
  bool interpolate = false;
  uint64_t seed_b = 0;  // with interpolate: the walk goes from latent(seed) to latent(seed_b)
  int batch = 64;
};

struct ModelInfo {
  ModelSpec spec;
  nlohmann::json header;  // the full checkpoint header (an imported model: its sidecar JSON)
  std::string model_id;   // SHA-256 of the model file; empty for a model never saved
  std::string path;
  std::string device;
};

class Model {
 public:
  virtual ~Model() = default;
  virtual const ModelInfo& info() const = 0;
  // Batched, no-grad, eval-mode generation. Bit-exact on CPU for the same request: latents are
  // drawn on the CPU with a dedicated generator per image whatever the device.
  virtual Result<std::vector<image::Image>> Sample(const SampleRequest& request) = 0;
  // Writes the model file; returns its id.
  virtual Result<std::string> Save(const std::string& path) = 0;
};

struct EvalConfig {
  int samples = 5000;  // generated images for the Fréchet distance
  int classifier_epochs = 5;
  uint64_t seed = 1;
  std::string classifier_path;  // cache: loaded if it exists and matches the data, else written
  bool with_floor = false;      // also report real-train vs real-test (the metric's floor)
  std::string device = "auto";
  int threads = 1;
};

struct EvalReport {
  double fid = 0;                // LeNet-FID: generated vs real test, penultimate features
  double class_consistency = 0;  // share of samples for class c labelled c
  std::vector<double> per_class_consistency;
  double classifier_accuracy = 0;   // the classifier on the real test images
  double floor_fid = -1;            // real train vs real test, when asked for
  std::string classifier_id;        // SHA-256 of the classifier file
  bool classifier_trained = false;  // false: loaded from the cache
  int samples = 0;
  double seconds = 0;
};

// What an imported TorchScript generator's manifest promises about forward().
struct ScriptContract {
  int latent_dim = 0;
  int classes = 1;
  bool conditional = true;  // forward(z, labels); false: forward(z)
};

// What running forward on a small fixed batch showed (see Backend::ProbeScript).
struct ScriptProbe {
  std::string sha256;  // of the bytes that were loaded
  int channels = 0;
  int image_size = 0;
  std::string dtype;  // "Float", "Half", ...
  std::vector<int64_t> shape;
  double min = 0, max = 0;
  int batch = 0;
  uint64_t seed = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // "LibTorch 1.13.0, 1 thread, cuda: no"
  virtual std::string Describe() = 0;
  // A model file written by `train` ("HMMODEL1"), or an imported TorchScript file (a zip
  // archive) with its sidecar beside it (imported_model.h): the file's SHA-256 must still be the
  // id it was imported under.
  virtual Result<std::unique_ptr<Model>> Load(const std::string& path,
                                              const std::string& device) = 0;
  // Loads a TorchScript generator on the CPU and runs forward on a small fixed batch: the output
  // must be a floating (N, C, S, S) tensor, C 1 or 3, square, finite and within [-1, 1]. A file
  // that is not TorchScript, a failing forward or a broken contract is BadInput naming the path.
  virtual Result<ScriptProbe> ProbeScript(const std::string& path,
                                          const ScriptContract& contract) = 0;
  // A freshly initialised (untrained) model: for tests and shape checks.
  virtual Result<std::unique_ptr<Model>> Create(const ModelSpec& spec, uint64_t seed,
                                                const std::string& device) = 0;
  // Trains config.spec on `data`, resuming from config.model_path when it exists.
  virtual Result<TrainResult> Train(const TrainConfig& config, const LabeledImages& data,
                                    TrainObserver& observer) = 0;
  // Evaluates `model` against `data` (classifier trained on data.train, scored on data.test).
  virtual Result<EvalReport> Evaluate(Model& model, const TrainingData& data,
                                      const EvalConfig& config) = 0;
};

}  // namespace hallmark::generator

// The library's single entry point, looked up by name with dlsym. Returns a process-lifetime
// object and writes kBackendAbiVersion to *abi_version.
extern "C" hallmark::generator::Backend* HallmarkGeneratorBackend(int* abi_version);

#endif  // HALLMARK_GENERATOR_BACKEND_H_
