// SignImage: the per-image call that turns an encoded PNG or JPEG into one that carries IPTC/XMP
// labels and a signed C2PA manifest (claim v2).
//
// Order of operations (any metadata rewrite after signing would break the hard binding):
//   1. an existing manifest store is taken out (and cited as the parent ingredient);
//   2. XMP is written with exiv2 (DigitalSourceType, AI system, rights, TC260:AIGC, InstanceID);
//   3. the assertions are built; the store's final size is fixed up front (the hash.data
//      assertion and the signature are padded to reserved sizes), so the exclusion range, which
//      covers the whole caBX chunk / APP11 run, is known before hashing;
//   4. the file is hashed minus that range (= the file before insertion), the claim is built and
//      signed (COSE_Sign1, detached), and the store is spliced in after IHDR / SOI+APP0/APP1.
#ifndef HALLMARK_PROVENANCE_C2PA_IMAGE_SIGNER_H_
#define HALLMARK_PROVENANCE_C2PA_IMAGE_SIGNER_H_

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "image/codec.h"
#include "provenance/c2pa/manifest_spec.h"
#include "provenance/pki/ocsp_responder.h"
#include "provenance/pki/signer.h"
#include "provenance/pki/time_stamp.h"
#include "provenance/pki/trust_store.h"

namespace hallmark::provenance {

struct SignOptions {
  // The parent image (with its own manifest) of a derived image: its manifests are copied into
  // the new store and a c2pa.ingredient.v3 assertion with relationship parentOf cites the active
  // one. Empty: when the input itself carries a manifest, that one is the parent.
  ByteView parent;
  std::string parent_title;
  // The parent is validated against this store when its validation results are recorded in the
  // ingredient (C2PA asks for how it validated when used); null: an empty store, so a parent from
  // any signer is recorded as signingCredential.untrusted. Must outlive the call.
  const TrustStore* ingredient_trust = nullptr;
  // Time-stamps the claim signature (sigTst2) when given; must outlive the call.
  const TimeStamper* time_stamper = nullptr;
  // Staples the signing certificate's OCSP status (rVals) from the studio's own responder when
  // given (OcspResponder::Staple); must outlive the call.
  OcspResponder* ocsp_responder = nullptr;
};

Result<Bytes> SignImage(ByteView encoded_image, image::Format format, const ManifestSpec& spec,
                        const Signer& signer, const SignOptions& options = {});

// "urn:c2pa:<uuid4>" and "xmp.iid:<uuid4>" style identifiers.
std::string NewUuid4();

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_IMAGE_SIGNER_H_
