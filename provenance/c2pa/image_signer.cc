#include "provenance/c2pa/image_signer.h"

#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstdio>
#include <ctime>
#include <map>

#include "base/sha256.h"
#include "provenance/c2pa/c2pa_labels.h"
#include "provenance/c2pa/cbor.h"
#include "provenance/c2pa/cose_sign1.h"
#include "provenance/c2pa/jumbf.h"
#include "provenance/c2pa/manifest_container.h"
#include "provenance/c2pa/manifest_store.h"
#include "provenance/c2pa/manifest_validator.h"
#include "provenance/xmp/xmp_metadata.h"

namespace hallmark::provenance {
namespace {

constexpr size_t kSaltSize = 16;
// Headroom in the reserved signature box, filled with COSE "pad" bytes.
constexpr size_t kSignatureSlack = 32;
// Headroom in c2pa.hash.data for exclusion offsets of any width, filled with its "pad" field.
constexpr size_t kHashDataSlack = 40;
constexpr uint8_t kToggles = kJumdRequestable | kJumdLabel;

Bytes Salt() {
  Bytes s(kSaltSize);
  RAND_bytes(s.data(), static_cast<int>(s.size()));
  return s;
}

struct Assertion {
  std::string label;
  Bytes box;  // the whole superbox
  Sha256Digest hash() const { return Sha256(ByteView(box).Slice(8)); }
};

Assertion CborAssertion(const std::string& label, ByteView cbor, ByteView salt) {
  return {label,
          MakeSuperBox(MakeDescription(C2paUuid("cbor"), label, kToggles, MakeBox("c2sh", salt)),
                       {MakeBox("cbor", cbor)})};
}

Assertion CborAssertion(const std::string& label, const Cbor& content) {
  return CborAssertion(label, content.Encode(), Salt());
}

// A JSON-LD assertion (schema.org), which readers take only from a `json` box.
Assertion JsonAssertion(const std::string& label, const std::string& text) {
  return {label,
          MakeSuperBox(MakeDescription(C2paUuid("json"), label, kToggles, MakeBox("c2sh", Salt())),
                       {MakeBox("json", ByteView(text))})};
}

// "c2pa.ingredient.v3", then "c2pa.ingredient.v3__1", ...: C2PA's labels for several
// instances of one assertion.
std::string InstanceLabel(const std::string& base, int index) {
  return index == 0 ? base : base + "__" + std::to_string(index);
}

std::string RelativeUrl(const std::string& label) {
  return "self#jumbf=" + std::string(kAssertionStoreLabel) + "/" + label;
}

Cbor HashedUriCbor(const std::string& url, ByteView hash) {
  return Cbor::Map(
      {{Cbor::Text("url"), Cbor::Text(url)}, {Cbor::Text("hash"), Cbor::ByteString(hash)}});
}

Cbor SoftwareAgent(const ManifestSpec& spec) {
  Cbor agent = Cbor::Map();
  agent.Set("name", Cbor::Text(spec.software_name));
  if (!spec.software_version.empty()) agent.Set("version", Cbor::Text(spec.software_version));
  return agent;
}

void SetIfNotEmpty(Cbor& map, const char* key, const std::string& value) {
  if (!value.empty()) map.Set(key, Cbor::Text(value));
}

Bytes HashDataCbor(uint64_t start, uint64_t length, ByteView hash, size_t pad) {
  Cbor m = Cbor::Map();
  m.Set("exclusions", Cbor::Array({Cbor::Map({{Cbor::Text("start"), Cbor::Uint(start)},
                                              {Cbor::Text("length"), Cbor::Uint(length)}})}));
  m.Set("name", Cbor::Text("jumbf manifest"));
  m.Set("alg", Cbor::Text("sha256"));
  m.Set("hash", Cbor::ByteString(hash));
  m.Set("pad", Cbor::ByteString(Bytes(pad, 0)));
  return m.Encode();
}

// c2pa.hash.data padded to exactly `target` bytes, so the placeholder and the final assertion
// have the same size whatever the widths of start and length.
Result<Bytes> HashDataPadded(uint64_t start, uint64_t length, ByteView hash, size_t target) {
  for (size_t pad = 0; pad <= target; ++pad) {
    Bytes b = HashDataCbor(start, length, hash, pad);
    if (b.size() == target) return b;
    if (b.size() > target + 2) break;
  }
  return Status::Internal("cannot pad c2pa.hash.data to " + std::to_string(target) + " bytes");
}

Bytes BuildStore(const std::vector<Bytes>& parent_manifests, const std::string& manifest_label,
                 const std::vector<Assertion>& assertions, ByteView claim, ByteView cose) {
  std::vector<Bytes> boxes;
  boxes.reserve(assertions.size());
  for (const Assertion& a : assertions) boxes.push_back(a.box);
  Bytes assertion_store =
      MakeSuperBox(MakeDescription(C2paUuid("c2as"), kAssertionStoreLabel, kToggles), boxes);
  Bytes claim_box = MakeSuperBox(MakeDescription(C2paUuid("c2cl"), kClaimV2Label, kToggles),
                                 {MakeBox("cbor", claim)});
  Bytes sig_box = MakeSuperBox(MakeDescription(C2paUuid("c2cs"), kSignatureLabel, kToggles),
                               {MakeBox("cbor", cose)});
  Bytes manifest = MakeSuperBox(MakeDescription(C2paUuid("c2ma"), manifest_label, kToggles),
                                {assertion_store, claim_box, sig_box});
  std::vector<Bytes> manifests = parent_manifests;
  manifests.push_back(std::move(manifest));
  return MakeSuperBox(MakeDescription(C2paUuid("c2pa"), kStoreLabel, kToggles), manifests);
}

Bytes BuildClaim(const std::string& manifest_label, const std::string& instance_id,
                 const ManifestSpec& spec, const std::vector<Assertion>& assertions,
                 const Sha256Digest* hash_data_override) {
  std::vector<Cbor> created;
  for (const Assertion& a : assertions) {
    const Sha256Digest h =
        (hash_data_override && a.label == kDataHashLabel) ? *hash_data_override : a.hash();
    created.push_back(HashedUriCbor(RelativeUrl(a.label), ByteView(h.data(), h.size())));
  }
  Cbor info = Cbor::Map();
  info.Set("name", Cbor::Text(spec.software_name));
  if (!spec.software_version.empty()) info.Set("version", Cbor::Text(spec.software_version));
  Cbor claim = Cbor::Map();
  claim.Set("instanceID", Cbor::Text(instance_id));
  claim.Set("claim_generator_info", std::move(info));
  claim.Set("signature", Cbor::Text("self#jumbf=/" + std::string(kStoreLabel) + "/" +
                                    manifest_label + "/" + kSignatureLabel));
  claim.Set("created_assertions", Cbor::Array(std::move(created)));
  claim.Set("alg", Cbor::Text("sha256"));
  if (!spec.title.empty()) claim.Set("dc:title", Cbor::Text(spec.title));
  return claim.Encode();
}

struct Parent {
  std::vector<Bytes> manifests;  // whole superboxes, copied into the new store
  std::optional<Assertion> ingredient;
};

Result<Parent> CiteParent(ByteView parent_file, const std::string& title, const TrustStore* trust) {
  Parent p;
  HM_ASSIGN_OR_RETURN(image::Format format, image::SniffFormat(parent_file));
  HM_ASSIGN_OR_RETURN(auto embedded, FindManifestStore(parent_file, format));
  if (!embedded) return Status::InvalidArgument("the parent image carries no C2PA manifest");
  HM_ASSIGN_OR_RETURN(ManifestStore store, ManifestStore::Parse(embedded->store));
  const Manifest* active = store.active();
  if (!active) return Status::BadInput("the parent's manifest store is empty");
  for (const JumbfSuperBox& b : store.root().boxes) {
    if (b.type() == "c2ma" || b.type() == "c2um") p.manifests.push_back(b.whole.ToBytes());
  }
  // Record how the parent validated when it was used, as C2PA asks of ingredients.
  const TrustStore no_anchors;
  HM_ASSIGN_OR_RETURN(VerificationReport report,
                      VerifyImage(parent_file, trust ? *trust : no_anchors));
  auto entries = [](const std::vector<StatusEntry>& list) {
    std::vector<Cbor> out;
    for (const StatusEntry& e : list) {
      Cbor m = Cbor::Map();
      m.Set("code", Cbor::Text(e.code));
      if (!e.url.empty()) m.Set("url", Cbor::Text(e.url));
      out.push_back(std::move(m));
    }
    return Cbor::Array(std::move(out));
  };
  Cbor results = Cbor::Map();
  results.Set("success", entries(report.success));
  results.Set("informational", entries(report.informational));
  results.Set("failure", entries(report.failure));

  const std::string manifest_url = "self#jumbf=/c2pa/" + active->label;
  const Sha256Digest manifest_hash = Sha256(active->contents);
  const Sha256Digest sig_hash = Sha256(active->signature_contents);
  Cbor ing = Cbor::Map();
  ing.Set("dc:title", Cbor::Text(title.empty() ? "parent" : title));
  ing.Set("dc:format", Cbor::Text(format == image::Format::kPng ? "image/png" : "image/jpeg"));
  ing.Set("relationship", Cbor::Text("parentOf"));
  SetIfNotEmpty(ing, "instanceID", active->instance_id);
  ing.Set("activeManifest", HashedUriCbor(manifest_url, ByteView(manifest_hash.data(), 32)));
  ing.Set("claimSignature",
          HashedUriCbor(manifest_url + "/" + kSignatureLabel, ByteView(sig_hash.data(), 32)));
  ing.Set("validationResults", Cbor::Map({{Cbor::Text("activeManifest"), std::move(results)}}));
  p.ingredient = CborAssertion(kIngredientV3Label, ing);
  return p;
}

Cbor Action(const char* name, const ManifestSpec& spec) {
  Cbor a = Cbor::Map();
  a.Set("action", Cbor::Text(name));
  a.Set("softwareAgent", SoftwareAgent(spec));
  return a;
}

void SetIngredients(Cbor& action, std::vector<Cbor> refs) {
  Cbor params = Cbor::Map();
  if (const Cbor* old = action.Find("parameters"); old && old->is_map()) params = *old;
  params.Set("ingredients", Cbor::Array(std::move(refs)));
  action.Set("parameters", std::move(params));
}

// A c2patool definition's action, with its ingredient references made hashed URIs: c2pa.opened
// cites the parentOf ingredient; `parameters.ingredientIds` (c2patool's way of naming
// ingredients by instance_id or title) become `parameters.ingredients`.
Result<Cbor> DefinitionAction(const nlohmann::json& action, const Cbor* parent_ref,
                              const std::map<std::string, Cbor>& refs_by_id) {
  const std::string name = action.value("action", "");
  nlohmann::json copy = action;
  std::vector<Cbor> refs;
  if (auto params = copy.find("parameters"); params != copy.end() && params->is_object()) {
    if (auto ids = params->find("ingredientIds"); ids != params->end()) {
      if (!ids->is_array()) return Status::BadInput(name + ": ingredientIds: expected an array");
      for (const nlohmann::json& id : *ids) {
        auto ref = id.is_string() ? refs_by_id.find(id.get<std::string>()) : refs_by_id.end();
        if (ref == refs_by_id.end()) {
          return Status::BadInput(name + ": ingredientIds names " + id.dump() +
                                  ", which no ingredient has as instance_id or title");
        }
        refs.push_back(ref->second);
      }
      params->erase(ids);
    }
  }
  Cbor out = Cbor::FromJson(copy);
  if (name == "c2pa.opened" && refs.empty()) {
    if (!parent_ref) {
      return Status::InvalidArgument(
          "c2pa.opened needs a parentOf ingredient: sign a file that carries a manifest, give "
          "--parent, or list a parentOf ingredient in the definition");
    }
    refs.push_back(*parent_ref);
  }
  if (!refs.empty()) SetIngredients(out, std::move(refs));
  return out;
}

Result<std::vector<Assertion>> ContentAssertions(const ManifestSpec& spec, const Parent* parent) {
  std::vector<Assertion> out;
  // Only a mark really in the pixels is claimed (C2PA asks for a soft binding with
  // c2pa.watermarked, and a soft binding that resolves to nothing misleads whoever looks it up).
  const bool watermarked = spec.watermark_embedded && !spec.watermark_payload.empty();

  // Ingredients: the input's own manifest (or --parent) first, then those a definition names.
  int ingredients = 0;
  std::optional<Cbor> parent_ref;  // the parentOf ingredient's hashed URI
  std::map<std::string, Cbor> refs_by_id;
  if (parent && parent->ingredient) {
    out.push_back(*parent->ingredient);
    ++ingredients;
    const Sha256Digest h = parent->ingredient->hash();
    parent_ref = HashedUriCbor(RelativeUrl(kIngredientV3Label), ByteView(h.data(), h.size()));
  }
  for (const IngredientInfo& in : spec.ingredients) {
    if (in.relationship == "parentOf" && parent_ref) {
      return Status::InvalidArgument(
          "the definition lists a parentOf ingredient, but the input's own manifest (or "
          "--parent) is already the parent; a manifest has one");
    }
    Cbor ing = Cbor::Map();
    SetIfNotEmpty(ing, "dc:title", in.title);
    SetIfNotEmpty(ing, "dc:format", in.format);
    ing.Set("relationship", Cbor::Text(in.relationship));
    SetIfNotEmpty(ing, "instanceID", in.instance_id);
    const std::string label = InstanceLabel(kIngredientV3Label, ingredients++);
    Assertion a = CborAssertion(label, ing);
    const Sha256Digest h = a.hash();
    Cbor ref = HashedUriCbor(RelativeUrl(label), ByteView(h.data(), h.size()));
    if (in.relationship == "parentOf") parent_ref = ref;
    if (!in.instance_id.empty()) refs_by_id.emplace(in.instance_id, ref);
    if (!in.title.empty()) refs_by_id.emplace(in.title, ref);
    out.push_back(std::move(a));
  }

  Cbor actions = Cbor::Array();
  const bool from_file_parent = parent && parent->ingredient;
  if (spec.actions.empty()) {
    if (parent_ref) {
      Cbor opened = Action("c2pa.opened", spec);
      SetIngredients(opened, {*parent_ref});
      actions.Push(std::move(opened));
      Cbor edited = Action("c2pa.edited", spec);
      SetIfNotEmpty(edited, "digitalSourceType", spec.digital_source_type);
      actions.Push(std::move(edited));
    } else {
      Cbor created = Action("c2pa.created", spec);
      SetIfNotEmpty(created, "digitalSourceType", spec.digital_source_type);
      actions.Push(std::move(created));
    }
  } else {
    const std::string first = spec.actions[0].value("action", "");
    if (from_file_parent && first == "c2pa.created") {
      return Status::InvalidArgument(
          "the definition's first action is c2pa.created, but the input carries a manifest (its "
          "parent): use c2pa.opened, or sign a file without one");
    }
    // C2PA asks for exactly one c2pa.created or c2pa.opened, first; Hallmark supplies it when
    // the definition has none.
    if (first != "c2pa.created" && first != "c2pa.opened") {
      if (parent_ref) {
        Cbor opened = Action("c2pa.opened", spec);
        SetIngredients(opened, {*parent_ref});
        actions.Push(std::move(opened));
      } else {
        Cbor created = Action("c2pa.created", spec);
        SetIfNotEmpty(created, "digitalSourceType", spec.digital_source_type);
        actions.Push(std::move(created));
      }
    }
    for (const nlohmann::json& a : spec.actions) {
      if (a.value("action", "") == "c2pa.watermarked" && !watermarked) {
        return Status::InvalidArgument(
            "c2pa.watermarked is claimed, but no watermark was embedded in this image");
      }
      HM_ASSIGN_OR_RETURN(Cbor action,
                          DefinitionAction(a, parent_ref ? &*parent_ref : nullptr, refs_by_id));
      actions.Push(std::move(action));
    }
  }
  if (watermarked) actions.Push(Action("c2pa.watermarked", spec));
  Cbor actions_map = Cbor::Map();
  for (auto it = spec.actions_extra.begin(); it != spec.actions_extra.end(); ++it) {
    actions_map.Set(it.key(), Cbor::FromJson(it.value()));
  }
  actions_map.Set("actions", std::move(actions));
  out.push_back(CborAssertion(kActionsV2Label, actions_map));

  if (watermarked) {
    // c2pa-rs reads the block value as text; the payload goes in as lower-case hex.
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    for (uint8_t b : spec.watermark_payload) {
      hex += kHex[b >> 4];
      hex += kHex[b & 15];
    }
    Cbor block = Cbor::Map();
    block.Set("scope", Cbor::Map());
    block.Set("value", Cbor::Text(hex));
    Cbor sb = Cbor::Map();
    sb.Set("alg", Cbor::Text(spec.watermark_algorithm));
    sb.Set("name", Cbor::Text("Hallmark invisible watermark"));
    sb.Set("blocks", Cbor::Array({std::move(block)}));
    sb.Set("pad", Cbor::ByteString(Bytes()));
    out.push_back(CborAssertion(kSoftBindingLabel, sb));
  }

  for (const ExtraAssertion& e : spec.extra_assertions) {
    out.push_back(e.json_ld ? JsonAssertion(e.label, e.data.dump())
                            : CborAssertion(e.label, Cbor::FromJson(e.data)));
  }

  if (!spec.training_mining.empty()) {
    const TrainingMining& tm = spec.training_mining;
    Cbor entries = Cbor::Map();
    auto add = [&](const char* key, const std::string& use) {
      if (use.empty()) return;
      Cbor e = Cbor::Map();
      e.Set("use", Cbor::Text(use));
      if (use == "constrained" && !tm.constraint_info.empty()) {
        e.Set("constraint_info", Cbor::Text(tm.constraint_info));
      }
      entries.Set(key, std::move(e));
    };
    add("cawg.data_mining", tm.data_mining);
    add("cawg.ai_inference", tm.ai_inference);
    add("cawg.ai_training", tm.ai_training);
    add("cawg.ai_generative_training", tm.ai_generative_training);
    Cbor m = Cbor::Map();
    m.Set("entries", std::move(entries));
    out.push_back(CborAssertion(kTrainingMiningLabel, m));
  }

  if (!spec.model.id.empty() || !spec.model.name.empty()) {
    Cbor model = Cbor::Map();
    SetIfNotEmpty(model, "id", spec.model.id);
    SetIfNotEmpty(model, "name", spec.model.name);
    SetIfNotEmpty(model, "version", spec.model.version);
    SetIfNotEmpty(model, "sha256", spec.model.sha256);
    out.push_back(CborAssertion(kHallmarkModelLabel, model));
  }
  if (!spec.datasets.empty()) {
    Cbor list = Cbor::Array();
    for (const DatasetInfo& d : spec.datasets) {
      Cbor e = Cbor::Map();
      SetIfNotEmpty(e, "name", d.name);
      SetIfNotEmpty(e, "license", d.license);
      SetIfNotEmpty(e, "attribution", d.attribution);
      SetIfNotEmpty(e, "sha256", d.sha256);
      SetIfNotEmpty(e, "url", d.url);
      list.Push(std::move(e));
    }
    Cbor m = Cbor::Map();
    m.Set("datasets", std::move(list));
    out.push_back(CborAssertion(kHallmarkDatasetsLabel, m));
  }
  if (!spec.content_fingerprint.empty()) {
    Cbor fp = Cbor::Map();
    fp.Set("alg", Cbor::Text(spec.fingerprint_algorithm));
    fp.Set("value", Cbor::ByteString(spec.content_fingerprint));
    out.push_back(CborAssertion(kHallmarkFingerprintLabel, fp));
  }
  Cbor gen = Cbor::Map();
  SetIfNotEmpty(gen, "asset_id", spec.asset_id);
  if (spec.parameters.is_object() && !spec.parameters.empty()) {
    gen.Set("parameters", Cbor::FromJson(spec.parameters));
  }
  if (!gen.entries().empty()) out.push_back(CborAssertion(kHallmarkGenerationLabel, gen));
  return out;
}

// The O= of the signing certificate's subject: who produced the content, for the TC260 label,
// when the spec names nobody.
std::string SignerOrganization(const Signer& signer) {
  X509_NAME* name = signer.leaf() ? X509_get_subject_name(signer.leaf()) : nullptr;
  const int index = name ? X509_NAME_get_index_by_NID(name, NID_organizationName, -1) : -1;
  if (index < 0) return "";
  unsigned char* utf8 = nullptr;
  const int n =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (n < 0) return "";
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(n));
  OPENSSL_free(utf8);
  return out;
}

}  // namespace

std::string NewUuid4() {
  uint8_t b[16];
  RAND_bytes(b, sizeof b);
  b[6] = static_cast<uint8_t>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<uint8_t>((b[8] & 0x3f) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

Result<Bytes> SignImage(ByteView encoded_image, image::Format format, const ManifestSpec& spec,
                        const Signer& signer, const SignOptions& options) {
  if (format != image::Format::kPng && format != image::Format::kJpeg) {
    return Status::Unsupported(std::string("C2PA signing of ") + image::FormatName(format) +
                               " is not supported (PNG and JPEG are)");
  }
  HM_ASSIGN_OR_RETURN(image::Format sniffed, image::SniffFormat(encoded_image));
  if (sniffed != format) {
    return Status::BadInput(std::string("the data is ") + image::FormatName(sniffed) + ", not " +
                            image::FormatName(format));
  }
  // 1. An existing manifest is removed before exiv2 sees the file, and becomes the parent.
  HM_ASSIGN_OR_RETURN(auto existing, FindManifestStore(encoded_image, format));
  ByteView parent_file = options.parent;
  if (parent_file.empty() && existing) parent_file = encoded_image;
  std::optional<Parent> parent;
  if (!parent_file.empty()) {
    HM_ASSIGN_OR_RETURN(parent,
                        CiteParent(parent_file, options.parent_title, options.ingredient_trust));
  }
  // `clean` views the input until something has to change it, so the common case (a fresh
  // image, XMP written elsewhere) copies the pixels' bytes once, into the output.
  Bytes storage;
  ByteView clean = encoded_image;
  if (existing) {
    HM_ASSIGN_OR_RETURN(storage, RemoveManifestStore(encoded_image, format));
    clean = storage;
  }

  // 2. XMP first.
  const std::string uuid = NewUuid4();
  const std::string instance_id = "xmp.iid:" + uuid;
  const std::string manifest_label = "urn:c2pa:" + uuid;
  if (spec.write_xmp) {
    HM_ASSIGN_OR_RETURN(Bytes with_xmp, WriteXmp(clean, XmpFieldsFor(spec, instance_id,
                                                                     SignerOrganization(signer))));
    storage = std::move(with_xmp);
    clean = storage;
  }
  HM_ASSIGN_OR_RETURN(size_t offset, ManifestInsertionOffset(clean, format));

  // 3. Assertions, with a placeholder hard binding of the final size.
  HM_ASSIGN_OR_RETURN(std::vector<Assertion> assertions,
                      ContentAssertions(spec, parent ? &*parent : nullptr));
  const Sha256Digest zero{};
  const size_t hash_data_size =
      HashDataCbor(UINT32_MAX, UINT32_MAX, ByteView(zero.data(), 32), 0).size() + kHashDataSlack;
  const Bytes hash_salt = Salt();
  HM_ASSIGN_OR_RETURN(Bytes placeholder,
                      HashDataPadded(offset, 0, ByteView(zero.data(), 32), hash_data_size));
  assertions.push_back(CborAssertion(kDataHashLabel, placeholder, hash_salt));
  const Bytes placeholder_claim = BuildClaim(manifest_label, instance_id, spec, assertions, &zero);
  Bytes staple;
  if (options.ocsp_responder) {
    HM_ASSIGN_OR_RETURN(staple, options.ocsp_responder->Staple(signer.leaf(), std::time(nullptr)));
  }
  const size_t reserved =
      CoseSign1UnpaddedSize(signer, options.time_stamper, staple.size()) + kSignatureSlack;
  const std::vector<Bytes> parent_manifests = parent ? parent->manifests : std::vector<Bytes>();
  const size_t store_size = BuildStore(parent_manifests, manifest_label, assertions,
                                       placeholder_claim, Bytes(reserved, 0))
                                .size();
  const size_t wrapped_size = WrappedManifestSize(store_size, format);

  // 4. Hash everything but the inserted range, i.e. the file as it is now.
  const Sha256Digest data_hash = Sha256(clean);
  HM_ASSIGN_OR_RETURN(
      Bytes hash_data,
      HashDataPadded(offset, wrapped_size, ByteView(data_hash.data(), 32), hash_data_size));
  assertions.back() = CborAssertion(kDataHashLabel, hash_data, hash_salt);
  const Bytes claim = BuildClaim(manifest_label, instance_id, spec, assertions, nullptr);
  if (claim.size() != placeholder_claim.size()) {
    return Status::Internal("claim size changed between placeholder and final");
  }
  HM_ASSIGN_OR_RETURN(Bytes cose,
                      CoseSign1Sign(signer, claim, reserved, options.time_stamper, staple));
  const Bytes store = BuildStore(parent_manifests, manifest_label, assertions, claim, cose);
  HM_ASSIGN_OR_RETURN(Bytes wrapped, WrapManifestStore(store, format));
  if (store.size() != store_size || wrapped.size() != wrapped_size) {
    return Status::Internal("manifest store size differs from its reservation");
  }
  Bytes out;
  out.reserve(clean.size() + wrapped.size());
  out.insert(out.end(), clean.begin(), clean.begin() + static_cast<std::ptrdiff_t>(offset));
  out.insert(out.end(), wrapped.begin(), wrapped.end());
  out.insert(out.end(), clean.begin() + static_cast<std::ptrdiff_t>(offset), clean.end());
  return out;
}

}  // namespace hallmark::provenance
