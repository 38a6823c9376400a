#include "provenance/c2pa/manifest_spec.h"

#include <set>

#include "base/hex.h"

namespace hallmark::provenance {
namespace {

Status CheckKeys(const nlohmann::json& j, const std::set<std::string>& allowed,
                 const std::string& where) {
  if (!j.is_object()) return Status::BadInput(where + ": expected a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!allowed.count(it.key())) {
      return Status::BadInput(where + ": unknown key '" + it.key() + "'");
    }
  }
  return Status::Ok();
}

Status GetString(const nlohmann::json& j, const char* key, std::string* out,
                 const std::string& where) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::BadInput(where + "." + key + ": expected a string");
  *out = it->get<std::string>();
  return Status::Ok();
}

}  // namespace

Status CheckMiningUse(const std::string& use) {
  if (use.empty() || use == "allowed" || use == "notAllowed" || use == "constrained") {
    return Status::Ok();
  }
  return Status::InvalidArgument("training-mining use '" + use +
                                 "' is not one of allowed, notAllowed, constrained");
}

Result<ManifestSpec> ManifestSpecFromJson(const nlohmann::json& j) {
  const std::string m = "manifest";
  HM_RETURN_IF_ERROR(CheckKeys(j,
                               {"asset_id", "title", "digital_source_type", "software", "model",
                                "datasets", "parameters", "watermark", "training_mining", "creator",
                                "rights", "usage_terms", "prompt", "content_producer", "xmp"},
                               m));
  ManifestSpec spec;
  HM_RETURN_IF_ERROR(GetString(j, "asset_id", &spec.asset_id, m));
  HM_RETURN_IF_ERROR(GetString(j, "title", &spec.title, m));
  HM_RETURN_IF_ERROR(GetString(j, "digital_source_type", &spec.digital_source_type, m));
  HM_RETURN_IF_ERROR(GetString(j, "creator", &spec.creator, m));
  HM_RETURN_IF_ERROR(GetString(j, "rights", &spec.rights, m));
  HM_RETURN_IF_ERROR(GetString(j, "usage_terms", &spec.usage_terms, m));
  HM_RETURN_IF_ERROR(GetString(j, "prompt", &spec.prompt, m));
  HM_RETURN_IF_ERROR(GetString(j, "content_producer", &spec.content_producer, m));
  if (auto it = j.find("xmp"); it != j.end()) {
    if (!it->is_boolean()) return Status::BadInput("manifest.xmp: expected true or false");
    spec.write_xmp = it->get<bool>();
  }
  if (auto it = j.find("software"); it != j.end()) {
    HM_RETURN_IF_ERROR(CheckKeys(*it, {"name", "version"}, "manifest.software"));
    HM_RETURN_IF_ERROR(GetString(*it, "name", &spec.software_name, "manifest.software"));
    HM_RETURN_IF_ERROR(GetString(*it, "version", &spec.software_version, "manifest.software"));
  }
  if (auto it = j.find("model"); it != j.end()) {
    const std::string w = "manifest.model";
    HM_RETURN_IF_ERROR(CheckKeys(*it, {"id", "name", "version", "sha256"}, w));
    HM_RETURN_IF_ERROR(GetString(*it, "id", &spec.model.id, w));
    HM_RETURN_IF_ERROR(GetString(*it, "name", &spec.model.name, w));
    HM_RETURN_IF_ERROR(GetString(*it, "version", &spec.model.version, w));
    HM_RETURN_IF_ERROR(GetString(*it, "sha256", &spec.model.sha256, w));
  }
  if (auto it = j.find("datasets"); it != j.end()) {
    if (!it->is_array()) return Status::BadInput("manifest.datasets: expected an array");
    for (const auto& d : *it) {
      const std::string w = "manifest.datasets[" + std::to_string(spec.datasets.size()) + "]";
      HM_RETURN_IF_ERROR(CheckKeys(d, {"name", "license", "attribution", "sha256", "url"}, w));
      DatasetInfo info;
      HM_RETURN_IF_ERROR(GetString(d, "name", &info.name, w));
      HM_RETURN_IF_ERROR(GetString(d, "license", &info.license, w));
      HM_RETURN_IF_ERROR(GetString(d, "attribution", &info.attribution, w));
      HM_RETURN_IF_ERROR(GetString(d, "sha256", &info.sha256, w));
      HM_RETURN_IF_ERROR(GetString(d, "url", &info.url, w));
      if (info.name.empty() || info.license.empty()) {
        return Status::BadInput(w + ": a dataset needs a name and an SPDX licence");
      }
      spec.datasets.push_back(std::move(info));
    }
  }
  if (auto it = j.find("parameters"); it != j.end()) {
    if (!it->is_object()) return Status::BadInput("manifest.parameters: expected an object");
    spec.parameters = *it;
  }
  if (auto it = j.find("watermark"); it != j.end()) {
    const std::string w = "manifest.watermark";
    HM_RETURN_IF_ERROR(CheckKeys(*it, {"payload", "algorithm"}, w));
    std::string hex;
    HM_RETURN_IF_ERROR(GetString(*it, "payload", &hex, w));
    HM_ASSIGN_OR_RETURN(spec.watermark_payload, HexDecode(hex, w + ".payload"));
    HM_RETURN_IF_ERROR(GetString(*it, "algorithm", &spec.watermark_algorithm, w));
  }
  if (auto it = j.find("training_mining"); it != j.end()) {
    const std::string w = "manifest.training_mining";
    TrainingMining& t = spec.training_mining;
    if (it->is_string()) {  // one choice for all four uses
      const std::string use = it->get<std::string>();
      t.data_mining = t.ai_inference = t.ai_training = t.ai_generative_training = use;
    } else {
      HM_RETURN_IF_ERROR(CheckKeys(*it,
                                   {"data_mining", "ai_inference", "ai_training",
                                    "ai_generative_training", "constraint_info"},
                                   w));
      HM_RETURN_IF_ERROR(GetString(*it, "data_mining", &t.data_mining, w));
      HM_RETURN_IF_ERROR(GetString(*it, "ai_inference", &t.ai_inference, w));
      HM_RETURN_IF_ERROR(GetString(*it, "ai_training", &t.ai_training, w));
      HM_RETURN_IF_ERROR(GetString(*it, "ai_generative_training", &t.ai_generative_training, w));
      HM_RETURN_IF_ERROR(GetString(*it, "constraint_info", &t.constraint_info, w));
    }
    for (const std::string* use :
         {&t.data_mining, &t.ai_inference, &t.ai_training, &t.ai_generative_training}) {
      Status s = CheckMiningUse(*use);
      if (!s.ok()) return Status::BadInput(w + ": " + s.message());
    }
  }
  return spec;
}

}  // namespace hallmark::provenance
