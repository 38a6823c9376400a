// train, sample, eval: the generator's commands. They load the LibTorch half of the generator
// (libhallmark_generator.so) on first use, so no other command pays for it.
#include "cli/commands.h"

#ifdef HALLMARK_HAVE_GENERATOR
#include <filesystem>
#include <memory>

#include "base/progress.h"
#include "generator/backend_loader.h"
#include "generator/dataset_loader.h"
#include "generator/imported_model.h"
#include "generator/sampling_run.h"
#include "generator/training_run.h"
#include "pipeline/training_dataset.h"
#endif

namespace hallmark::cli {

#ifdef HALLMARK_HAVE_GENERATOR
namespace {

namespace gen = hallmark::generator;

void AddDeviceOptions(CLI::App* sub, std::string& device, int& threads) {
  sub->add_option("--device", device, "Where to run: auto, cpu or cuda");
  sub->add_option("--threads", threads,
                  "Intra-op CPU threads (1 is deterministic and robust on shared machines)")
      ->check(CLI::Range(1, 256));
}

// `--data NAME` naming a dataset in the ledger (and not a path; the built-in 'fashion-mnist' too,
// once registered) trains on the folder that `dataset add` hashed, after checking it still holds
// exactly those files; the model file then names the dataset, so `model register` needs no
// --dataset.
Status UseRegisteredDataset(const Context& ctx, gen::TrainCommand* cmd) {
  std::error_code ec;
  if (std::filesystem::exists(cmd->data, ec)) return Status::Ok();
  ProgressBar bar("checking " + cmd->data, 0, "files", cmd->progress);
  HM_ASSIGN_OR_RETURN(auto registered,
                      pipeline::ResolveRegisteredDataset(ctx.Home(), cmd->data,
                                                         [&bar](uint64_t done, uint64_t total) {
                                                           bar.SetTotal(total);
                                                           bar.Update(done);
                                                         }));
  bar.Finish();
  if (!registered) {
    // The built-in name trains on Debian's files unrecorded; registering them under that name
    // (README) makes the same command record its dataset.
    if (gen::IsDefaultDataset(cmd->data)) return Status::Ok();
    return Status::NotFound("--data " + cmd->data +
                            ": no such file or folder, and no dataset of that name in the ledger");
  }
  ctx.Say("dataset " + registered->dataset.name + " (" + registered->dataset.licence + ", " +
          std::to_string(registered->dataset.item_count) + " items) matches the ledger; folder " +
          registered->folder);
  cmd->data = registered->folder;
  cmd->dataset_id = registered->dataset.id;
  cmd->dataset_name = registered->dataset.name;
  return Status::Ok();
}

void RegisterTrain(CLI::App& app, Context& ctx) {
  auto cmd = std::make_shared<gen::TrainCommand>();
  CLI::App* sub = app.add_subcommand("train", "Train a class-conditional DCGAN or VAE");
  sub->add_option("--arch", cmd->arch, "Architecture: dcgan or vae")
      ->check(CLI::IsMember({"dcgan", "vae"}));
  sub->add_option("--data", cmd->data,
                  "Training data: a registered dataset's name, a folder of class folders, IDX "
                  "files, or 'fashion-mnist' (default: Debian's Fashion-MNIST)");
  sub->add_option("--size", cmd->size, "Image size: 32, 64 or 128")
      ->check(CLI::IsMember({32, 64, 128}));
  sub->add_option("--channels", cmd->channels, "1 (grey) or 3 (RGB); default: the data's own")
      ->check(CLI::IsMember({0, 1, 3}));
  auto* steps = sub->add_option("--steps", cmd->steps, "Optimisation steps in total");
  sub->add_option("--epochs", cmd->epochs, "Passes over the data (default 1)")->excludes(steps);
  sub->add_option("--batch", cmd->batch, "Images per step")->check(CLI::Range(1, 65536));
  sub->add_option("--lr", cmd->lr, "Adam learning rate (default: DCGAN 2e-4, VAE 1e-3)");
  sub->add_option("--seed", cmd->seed, "Seed of initialisation, batches and noise");
  AddDeviceOptions(sub, cmd->device, cmd->threads);
  sub->add_option("--out", cmd->out,
                  "Run folder (default runs/<arch>-<size>); resumed if it holds a checkpoint");
  sub->add_option("--width", cmd->width,
                  "Feature maps at full resolution (default DCGAN 64, VAE 32)");
  sub->add_option("--latent", cmd->latent, "Latent dimension (default DCGAN 100, VAE 32)");
  sub->add_option("--sample-every", cmd->sample_every, "Steps between sample grids (0 = never)");
  sub->add_option("--checkpoint-every", cmd->checkpoint_every, "Steps between checkpoints");
  sub->callback([cmd, &ctx] {
    ctx.SetAction([cmd, &ctx]() -> Result<int> {
      cmd->progress = !ctx.quiet && !ctx.json;
      HM_RETURN_IF_ERROR(UseRegisteredDataset(ctx, cmd.get()));
      HM_ASSIGN_OR_RETURN(gen::Backend * backend, gen::LoadBackend());
      HM_ASSIGN_OR_RETURN(
          gen::TrainSummary s,
          gen::RunTraining(*cmd, *backend, [&](const std::string& l) { ctx.Say(l); }));
      std::string losses;
      nlohmann::json jl = nlohmann::json::object();
      for (const auto& [name, v] : s.last_losses) {
        losses += " " + name + " " + std::to_string(v);
        jl[name] = v;
      }
      ctx.Say(std::string(s.result.interrupted ? "interrupted" : "trained") + " to step " +
              std::to_string(s.result.steps) + " in " + std::to_string(int(s.result.seconds)) +
              " s (" + std::to_string(int(s.images_per_second)) + " img/s, last losses" + losses +
              ")");
      ctx.Say("model " + s.model_path + "  id " + s.result.model_id);
      if (!s.warning.empty()) ctx.Say("warning: " + s.warning);
      ctx.EmitJson({{"command", "train"},
                    {"model", s.model_path},
                    {"model_id", s.result.model_id},
                    {"steps", s.result.steps},
                    {"interrupted", s.result.interrupted},
                    {"seconds", s.result.seconds},
                    {"images_per_second", s.images_per_second},
                    {"device", s.result.device},
                    {"data_digest", s.data_digest},
                    {"losses", jl},
                    {"run_dir", s.run_dir}});
      return kExitOk;
    });
  });
}

void RegisterSample(CLI::App& app, Context& ctx) {
  auto cmd = std::make_shared<gen::SampleCommand>();
  CLI::App* sub = app.add_subcommand("sample", "Generate images from a trained model");
  sub->add_option("--model", cmd->model,
                  "Model file (model.hmk), or an imported model's file or id")
      ->required();
  sub->add_option("--count", cmd->count, "Number of images")->check(CLI::Range(1, 1000000));
  sub->add_option("--class", cmd->class_name,
                  "Class index or name (default: cycle through the classes)");
  sub->add_option("--seed", cmd->seed, "Image i uses the latent of seed + i");
  sub->add_option("--truncation", cmd->truncation,
                  "Redraw latent values beyond +-T (smaller: more typical images; 0 = off)");
  sub->add_option("--interpolate", cmd->interpolate, "A,B: a latent walk from seed A to seed B");
  sub->add_option("--palette", cmd->palette, "Colours to map the output onto: #rrggbb,#rrggbb,...");
  sub->add_option("--palette-strength", cmd->palette_strength,
                  "How much of the palette map to mix over the model's colours (0..1, default 1)")
      ->check(CLI::Range(0.0, 1.0));
  sub->add_option("--out-size", cmd->out_size, "Deliver at N x N pixels (quality resampling)");
  sub->add_option("--filter", cmd->filter, "Resampling filter for --out-size");
  sub->add_option("--format", cmd->format, "png, jpeg or webp");
  sub->add_option("--out", cmd->out, "Output folder");
  sub->add_flag("--grid", cmd->grid, "Also write grid.png, a contact sheet");
  AddDeviceOptions(sub, cmd->device, cmd->threads);
  sub->callback([cmd, &ctx] {
    ctx.SetAction([cmd, &ctx]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(cmd->model, gen::ResolveModelArgument(ctx.Home(), cmd->model));
      HM_ASSIGN_OR_RETURN(gen::Backend * backend, gen::LoadBackend());
      HM_ASSIGN_OR_RETURN(gen::SampleSummary s, gen::RunSampling(*cmd, *backend));
      ctx.Say("wrote " + std::to_string(s.files.size()) + " file(s) to " + cmd->out + " (model " +
              s.model_id.substr(0, 16) + ", samples.json lists them)");
      ctx.EmitJson({{"command", "sample"}, {"files", s.files}, {"metadata", s.metadata}});
      return kExitOk;
    });
  });
}

void RegisterEval(CLI::App& app, Context& ctx) {
  auto cmd = std::make_shared<gen::EvalCommand>();
  CLI::App* sub = app.add_subcommand(
      "eval", "Score a model: LeNet-FID and class consistency against its dataset");
  sub->add_option("--model", cmd->model,
                  "Model file (model.hmk), or an imported model's file or id")
      ->required();
  sub->add_option("--data", cmd->data, "Evaluation data (default: the model's training data)");
  sub->add_option("--samples", cmd->samples, "Generated images to score")
      ->check(CLI::Range(10, 1000000));
  sub->add_option("--classifier-epochs", cmd->classifier_epochs, "LeNet training epochs")
      ->check(CLI::Range(1, 100));
  sub->add_option("--seed", cmd->seed, "Seed of the classifier and the samples");
  sub->add_flag("--floor", cmd->floor, "Also score real train vs real test images (the floor)");
  AddDeviceOptions(sub, cmd->device, cmd->threads);
  sub->callback([cmd, &ctx] {
    ctx.SetAction([cmd, &ctx]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(cmd->model, gen::ResolveModelArgument(ctx.Home(), cmd->model));
      HM_ASSIGN_OR_RETURN(gen::Backend * backend, gen::LoadBackend());
      cmd->cache_dir = ctx.Home() + "/classifiers";
      HM_ASSIGN_OR_RETURN(gen::EvalSummary s, gen::RunEvaluation(*cmd, *backend));
      const gen::EvalReport& r = s.report;
      char buf[256];
      std::snprintf(buf, sizeof buf, "LeNet-FID %.3f  (%d samples vs %s test images)", r.fid,
                    r.samples, s.data_source.c_str());
      ctx.Say(buf);
      if (r.floor_fid >= 0) {
        std::snprintf(buf, sizeof buf, "floor (real train vs real test) %.3f", r.floor_fid);
        ctx.Say(buf);
      }
      std::snprintf(buf, sizeof buf,
                    "class consistency %.1f%%  (classifier accuracy on real test images %.1f%%; "
                    "ratio %.3f)",
                    100 * r.class_consistency, 100 * r.classifier_accuracy,
                    r.classifier_accuracy > 0 ? r.class_consistency / r.classifier_accuracy : 0);
      ctx.Say(buf);
      std::string per;
      for (size_t k = 0; k < r.per_class_consistency.size(); ++k) {
        std::snprintf(buf, sizeof buf, "%s%s %.0f%%", k ? ", " : "",
                      s.model.spec.class_names[k].c_str(), 100 * r.per_class_consistency[k]);
        per += buf;
      }
      ctx.Say("per class: " + per);
      ctx.Say("classifier " + r.classifier_id.substr(0, 16) +
              (r.classifier_trained ? " (trained now)" : " (cached)"));
      ctx.EmitJson({{"command", "eval"},
                    {"model_id", s.model.model_id},
                    {"lenet_fid", r.fid},
                    {"floor_fid", r.floor_fid},
                    {"class_consistency", r.class_consistency},
                    {"per_class_consistency", r.per_class_consistency},
                    {"classifier_accuracy", r.classifier_accuracy},
                    {"classifier_id", r.classifier_id},
                    {"samples", r.samples},
                    {"seconds", r.seconds}});
      return kExitOk;
    });
  });
}

}  // namespace

void RegisterGeneratorCommands(CLI::App& app, Context& ctx) {
  RegisterTrain(app, ctx);
  RegisterSample(app, ctx);
  RegisterEval(app, ctx);
}

#else  // built without the generator

void RegisterGeneratorCommands(CLI::App& app, Context& ctx) {
  for (const char* name : {"train", "sample", "eval"}) {
    CLI::App* sub = app.add_subcommand(name, "Unavailable: built without the generator");
    sub->allow_extras();
    sub->callback([&ctx] {
      ctx.SetAction([]() -> Result<int> {
        return Status::Unsupported(
            "this hallmark was built without the generator (-DHALLMARK_WITH_GENERATOR=ON)");
      });
    });
  }
}

#endif

}  // namespace hallmark::cli
