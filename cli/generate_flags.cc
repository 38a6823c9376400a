#include "cli/generate_flags.h"

#ifdef HALLMARK_HAVE_GENERATOR
#include "cli/time_stamp_flags.h"
#include "pipeline/service/remote_time_stamper.h"

namespace hallmark::cli {

void AddJobFlags(CLI::App* cmd, GenerateFlags* a) {
  pipeline::GenerateRequest& r = a->request;
  cmd->add_option("--model", r.model_path,
                  "Model file written by 'hallmark train', or an imported model's file or id")
      ->required();
  cmd->add_option("--count", r.count, "Number of images")->check(CLI::Range(1, 1000000));
  cmd->add_option("--class", r.class_name, "Class index or name (default: cycle through all)");
  cmd->add_option("--seed", r.seed, "Seed of the first image; image i uses seed + i");
  cmd->add_option("--truncation", r.truncation, "Latent truncation (0: off)")
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--palette", r.palette, "Map colours onto a palette: '#rrggbb,#rrggbb,...'");
  cmd->add_option("--palette-strength", r.palette_strength,
                  "How much of the palette map to mix over the model's colours (0..1, default 1)")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--out-size", r.out_size, "Delivered size in pixels")
      ->check(CLI::Range(64, 4096));
  cmd->add_option("--format", a->format, "png or jpeg")
      ->check(CLI::IsMember({"png", "jpeg", "jpg"}));
  cmd->add_option("--quality", r.jpeg_quality, "JPEG quality")->check(CLI::Range(50, 100));
  cmd->add_option("--purpose", r.purpose, "Intended use, checked against the datasets' licences")
      ->check(CLI::IsMember({"commercial", "research"}));
  cmd->add_option("--policy", r.policy, "Policy for --purpose (default: policies/<purpose>.toml)");
  cmd->add_option("--batch", r.batch, "Images per batch and per ledger transaction")
      ->check(CLI::Range(1, 4096));
  cmd->add_option(
         "--training-mining", a->mining,
         "CAWG training-and-data-mining for these assets: allowed, notAllowed, constrained")
      ->check(CLI::IsMember({"allowed", "notAllowed", "constrained"}));
  cmd->add_option("--rights", r.rights, "dc:rights text");
  cmd->add_option("--usage-terms", r.usage_terms, "xmpRights:UsageTerms text");
}

void AddMachineFlags(CLI::App* cmd, GenerateFlags* a) {
  pipeline::GenerateRequest& r = a->request;
  cmd->add_option("--device", r.device, "auto, cpu or cuda");
  cmd->add_option("--threads", r.threads, "Intra-op threads")->check(CLI::Range(1, 256));
  cmd->add_option("--passphrase-file", r.passphrase_file,
                  "File holding the signing key's passphrase (default: $HALLMARK_PASSPHRASE)");
  AddTimeStampFlags(cmd, &a->tsa_url, &a->no_time_stamp);
}

pipeline::GenerateRequest RequestFrom(const GenerateFlags& a) {
  pipeline::GenerateRequest request = a.request;
  request.format = a.format == "png" ? image::Format::kPng : image::Format::kJpeg;
  if (!a.mining.empty()) {
    auto& m = request.training_mining;
    m.data_mining = m.ai_inference = m.ai_training = m.ai_generative_training = a.mining;
  }
  return request;
}

Result<std::unique_ptr<provenance::TimeStamper>> TimeStamperFrom(const GenerateFlags& a,
                                                                 const std::string& home) {
  return pipeline::OpenTimeStamper(TimeStampChoice(a.tsa_url, a.no_time_stamp), home,
                                   a.request.passphrase_file);
}

}  // namespace hallmark::cli
#endif  // HALLMARK_HAVE_GENERATOR
