// ModelSpec: what a generator model is (architecture, image geometry, classes), independent of its
// weights. It is written into every checkpoint header and read back before any weight is touched.
#ifndef HALLMARK_GENERATOR_MODEL_SPEC_H_
#define HALLMARK_GENERATOR_MODEL_SPEC_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace hallmark::generator {

struct ModelSpec {
  std::string arch = "dcgan";  // "dcgan" (class-conditional DCGAN) or "vae" (conditional conv VAE)
  int image_size = 32;         // 32, 64 or 128
  int channels = 1;            // 1 (grey) or 3 (RGB)
  std::vector<std::string> class_names;
  int latent_dim = 0;  // 0 = the architecture's default (DCGAN 100, VAE 32)
  int width = 32;      // feature maps at full resolution; doubles at each halving of the size

  int num_classes() const { return static_cast<int>(class_names.size()); }
  int EffectiveLatentDim() const {
    return latent_dim > 0 ? latent_dim : (arch == "vae" ? 32 : 100);
  }

  // Checks the ranges above; the message names the offending field.
  Status Validate() const;
  nlohmann::json ToJson() const;
  // Reads the "model" object of a model file header. A missing or wrong-typed field is BadInput
  // naming it ("field 'model/arch' must be a string"); the caller adds the file name.
  static Result<ModelSpec> FromJson(const nlohmann::json& j);
};

// "auto", "cpu" or "cuda"; anything else is InvalidArgument.
Status ValidateDevice(const std::string& device);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_MODEL_SPEC_H_
