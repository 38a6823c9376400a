#include "generator/sample_delivery.h"

#include <cctype>

#include "base/text.h"

namespace hallmark::generator {
namespace {

const char* FilterName(image::Filter f) {
  switch (f) {
    case image::Filter::kArea:
      return "area";
    case image::Filter::kBilinear:
      return "bilinear";
    case image::Filter::kBicubic:
      return "bicubic";
    case image::Filter::kLanczos3:
      return "lanczos3";
  }
  return "unknown";
}

}  // namespace

Status SetPalette(const std::string& palette, double strength, DeliveryOptions* options) {
  if (!palette.empty()) {
    HM_ASSIGN_OR_RETURN(options->palette, ParsePalette(palette));
  } else if (strength != 1.0) {
    return Status::InvalidArgument("--palette-strength needs --palette");
  }
  HM_RETURN_IF_ERROR(CheckPaletteStrength(strength));
  options->palette_strength = strength;
  return Status::Ok();
}

Result<image::Image> Deliver(const image::Image& raw, const DeliveryOptions& options,
                             std::vector<EditStep>* edits) {
  image::Image img = raw;
  if (!options.palette.empty()) {
    HM_RETURN_IF_ERROR(CheckPaletteStrength(options.palette_strength));
    img = ApplyPalette(img, options.palette, options.palette_strength);
    nlohmann::json colors = nlohmann::json::array();
    for (const Rgb& c : options.palette) colors.push_back(FormatColor(c));
    nlohmann::json parameters = {{"method", "gradient-map"}, {"colors", colors}};
    // Recorded only when it differs from the map alone, so earlier records read the same.
    if (options.palette_strength != 1.0) parameters["strength"] = options.palette_strength;
    edits->push_back({"palette", parameters});
  }
  if (options.out_size > 0 && options.out_size != img.width()) {
    if (options.out_size > 8192) return Status::InvalidArgument("--out-size is at most 8192");
    const int from = img.width();
    HM_ASSIGN_OR_RETURN(img,
                        image::Resize(img, options.out_size, options.out_size, options.filter));
    edits->push_back({"resize",
                      {{"filter", FilterName(options.filter)},
                       {"from", {from, from}},
                       {"to", {options.out_size, options.out_size}}}});
  }
  return img;
}

Result<std::vector<GeneratedImage>> GenerateImages(Model& model, const SampleRequest& request,
                                                   const DeliveryOptions& options) {
  HM_ASSIGN_OR_RETURN(std::vector<image::Image> raw, model.Sample(request));
  const ModelSpec& spec = model.info().spec;
  std::vector<GeneratedImage> out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    GeneratedImage g;
    g.class_index =
        request.class_index >= 0 ? request.class_index : int(i % size_t(spec.num_classes()));
    g.class_name = spec.class_names[size_t(g.class_index)];
    if (request.interpolate) {
      g.seed = request.seed;
      g.walk_position = request.count > 1 ? double(i) / double(request.count - 1) : 0.0;
    } else {
      g.seed = request.seed + i;
    }
    HM_ASSIGN_OR_RETURN(g.image, Deliver(raw[i], options, &g.edits));
    out.push_back(std::move(g));
  }
  return out;
}

Result<int> ResolveClass(const ModelSpec& spec, const std::string& text) {
  if (text.empty()) return -1;
  const int classes = spec.num_classes();
  auto range = [&] {
    std::string names;
    for (int i = 0; i < classes && i < 12; ++i) {
      names += (i ? ", " : "") + std::to_string(i) + " " + spec.class_names[size_t(i)];
    }
    return "the model has " + std::to_string(classes) + " classes (" + names +
           (classes > 12 ? ", ..." : "") + ")";
  };
  bool numeric = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) ||
                                   (text[0] == '-' && text.size() > 1));
  if (numeric) {
    size_t used = 0;
    long v = -1;
    try {
      v = std::stol(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == text.size()) {
      if (v < 0 || v >= classes) return Status::InvalidArgument("--class " + text + ": " + range());
      return int(v);
    }
  }
  for (int i = 0; i < classes; ++i) {
    if (AsciiLower(spec.class_names[size_t(i)]) == AsciiLower(text)) return i;
  }
  return Status::InvalidArgument("--class " + text + ": no such class; " + range());
}

}  // namespace hallmark::generator
