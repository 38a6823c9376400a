#include "provenance/manifest_store.h"

#include "provenance/c2pa_labels.h"

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
  const Cbor* info = claim.Find("claim_generator_info");
  if (info && info->is_array() && !info->items().empty()) info = &info->items()[0];
  if (info && info->is_map()) {
    m.generator = TextOf(info->Find("name"));
    const std::string version = TextOf(info->Find("version"));
    if (!version.empty()) m.generator += " " + version;
  }
  if (m.generator.empty()) m.generator = TextOf(claim.Find("claim_generator"));
}

Result<Manifest> ParseManifest(const JumbfSuperBox& box) {
  Manifest m;
  m.label = box.label;
  m.contents = box.contents;
  for (const JumbfSuperBox& part : box.boxes) {
    const std::string type = part.type();
    if (type == "c2cl") {
      m.claim_version = part.label == kClaimV2Label ? 2 : 1;
      if (part.content.empty()) return Status::BadInput("claim box has no content");
      m.claim_bytes = part.content.front().payload;
      auto claim = CborDecode(m.claim_bytes, "claim");
      if (claim.ok() && claim->is_map()) m.claim = std::move(*claim);
    } else if (type == "c2cs") {
      m.has_signature = !part.content.empty();
      if (m.has_signature) m.signature_bytes = part.content.front().payload;
      m.signature_contents = part.contents;
    } else if (type == "c2as") {
      for (const JumbfSuperBox& a : part.boxes) {
        AssertionBox ab;
        ab.label = a.label;
        ab.contents = a.contents;
        ab.box_type = a.type();
        if (ab.box_type == "cbor" && !a.content.empty()) {
          auto c = CborDecode(a.content.front().payload, a.label);
          if (c.ok()) ab.cbor = std::move(*c);
        } else if (ab.box_type == "json" && !a.content.empty()) {
          ab.json_text = std::string(a.content.front().payload.AsStringView());
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

Result<ManifestStore> ManifestStore::Parse(Bytes store) {
  ManifestStore s;
  s.data_ = std::make_shared<const Bytes>(std::move(store));
  HM_ASSIGN_OR_RETURN(s.root_, ParseJumbf(*s.data_));
  if (s.root_.type() != "c2pa") {
    return Status::BadInput("JUMBF store is not a C2PA manifest store (type " + s.root_.type() +
                            ")");
  }
  for (size_t i = 0; i < s.root_.boxes.size(); ++i) {
    const JumbfSuperBox& b = s.root_.boxes[i];
    const std::string type = b.type();
    if (type != "c2ma" && type != "c2um") continue;
    HM_ASSIGN_OR_RETURN(Manifest m, ParseManifest(b));
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
      box = box->Child(path.substr(start, end - start));
      start = end + 1;
    }
    return box;
  }
  return nullptr;
}

}  // namespace hallmark::provenance
