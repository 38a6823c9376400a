// model import: a generator exported from PyTorch as TorchScript joins the studio (see
// pipeline/model_import.h and docs/generator.md). Registered under `model` by
// pipeline_generate_commands.cc; present only in builds with the generator.
#ifdef HALLMARK_HAVE_GENERATOR
#include <memory>
#include <string>

#include "cli/commands.h"
#include "generator/backend_loader.h"
#include "pipeline/model_import.h"

namespace hallmark::cli {

void AddModelImport(CLI::App* model, Context& ctx) {
  auto a = std::make_shared<pipeline::ModelImportRequest>();
  auto* cmd = model->add_subcommand(
      "import",
      "Import a TorchScript generator exported from PyTorch, with the datasets that trained it");
  cmd->add_option("FILE", a->file, "TorchScript file written by torch.jit.save (FILE.pt)")
      ->required();
  cmd->add_option("--manifest", a->manifest,
                  "JSON: classes, latent_dim, weights_licence (SPDX), datasets (registered "
                  "names), conditional")
      ->required();
  cmd->add_option("--run", a->note, "Free text about where the model came from");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(home));
      HM_ASSIGN_OR_RETURN(generator::Backend * backend, generator::LoadBackend());
      HM_ASSIGN_OR_RETURN(pipeline::ModelImport imported,
                          pipeline::ImportModel(studio, *backend, *a));
      const audit::ModelRecord& record = imported.record;
      const generator::ModelSpec& spec = imported.spec;
      std::string datasets;
      nlohmann::json jd = nlohmann::json::array();
      for (const audit::DatasetRecord& d : imported.datasets) {
        datasets += (datasets.empty() ? "" : ", ") + d.name + " (" + d.licence + ")";
        jd.push_back({{"id", d.id}, {"name", d.name}, {"licence", d.licence}});
      }
      const std::string shape = std::to_string(spec.channels) + "x" +
                                std::to_string(spec.image_size) + "x" +
                                std::to_string(spec.image_size);
      ctx.Say(std::string(imported.is_new ? "imported" : "already recorded:") + " model " +
              record.id);
      ctx.Say("  file:       " + imported.path);
      ctx.Say("  output:     " + shape + " " + imported.probe.dtype + ", " +
              std::to_string(spec.num_classes()) + " class(es), latent " +
              std::to_string(spec.latent_dim) +
              (imported.manifest.conditional ? ", conditional" : ", unconditional"));
      ctx.Say("  weights:    " + imported.manifest.weights_licence);
      ctx.Say("  datasets:   " + datasets);
      ctx.Say("  ledger:     log index " + std::to_string(record.log_index));
      ctx.EmitJson({{"model_id", record.id},
                    {"new", imported.is_new},
                    {"path", imported.path},
                    {"log_index", record.log_index},
                    {"architecture", record.architecture},
                    {"channels", spec.channels},
                    {"image_size", spec.image_size},
                    {"classes", spec.class_names},
                    {"latent_dim", spec.latent_dim},
                    {"conditional", imported.manifest.conditional},
                    {"weights_licence", imported.manifest.weights_licence},
                    {"datasets", jd}});
      return kExitOk;
    });
  });
}

}  // namespace hallmark::cli
#endif  // HALLMARK_HAVE_GENERATOR
