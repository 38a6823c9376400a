// What a manifest says about one image: the caller's side of SignImage. The generator fills it
// per image; `hallmark provenance sign --manifest JSON` reads it from a JSON file in Hallmark's
// own schema or as a c2patool manifest definition (claim_generator_info, assertions,
// ingredients), and checks the IPTC digital source type it names.
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
inline constexpr const char* kDigitalSourceTypeBase =
    "http://cv.iptc.org/newscodes/digitalsourcetype/";
inline constexpr const char* kWatermarkAlgorithm = "org.hallmark.watermark.1";

// A term of the IPTC digital source type vocabulary, by its short name ("digitalCapture") or
// its full URI; returns the full URI. Anything else is InvalidArgument naming the term, so a
// typo never ends up as an unreadable claim in the manifest.
Result<std::string> DigitalSourceTypeUri(const std::string& term);

// Whether the source type says the content was generated or synthesised by an algorithm
// (trainedAlgorithmicMedia, compositeWithTrainedAlgorithmicMedia, algorithmicMedia,
// compositeSynthetic): what the TC260 implicit label marks as AI-generated.
bool IsAiGeneratedSourceType(const std::string& uri);

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

// An assertion a c2patool definition carries through as it is (a custom label, schema.org).
struct ExtraAssertion {
  std::string label;
  nlohmann::json data;
  bool json_ld = false;  // stored as a JSON box (schema.org, "kind": "Json"), else as CBOR
};

// An ingredient a c2patool definition names without its file: recorded as c2pa.ingredient.v3
// with what the definition says, and no manifest of its own.
struct IngredientInfo {
  std::string title;
  std::string format;                        // MIME type
  std::string relationship = "componentOf";  // parentOf, componentOf, inputTo
  std::string instance_id;
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
  // Whether the pixels really carry the mark `watermark_payload` names: the c2pa.watermarked
  // action and the soft binding are written only then. Only the caller that embedded the mark
  // (the generator) may set it; a JSON file cannot vouch for the pixels.
  bool watermark_embedded = false;
  TrainingMining training_mining;
  // The asset's content fingerprint (watermark/fingerprint), in an org.hallmark.fingerprint
  // assertion; empty: none.
  Bytes content_fingerprint;
  std::string fingerprint_algorithm;

  // From a c2patool definition (all empty for Hallmark's schema and for generate): its actions,
  // in c2pa.actions.v2 form, replacing Hallmark's own (SignImage puts the c2pa.created or
  // c2pa.opened C2PA asks for first when they lack one); the other keys of that actions
  // assertion (metadata, templates); assertions carried through; ingredients without files; and
  // the MIME type it claims for the asset, which the caller checks against the file.
  nlohmann::json actions = nlohmann::json::array();
  nlohmann::json actions_extra = nlohmann::json::object();
  std::vector<ExtraAssertion> extra_assertions;
  std::vector<IngredientInfo> ingredients;
  std::string format;

  // IPTC/XMP fields written before signing.
  bool write_xmp = true;
  std::string creator;           // dc:creator
  std::string rights;            // dc:rights
  std::string usage_terms;       // xmpRights:UsageTerms
  std::string prompt;            // Iptc4xmpExt:AIPromptInformation (class, seed, ...)
  std::string content_producer;  // TC260:AIGC ContentProducer (default: the signer's O=)
};

// Reads a spec from JSON (see docs/provenance.md), in either schema: a c2patool manifest
// definition is told apart by its `assertions`, `claim_generator_info` or `ingredients` keys.
// Unknown keys are refused so typos surface; c2patool keys that Hallmark decides itself (the
// time-stamp URL, keys, claim version) are skipped and described in `notes`, when given.
// Unlike a ManifestSpec built in code, the result has no default digital source type: the
// JSON names one or digital_source_type is empty, and the caller must ask for one.
Result<ManifestSpec> ManifestSpecFromJson(const nlohmann::json& j,
                                          std::vector<std::string>* notes = nullptr);

// Sets the spec's digital source type from a term (short name or URI) given on the command
// line, and on the definition's first c2pa.created / c2pa.opened action when that has none. A
// spec or action that already names a different one is a conflict (InvalidArgument), not
// something to override silently.
Status ApplyDigitalSourceType(const std::string& term, ManifestSpec* spec);

// "allowed" / "notAllowed" / "constrained"; anything else is InvalidArgument.
Status CheckMiningUse(const std::string& use);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_MANIFEST_SPEC_H_
