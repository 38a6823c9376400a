// What a manifest says about one image: the caller's side of SignImage. The generator fills it
// per image; `hallmark provenance sign --manifest JSON` reads it from a JSON file.
#ifndef HALLMARK_PROVENANCE_C2PA_MANIFEST_SPEC_H_
#define HALLMARK_PROVENANCE_C2PA_MANIFEST_SPEC_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::provenance {

inline constexpr const char* kTrainedAlgorithmicMedia =
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
inline constexpr const char* kWatermarkAlgorithm = "org.hallmark.watermark.1";

struct ModelInfo {
  std::string id;    // ledger id or content hash
  std::string name;  // e.g. "dcgan-fashion"
  std::string version;
  std::string sha256;  // of the weights file, hex
};

struct DatasetInfo {
  std::string name;
  std::string license;      // SPDX identifier, e.g. "MIT", "CC-BY-4.0"
  std::string attribution;  // the credit line the licence asks for
  std::string sha256;       // of the dataset manifest, hex
  std::string url;
};

// CAWG training-and-data-mining choices: "allowed", "notAllowed", "constrained", or empty (the
// entry is left out).
struct TrainingMining {
  std::string data_mining;
  std::string ai_inference;
  std::string ai_training;
  std::string ai_generative_training;
  std::string constraint_info;  // used with "constrained"
  bool empty() const {
    return data_mining.empty() && ai_inference.empty() && ai_training.empty() &&
           ai_generative_training.empty();
  }
};

struct ManifestSpec {
  std::string asset_id;  // Hallmark's id of the image (also the audit ledger's)
  std::string title;     // dc:title
  std::string digital_source_type = kTrainedAlgorithmicMedia;
  std::string software_name = "Hallmark";
  std::string software_version;
  ModelInfo model;
  std::vector<DatasetInfo> datasets;
  nlohmann::json parameters = nlohmann::json::object();  // generation parameters
  Bytes watermark_payload;                               // empty: no soft-binding assertion
  std::string watermark_algorithm = kWatermarkAlgorithm;
  TrainingMining training_mining;
  // The asset's content fingerprint (watermark/fingerprint), in an org.hallmark.fingerprint
  // assertion; empty: none.
  Bytes content_fingerprint;
  std::string fingerprint_algorithm;

  // IPTC/XMP fields written before signing.
  bool write_xmp = true;
  std::string creator;           // dc:creator
  std::string rights;            // dc:rights
  std::string usage_terms;       // xmpRights:UsageTerms
  std::string prompt;            // Iptc4xmpExt:AIPromptInformation (class, seed, ...)
  std::string content_producer;  // TC260:AIGC ContentProducer
};

// Reads a spec from JSON (see docs/provenance.md); unknown keys are refused so typos surface.
Result<ManifestSpec> ManifestSpecFromJson(const nlohmann::json& j);

// "allowed" / "notAllowed" / "constrained"; anything else is InvalidArgument.
Status CheckMiningUse(const std::string& use);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_MANIFEST_SPEC_H_
