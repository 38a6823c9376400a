#include "audit/ledger/no_generator_model.h"

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace hallmark::audit {

const std::string& NoGeneratorModelId() {
  static const std::string id = [] {
    static constexpr char kText[] = "hallmark/no-generator/1";
    return Sha256Hex(ByteView(reinterpret_cast<const uint8_t*>(kText), sizeof kText - 1));
  }();
  return id;
}

ModelRecord NoGeneratorModelRecord() {
  ModelRecord model;
  model.id = NoGeneratorModelId();
  model.architecture = "none";
  model.hyperparameters_json =
      nlohmann::json{{"kind", "no-generator"},
                     {"about",
                      "content the studio signed and watermarked with 'provenance sign "
                      "--watermark'; no Hallmark model generated it"}}
          .dump();
  model.training_run = "provenance sign --watermark";
  return model;
}

bool IsNoGeneratorModel(const ModelRecord& model) {
  return model.id == NoGeneratorModelId() && model.architecture == "none" &&
         model.dataset_ids.empty();
}

}  // namespace hallmark::audit
