#include "generator/training_run.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <map>

#include "base/file.h"
#include "base/json_fields.h"
#include "base/progress.h"
#include "generator/checkpoint_file.h"
#include "generator/dataset_loader.h"
#include "generator/imported_model.h"
#include "generator/loss_plot.h"
#include "generator/sample_grid.h"
#include "image/codec.h"

namespace hallmark::generator {
namespace {

namespace fs = std::filesystem;

std::atomic<bool> g_interrupted{false};

extern "C" void OnStopSignal(int signal) {
  g_interrupted = true;
  std::signal(signal, SIG_DFL);  // a second Ctrl-C ends the process at once
}

// Installs the SIGINT (Ctrl-C) and SIGTERM (kill, timeout) handlers for a training run.
class StopSignalScope {
 public:
  StopSignalScope() {
    g_interrupted = false;
    previous_int_ = std::signal(SIGINT, OnStopSignal);
    previous_term_ = std::signal(SIGTERM, OnStopSignal);
  }
  ~StopSignalScope() {
    std::signal(SIGINT, previous_int_);
    std::signal(SIGTERM, previous_term_);
  }

 private:
  void (*previous_int_)(int);
  void (*previous_term_)(int);
};

std::string Join(const std::string& dir, const std::string& name) { return dir + "/" + name; }

class RunObserver : public TrainObserver {
 public:
  RunObserver(const std::string& dir, bool progress, const std::string& arch)
      : dir_(dir), progress_(progress), arch_(arch) {}

  void OnStart(int64_t first, int64_t total) override {
    first_ = first;
    bar_ = std::make_unique<ProgressBar>("train " + arch_, uint64_t(total), "steps", progress_);
    bar_->Update(uint64_t(first));
    start_ = std::chrono::steady_clock::now();
  }

  void OnStep(int64_t step, const std::vector<std::pair<std::string, double>>& losses,
              int batch) override {
    images_ += batch;
    last_ = losses;
    for (const auto& [name, value] : losses) series_[name].points.emplace_back(double(step), value);
    steps_.push_back(step);
    // Smoothed losses for display: the bar redraws ten times a second at most.
    std::string status;
    char buf[64];
    for (const auto& [name, value] : losses) {
      double& ema = ema_[name];
      ema = (step == first_ + 1) ? value : 0.95 * ema + 0.05 * value;
      std::snprintf(buf, sizeof buf, "%s %.3f ", name.c_str(), ema);
      status += buf;
    }
    std::snprintf(buf, sizeof buf, "| %.0f img/s", ImagesPerSecond());
    bar_->Update(uint64_t(step), status + buf);
  }

  void OnSamples(int64_t step, const std::vector<image::Image>& images, int per_class) override {
    const int zoom = images.empty() ? 1 : std::max(1, 64 / images[0].width());
    Result<image::Image> grid = MakeGrid(images, per_class, 2, zoom);
    if (!grid.ok()) return Note(grid.status());
    char name[64];
    std::snprintf(name, sizeof name, "samples/step-%06lld.png", static_cast<long long>(step));
    Note(image::WriteImageFile(Join(dir_, name), *grid));
    Note(image::WriteImageFile(Join(dir_, "samples.png"), *grid));
    WritePlots();
  }

  void OnCheckpoint(int64_t, const std::string&) override { WritePlots(); }

  bool StopRequested() override { return g_interrupted.load(); }

  double ImagesPerSecond() const {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    return s > 0 ? double(images_) / s : 0;
  }
  void Finish() {
    if (bar_) bar_->Finish();
  }
  const std::string& warning() const { return warning_; }
  const std::vector<std::pair<std::string, double>>& last_losses() const { return last_; }

 private:
  void Note(const Status& s) {
    if (!s.ok() && warning_.empty()) warning_ = s.message();
  }

  void WritePlots() {
    std::vector<LossSeries> all;
    for (const auto& [name, s] : series_) all.push_back({name, s.points});
    std::string svg = LossCurveSvg(all, "hallmark train " + arch_ + ": loss per step");
    Note(WriteFileAtomic(Join(dir_, "loss.svg"), ByteView(std::string_view(svg))));
    std::string csv = "step";
    for (const auto& [name, s] : series_) csv += "," + name;
    csv += "\n";
    for (size_t i = 0; i < steps_.size(); ++i) {
      csv += std::to_string(steps_[i]);
      for (const auto& [name, s] : series_) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ",%.6g", i < s.points.size() ? s.points[i].second : NAN);
        csv += buf;
      }
      csv += "\n";
    }
    Note(WriteFileAtomic(Join(dir_, "loss.csv"), ByteView(std::string_view(csv))));
  }

  std::string dir_;
  bool progress_;
  std::string arch_;
  int64_t first_ = 0;
  int64_t images_ = 0;
  std::unique_ptr<ProgressBar> bar_;
  std::chrono::steady_clock::time_point start_;
  std::map<std::string, LossSeries> series_;
  std::map<std::string, double> ema_;
  std::vector<int64_t> steps_;
  std::vector<std::pair<std::string, double>> last_;
  std::string warning_;
};

Status MakeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create the folder: " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<TrainSummary> RunTraining(const TrainCommand& cmd, Backend& backend,
                                 const std::function<void(const std::string&)>& say) {
  HM_RETURN_IF_ERROR(ValidateDevice(cmd.device));
  if (cmd.batch < 1) return Status::InvalidArgument("--batch must be positive");
  if (cmd.steps < 0 || cmd.epochs < 0) {
    return Status::InvalidArgument("--steps and --epochs must not be negative");
  }
  ModelSpec spec;
  spec.arch = cmd.arch;
  spec.image_size = cmd.size;
  spec.channels = cmd.channels > 0 ? cmd.channels : 1;
  spec.class_names = {"x"};
  spec.width = cmd.width > 0 ? cmd.width : (cmd.arch == "vae" ? 32 : 64);
  spec.latent_dim = cmd.latent;
  HM_RETURN_IF_ERROR(spec.Validate());

  HM_ASSIGN_OR_RETURN(TrainingData data, LoadTrainingData({cmd.data, cmd.size, cmd.channels}));
  for (const std::string& why : data.skipped) say("skipped " + why);
  spec.channels = data.train.channels;
  spec.class_names = data.train.class_names;
  HM_RETURN_IF_ERROR(spec.Validate());

  TrainSummary summary;
  summary.run_dir = cmd.out.empty() ? "runs/" + cmd.arch + "-" + std::to_string(cmd.size) : cmd.out;
  HM_RETURN_IF_ERROR(MakeDirs(summary.run_dir + "/samples"));
  summary.model_path = Join(summary.run_dir, "model.hmk");
  summary.data_digest = data.digest;
  summary.train_images = data.train.count();

  TrainConfig config;
  config.spec = spec;
  const int64_t per_epoch = std::max<int64_t>(1, int64_t(data.train.count()) / cmd.batch);
  config.steps = cmd.steps > 0
                     ? cmd.steps
                     : std::max<int64_t>(
                           1, std::llround((cmd.epochs > 0 ? cmd.epochs : 1) * double(per_epoch)));
  config.batch = cmd.batch;
  config.lr = cmd.lr;
  config.seed = cmd.seed;
  config.device = cmd.device;
  config.threads = cmd.threads;
  config.sample_every = cmd.sample_every;
  config.checkpoint_every = cmd.checkpoint_every;
  config.model_path = summary.model_path;
  config.optimizer_path = Join(summary.run_dir, "optimizer.state");
  config.data_info = {{"digest", data.digest},
                      {"source", data.source},
                      {"train_images", data.train.count()},
                      {"test_images", data.test.count()},
                      {"source_size", data.source_size},
                      {"skipped_images", data.skipped.size()}};
  if (!cmd.dataset_id.empty()) {
    config.data_info["dataset"] = {{"id", cmd.dataset_id}, {"name", cmd.dataset_name}};
  }

  std::error_code ec;
  if (fs::exists(summary.model_path, ec)) {
    HM_ASSIGN_OR_RETURN(nlohmann::json header, ReadCheckpointHeader(summary.model_path));
    HM_ASSIGN_OR_RETURN(summary.first_step,
                        JsonFields(header, summary.model_path).Integer("/training/steps", 0));
    say("resuming " + summary.model_path + " from step " + std::to_string(summary.first_step));
  }
  say("training " + cmd.arch + " " + std::to_string(cmd.size) + "x" + std::to_string(cmd.size) +
      "x" + std::to_string(spec.channels) + " on " + std::to_string(data.train.count()) +
      " images, " + std::to_string(spec.num_classes()) + " classes (" + data.source + ") for " +
      std::to_string(config.steps) + " steps; " + backend.Describe());

  RunObserver observer(summary.run_dir, cmd.progress, cmd.arch);
  Result<TrainResult> result = [&] {
    StopSignalScope stop_signals;
    return backend.Train(config, data.train, observer);
  }();
  observer.Finish();
  if (!result.ok()) return result.status();
  summary.result = *result;
  summary.images_per_second = observer.ImagesPerSecond();
  summary.last_losses = observer.last_losses();
  summary.warning = observer.warning();
  return summary;
}

Result<EvalSummary> RunEvaluation(const EvalCommand& cmd, Backend& backend) {
  HM_RETURN_IF_ERROR(ValidateDevice(cmd.device));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, backend.Load(cmd.model, cmd.device));
  EvalSummary summary;
  summary.model = model->info();
  const ModelSpec& spec = summary.model.spec;
  std::string data = cmd.data;
  if (data.empty() && spec.arch == kImportedArch) {
    return Status::InvalidArgument(
        "eval --model " + cmd.model +
        ": an imported model does not say where its data is; give --data (a folder whose "
        "classes are the model's, in the same order)");
  }
  if (data.empty()) {
    HM_ASSIGN_OR_RETURN(data,
                        JsonFields(summary.model.header, cmd.model).String("/data/source", ""));
  }
  HM_ASSIGN_OR_RETURN(TrainingData td, LoadTrainingData({data, spec.image_size, spec.channels}));
  if (td.train.class_names != spec.class_names) {
    return Status::InvalidArgument(data + ": its classes differ from the model's (" + cmd.model +
                                   ")");
  }
  summary.data_source = td.source;
  EvalConfig config;
  config.samples = cmd.samples;
  config.classifier_epochs = cmd.classifier_epochs;
  config.seed = cmd.seed;
  config.device = cmd.device;
  config.threads = cmd.threads;
  config.with_floor = cmd.floor;
  if (!cmd.cache_dir.empty()) {
    std::error_code ec;
    fs::create_directories(cmd.cache_dir, ec);
    if (!ec) {
      config.classifier_path = cmd.cache_dir + "/lenet-" + td.digest.substr(0, 16) + "-" +
                               std::to_string(spec.image_size) + ".hmk";
    }
  }
  HM_ASSIGN_OR_RETURN(summary.report, backend.Evaluate(*model, td, config));
  return summary;
}

}  // namespace hallmark::generator
