// Delivery of generated images: the edits applied between the model's raw output and the asset a
// user receives (palette mapping, quality upscaling), each described as an EditStep so that the
// provenance manifest can list them. This is the API `hallmark sample` and `hallmark generate` use.
#ifndef HALLMARK_GENERATOR_SAMPLE_DELIVERY_H_
#define HALLMARK_GENERATOR_SAMPLE_DELIVERY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "generator/backend.h"
#include "generator/palette.h"
#include "image/image.h"
#include "image/resample.h"

namespace hallmark::generator {

struct EditStep {
  std::string action;  // "palette" or "resize"
  nlohmann::json parameters;
  nlohmann::json ToJson() const { return {{"action", action}, {"parameters", parameters}}; }
};

struct DeliveryOptions {
  std::vector<Rgb> palette;     // empty: colours as generated
  double palette_strength = 1;  // 1: the gradient map alone; below, mixed over the model's colours
  int out_size = 0;             // 0: the model's size; else the delivered width = height
  image::Filter filter = image::Filter::kLanczos3;
};

struct GeneratedImage {
  image::Image image;
  int class_index = 0;
  std::string class_name;
  uint64_t seed = 0;          // the latent's seed (seed + i), or the walk's start seed
  double walk_position = -1;  // 0..1 along an --interpolate walk, else -1
  std::vector<EditStep> edits;
};

// --palette and --palette-strength as `sample` and `generate` take them: the palette parsed into
// `options`, the strength checked, and a strength other than 1 without a palette refused.
Status SetPalette(const std::string& palette, double strength, DeliveryOptions* options);

// Applies the delivery edits to one raw model output, appending what it did to `edits`.
Result<image::Image> Deliver(const image::Image& raw, const DeliveryOptions& options,
                             std::vector<EditStep>* edits);

// Samples `request` from `model` and delivers every image.
Result<std::vector<GeneratedImage>> GenerateImages(Model& model, const SampleRequest& request,
                                                   const DeliveryOptions& options);

// "--class" as an index ("3") or a class name ("Sneaker", case-insensitive); "" -> -1 (cycle).
Result<int> ResolveClass(const ModelSpec& spec, const std::string& text);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_SAMPLE_DELIVERY_H_
