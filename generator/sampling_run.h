// `hallmark sample`: the plain generator. Loads a model, generates, delivers (palette, upscaling)
// and writes one image file per sample plus samples.json, which records for every file the model
// id, class, seed and the edit steps applied (the material provenance signs in `generate`).
#ifndef HALLMARK_GENERATOR_SAMPLING_RUN_H_
#define HALLMARK_GENERATOR_SAMPLING_RUN_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "generator/backend.h"

namespace hallmark::generator {

struct SampleCommand {
  std::string model;
  int count = 16;
  std::string class_name;  // index or name; empty = cycle through the classes
  uint64_t seed = 0;
  double truncation = 0;
  std::string interpolate;  // "A,B": a latent walk from seed A to seed B over --count images
  std::string palette;      // "#rrggbb,..."
  double palette_strength = 1;
  int out_size = 0;
  std::string filter = "lanczos3";
  std::string format = "png";
  std::string out = "samples";
  std::string device = "auto";
  int threads = 1;
  bool grid = false;  // also write grid.png, a contact sheet of the delivered images
};

struct SampleSummary {
  std::vector<std::string> files;
  nlohmann::json metadata;  // what samples.json holds
  std::string model_id;
};

Result<SampleSummary> RunSampling(const SampleCommand& command, Backend& backend);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_SAMPLING_RUN_H_
