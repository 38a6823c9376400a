#include "generator/model_spec.h"

#include "base/json_fields.h"

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
  // The spec sits at "model" in a model file's header; the caller prefixes the file name.
  JsonFields f(j, "", "/model");
  ModelSpec spec;
  HM_ASSIGN_OR_RETURN(spec.arch, f.String("/arch"));
  HM_ASSIGN_OR_RETURN(spec.image_size, f.Int("/image_size"));
  HM_ASSIGN_OR_RETURN(spec.channels, f.Int("/channels"));
  HM_ASSIGN_OR_RETURN(spec.class_names, f.Strings("/classes"));
  HM_ASSIGN_OR_RETURN(spec.latent_dim, f.Int("/latent_dim"));
  HM_ASSIGN_OR_RETURN(spec.width, f.Int("/width"));
  Status valid = spec.Validate();
  if (!valid.ok()) return Status::BadInput("model header: " + valid.message());
  return spec;
}

Status ValidateDevice(const std::string& device) {
  if (device == "auto" || device == "cpu" || device == "cuda") return Status::Ok();
  return Status::InvalidArgument("unknown device '" + device + "' (expected auto, cpu or cuda)");
}

}  // namespace hallmark::generator
