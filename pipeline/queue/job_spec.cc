#include "pipeline/queue/job_spec.h"

#include <nlohmann/json.hpp>

namespace hallmark::pipeline {

std::string JobOptionsJson(const GenerateRequest& r) {
  const provenance::TrainingMining& m = r.training_mining;
  nlohmann::json j = {{"class", r.class_name},
                      {"seed", r.seed},
                      {"truncation", r.truncation},
                      {"palette", r.palette},
                      {"palette_strength", r.palette_strength},
                      {"out_size", r.out_size},
                      {"format", image::FormatName(r.format)},
                      {"jpeg_quality", r.jpeg_quality},
                      {"purpose", r.purpose},
                      {"policy", r.policy},
                      {"watermark_strength", r.watermark_strength},
                      {"creator", r.creator},
                      {"rights", r.rights},
                      {"usage_terms", r.usage_terms},
                      {"training_mining",
                       {{"data_mining", m.data_mining},
                        {"ai_inference", m.ai_inference},
                        {"ai_training", m.ai_training},
                        {"ai_generative_training", m.ai_generative_training},
                        {"constraint_info", m.constraint_info}}}};
  return j.dump();
}

Status ApplyJobOptions(const std::string& json, GenerateRequest* r) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Status::BadInput("queued job: its options are not a JSON object");
  std::string field;
  try {
    auto text = [&](const char* name, std::string* out) {
      field = name;
      if (j.contains(name)) *out = j.at(name).get<std::string>();
    };
    text("class", &r->class_name);
    text("palette", &r->palette);
    text("purpose", &r->purpose);
    text("policy", &r->policy);
    text("creator", &r->creator);
    text("rights", &r->rights);
    text("usage_terms", &r->usage_terms);
    field = "seed";
    r->seed = j.value("seed", uint64_t{0});
    field = "truncation";
    r->truncation = j.value("truncation", 0.0);
    field = "palette_strength";
    r->palette_strength = j.value("palette_strength", 1.0);
    field = "out_size";
    r->out_size = j.value("out_size", r->out_size);
    field = "jpeg_quality";
    r->jpeg_quality = j.value("jpeg_quality", r->jpeg_quality);
    field = "watermark_strength";
    r->watermark_strength = j.value("watermark_strength", r->watermark_strength);
    field = "training_mining";
    if (j.contains("training_mining")) {
      const nlohmann::json& m = j.at("training_mining");
      provenance::TrainingMining& tm = r->training_mining;
      tm.data_mining = m.value("data_mining", "");
      tm.ai_inference = m.value("ai_inference", "");
      tm.ai_training = m.value("ai_training", "");
      tm.ai_generative_training = m.value("ai_generative_training", "");
      tm.constraint_info = m.value("constraint_info", "");
    }
  } catch (const nlohmann::json::exception&) {
    return Status::BadInput("queued job: option '" + field + "' has the wrong type");
  }
  if (j.contains("format")) {
    if (!j.at("format").is_string()) return Status::BadInput("queued job: 'format' is not text");
    HM_ASSIGN_OR_RETURN(r->format, image::ParseFormat(j.at("format").get<std::string>()));
  }
  return Status::Ok();
}

}  // namespace hallmark::pipeline
