#include "provenance/c2pa/manifest_store.h"

#include "provenance/c2pa/c2pa_labels.h"

namespace hallmark::provenance {
namespace {

std::vector<HashedUri> ReadHashedUris(const Cbor* list) {
  std::vector<HashedUri> out;
  if (!list || !list->is_array()) return out;
  for (const Cbor& e : list->items()) {
    HashedUri h;
    if (const Cbor* u = e.Find("url"); u && u->is_text()) h.url = u->text();
    if (const Cbor* v = e.Find("hash"); v && v->is_bytes()) h.hash = v->bytes();
    if (const Cbor* a = e.Find("alg"); a && a->is_text()) h.alg = a->text();
    out.push_back(std::move(h));
  }
  return out;
}

// A box whose type names a C2PA box must carry that type's full UUID; a damaged UUID makes it
// an unknown box that nothing resolves to.
bool UuidConsistent(const JumbfSuperBox& b) {
  static const char* const kTypes[] = {"c2pa", "c2ma", "c2um", "c2as",
                                       "c2cl", "c2cs", "cbor", "json"};
  const std::string type = b.type();
  for (const char* t : kTypes) {
    if (type == t) return b.uuid == C2paUuid(t);
  }
  return true;
}

// The payload of the first content box when it has the expected type.
std::optional<ByteView> ContentOf(const JumbfSuperBox& b, const char* type) {
  if (b.content.empty() || b.content.front().type != type) return std::nullopt;
  return b.content.front().payload;
}

std::string TextOf(const Cbor* c) { return c && c->is_text() ? c->text() : std::string(); }

void ReadClaimFields(Manifest& m) {
  const Cbor& claim = *m.claim;
  if (m.claim_version == 2) {
    m.created_assertions = ReadHashedUris(claim.Find("created_assertions"));
    m.gathered_assertions = ReadHashedUris(claim.Find("gathered_assertions"));
  } else {
    m.created_assertions = ReadHashedUris(claim.Find("assertions"));
  }
  if (const Cbor* alg = claim.Find("alg"); alg && alg->is_text()) m.claim_alg = alg->text();
  m.instance_id = TextOf(claim.Find("instanceID"));
  m.title = TextOf(claim.Find("dc:title"));
  m.signature_ref = TextOf(claim.Find("signature"));
  const Cbor* info = claim.Find("claim_generator_info");
  if (info && info->is_array() && !info->items().empty()) info = &info->items()[0];
  if (info && info->is_map()) {
    m.generator = TextOf(info->Find("name"));
    const std::string version = TextOf(info->Find("version"));
    if (!version.empty()) m.generator += " " + version;
  }
  if (m.generator.empty()) m.generator = TextOf(claim.Find("claim_generator"));
}

// What parsing one store may still spend beyond its JUMBF boxes.
struct ParseBudget {
  CborBudget cbor;
  size_t max_assertions;
  size_t assertions = 0;
};

// Decodes a claim or assertion. Undecodable CBOR is left for the validator to judge (nullopt);
// an exhausted budget ends the parse.
Result<std::optional<Cbor>> DecodeWithin(ByteView bytes, std::string_view what,
                                         ParseBudget& budget) {
  auto c = CborDecode(bytes, what, &budget.cbor);
  if (budget.cbor.exhausted()) return c.status();
  if (!c.ok()) return std::optional<Cbor>();
  return std::optional<Cbor>(std::move(*c));
}

Result<Manifest> ParseManifest(const JumbfSuperBox& box, ParseBudget& budget) {
  Manifest m;
  m.label = box.label;
  m.contents = box.contents;
  for (const JumbfSuperBox& part : box.boxes) {
    const std::string type = part.type();
    if (!UuidConsistent(part)) continue;  // a damaged type: not a C2PA box
    if (type == "c2cl") {
      m.claim_version = part.label == kClaimV2Label ? 2 : 1;
      const auto claim_bytes = ContentOf(part, "cbor");
      if (!claim_bytes) return Status::BadInput("claim box has no CBOR content");
      m.claim_bytes = *claim_bytes;
      HM_ASSIGN_OR_RETURN(std::optional<Cbor> claim, DecodeWithin(m.claim_bytes, "claim", budget));
      if (claim && claim->is_map()) m.claim = std::move(*claim);
    } else if (type == "c2cs") {
      const auto sig = ContentOf(part, "cbor");
      m.has_signature = sig.has_value();
      if (sig) m.signature_bytes = *sig;
      m.signature_contents = part.contents;
    } else if (type == "c2as") {
      for (const JumbfSuperBox& a : part.boxes) {
        if (++budget.assertions > budget.max_assertions) {
          return Status::BadInput("manifest store has more than " +
                                  std::to_string(budget.max_assertions) +
                                  " assertions (the limit of assertions per manifest store)");
        }
        AssertionBox ab;
        ab.label = a.label;
        ab.contents = a.contents;
        ab.box_type = a.type();
        if (ab.box_type == "cbor" && ContentOf(a, "cbor")) {
          HM_ASSIGN_OR_RETURN(ab.cbor, DecodeWithin(*ContentOf(a, "cbor"), a.label, budget));
        } else if (ab.box_type == "json" && ContentOf(a, "json")) {
          ab.json_text = std::string(ContentOf(a, "json")->AsStringView());
        }
        m.assertions.push_back(std::move(ab));
      }
    }
  }
  if (m.claim) ReadClaimFields(m);
  return m;
}

}  // namespace

const AssertionBox* Manifest::FindAssertion(const std::string& name) const {
  for (const AssertionBox& a : assertions) {
    if (a.label == name) return &a;
  }
  return nullptr;
}

Result<ManifestStore> ManifestStore::Parse(Bytes store, const ManifestStoreLimits& limits) {
  if (store.size() > limits.max_bytes) {
    return Status::BadInput("manifest store of " + std::to_string(store.size()) +
                            " bytes exceeds the limit of " + std::to_string(limits.max_bytes) +
                            " bytes per manifest store");
  }
  ManifestStore s;
  s.data_ = std::make_shared<const Bytes>(std::move(store));
  HM_ASSIGN_OR_RETURN(s.root_, ParseJumbf(*s.data_, limits.max_boxes));
  ParseBudget budget{CborBudget(limits.max_cbor_items, "CBOR items per manifest store"),
                     limits.max_assertions};
  if (s.root_.uuid != C2paUuid("c2pa") || s.root_.label != kStoreLabel) {
    return Status::BadInput("JUMBF store is not a C2PA manifest store (type " + s.root_.type() +
                            ")");
  }
  for (size_t i = 0; i < s.root_.boxes.size(); ++i) {
    const JumbfSuperBox& b = s.root_.boxes[i];
    const std::string type = b.type();
    if ((type != "c2ma" && type != "c2um") || b.uuid != C2paUuid(type)) continue;
    HM_ASSIGN_OR_RETURN(Manifest m, ParseManifest(b, budget));
    s.manifests_.push_back(std::move(m));
    s.manifest_boxes_.push_back(i);
  }
  return s;
}

const Manifest* ManifestStore::Find(const std::string& label) const {
  for (const Manifest& m : manifests_) {
    if (m.label == label) return &m;
  }
  return nullptr;
}

const JumbfSuperBox* ManifestStore::ResolveBox(const std::string& url, const Manifest& from,
                                               const Manifest** owner) const {
  const std::string prefix = "self#jumbf=";
  if (url.compare(0, prefix.size(), prefix) != 0) return nullptr;
  std::string path = url.substr(prefix.size());
  std::string manifest_label = from.label;
  if (!path.empty() && path[0] == '/') {
    // "/c2pa/<label>[/rest]"
    const std::string store_prefix = std::string("/") + kStoreLabel + "/";
    if (path.compare(0, store_prefix.size(), store_prefix) != 0) return nullptr;
    path = path.substr(store_prefix.size());
    const size_t slash = path.find('/');
    manifest_label = path.substr(0, slash);
    path = slash == std::string::npos ? "" : path.substr(slash + 1);
  }
  for (size_t i = 0; i < manifests_.size(); ++i) {
    if (manifests_[i].label != manifest_label) continue;
    const JumbfSuperBox* box = &root_.boxes[manifest_boxes_[i]];
    if (owner) *owner = &manifests_[i];
    size_t start = 0;
    while (box && start < path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      const std::string step = path.substr(start, end - start);
      box = box->Child(step);
      if (box && !UuidConsistent(*box)) box = nullptr;
      // The well-known boxes must also be of their own type, not just carry the label.
      if (box && step == kAssertionStoreLabel && box->uuid != C2paUuid("c2as")) box = nullptr;
      if (box && step == kSignatureLabel && box->uuid != C2paUuid("c2cs")) box = nullptr;
      start = end + 1;
    }
    return box;
  }
  return nullptr;
}

}  // namespace hallmark::provenance
