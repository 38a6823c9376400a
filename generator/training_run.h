// `hallmark train`: a training run in a run folder.
//
//   <out>/model.hmk            the checkpoint (its SHA-256 is the model id); resumed from if
//   present <out>/optimizer.state      Adam's moments, so a resumed run continues exactly
//   <out>/samples.png          the latest per-class grid (one row per class), and
//   <out>/samples/step-N.png   one every --sample-every steps
//   <out>/loss.svg, loss.csv   the loss curves
//
// Ctrl-C (SIGINT) or SIGTERM stops after the current step and saves a checkpoint first; a second
// one kills the process.
#ifndef HALLMARK_GENERATOR_TRAINING_RUN_H_
#define HALLMARK_GENERATOR_TRAINING_RUN_H_

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"
#include "generator/backend.h"

namespace hallmark::generator {

struct TrainCommand {
  std::string arch = "dcgan";
  std::string data;  // see dataset_loader.h; empty = Fashion-MNIST
  int size = 32;
  int channels = 0;  // 0 = the data's own
  int64_t steps = 0;
  double epochs = 0;  // used when steps == 0; both 0 = one epoch
  int batch = 64;
  double lr = 0;
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 1;
  std::string out;  // run folder; empty = runs/<arch>-<size>
  int width = 0;    // 0 = 64 for DCGAN, 32 for the VAE
  int latent = 0;
  int64_t sample_every = 200;
  int64_t checkpoint_every = 500;
  bool progress = true;  // draw the progress bar
  // Set when `data` is a registered dataset's folder: recorded in the model file's header.
  std::string dataset_id;
  std::string dataset_name;
};

struct TrainSummary {
  TrainResult result;
  std::string run_dir;
  std::string model_path;
  std::string data_digest;
  size_t train_images = 0;
  int64_t first_step = 0;
  double images_per_second = 0;
  std::vector<std::pair<std::string, double>> last_losses;
  std::string warning;  // a non-fatal problem (a grid that could not be written)
};

// `say` receives human-readable lines (resuming, data summary).
Result<TrainSummary> RunTraining(const TrainCommand& command, Backend& backend,
                                 const std::function<void(const std::string&)>& say);

struct EvalCommand {
  std::string model;
  std::string data;  // empty = the data recorded in the model header
  int samples = 5000;
  int classifier_epochs = 5;
  uint64_t seed = 1;
  std::string device = "auto";
  int threads = 1;
  bool floor = false;
  std::string cache_dir;  // classifiers are cached here by data digest; empty = no cache
};

struct EvalSummary {
  EvalReport report;
  ModelInfo model;
  std::string data_source;
};

Result<EvalSummary> RunEvaluation(const EvalCommand& command, Backend& backend);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_TRAINING_RUN_H_
