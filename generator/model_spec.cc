#include "generator/model_spec.h"

namespace hallmark::generator {

Status ModelSpec::Validate() const {
  if (arch != "dcgan" && arch != "vae") {
    return Status::InvalidArgument("unknown architecture '" + arch + "' (expected dcgan or vae)");
  }
  if (image_size != 32 && image_size != 64 && image_size != 128) {
    return Status::InvalidArgument("image size " + std::to_string(image_size) +
                                   " is not supported (expected 32, 64 or 128)");
  }
  if (channels != 1 && channels != 3) {
    return Status::InvalidArgument("models have 1 (grey) or 3 (RGB) channels, not " +
                                   std::to_string(channels));
  }
  if (class_names.empty() || class_names.size() > 1000) {
    return Status::InvalidArgument("a model needs between 1 and 1000 classes");
  }
  if (latent_dim < 0 || latent_dim > 4096) {
    return Status::InvalidArgument("latent dimension out of range: " + std::to_string(latent_dim));
  }
  if (width < 4 || width > 512) {
    return Status::InvalidArgument("model width out of range (4..512): " + std::to_string(width));
  }
  return Status::Ok();
}

nlohmann::json ModelSpec::ToJson() const {
  return {{"arch", arch},           {"image_size", image_size},           {"channels", channels},
          {"classes", class_names}, {"latent_dim", EffectiveLatentDim()}, {"width", width}};
}

Result<ModelSpec> ModelSpec::FromJson(const nlohmann::json& j) {
  ModelSpec spec;
  try {
    spec.arch = j.at("arch").get<std::string>();
    spec.image_size = j.at("image_size").get<int>();
    spec.channels = j.at("channels").get<int>();
    spec.class_names = j.at("classes").get<std::vector<std::string>>();
    spec.latent_dim = j.at("latent_dim").get<int>();
    spec.width = j.at("width").get<int>();
  } catch (const nlohmann::json::exception& e) {
    return Status::BadInput(std::string("model header lacks a field or has a wrong type: ") +
                            e.what());
  }
  Status valid = spec.Validate();
  if (!valid.ok()) return Status::BadInput("model header: " + valid.message());
  return spec;
}

Status ValidateDevice(const std::string& device) {
  if (device == "auto" || device == "cpu" || device == "cuda") return Status::Ok();
  return Status::InvalidArgument("unknown device '" + device + "' (expected auto, cpu or cuda)");
}

}  // namespace hallmark::generator
