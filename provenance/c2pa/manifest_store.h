// A parsed C2PA manifest store: the JUMBF tree of the `c2pa` superbox, each manifest's claim
// (v1 `c2pa.claim` or v2 `c2pa.claim.v2`), signature box and assertion boxes, as views into the
// store's bytes, which the object owns. Parsing checks structure only; ManifestValidator judges.
#ifndef HALLMARK_PROVENANCE_C2PA_MANIFEST_STORE_H_
#define HALLMARK_PROVENANCE_C2PA_MANIFEST_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/c2pa/cbor.h"
#include "provenance/c2pa/jumbf.h"

namespace hallmark::provenance {

struct HashedUri {
  std::string url;
  Bytes hash;
  std::string alg;  // empty: the claim's
};

struct AssertionBox {
  std::string label;         // e.g. "c2pa.hash.data", "c2pa.actions.v2", "c2pa.thumbnail.claim"
  std::string box_type;      // "cbor", "json", or the description's four-cc
  ByteView contents;         // what a hashed URI covers
  std::optional<Cbor> cbor;  // decoded content of a cbor assertion (nullopt if undecodable)
  std::string json_text;     // content of a json assertion
};

struct Manifest {
  std::string label;          // "urn:c2pa:..." or "urn:uuid:..."
  ByteView contents;          // the manifest superbox's contents
  int claim_version = 0;      // 1 or 2; 0 when no claim box was found
  ByteView claim_bytes;       // the CBOR that the signature covers
  std::optional<Cbor> claim;  // nullopt when the CBOR does not decode
  bool has_signature = false;
  ByteView signature_bytes;     // COSE_Sign1
  ByteView signature_contents;  // the signature superbox's contents (ingredient v3 hash)
  std::vector<AssertionBox> assertions;

  // From the claim.
  std::vector<HashedUri> created_assertions;  // v1: "assertions"
  std::vector<HashedUri> gathered_assertions;
  std::string claim_alg = "sha256";
  std::string instance_id;
  std::string title;
  std::string signature_ref;  // the claim's "signature" URI
  std::string generator;      // claim_generator_info name (+ version)

  const AssertionBox* FindAssertion(const std::string& name) const;
};

// Bounds on one manifest store, so that a hostile file costs bounded memory and time whatever
// it claims. The defaults are far above what real stores hold (Hallmark writes some 5 KB, 100
// boxes, 10 assertions and 400 CBOR items per manifest; a long chain of parent manifests with
// thumbnails stays within a few MB) and keep the parsed form of a store under about 100 MB.
struct ManifestStoreLimits {
  size_t max_bytes = size_t{16} << 20;          // the JUMBF store as embedded: 16 MiB
  size_t max_boxes = 100000;                    // JUMBF boxes of every kind
  size_t max_assertions = 10000;                // assertion boxes, over all manifests
  uint64_t max_cbor_items = uint64_t{1} << 18;  // decoded CBOR items, all claims and assertions
};

class ManifestStore {
 public:
  // Fails with BadInput when the JUMBF is malformed, is not a C2PA store, or exceeds one of
  // `limits` (the message names the limit). A claim or assertion that is not valid CBOR is no
  // error here (Manifest::claim / AssertionBox::cbor stay empty), running out of the CBOR item
  // budget is.
  static Result<ManifestStore> Parse(Bytes store, const ManifestStoreLimits& limits = {});

  const std::vector<Manifest>& manifests() const { return manifests_; }
  // The active manifest is the last one in the store.
  const Manifest* active() const { return manifests_.empty() ? nullptr : &manifests_.back(); }
  const Manifest* Find(const std::string& label) const;
  const JumbfSuperBox& root() const { return root_; }
  ByteView bytes() const { return *data_; }

  // Resolves "self#jumbf=..." against `from`: "c2pa.assertions/x" (relative) or
  // "/c2pa/<manifest>/c2pa.assertions/x" (absolute). Returns the superbox and its manifest.
  const JumbfSuperBox* ResolveBox(const std::string& url, const Manifest& from,
                                  const Manifest** owner = nullptr) const;

 private:
  std::shared_ptr<const Bytes> data_;
  JumbfSuperBox root_;
  std::vector<Manifest> manifests_;
  std::vector<size_t> manifest_boxes_;  // index in root_.boxes of each manifest
};

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_MANIFEST_STORE_H_
