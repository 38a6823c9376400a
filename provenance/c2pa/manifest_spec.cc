#include "provenance/c2pa/manifest_spec.h"

#include <cctype>
#include <map>
#include <set>

#include "base/hex.h"
#include "provenance/c2pa/c2pa_labels.h"

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

// The IPTC digital source type vocabulary (cv.iptc.org/newscodes/digitalsourcetype, 2025),
// with the retired terms that files written earlier still carry.
const std::set<std::string>& IptcSourceTypes() {
  static const std::set<std::string> terms = {
      "digitalCapture", "computationalCapture", "negativeFilm", "positiveFilm", "print",
      "humanEdits", "compositeWithTrainedAlgorithmicMedia", "algorithmicallyEnhanced",
      "digitalCreation", "dataDrivenMedia", "trainedAlgorithmicMedia", "algorithmicMedia",
      "screenCapture", "virtualRecording", "composite", "compositeCapture", "compositeSynthetic",
      // retired, still valid in old files
      "minorHumanEdits", "digitalArt", "softwareImage"};
  return terms;
}

// Labels Hallmark writes itself, or that need what a definition cannot give here (a resource
// file, an identity signature): a definition that names one is refused, since carrying it
// through would give the manifest two of them or a claim nobody made.
Status CheckDefinitionLabel(const std::string& label, const std::string& where) {
  if (label.empty()) return Status::BadInput(where + ".label: expected a non-empty label");
  for (char c : label) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) {
      return Status::BadInput(where + ".label '" + label +
                              "': labels use letters, digits, '.', '_' and '-'");
    }
  }
  struct Refused {
    const char* prefix;
    const char* why;
  };
  static const Refused refused[] = {
      {"c2pa.hash.", "Hallmark writes the hard binding itself"},
      {"c2pa.actions", "a manifest has one actions assertion, c2pa.actions or c2pa.actions.v2"},
      {"c2pa.signature", "Hallmark signs the claim itself"},
      {"c2pa.claim", "Hallmark writes the claim itself"},
      {"c2pa.soft-binding",
       "provenance sign embeds no watermark, so there is nothing for a soft binding to bind"},
      {"c2pa.ingredient", "list ingredients under 'ingredients' (or give --parent)"},
      {"c2pa.thumbnail", "thumbnails need resource files, which Hallmark does not read"},
      {"cawg.identity", "an identity assertion needs its own signature"},
      {"org.hallmark.", "Hallmark's own assertions are written from its own data"},
  };
  for (const Refused& r : refused) {
    if (label.rfind(r.prefix, 0) == 0) {
      return Status::BadInput(where + ": assertion label '" + label + "' is refused: " + r.why);
    }
  }
  return Status::Ok();
}

// One action of a definition in c2pa.actions.v2 form: a v1 softwareAgent string becomes a
// generator-info map, and a digitalSourceType is checked against the IPTC list.
Status NormalizeAction(nlohmann::json& a, const std::string& where) {
  if (!a.is_object()) return Status::BadInput(where + ": expected an object");
  auto act = a.find("action");
  if (act == a.end() || !act->is_string() || act->get<std::string>().empty()) {
    return Status::BadInput(where + ".action: expected an action name (e.g. c2pa.created)");
  }
  if (auto agent = a.find("softwareAgent"); agent != a.end() && agent->is_string()) {
    *agent = nlohmann::json{{"name", agent->get<std::string>()}};
  }
  if (auto dst = a.find("digitalSourceType"); dst != a.end()) {
    if (!dst->is_string()) return Status::BadInput(where + ".digitalSourceType: expected a string");
    auto uri = DigitalSourceTypeUri(dst->get<std::string>());
    if (!uri.ok()) return Status::BadInput(where + ": " + uri.status().message());
    *dst = *uri;
  }
  if (act->get<std::string>() == "c2pa.watermarked") {
    return Status::BadInput(where +
                            ": c2pa.watermarked is refused: provenance sign embeds no "
                            "watermark, and C2PA asks for a soft binding with that action");
  }
  return Status::Ok();
}

bool IsFirstAction(const nlohmann::json& a) {
  const std::string name = a.value("action", "");
  return name == "c2pa.created" || name == "c2pa.opened";
}

Status ReadTrainingMining(const nlohmann::json& data, TrainingMining* t, const std::string& w) {
  HM_RETURN_IF_ERROR(CheckKeys(data, {"entries", "metadata"}, w));
  auto entries = data.find("entries");
  if (entries == data.end() || !entries->is_object()) {
    return Status::BadInput(w + ".entries: expected an object");
  }
  struct Use {
    const char* key;
    std::string* out;
  };
  const Use uses[] = {{"cawg.data_mining", &t->data_mining},
                      {"cawg.ai_inference", &t->ai_inference},
                      {"cawg.ai_training", &t->ai_training},
                      {"cawg.ai_generative_training", &t->ai_generative_training}};
  for (auto it = entries->begin(); it != entries->end(); ++it) {
    const std::string ew = w + ".entries." + it.key();
    std::string* out = nullptr;
    for (const Use& u : uses) {
      if (it.key() == u.key) out = u.out;
    }
    if (!out) return Status::BadInput(ew + ": not a CAWG training-mining entry");
    HM_RETURN_IF_ERROR(CheckKeys(*it, {"use", "constraint_info"}, ew));
    HM_RETURN_IF_ERROR(GetString(*it, "use", out, ew));
    std::string info;
    HM_RETURN_IF_ERROR(GetString(*it, "constraint_info", &info, ew));
    if (!info.empty()) t->constraint_info = info;
    Status s = CheckMiningUse(*out);
    if (!s.ok()) return Status::BadInput(ew + ": " + s.message());
  }
  return Status::Ok();
}

// c2patool's manifest definition (c2pa-rs sdk/src/builder.rs ManifestDefinition).
Result<ManifestSpec> DefinitionFromJson(const nlohmann::json& j, std::vector<std::string>* notes) {
  const std::string m = "definition";
  // Keys c2patool uses that Hallmark decides itself: skipped with a note, not refused, so a
  // definition written for c2patool signs unchanged.
  static const std::map<std::string, std::string> skipped = {
      {"claim_version", "Hallmark always writes a claim v2"},
      {"claim_generator", "the 1.x claim_generator string; claim_generator_info is used"},
      {"ta_url", "the time-stamp comes from --tsa-url or the studio's TSA"},
      {"alg", "Hallmark signs with the studio's active key"},
      {"private_key", "Hallmark signs with the studio's active key"},
      {"sign_cert", "Hallmark signs with the studio's active key"},
      {"instance_id", "Hallmark makes the instance id, shared by the claim and the XMP"},
      {"vendor", "Hallmark names its manifests urn:c2pa:<uuid>"},
      {"label", "Hallmark names its manifests urn:c2pa:<uuid>"},
  };
  static const std::map<std::string, std::string> refused = {
      {"thumbnail", "needs a resource file, which Hallmark does not read"},
      {"ingredient_paths", "ingredient files are not read; give the parent with --parent"},
      {"base_path", "resource files are not read"},
      {"redactions", "redaction is not supported"},
      {"metadata", "the 1.x metadata list is not supported; use an assertion"},
  };
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (auto s = skipped.find(it.key()); s != skipped.end()) {
      if (notes) notes->push_back(m + "." + it.key() + " ignored: " + s->second);
      continue;
    }
    if (auto r = refused.find(it.key()); r != refused.end()) {
      return Status::BadInput(m + "." + it.key() + " is not supported: " + r->second);
    }
    if (it.key() == "hash_alg") {
      if (!it->is_string() || it->get<std::string>() != "sha256") {
        return Status::BadInput(m + ".hash_alg: Hallmark hashes with sha256 only");
      }
      continue;
    }
    static const std::set<std::string> known = {"claim_generator_info", "title", "format",
                                                "assertions", "ingredients"};
    if (!known.count(it.key())) return Status::BadInput(m + ": unknown key '" + it.key() + "'");
  }
  ManifestSpec spec;
  spec.digital_source_type.clear();  // the definition's actions name it, or the caller must
  spec.watermark_embedded = false;
  HM_RETURN_IF_ERROR(GetString(j, "title", &spec.title, m));
  HM_RETURN_IF_ERROR(GetString(j, "format", &spec.format, m));
  if (auto it = j.find("claim_generator_info"); it != j.end()) {
    if (!it->is_array()) return Status::BadInput(m + ".claim_generator_info: expected an array");
    // A claim v2 holds one generator: the first; operating-system hints and icons (resource
    // files) of the SDK's builder are not carried.
    if (!it->empty()) {
      const std::string w = m + ".claim_generator_info[0]";
      if (!(*it)[0].is_object()) return Status::BadInput(w + ": expected an object");
      HM_RETURN_IF_ERROR(GetString((*it)[0], "name", &spec.software_name, w));
      HM_RETURN_IF_ERROR(GetString((*it)[0], "version", &spec.software_version, w));
      if (spec.software_name.empty()) return Status::BadInput(w + ".name: expected a name");
    }
  }
  bool have_actions = false;
  std::set<std::string> labels;
  if (auto it = j.find("assertions"); it != j.end()) {
    if (!it->is_array()) return Status::BadInput(m + ".assertions: expected an array");
    for (size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& a = (*it)[i];
      const std::string w = m + ".assertions[" + std::to_string(i) + "]";
      HM_RETURN_IF_ERROR(CheckKeys(a, {"label", "data", "kind"}, w));
      std::string label, kind;
      HM_RETURN_IF_ERROR(GetString(a, "label", &label, w));
      HM_RETURN_IF_ERROR(GetString(a, "kind", &kind, w));
      if (!kind.empty() && kind != "Cbor" && kind != "Json") {
        return Status::BadInput(w + ".kind '" + kind + "': expected Cbor or Json");
      }
      auto data = a.find("data");
      if (data == a.end() || !data->is_object()) {
        return Status::BadInput(w + ".data: expected an object");
      }
      if (!labels.insert(label).second) {
        return Status::BadInput(w + ": assertion label '" + label + "' appears twice");
      }
      if (label == kActionsV1Label || label == kActionsV2Label) {
        if (have_actions) {
          return Status::BadInput(w + ": a manifest has one actions assertion (" + kActionsV1Label +
                                  " or " + kActionsV2Label + ")");
        }
        have_actions = true;
        auto list = data->find("actions");
        if (list == data->end() || !list->is_array()) {
          return Status::BadInput(w + ".data.actions: expected an array");
        }
        for (size_t k = 0; k < list->size(); ++k) {
          nlohmann::json action = (*list)[k];
          HM_RETURN_IF_ERROR(
              NormalizeAction(action, w + ".data.actions[" + std::to_string(k) + "]"));
          spec.actions.push_back(std::move(action));
        }
        for (auto e = data->begin(); e != data->end(); ++e) {
          if (e.key() != "actions") spec.actions_extra[e.key()] = e.value();
        }
        continue;
      }
      if (label == kTrainingMiningLabel) {
        // Read, not carried: the same choices also go into plus:DataMining in the XMP.
        HM_RETURN_IF_ERROR(ReadTrainingMining(*data, &spec.training_mining, w + ".data"));
        continue;
      }
      HM_RETURN_IF_ERROR(CheckDefinitionLabel(label, w));
      ExtraAssertion extra;
      extra.label = label;
      extra.data = *data;
      // schema.org assertions are JSON-LD (C2PA 1.x §17); c2pa-rs and c2pa-ts read them only
      // from a JSON box.
      extra.json_ld = kind == "Json" || (kind.empty() && label.rfind("stds.schema-org.", 0) == 0);
      spec.extra_assertions.push_back(std::move(extra));
    }
  }
  // The source type the definition names: its first c2pa.created / c2pa.opened action's.
  for (const nlohmann::json& a : spec.actions) {
    if (IsFirstAction(a)) {
      spec.digital_source_type = a.value("digitalSourceType", "");
      break;
    }
  }
  if (auto it = j.find("ingredients"); it != j.end()) {
    if (!it->is_array()) return Status::BadInput(m + ".ingredients: expected an array");
    int parents = 0;
    for (size_t i = 0; i < it->size(); ++i) {
      const nlohmann::json& d = (*it)[i];
      const std::string w = m + ".ingredients[" + std::to_string(i) + "]";
      if (d.is_object()) {
        for (const char* resource : {"thumbnail", "data", "manifest_data", "file_path"}) {
          if (d.contains(resource)) {
            return Status::BadInput(w + "." + resource +
                                    " is not supported: resource files are not read");
          }
        }
      }
      HM_RETURN_IF_ERROR(CheckKeys(d, {"title", "format", "relationship", "instance_id"}, w));
      IngredientInfo info;
      HM_RETURN_IF_ERROR(GetString(d, "title", &info.title, w));
      HM_RETURN_IF_ERROR(GetString(d, "format", &info.format, w));
      HM_RETURN_IF_ERROR(GetString(d, "relationship", &info.relationship, w));
      HM_RETURN_IF_ERROR(GetString(d, "instance_id", &info.instance_id, w));
      if (info.relationship.empty()) info.relationship = "componentOf";
      if (info.relationship != "parentOf" && info.relationship != "componentOf" &&
          info.relationship != "inputTo") {
        return Status::BadInput(w + ".relationship '" + info.relationship +
                                "': expected parentOf, componentOf or inputTo");
      }
      if (info.relationship == "parentOf" && ++parents > 1) {
        return Status::BadInput(w + ": a manifest has at most one parentOf ingredient");
      }
      spec.ingredients.push_back(std::move(info));
    }
  }
  return spec;
}

bool IsDefinition(const nlohmann::json& j) {
  return j.is_object() && (j.contains("assertions") || j.contains("claim_generator_info") ||
                           j.contains("ingredients") || j.contains("claim_generator"));
}

}  // namespace

Result<std::string> DigitalSourceTypeUri(const std::string& term) {
  const std::string base = kDigitalSourceTypeBase;
  std::string name = term;
  if (name.rfind(base, 0) == 0) {
    name = name.substr(base.size());
  } else if (name.rfind("https://cv.iptc.org/newscodes/digitalsourcetype/", 0) == 0) {
    name = name.substr(base.size() + 1);  // IPTC's own examples write https
  }
  if (!IptcSourceTypes().count(name)) {
    return Status::InvalidArgument(
        "'" + term +
        "' is not an IPTC digital source type (e.g. digitalCapture, trainedAlgorithmicMedia, "
        "compositeWithTrainedAlgorithmicMedia; see " +
        base + ")");
  }
  return base + name;
}

bool IsAiGeneratedSourceType(const std::string& uri) {
  const std::string base = kDigitalSourceTypeBase;
  for (const char* name : {"trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia",
                           "algorithmicMedia", "compositeSynthetic"}) {
    if (uri == base + name) return true;
  }
  return false;
}

Status ApplyDigitalSourceType(const std::string& term, ManifestSpec* spec) {
  HM_ASSIGN_OR_RETURN(std::string uri, DigitalSourceTypeUri(term));
  if (!spec->digital_source_type.empty() && spec->digital_source_type != uri) {
    return Status::InvalidArgument("--source-type " + term +
                                   " contradicts the manifest, which says " +
                                   spec->digital_source_type);
  }
  for (nlohmann::json& a : spec->actions) {
    if (!IsFirstAction(a)) continue;
    const std::string named = a.value("digitalSourceType", "");
    if (!named.empty() && named != uri) {
      return Status::InvalidArgument("--source-type " + term + " contradicts the definition's " +
                                     a.value("action", "") + " action, which says " + named);
    }
    a["digitalSourceType"] = uri;
    break;
  }
  spec->digital_source_type = uri;
  return Status::Ok();
}

Status CheckMiningUse(const std::string& use) {
  if (use.empty() || use == "allowed" || use == "notAllowed" || use == "constrained") {
    return Status::Ok();
  }
  return Status::InvalidArgument("training-mining use '" + use +
                                 "' is not one of allowed, notAllowed, constrained");
}

Result<ManifestSpec> ManifestSpecFromJson(const nlohmann::json& j,
                                          std::vector<std::string>* notes) {
  if (IsDefinition(j)) return DefinitionFromJson(j, notes);
  const std::string m = "manifest";
  HM_RETURN_IF_ERROR(CheckKeys(j,
                               {"asset_id", "title", "digital_source_type", "software", "model",
                                "datasets", "parameters", "watermark", "training_mining", "creator",
                                "rights", "usage_terms", "prompt", "content_producer", "xmp"},
                               m));
  ManifestSpec spec;
  // No default source type from a file: the JSON or the caller names one.
  spec.digital_source_type.clear();
  spec.watermark_embedded = false;
  HM_RETURN_IF_ERROR(GetString(j, "asset_id", &spec.asset_id, m));
  HM_RETURN_IF_ERROR(GetString(j, "title", &spec.title, m));
  HM_RETURN_IF_ERROR(GetString(j, "digital_source_type", &spec.digital_source_type, m));
  if (!spec.digital_source_type.empty()) {
    auto uri = DigitalSourceTypeUri(spec.digital_source_type);
    if (!uri.ok()) return Status::BadInput(m + ".digital_source_type: " + uri.status().message());
    spec.digital_source_type = *uri;
  }
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
