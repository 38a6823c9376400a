#include "generator/imported_model.h"

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include "base/file.h"
#include "base/hex.h"
#include "base/json_fields.h"
#include "base/sha256.h"

namespace hallmark::generator {
namespace {

Status KeyError(const std::string& file, const std::string& key, const std::string& what) {
  return Status::BadInput(file + ": key '" + key + "': " + what);
}

Result<std::vector<std::string>> NameList(const nlohmann::json& v, const std::string& file,
                                          const std::string& key, size_t max) {
  if (!v.is_array() || v.empty() || v.size() > max) {
    return KeyError(file, key,
                    "must be a list of 1 to " + std::to_string(max) + " non-empty strings");
  }
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& e : v) {
    if (!e.is_string() || e.get<std::string>().empty() || e.get<std::string>().size() > 200) {
      return KeyError(file, key, "every entry must be a non-empty string of at most 200 bytes");
    }
    if (!seen.insert(e.get<std::string>()).second) {
      return KeyError(file, key, "'" + e.get<std::string>() + "' is listed twice");
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

bool IsImportedSidecar(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  Result<Bytes> bytes = ReadFile(path, size_t{1} << 20);
  if (!bytes.ok()) return false;
  nlohmann::json doc = nlohmann::json::parse(ByteView(*bytes).AsStringView(), nullptr, false);
  return doc.is_object() && doc.value("format", nlohmann::json()) == kImportedFormat;
}

}  // namespace

nlohmann::json ImportManifest::ToJson() const {
  nlohmann::json j = {{"classes", classes},
                      {"latent_dim", latent_dim},
                      {"weights_licence", weights_licence},
                      {"datasets", datasets},
                      {"conditional", conditional}};
  if (!description.empty()) j["description"] = description;
  if (!weights_attribution.empty()) j["weights_attribution"] = weights_attribution;
  return j;
}

Result<ImportManifest> ParseImportManifest(std::string_view text, const std::string& file) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::BadInput(file + ": not valid JSON");
  if (!j.is_object()) return Status::BadInput(file + ": the manifest must be a JSON object");
  static const std::set<std::string> kKeys = {
      "classes",  "latent_dim",  "weights_licence", "weights_attribution",
      "datasets", "conditional", "description"};
  for (const auto& [key, value] : j.items()) {
    if (kKeys.count(key) == 0) {
      return KeyError(file, key,
                      "unknown key (expected classes, latent_dim, weights_licence, "
                      "weights_attribution, datasets, conditional, description)");
    }
  }
  ImportManifest m;
  if (j.contains("conditional")) {
    if (!j["conditional"].is_boolean())
      return KeyError(file, "conditional", "must be true or false");
    m.conditional = j["conditional"].get<bool>();
  }
  if (j.contains("classes")) {
    HM_ASSIGN_OR_RETURN(m.classes, NameList(j["classes"], file, "classes", 1000));
    if (!m.conditional && m.classes.size() != 1) {
      return KeyError(file, "classes", "an unconditional model (conditional: false) has one class");
    }
  } else if (m.conditional) {
    return KeyError(file, "classes", "missing (the class names, in label order)");
  } else {
    m.classes = {kUnconditionalClass};
  }
  if (!j.contains("latent_dim")) return KeyError(file, "latent_dim", "missing");
  const nlohmann::json& latent = j["latent_dim"];
  if (!latent.is_number_integer() || latent.get<int64_t>() < 1 || latent.get<int64_t>() > 4096) {
    return KeyError(file, "latent_dim", "must be an integer between 1 and 4096");
  }
  m.latent_dim = int(latent.get<int64_t>());
  if (!j.contains("weights_licence")) {
    return KeyError(file, "weights_licence", "missing (an SPDX expression, e.g. \"MIT\")");
  }
  if (!j["weights_licence"].is_string() || j["weights_licence"].get<std::string>().empty()) {
    return KeyError(file, "weights_licence", "must be a non-empty SPDX expression");
  }
  m.weights_licence = j["weights_licence"].get<std::string>();
  if (j.contains("weights_attribution")) {
    const nlohmann::json& credit = j["weights_attribution"];
    if (!credit.is_string() || credit.get<std::string>().size() > 1000) {
      return KeyError(file, "weights_attribution", "must be a string of at most 1000 bytes");
    }
    m.weights_attribution = credit.get<std::string>();
  }
  if (!j.contains("datasets")) {
    return KeyError(file, "datasets",
                    "missing (the registered names of the datasets that trained it)");
  }
  HM_ASSIGN_OR_RETURN(m.datasets, NameList(j["datasets"], file, "datasets", 100));
  if (j.contains("description")) {
    if (!j["description"].is_string() || j["description"].get<std::string>().size() > 4000) {
      return KeyError(file, "description", "must be a string of at most 4000 bytes");
    }
    m.description = j["description"].get<std::string>();
  }
  return m;
}

bool HasZipMagic(ByteView head) {
  return head.size() >= 4 && std::memcmp(head.data(), "PK\x03\x04", 4) == 0;
}

bool IsTorchScriptFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  uint8_t head[4] = {};
  size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return HasZipMagic(ByteView(head, n));
}

Status ValidateImportedSpec(const ModelSpec& spec) {
  if (spec.arch != kImportedArch) {
    return Status::InvalidArgument("an imported model's architecture is '" +
                                   std::string(kImportedArch) + "', not '" + spec.arch + "'");
  }
  if (spec.image_size < kMinImportedSize || spec.image_size > kMaxImportedSize) {
    return Status::InvalidArgument("image size " + std::to_string(spec.image_size) +
                                   " is not supported (expected " +
                                   std::to_string(kMinImportedSize) + " to " +
                                   std::to_string(kMaxImportedSize) + " pixels square)");
  }
  if (spec.channels != 1 && spec.channels != 3) {
    return Status::InvalidArgument("models have 1 (grey) or 3 (RGB) channels, not " +
                                   std::to_string(spec.channels));
  }
  if (spec.class_names.empty() || spec.class_names.size() > 1000) {
    return Status::InvalidArgument("a model needs between 1 and 1000 classes");
  }
  if (spec.latent_dim < 1 || spec.latent_dim > 4096) {
    return Status::InvalidArgument("latent dimension out of range: " +
                                   std::to_string(spec.latent_dim));
  }
  return Status::Ok();
}

std::string ImportedModelDir(const std::string& home) { return home + "/models"; }

std::string ImportedModelPath(const std::string& home, const std::string& model_id) {
  return ImportedModelDir(home) + "/" + model_id + ".pt";
}

std::string ImportedSidecarPath(const std::string& model_path) {
  return std::filesystem::path(model_path).replace_extension(".json").string();
}

nlohmann::json MakeImportedSidecar(const std::string& model_id, const ModelSpec& spec,
                                   const ImportManifest& manifest, const nlohmann::json& probe,
                                   const std::string& source_name) {
  nlohmann::json model = {{"arch", spec.arch},
                          {"image_size", spec.image_size},
                          {"channels", spec.channels},
                          {"classes", spec.class_names},
                          {"latent_dim", spec.latent_dim}};
  return {{"format", kImportedFormat},
          {"format_version", kImportedFormatVersion},
          {"model_id", model_id},
          {"model", model},
          {"conditional", manifest.conditional},
          {"weights_licence", manifest.weights_licence},
          {"weights_attribution", manifest.weights_attribution},
          {"manifest", manifest.ToJson()},
          {"probe", probe},
          {"source_file", source_name}};
}

Result<ImportedModel> ReadImportedSidecar(const std::string& model_path) {
  const std::string path = ImportedSidecarPath(model_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound(model_path + ": a TorchScript file that was not imported (no " + path +
                            "); import it with 'hallmark model import FILE.pt --manifest JSON'");
  }
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, size_t{1} << 20));
  nlohmann::json doc = nlohmann::json::parse(ByteView(bytes).AsStringView(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Status::BadInput(path + ": not a JSON object");
  JsonFields f(doc, path);
  HM_ASSIGN_OR_RETURN(std::string format, f.String("/format"));
  if (format != kImportedFormat) {
    return Status::BadInput(path + ": not an imported model record (format '" + format + "')");
  }
  HM_ASSIGN_OR_RETURN(int64_t version, f.Integer("/format_version"));
  if (version != kImportedFormatVersion) {
    return Status::BadInput(path + ": unsupported format_version " + std::to_string(version));
  }
  ImportedModel m;
  HM_ASSIGN_OR_RETURN(m.model_id, f.String("/model_id"));
  if (!IsSha256Hex(m.model_id)) {
    return Status::BadInput(path + ": field 'model_id' must be a SHA-256 in lower-case hex");
  }
  HM_ASSIGN_OR_RETURN(m.spec.arch, f.String("/model/arch"));
  HM_ASSIGN_OR_RETURN(m.spec.image_size, f.Int("/model/image_size"));
  HM_ASSIGN_OR_RETURN(m.spec.channels, f.Int("/model/channels"));
  HM_ASSIGN_OR_RETURN(m.spec.class_names, f.Strings("/model/classes"));
  HM_ASSIGN_OR_RETURN(m.spec.latent_dim, f.Int("/model/latent_dim"));
  m.spec.width = 0;
  HM_ASSIGN_OR_RETURN(m.conditional, f.Bool("/conditional"));
  HM_ASSIGN_OR_RETURN(m.weights_licence, f.String("/weights_licence", ""));
  Status valid = ValidateImportedSpec(m.spec);
  if (!valid.ok()) return Status::BadInput(path + ": " + valid.message());
  m.sidecar = std::move(doc);
  return m;
}

Result<std::string> ResolveModelArgument(const std::string& home, const std::string& arg) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(arg, ec);
  if (!exists && IsSha256Hex(arg)) {
    const std::string path = ImportedModelPath(home, arg);
    if (std::filesystem::exists(path, ec)) return path;
    return Status::NotFound("--model " + arg + ": no imported model with that id in " +
                            ImportedModelDir(home));
  }
  if (!exists || !IsTorchScriptFile(arg)) return arg;
  // An imported copy (its sidecar beside it): Load checks its hash against the recorded id. A
  // user's manifest beside the original (same stem, .json) is not a sidecar.
  if (IsImportedSidecar(ImportedSidecarPath(arg))) return arg;
  // The original a user exported: the imported copy has the same hash.
  HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(arg));
  const std::string id = HexEncode(ByteView(digest.data(), digest.size()));
  const std::string path = ImportedModelPath(home, id);
  if (std::filesystem::exists(path, ec)) return path;
  return Status::NotFound(arg + ": a TorchScript file that was not imported (SHA-256 " + id +
                          "); import it with 'hallmark model import " + arg + " --manifest JSON'");
}

}  // namespace hallmark::generator
