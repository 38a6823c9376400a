// selfcheck, image info, image convert.
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "base/file.h"
#include "cli/commands.h"
#include "image/codec.h"
#include "image/resample.h"
#include "image/selfcheck.h"
#include "image/test_pattern.h"

namespace hallmark::cli {
namespace {

Status MakeFolder(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(path + ": cannot create folder: " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::pair<int, int>> ParseSize(const std::string& text) {
  int w = 0, h = 0;
  char x = 0;
  if (std::sscanf(text.c_str(), "%d%c%d", &w, &x, &h) != 3 || (x != 'x' && x != 'X') || w <= 0 ||
      h <= 0) {
    return Status::InvalidArgument("size '" + text + "' is not WIDTHxHEIGHT (e.g. 256x256)");
  }
  return std::make_pair(w, h);
}

Result<image::ChromaSubsampling> ParseSubsampling(const std::string& s) {
  if (s == "444" || s == "4:4:4") return image::ChromaSubsampling::k444;
  if (s == "422" || s == "4:2:2") return image::ChromaSubsampling::k422;
  if (s == "420" || s == "4:2:0") return image::ChromaSubsampling::k420;
  return Status::InvalidArgument("chroma subsampling '" + s + "' is not 444, 422 or 420");
}

void AddSelfCheck(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("selfcheck", "Round-trip an image through every codec variant");
  auto image_path = std::make_shared<std::string>();
  auto out_dir = std::make_shared<std::string>();
  cmd->add_option("--image", *image_path, "Image to use (default: a built-in test pattern)");
  cmd->add_option("--out", *out_dir, "Folder to write the encoded variants into");
  cmd->callback([&ctx, image_path, out_dir] {
    ctx.SetAction([&ctx, image_path, out_dir]() -> Result<int> {
      image::Image img;
      if (image_path->empty()) {
        img = image::MakeTestPattern(320, 240);
      } else {
        HM_ASSIGN_OR_RETURN(img, image::ReadImageFile(*image_path, {ctx.max_pixels}));
      }
      if (!out_dir->empty()) HM_RETURN_IF_ERROR(MakeFolder(*out_dir));
      std::vector<image::RoundTrip> results = image::RunCodecSelfCheck(img, *out_dir);
      int failed = 0;
      ctx.Say("codec self-check on a " + std::to_string(img.width()) + "x" +
              std::to_string(img.height()) + " image:");
      for (const image::RoundTrip& r : results) {
        if (!r.passed) ++failed;
        char line[200];
        std::string quality = r.lossless ? std::string(r.passed ? "bit-exact" : "NOT bit-exact")
                                         : std::to_string(r.psnr_db).substr(0, 5) + " dB";
        std::snprintf(line, sizeof line, "  %-4s %-28s %8zu bytes  %s%s", r.passed ? "ok" : "FAIL",
                      r.variant.c_str(), r.encoded_bytes, quality.c_str(),
                      r.error.empty() ? "" : ("  " + r.error).c_str());
        ctx.Say(line);
        ctx.EmitJson({{"variant", r.variant},
                      {"passed", r.passed},
                      {"lossless", r.lossless},
                      {"bytes", r.encoded_bytes},
                      {"psnr_db", std::isfinite(r.psnr_db) ? nlohmann::json(r.psnr_db)
                                                           : nlohmann::json(nullptr)},
                      {"file", r.file},
                      {"error", r.error}});
      }
      ctx.Say(std::to_string(results.size() - size_t(failed)) + " of " +
              std::to_string(results.size()) + " variants passed");
      if (failed > 0) return Status::Internal(std::to_string(failed) + " codec variants failed");
      return kExitOk;
    });
  });
}

void AddImageInfo(CLI::App& parent, Context& ctx) {
  auto* cmd = parent.add_subcommand("info", "Decode an image and describe it");
  auto path = std::make_shared<std::string>();
  cmd->add_option("FILE", *path, "Image file (PNG, JPEG or WebP)")->required();
  cmd->callback([&ctx, path] {
    ctx.SetAction([&ctx, path]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(*path));
      Result<image::Format> format = image::SniffFormat(bytes);
      if (!format.ok()) return format.status().WithContext(*path);
      Result<image::Image> img = image::Decode(bytes, {ctx.max_pixels});
      if (!img.ok()) return img.status().WithContext(*path);
      ctx.Say(*path + ": " + image::FormatName(*format) + ", " + std::to_string(img->width()) +
              "x" + std::to_string(img->height()) + ", " + std::to_string(img->channels()) +
              " channels, " + std::to_string(img->bit_depth()) + "-bit, " +
              std::to_string(bytes.size()) + " bytes");
      ctx.EmitJson({{"file", *path},
                    {"format", image::FormatName(*format)},
                    {"width", img->width()},
                    {"height", img->height()},
                    {"channels", img->channels()},
                    {"bit_depth", img->bit_depth()},
                    {"bytes", bytes.size()}});
      return kExitOk;
    });
  });
}

void AddImageConvert(CLI::App& parent, Context& ctx) {
  struct Args {
    std::string in, out, resize, subsampling = "420", filter = "lanczos";
    int quality = 90;
    bool progressive = false, lossless = false, interlace = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = parent.add_subcommand("convert", "Re-encode an image, optionally resized");
  cmd->add_option("IN", a->in, "Input image")->required();
  cmd->add_option("OUT", a->out, "Output image; the format follows the extension")->required();
  cmd->add_option("--quality", a->quality, "JPEG/WebP quality, 1-100")->check(CLI::Range(1, 100));
  cmd->add_option("--subsampling", a->subsampling, "JPEG chroma subsampling: 444, 422, 420");
  cmd->add_flag("--progressive", a->progressive, "Progressive JPEG");
  cmd->add_flag("--lossless", a->lossless, "Lossless WebP");
  cmd->add_flag("--interlace", a->interlace, "Adam7-interlaced PNG");
  cmd->add_option("--resize", a->resize, "New size, WIDTHxHEIGHT");
  cmd->add_option("--filter", a->filter, "Resampling filter: area, bilinear, bicubic, lanczos");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(image::Image img, image::ReadImageFile(a->in, {ctx.max_pixels}));
      if (!a->resize.empty()) {
        HM_ASSIGN_OR_RETURN(auto size, ParseSize(a->resize));
        HM_ASSIGN_OR_RETURN(image::Filter filter, image::ParseFilter(a->filter));
        HM_ASSIGN_OR_RETURN(img,
                            image::Resize(img, size.first, size.second, filter, ctx.max_pixels));
      }
      image::EncodeOptions options;
      HM_ASSIGN_OR_RETURN(options.jpeg.subsampling, ParseSubsampling(a->subsampling));
      options.jpeg.quality = a->quality;
      options.jpeg.progressive = a->progressive;
      options.webp.quality = float(a->quality);
      options.webp.lossless = a->lossless;
      options.png.interlace = a->interlace;
      HM_RETURN_IF_ERROR(image::WriteImageFile(a->out, img, options));
      ctx.Say("wrote " + a->out + " (" + std::to_string(img.width()) + "x" +
              std::to_string(img.height()) + ")");
      ctx.EmitJson({{"file", a->out}, {"width", img.width()}, {"height", img.height()}});
      return kExitOk;
    });
  });
}

}  // namespace

void RegisterImageCommands(CLI::App& app, Context& ctx) {
  AddSelfCheck(app, ctx);
  auto* image = app.add_subcommand("image", "Inspect and convert images");
  image->require_subcommand(1);
  AddImageInfo(*image, ctx);
  AddImageConvert(*image, ctx);
}

}  // namespace hallmark::cli
