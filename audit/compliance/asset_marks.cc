#include "audit/compliance/asset_marks.h"

#include <nlohmann/json.hpp>

namespace hallmark::audit {

bool AssetMarks::Has(const std::string& mark) const {
  if (mark == "manifest") return manifest;
  if (mark == "watermark") return watermark;
  if (mark == "iptc") return iptc;
  if (mark == "tc260") return tc260;
  return false;
}

AssetMarks MarksOf(const AssetRecord& asset) {
  AssetMarks m;
  m.manifest = !asset.manifest_hash.empty();
  m.watermark = !asset.payload.empty();
  // Most records are small; skip the JSON parse when there is nothing to find.
  if (asset.parameters_json.find("\"marks\"") == std::string::npos) return m;
  nlohmann::json j = nlohmann::json::parse(asset.parameters_json, nullptr, false);
  if (!j.is_object()) return m;
  auto it = j.find("marks");
  if (it == j.end() || !it->is_object()) return m;
  auto flag = [&](const char* key) {
    auto f = it->find(key);
    return f != it->end() && f->is_boolean() && f->get<bool>();
  };
  m.recorded = true;
  m.manifest = flag("manifest");
  m.watermark = flag("watermark");
  m.iptc = flag("iptc");
  m.tc260 = flag("tc260");
  return m;
}

}  // namespace hallmark::audit
