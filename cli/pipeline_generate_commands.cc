// generate and model register: the studio's side of the journey. Without the generator (a build
// configured with -DHALLMARK_WITH_GENERATOR=OFF) these commands are absent.
#include <memory>

#include "base/progress.h"
#include "cli/commands.h"
#include "pipeline/studio.h"

#ifdef HALLMARK_HAVE_GENERATOR
#include <cstdio>

#include "cli/generate_flags.h"
#include "generator/backend_loader.h"
#include "generator/generator_only.h"
#include "generator/imported_model.h"
#include "pipeline/generate_pipeline.h"
#include "pipeline/mark_read_back.h"
#include "pipeline/model_registration.h"
#endif

namespace hallmark::cli {

#ifdef HALLMARK_HAVE_GENERATOR
void AddModelImport(CLI::App* model, Context& ctx);  // model_import_commands.cc

namespace {

void AddGenerate(CLI::App& app, Context& ctx) {
  auto a = std::make_shared<GenerateFlags>();
  auto* cmd = app.add_subcommand(
      "generate", "Sample attributable images: watermark, signed C2PA manifest, IPTC, ledger");
  AddJobFlags(cmd, a.get());
  cmd->add_option("--out", a->request.out_dir, "Output folder");
  AddMachineFlags(cmd, a.get());
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      pipeline::GenerateRequest request = RequestFrom(*a);
      HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(home));
      // An imported model may be named by its id or by the file it was imported from.
      HM_ASSIGN_OR_RETURN(request.model_path,
                          generator::ResolveModelArgument(home, request.model_path));
      HM_ASSIGN_OR_RETURN(std::unique_ptr<provenance::TimeStamper> stamper,
                          TimeStamperFrom(*a, home));
      request.time_stamper = stamper.get();
      HM_ASSIGN_OR_RETURN(generator::Backend * backend, generator::LoadBackend());
      ProgressBar bar("generate", uint64_t(request.count), "images", !ctx.quiet && !ctx.json);
      HM_ASSIGN_OR_RETURN(pipeline::GenerateSummary summary,
                          pipeline::Generate(request, studio, *backend,
                                             [&bar](int done) { bar.Update(uint64_t(done)); }));
      bar.Finish();
      if (summary.purpose_check) {
        const pipeline::PurposeCheck& check = *summary.purpose_check;
        if (summary.refused()) {
          std::fprintf(stderr, "hallmark: refused: %s use of this model is denied by %s\n%s\n",
                       request.purpose.c_str(), check.policy_file.c_str(),
                       check.decision.Explain().c_str());
          ctx.EmitJson({{"refused", true}, {"decision", check.decision.ToJson()}});
          return kExitNegative;
        }
        ctx.Say(request.purpose + " use allowed by " + check.decision.policy_name + " (" +
                std::to_string(check.decision.credit_lines.size()) + " credit line(s) to carry)");
      }
      for (const std::string& entry : summary.left_alone) {
        std::fprintf(stderr, "hallmark: left alone: %s\n", entry.c_str());
      }
      if (summary.recovered || summary.discarded) {
        ctx.Say("settled an interrupted run: " + std::to_string(summary.recovered) +
                " files moved into place, " + std::to_string(summary.discarded) +
                " unrecorded files discarded");
      }
      for (const pipeline::GeneratedAsset& asset : summary.assets) {
        if (!asset.watermark_read_back) {
          std::fprintf(stderr, "hallmark: warning: %s\n",
                       pipeline::MarkNotReadBackWarning(asset.file).c_str());
        }
        ctx.EmitJson({{"asset_id", asset.id},
                      {"watermark_read_back", asset.watermark_read_back},
                      {"file", asset.file},
                      {"payload", asset.payload_hex},
                      {"content_hash", asset.content_hash},
                      {"class", asset.class_name},
                      {"seed", asset.seed},
                      {"model_id", summary.model_id}});
      }
      char line[256];
      const pipeline::StageTimes& t = summary.times;
      std::snprintf(line, sizeof line,
                    "generated %zu attributable images in %s (%.2f s: sample %.2f, watermark %.2f, "
                    "encode %.2f, sign %.2f, write %.2f, ledger %.2f)",
                    summary.assets.size(), request.out_dir.c_str(), t.Total(), t.sample,
                    t.watermark, t.encode, t.sign, t.stage + t.publish, t.ledger);
      ctx.Say(line);
      return kExitOk;
    });
  });
}

// model strip: the sampling-only copy a studio ships (generator/generator_only.h).
void AddModelStrip(CLI::App* model, Context& ctx) {
  struct Args {
    std::string model;
    std::string out;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = model->add_subcommand(
      "strip", "Write a DCGAN's generator alone (for sampling; smaller, and a model of its own)");
  cmd->add_option("MODEL", a->model, "Model file written by 'hallmark train'")->required();
  cmd->add_option("--out", a->out, "The generator-only model file")->required();
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(generator::GeneratorOnlyCopy copy,
                          generator::WriteGeneratorOnly(a->model, a->out));
      if (copy.tensors_dropped == 0) {
        ctx.Say("wrote " + a->out + ": model " + copy.model_id +
                " (already generator-only; copied unchanged)");
      } else {
        ctx.Say("wrote " + a->out + ": model " + copy.model_id + " (generator of " +
                copy.source_id.substr(0, 16) + "…, " + std::to_string(copy.tensors_dropped) +
                " training-only tensors dropped)");
      }
      ctx.EmitJson({{"model_id", copy.model_id},
                    {"out", a->out},
                    {"generator_only_of", copy.source_id},
                    {"tensors_dropped", copy.tensors_dropped}});
      return kExitOk;
    });
  });
}

void AddModelRegister(CLI::App& app, Context& ctx) {
  struct Args {
    std::string model;
    std::vector<std::string> datasets;
    std::string run;
  };
  auto a = std::make_shared<Args>();
  auto* model = app.add_subcommand("model", "Models in the ledger");
  model->require_subcommand(1);
  AddModelImport(model, ctx);
  AddModelStrip(model, ctx);
  auto* cmd = model->add_subcommand(
      "register", "Record a trained model and the datasets it was trained on in the ledger");
  cmd->add_option("MODEL", a->model, "Model file written by 'hallmark train'")->required();
  cmd->add_option("--dataset", a->datasets,
                  "Name or id of a registered training dataset (default: the one the model file "
                  "names, when it was trained with --data NAME)");
  cmd->add_option("--run", a->run, "Free text about the training run (host, command)");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(home));
      HM_ASSIGN_OR_RETURN(pipeline::ModelRegistration registered,
                          pipeline::RegisterModel(studio, a->model, a->datasets, a->run));
      const audit::ModelRecord& stored = registered.record;
      if (!registered.is_new) {
        ctx.Say("model " + stored.id + " is already recorded (log index " +
                std::to_string(stored.log_index) + ")");
        ctx.EmitJson({{"model_id", stored.id}, {"log_index", stored.log_index}, {"new", false}});
        return kExitOk;
      }
      ctx.Say("recorded model " + stored.id + " (" + stored.architecture + ", " +
              std::to_string(stored.dataset_ids.size()) + " dataset(s)) at log index " +
              std::to_string(stored.log_index));
      ctx.EmitJson({{"model_id", stored.id}, {"log_index", stored.log_index}, {"new", true}});
      return kExitOk;
    });
  });
}

}  // namespace
#endif

void AddGenerateCommands(CLI::App& app, Context& ctx) {
#ifdef HALLMARK_HAVE_GENERATOR
  AddGenerate(app, ctx);
  AddModelRegister(app, ctx);
#else
  (void)app;
  (void)ctx;
#endif
}

}  // namespace hallmark::cli
