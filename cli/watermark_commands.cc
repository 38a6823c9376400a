// hallmark watermark keygen|embed|detect: the invisible watermark (docs/watermark.md).
#include <sys/stat.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "image/codec.h"
#include "watermark/watermark.h"

namespace hallmark::cli {
namespace {

// --key names a key file, or gives the secret itself as hex.
Result<watermark::Key> LoadKey(const std::string& spec) {
  if (spec.empty()) return Status::InvalidArgument("watermark: --key is required");
  struct stat st {};
  if (::stat(spec.c_str(), &st) == 0) return watermark::Key::FromFile(spec);
  Result<watermark::Key> key = watermark::Key::FromHex(spec);
  if (!key.ok()) {
    return Status::BadInput(
        "--key '" + spec +
        "' is neither a readable key file nor a hex secret of at least 16 bytes");
  }
  return key;
}

std::string FormatProbability(double p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2e", p);
  return buf;
}

void AddKeygen(CLI::App* wm, Context& ctx) {
  auto* cmd = wm->add_subcommand("keygen", "Create a new random watermark key file (mode 0600)");
  auto out = std::make_shared<std::string>();
  cmd->add_option("OUT", *out, "Key file to create")->required();
  cmd->callback([&ctx, out] {
    ctx.SetAction([&ctx, out]() -> Result<int> {
      struct stat st {};
      if (::stat(out->c_str(), &st) == 0) {
        return Status::BadInput(*out + ": already exists; refusing to overwrite a key");
      }
      HM_ASSIGN_OR_RETURN(watermark::Key key, watermark::Key::Generate());
      HM_RETURN_IF_ERROR(watermark::WriteKeyFile(*out, key));
      ctx.Say("wrote watermark key " + key.Fingerprint() + " to " + *out);
      ctx.EmitJson({{"key_file", *out}, {"fingerprint", key.Fingerprint()}});
      return kExitOk;
    });
  });
}

void AddEmbed(CLI::App* wm, Context& ctx) {
  auto* cmd = wm->add_subcommand("embed", "Embed an invisible watermark carrying a payload");
  struct Args {
    std::string in, out, key, payload;
    float strength = 1.0f;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("IN", a->in, "Image to mark (PNG, JPEG, WebP)")->required();
  cmd->add_option("OUT", a->out, "Marked image to write; format from the extension")->required();
  cmd->add_option("--key", a->key, "Watermark key file, or the secret as hex")->required();
  cmd->add_option("--payload", a->payload,
                  "Payload as hex: up to 16 digits (64 bits) for images with short side >= 256, "
                  "up to 6 digits (24 bits) for smaller ones")
      ->required();
  cmd->add_option("--strength", a->strength, "Amplitude multiplier (0..10); 1 is ~42 dB PSNR");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(watermark::Key key, LoadKey(a->key));
      HM_ASSIGN_OR_RETURN(watermark::Payload payload, watermark::Payload::FromHex(a->payload));
      HM_ASSIGN_OR_RETURN(image::Image img, image::ReadImageFile(a->in, {ctx.max_pixels}));
      watermark::EmbedOptions options;
      options.strength = a->strength;
      Result<image::Image> marked = watermark::Embed(img, key, payload, options);
      if (!marked.ok()) return marked.status().WithContext(a->in);
      image::EncodeOptions enc;
      enc.jpeg.quality = 95;
      enc.webp.quality = 95.0f;
      HM_RETURN_IF_ERROR(image::WriteImageFile(a->out, *marked, enc));
      HM_ASSIGN_OR_RETURN(int bits, watermark::PayloadCapacity(img.width(), img.height()));
      HM_ASSIGN_OR_RETURN(watermark::Payload sized, payload.Resized(bits));
      ctx.Say("embedded payload " + sized.ToHex() + " (" + std::to_string(bits) + " bits) with " +
              key.Fingerprint() + " into " + a->out);
      ctx.EmitJson({{"output", a->out},
                    {"payload", sized.ToHex()},
                    {"payload_bits", bits},
                    {"key", key.Fingerprint()},
                    {"strength", a->strength}});
      return kExitOk;
    });
  });
}

void AddDetect(CLI::App* wm, Context& ctx) {
  auto* cmd = wm->add_subcommand("detect",
                                 "Look for a watermark; exit 0 if found, 1 if not, 3 on bad input");
  struct Args {
    std::string in, key;
    bool no_search = false;
    double max_fp = 1e-6;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("IN", a->in, "Image to examine")->required();
  cmd->add_option("--key", a->key, "Watermark key file, or the secret as hex")->required();
  cmd->add_flag("--no-search", a->no_search,
                "Only try the image's own geometry (faster; misses crops and rotations)");
  cmd->add_option("--max-false-positive", a->max_fp,
                  "Decision threshold on the false-positive probability per image");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(watermark::Key key, LoadKey(a->key));
      HM_ASSIGN_OR_RETURN(image::Image img, image::ReadImageFile(a->in, {ctx.max_pixels}));
      watermark::DetectOptions options;
      options.search_geometry = !a->no_search;
      options.max_false_positive = a->max_fp;
      Result<watermark::Detection> d = watermark::Detect(img, key, options);
      if (!d.ok()) return d.status().WithContext(a->in);
      if (d->found) {
        ctx.Say("found: payload " + d->payload.ToHex() + " (" + d->mode + ", score " +
                std::to_string(d->score).substr(0, 5) + ", false-positive probability " +
                FormatProbability(d->false_positive_probability) + ")");
      } else {
        ctx.Say("not found (best score " + std::to_string(d->score).substr(0, 5) +
                ", false-positive probability at that score " +
                FormatProbability(d->false_positive_probability) + ")");
      }
      ctx.EmitJson(
          {{"file", a->in},
           {"found", d->found},
           {"payload", d->found ? nlohmann::json(d->payload.ToHex()) : nlohmann::json(nullptr)},
           {"payload_bits", d->found ? d->payload.size() : 0},
           {"mode", d->found ? nlohmann::json(d->mode) : nlohmann::json(nullptr)},
           {"score", d->score},
           {"false_positive_probability", d->false_positive_probability},
           {"hypotheses", d->hypotheses_tried},
           {"scale", d->scale},
           {"rotation_degrees", d->rotation_degrees},
           {"key", key.Fingerprint()}});
      return d->found ? kExitOk : kExitNegative;
    });
  });
}

}  // namespace

void RegisterWatermarkCommands(CLI::App& app, Context& ctx) {
  auto* wm = app.add_subcommand("watermark", "Invisible, keyed, robust watermark");
  wm->require_subcommand(1);
  AddKeygen(wm, ctx);
  AddEmbed(wm, ctx);
  AddDetect(wm, ctx);
}

}  // namespace hallmark::cli
