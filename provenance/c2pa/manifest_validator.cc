#include "provenance/c2pa/manifest_validator.h"

#include <openssl/evp.h>
#include <openssl/ts.h>

#include <algorithm>
#include <optional>

#include "base/hex.h"
#include "base/utf8.h"
#include "image/codec.h"
#include "provenance/c2pa/c2pa_labels.h"
#include "provenance/c2pa/cose_sign1.h"
#include "provenance/c2pa/manifest_container.h"
#include "provenance/c2pa/manifest_store.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/ocsp_staple.h"
#include "provenance/pki/signer.h"
#include "provenance/pki/time_stamp.h"
#include "provenance/xmp/xmp_metadata.h"

namespace hallmark::provenance {
namespace {

using namespace status;  // NOLINT(build/namespaces): the status codes read best unqualified

std::time_t AsnTime(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

const EVP_MD* DigestByName(const std::string& alg) {
  if (alg == "sha256") return EVP_sha256();
  if (alg == "sha384") return EVP_sha384();
  if (alg == "sha512") return EVP_sha512();
  return nullptr;
}

Bytes Digest(const EVP_MD* md, ByteView data) {
  Bytes out(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr);
  out.resize(n);
  return out;
}

// The RFC 3161 token in the COSE unprotected header and the bytes it must be over: sigTst2
// (claim v2) is over the countersignature of the signature, sigTst (v1, read but never written)
// over the countersignature of the claim. Either holds a TimeStampResp or a bare token.
struct FoundTimeStamp {
  bool present = false;
  Bytes token;
  Bytes stamped;
};

FoundTimeStamp FindTimeStamp(const CoseSign1& cose, ByteView claim) {
  FoundTimeStamp found;
  const Cbor* tst = cose.unprotected_header.Find("sigTst2");
  const bool v2 = tst != nullptr;
  if (!tst) tst = cose.unprotected_header.Find("sigTst");
  if (!tst) return found;
  found.present = true;
  const Cbor* tokens = tst->Find("tstTokens");
  if (!tokens || !tokens->is_array() || tokens->items().size() != 1) return found;  // malformed
  const Cbor* val = tokens->items()[0].Find("val");
  if (!val || !val->is_bytes()) return found;
  found.token = TimeStampTokenOf(val->bytes());
  found.stamped = v2 ? CoseTimeStampedData(cose.protected_bytes, cose.signature)
                     : CoseCountersignStructure(cose.protected_bytes, claim);
  return found;
}

// The signer's stapled OCSP status (rVals), judged at `at`; nullopt when none is stapled.
// `issuer` is the certificate whose key signed `leaf` (TrustStore::FindIssuer).
std::optional<StapleCheck> CheckStaple(const CoseSign1& cose, X509* leaf, X509* issuer,
                                       std::time_t at) {
  const Cbor* rvals = cose.unprotected_header.Find("rVals");
  if (rvals == nullptr) return std::nullopt;
  StapleCheck check;
  const Cbor* ocsp = rvals->Find("ocspVals");
  if (ocsp == nullptr || !ocsp->is_array() || ocsp->items().empty()) {
    check.detail = "stapled OCSP response ignored: rVals holds no ocspVals response";
    return check;
  }
  if (issuer == nullptr) {
    check.detail = "stapled OCSP response ignored: the signer's issuer is not at hand";
    return check;
  }
  // Several staples may be present (C2PA 2.2 §10.3.2.6); the first that is believed counts.
  for (const Cbor& response : ocsp->items()) {
    if (!response.is_bytes()) continue;
    check = CheckOcspStaple(response.bytes(), leaf, issuer, at);
    if (check.state != StapleState::kInvalid) break;
  }
  return check;
}

using ByteRanges = std::vector<std::pair<uint64_t, uint64_t>>;  // (start, length)

// Sorted, empty ranges dropped, touching or overlapping ranges joined: two lists of ranges
// cover the same bytes exactly when their normal forms are equal.
ByteRanges Normalized(ByteRanges ranges) {
  std::sort(ranges.begin(), ranges.end());
  ByteRanges out;
  for (const auto& [start, length] : ranges) {
    if (length == 0) continue;
    if (!out.empty() && start <= out.back().first + out.back().second) {
      const uint64_t end = std::max(out.back().first + out.back().second, start + length);
      out.back().second = end - out.back().first;
    } else {
      out.emplace_back(start, length);
    }
  }
  return out;
}

std::string DescribeRanges(const ByteRanges& ranges) {
  if (ranges.empty()) return "none";
  std::string s;
  for (const auto& [start, length] : ranges) {
    if (!s.empty()) s += ", ";
    s += std::to_string(start) + "+" + std::to_string(length);
  }
  return s;
}

bool IsHardBinding(const std::string& label) {
  return label == kDataHashLabel || label.rfind("c2pa.hash.boxes", 0) == 0 ||
         label.rfind("c2pa.hash.bmff", 0) == 0 || label.rfind("c2pa.hash.collection", 0) == 0;
}

std::string BaseLabel(const std::string& label) {
  // "c2pa.ingredient__1" -> "c2pa.ingredient" (multiple instances of one label)
  const size_t pos = label.find("__");
  return pos == std::string::npos ? label : label.substr(0, pos);
}

class Validation {
 public:
  Validation(ByteView file, const TrustStore& trust, const VerifyOptions& options,
             VerificationReport& report)
      : file_(file), trust_(trust), options_(options), r_(report) {}

  void Run(const ManifestStore& store, const EmbeddedStore& embedded);

 private:
  void Fail(const char* code, const std::string& url, const std::string& why) {
    r_.failure.push_back({code, url, why});
  }
  void Ok(const char* code, const std::string& url, const std::string& why) {
    r_.success.push_back({code, url, why});
  }
  void Info(const char* code, const std::string& url, const std::string& why) {
    r_.informational.push_back({code, url, why});
  }

  void CheckSignature(const Manifest& m);
  void CheckAssertions(const ManifestStore& store, const Manifest& m);
  void CheckDataHash(const Manifest& m, const AssertionBox& a, const std::string& url);
  void CheckInstanceId(const Manifest& m, const std::string& url);
  void CheckIngredients(const ManifestStore& store, const Manifest& m);
  void Describe(const Manifest& m);

  ByteView file_;
  const TrustStore& trust_;
  const VerifyOptions& options_;
  VerificationReport& r_;
  std::string sig_url_;
  ByteRanges store_ranges_;  // where the manifest store sits in the file
};

void Validation::Run(const ManifestStore& store, const EmbeddedStore& embedded) {
  for (const auto& [start, length] : embedded.ranges) store_ranges_.emplace_back(start, length);
  store_ranges_ = Normalized(std::move(store_ranges_));
  const Manifest* m = store.active();
  if (!m) {
    Fail(kClaimMissing, "self#jumbf=/c2pa", "the store holds no manifest");
    return;
  }
  r_.active_manifest = m->label;
  r_.claim_version = m->claim_version;
  const std::string base = "self#jumbf=/c2pa/" + m->label;
  if (m->claim_version == 0) {
    Fail(kClaimMissing, base, "the active manifest has no claim");
    return;
  }
  if (!m->claim) {
    Fail(kClaimCborInvalid, base + "/" + (m->claim_version == 2 ? kClaimV2Label : kClaimV1Label),
         "the claim is not valid CBOR");
    return;
  }
  sig_url_ = base + "/" + kSignatureLabel;
  Describe(*m);
  // The claim names its signature box; a claim moved under another label no longer finds it.
  const Manifest* sig_owner = nullptr;
  const JumbfSuperBox* sig_box = store.ResolveBox(m->signature_ref, *m, &sig_owner);
  if (!sig_box || sig_owner != m || sig_box->type() != "c2cs") {
    Fail(kClaimSignatureMissing, m->signature_ref.empty() ? sig_url_ : m->signature_ref,
         "the claim's signature reference does not lead to this manifest's signature");
    return;
  }
  CheckSignature(*m);
  CheckAssertions(store, *m);
  CheckIngredients(store, *m);
}

void Validation::Describe(const Manifest& m) {
  r_.instance_id = m.instance_id;
  r_.claim_generator = m.generator;
  r_.title = m.title;
  for (const AssertionBox& a : m.assertions) {
    if (a.cbor) {
      r_.assertions[a.label] = a.cbor->ToJson();
    } else if (!a.json_text.empty()) {
      auto j = nlohmann::json::parse(a.json_text, nullptr, false);
      // Unparseable JSON is shown as text, and may be invalid UTF-8 too (the parser says so).
      r_.assertions[a.label] =
          j.is_discarded() ? nlohmann::json(ReplaceInvalidUtf8(a.json_text)) : j;
    } else {
      r_.assertions[a.label] = "<" + a.box_type + " box>";
    }
    const std::string base = BaseLabel(a.label);
    if (!a.cbor) continue;
    if (base == kActionsV2Label || base == kActionsV1Label) {
      if (const Cbor* actions = a.cbor->Find("actions"); actions && actions->is_array()) {
        for (const Cbor& act : actions->items()) {
          const Cbor* dst = act.Find("digitalSourceType");
          if (dst && dst->is_text() && r_.digital_source_type.empty()) {
            r_.digital_source_type = dst->text();
          }
        }
      }
    } else if (base == kHallmarkGenerationLabel) {
      if (const Cbor* id = a.cbor->Find("asset_id"); id && id->is_text()) r_.asset_id = id->text();
    } else if (base == kSoftBindingLabel) {
      if (const Cbor* alg = a.cbor->Find("alg"); alg && alg->is_text()) {
        r_.watermark_algorithm = alg->text();
      }
      const Cbor* blocks = a.cbor->Find("blocks");
      if (blocks && blocks->is_array() && !blocks->items().empty()) {
        const Cbor* value = blocks->items()[0].Find("value");
        if (value && value->is_text()) {
          auto decoded = HexDecode(value->text(), "soft-binding value");
          if (decoded.ok()) r_.watermark_payload = *decoded;
        }
      }
    } else if (base.rfind("c2pa.ingredient", 0) == 0) {
      const Cbor* title = a.cbor->Find("dc:title");
      r_.ingredients.push_back(title && title->is_text() ? title->text() : a.label);
    }
  }
}

void Validation::CheckSignature(const Manifest& m) {
  if (!m.has_signature) {
    Fail(kClaimSignatureMissing, sig_url_, "the manifest has no signature box");
    return;
  }
  auto cose = ParseCoseSign1(m.signature_bytes);
  if (!cose.ok()) {
    Fail(kClaimSignatureMismatch, sig_url_, cose.status().message());
    return;
  }
  if (!cose->alg) {
    Fail(kAlgorithmUnsupported, sig_url_, "the signature names no algorithm");
    return;
  }
  auto alg = CoseAlgorithmFromId(*cose->alg);
  if (!alg.ok()) {
    Fail(kAlgorithmUnsupported, sig_url_, alg.status().message());
    return;
  }
  r_.signature_algorithm = CoseAlgorithmName(*alg);
  if (cose->x5chain.empty()) {
    Fail(kSigningCredentialInvalid, sig_url_, "the signature carries no certificate (x5chain)");
    return;
  }
  std::vector<UniqueX509> chain;
  for (size_t i = 0; i < cose->x5chain.size(); ++i) {
    auto cert = ParseCertificateDer(cose->x5chain[i], "x5chain[" + std::to_string(i) + "]");
    if (!cert.ok()) {
      Fail(kSigningCredentialInvalid, sig_url_, cert.status().message());
      return;
    }
    chain.push_back(std::move(*cert));
  }
  X509* leaf = chain.front().get();
  if (X509_get0_pubkey(leaf) == nullptr) {
    DrainOpenSslErrors();
    Fail(kSigningCredentialInvalid, sig_url_, "the signing certificate's public key is unusable");
    return;
  }
  r_.signer_subject = X509NameString(X509_get_subject_name(leaf));
  r_.signer_issuer = X509NameString(X509_get_issuer_name(leaf));
  r_.signer_not_before = AsnTime(X509_get0_notBefore(leaf));
  r_.signer_not_after = AsnTime(X509_get0_notAfter(leaf));

  auto verified =
      VerifyRaw(*alg, X509_get0_pubkey(leaf),
                CoseSigStructure(cose->protected_bytes, m.claim_bytes), cose->signature);
  if (!verified.ok() || !*verified) {
    Fail(kClaimSignatureMismatch, sig_url_, "the claim signature does not verify");
  } else {
    Ok(kClaimSignatureValidated, sig_url_, "claim signature valid");
  }

  const std::string problem = C2paSignerProfileProblem(leaf);
  if (!problem.empty()) {
    Fail(kSigningCredentialInvalid, sig_url_, problem);
    return;
  }

  // Certificate validity at the signing time: the time-stamp's when a trusted TSA vouches for
  // it (C2PA 2.2 §15.8.2), else now. A time-stamp that does not check out is reported and
  // ignored, never believed: otherwise anyone could revive an expired certificate.
  std::time_t at = options_.now ? options_.now : std::time(nullptr);
  bool attested = false;
  const FoundTimeStamp found = FindTimeStamp(*cose, m.claim_bytes);
  if (found.present) {
    const TimeStampCheck tst =
        VerifyTimeStampToken(found.token, found.stamped, trust_.tsa_anchors());
    r_.time_stamp = tst.gen_time;
    switch (tst.state) {
      case TimeStampState::kTrusted:
        Ok("timeStamp.trusted", sig_url_, "time-stamped by " + tst.tsa);
        Ok("timeStamp.validated", sig_url_, "the time-stamp is over this signature");
        at = tst.gen_time;
        attested = true;
        r_.time_stamp_trusted = true;
        break;
      case TimeStampState::kUntrusted:
        Info("timeStamp.untrusted", sig_url_, tst.detail);
        break;
      case TimeStampState::kMismatch:
        Info("timeStamp.mismatch", sig_url_, tst.detail);
        break;
      case TimeStampState::kMalformed:
        Info("timeStamp.malformed", sig_url_, tst.detail.empty() ? "not a time-stamp" : tst.detail);
        break;
    }
  }
  for (const auto& c : chain) {
    if (at < AsnTime(X509_get0_notBefore(c.get())) || at > AsnTime(X509_get0_notAfter(c.get()))) {
      Fail(kSigningCredentialExpired, sig_url_,
           "certificate " + X509NameString(X509_get_subject_name(c.get())) +
               " is outside its validity period" + (attested ? " at the time-stamp" : ""));
      break;
    }
  }

  std::vector<X509*> intermediates;
  for (size_t i = 1; i < chain.size(); ++i) intermediates.push_back(chain[i].get());
  const ChainCheck trust = trust_.Check(leaf, intermediates);
  // A staple is judged only for a trusted signer: its responder must be the trusted issuer's.
  const std::optional<StapleCheck> staple =
      trust.trusted ? CheckStaple(*cose, leaf, trust_.FindIssuer(leaf, intermediates), at)
                    : std::nullopt;
  const bool staple_revoked =
      staple && staple->state == StapleState::kRevoked && !(attested && staple->revoked_at > at);
  if (!trust.trusted) {
    Fail(kSigningCredentialUntrusted, sig_url_, "signer not in the trust store: " + trust.detail);
  } else if (trust.revoked && !(attested && trust.revoked_at > at)) {
    Fail(kSigningCredentialRevoked, sig_url_, trust.detail);
  } else if (staple_revoked) {
    Fail(kSigningCredentialRevoked, sig_url_, staple->detail);
  } else {
    if (staple) {
      switch (staple->state) {
        case StapleState::kGood:
          Ok("signingCredential.ocsp.notRevoked", sig_url_, staple->detail);
          break;
        case StapleState::kRevoked:  // after a trusted time-stamp: the signature stands (§15.9)
          Info("signingCredential.ocsp.notRevoked", sig_url_,
               staple->detail + " after the time-stamp");
          break;
        case StapleState::kUnknown:
          Info("signingCredential.ocsp.unknown", sig_url_, staple->detail);
          break;
        case StapleState::kInvalid:
          Info("signingCredential.ocsp.inaccessible", sig_url_, staple->detail);
          break;
      }
    }
    // Revoked only after a trusted time-stamp says it signed: the signature stands (§15.9).
    if (trust.revoked) {
      Info("signingCredential.ocsp.notRevoked", sig_url_,
           "revoked after the time-stamp: " + trust.detail);
    }
    Ok(kSigningCredentialTrusted, sig_url_, "signer chains to a trust anchor");
  }
}

void Validation::CheckAssertions(const ManifestStore& store, const Manifest& m) {
  std::vector<HashedUri> refs = m.created_assertions;
  refs.insert(refs.end(), m.gathered_assertions.begin(), m.gathered_assertions.end());
  int hard_bindings = 0;
  const AssertionBox* data_hash = nullptr;
  std::string data_hash_url;
  for (const HashedUri& ref : refs) {
    const Manifest* owner = nullptr;
    const JumbfSuperBox* box = store.ResolveBox(ref.url, m, &owner);
    if (!box) {
      Fail(kAssertionMissing, ref.url, "the claim names an assertion that is not in the store");
      continue;
    }
    const EVP_MD* md = DigestByName(ref.alg.empty() ? m.claim_alg : ref.alg);
    if (!md) {
      Fail(kAlgorithmUnsupported, ref.url, "unsupported hash algorithm");
      continue;
    }
    if (Digest(md, box->contents) != ref.hash) {
      Fail(kAssertionHashedUriMismatch, ref.url,
           "the assertion does not match its hash in the claim");
    } else {
      Ok(kAssertionHashedUriMatch, ref.url, "hashed URI matched: " + box->label);
    }
    if (owner == &m && IsHardBinding(BaseLabel(box->label))) {
      ++hard_bindings;
      if (BaseLabel(box->label) == kDataHashLabel) {
        data_hash = m.FindAssertion(box->label);
        data_hash_url = ref.url;
      }
    }
  }
  if (hard_bindings == 0) {
    Fail(kHardBindingsMissing, "self#jumbf=/c2pa/" + m.label, "the claim has no hard binding");
    return;
  }
  if (hard_bindings > 1) {
    Fail(kAssertionMultipleHardBindings, "self#jumbf=/c2pa/" + m.label,
         "the claim has more than one hard binding");
    return;
  }
  if (!data_hash) {
    Info(kAlgorithmUnsupported, "self#jumbf=/c2pa/" + m.label,
         "hard binding type not supported by this validator (only c2pa.hash.data)");
    return;
  }
  CheckDataHash(m, *data_hash, data_hash_url);
}

void Validation::CheckDataHash(const Manifest& m, const AssertionBox& a, const std::string& url) {
  const Cbor* hash = a.cbor ? a.cbor->Find("hash") : nullptr;
  const Cbor* exclusions = a.cbor ? a.cbor->Find("exclusions") : nullptr;
  std::string alg_name = m.claim_alg;
  if (a.cbor) {
    if (const Cbor* alg = a.cbor->Find("alg"); alg && alg->is_text()) alg_name = alg->text();
  }
  const EVP_MD* md = DigestByName(alg_name);
  if (!hash || !hash->is_bytes() || (exclusions && !exclusions->is_array()) || !md) {
    Fail(kAssertionDataHashMalformed, url, "c2pa.hash.data is malformed");
    return;
  }
  ByteRanges ranges;
  if (exclusions) {
    for (const Cbor& e : exclusions->items()) {
      const Cbor* start = e.Find("start");
      const Cbor* length = e.Find("length");
      if (!start || !length || !start->is_int() || !length->is_int() || start->negative() ||
          length->negative()) {
        Fail(kAssertionDataHashMalformed, url, "exclusion range is malformed");
        return;
      }
      if (start->magnitude() > file_.size() ||
          length->magnitude() > file_.size() - start->magnitude()) {
        Fail(kAssertionDataHashMismatch, url, "exclusion ranges fall outside the file");
        return;
      }
      ranges.emplace_back(start->magnitude(), length->magnitude());
    }
  }
  // C2PA 2.2 §18.5: the excluded bytes must be the manifest store and nothing else, or they
  // could hide changed pixels from the hash; anything else is assertion.dataHash.mismatch.
  ranges = Normalized(std::move(ranges));
  if (ranges != store_ranges_) {
    Fail(kAssertionDataHashMismatch, url,
         "the exclusions (" + DescribeRanges(ranges) +
             ") are not exactly the bytes of the manifest store (" + DescribeRanges(store_ranges_) +
             ")");
    CheckInstanceId(m, url);
    return;
  }
  UniqueMdCtx ctx(EVP_MD_CTX_new());
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  uint64_t pos = 0;  // the ranges are sorted, disjoint and inside the file
  for (const auto& [start, length] : ranges) {
    EVP_DigestUpdate(ctx.get(), file_.data() + pos, start - pos);
    pos = start + length;
  }
  EVP_DigestUpdate(ctx.get(), file_.data() + pos, file_.size() - pos);
  Bytes digest(EVP_MAX_MD_SIZE);
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx.get(), digest.data(), &n);
  digest.resize(n);
  if (digest == hash->bytes()) {
    Ok(kAssertionDataHashMatch, url, "the image bytes match the signed hash");
    return;
  }
  Fail(kAssertionDataHashMismatch, url, "the image bytes differ from the signed hash");
  CheckInstanceId(m, url);
}

void Validation::CheckInstanceId(const Manifest& m, const std::string& url) {
  // A manifest lifted onto another file also disagrees with that file's own XMP instance id.
  // A file without one proves nothing either way, so it stays "content altered".
  const auto xmp_id = FindXmpInstanceId(file_);
  if (!m.instance_id.empty() && xmp_id && *xmp_id != m.instance_id) {
    Fail(kInstanceIdMismatch, url,
         "the file's xmpMM:InstanceID (" + *xmp_id +
             ") differs from the claim's instanceID: the manifest belongs to another file");
  }
}

void Validation::CheckIngredients(const ManifestStore& store, const Manifest& m) {
  for (const AssertionBox& a : m.assertions) {
    if (BaseLabel(a.label).rfind("c2pa.ingredient", 0) != 0 || !a.cbor) continue;
    const Cbor* ref = a.cbor->Find("activeManifest");
    if (!ref) ref = a.cbor->Find("c2pa_manifest");
    if (!ref) continue;  // an ingredient without provenance of its own
    const Cbor* url = ref->Find("url");
    const Cbor* hash = ref->Find("hash");
    if (!url || !url->is_text() || !hash || !hash->is_bytes()) {
      Fail(kIngredientManifestMissing, a.label, "ingredient manifest reference is malformed");
      continue;
    }
    const JumbfSuperBox* box = store.ResolveBox(url->text(), m);
    if (!box) {
      Fail(kIngredientManifestMissing, url->text(),
           "the ingredient's manifest is not in the store");
      continue;
    }
    const Cbor* alg = ref->Find("alg");
    const EVP_MD* md = DigestByName(alg && alg->is_text() ? alg->text() : m.claim_alg);
    if (md && Digest(md, box->contents) == hash->bytes()) {
      Ok(kIngredientManifestValidated, url->text(), "ingredient manifest matches");
    } else {
      Fail(kIngredientManifestMismatch, url->text(), "ingredient manifest does not match its hash");
    }
  }
}

Verdict Summarize(const VerificationReport& r) {
  auto has = [&](const char* code) { return r.HasFailure(code); };
  if (has(kClaimMissing) && r.active_manifest.empty() && r.claim_version == 0 &&
      r.failure.size() == 1 && r.failure[0].url.empty()) {
    return Verdict::kNoManifest;
  }
  if (has(kClaimMalformed) || has(kClaimMissing) || has(kClaimCborInvalid) ||
      has(kClaimSignatureMissing)) {
    return Verdict::kManifestMalformed;
  }
  if (has(kClaimSignatureMismatch)) return Verdict::kSignatureMismatch;
  if (has(kSigningCredentialInvalid) || has(kAlgorithmUnsupported)) {
    return Verdict::kCredentialInvalid;
  }
  if (has(kAssertionHashedUriMismatch) || has(kAssertionMissing) ||
      has(kAssertionDataHashMalformed) || has(kHardBindingsMissing) ||
      has(kAssertionMultipleHardBindings)) {
    return Verdict::kAssertionTampered;
  }
  if (has(kInstanceIdMismatch)) return Verdict::kManifestTransplanted;
  if (has(kAssertionDataHashMismatch)) return Verdict::kContentAltered;
  if (has(kIngredientManifestMismatch) || has(kIngredientManifestMissing)) {
    return Verdict::kAssertionTampered;
  }
  if (has(kSigningCredentialRevoked)) return Verdict::kCredentialRevoked;
  if (has(kSigningCredentialExpired)) return Verdict::kCredentialExpired;
  if (has(kSigningCredentialUntrusted)) return Verdict::kUntrusted;
  return Verdict::kTrusted;
}

}  // namespace

const char* ValidationStateName(ValidationState s) {
  switch (s) {
    case ValidationState::kNoManifest:
      return "None";
    case ValidationState::kInvalid:
      return "Invalid";
    case ValidationState::kValid:
      return "Valid";
    case ValidationState::kTrusted:
      return "Trusted";
  }
  return "?";
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kTrusted:
      return "trusted";
    case Verdict::kUntrusted:
      return "untrusted";
    case Verdict::kNoManifest:
      return "no_manifest";
    case Verdict::kManifestMalformed:
      return "manifest_malformed";
    case Verdict::kSignatureMismatch:
      return "signature_mismatch";
    case Verdict::kCredentialInvalid:
      return "credential_invalid";
    case Verdict::kAssertionTampered:
      return "assertion_tampered";
    case Verdict::kManifestTransplanted:
      return "manifest_transplanted";
    case Verdict::kContentAltered:
      return "content_altered";
    case Verdict::kCredentialRevoked:
      return "credential_revoked";
    case Verdict::kCredentialExpired:
      return "credential_expired";
  }
  return "?";
}

bool VerificationReport::HasFailure(const std::string& code) const {
  return std::any_of(failure.begin(), failure.end(),
                     [&](const StatusEntry& e) { return e.code == code; });
}

bool VerificationReport::HasSuccess(const std::string& code) const {
  return std::any_of(success.begin(), success.end(),
                     [&](const StatusEntry& e) { return e.code == code; });
}

nlohmann::json VerificationReport::ToJson() const {
  auto entries = [](const std::vector<StatusEntry>& list) {
    nlohmann::json a = nlohmann::json::array();
    for (const StatusEntry& e : list) {
      nlohmann::json j = {{"code", e.code}, {"explanation", e.explanation}};
      if (!e.url.empty()) j["url"] = e.url;
      a.push_back(j);
    }
    return a;
  };
  nlohmann::json j = {
      {"validation_state", ValidationStateName(state)},
      {"verdict", VerdictName(verdict)},
      {"active_manifest", active_manifest},
      {"claim_version", claim_version},
      {"validation_results",
       {{"success", entries(success)},
        {"informational", entries(informational)},
        {"failure", entries(failure)}}},
  };
  if (!active_manifest.empty()) {
    j["instance_id"] = instance_id;
    j["claim_generator"] = claim_generator;
    if (!title.empty()) j["title"] = title;
    j["signature"] = {{"algorithm", signature_algorithm},
                      {"subject", signer_subject},
                      {"issuer", signer_issuer},
                      {"not_before", signer_not_before},
                      {"not_after", signer_not_after}};
    if (time_stamp != 0) {
      j["signature"]["time_stamp"] = {{"time", time_stamp}, {"trusted", time_stamp_trusted}};
    }
    if (!digital_source_type.empty()) j["digital_source_type"] = digital_source_type;
    if (!asset_id.empty()) j["asset_id"] = asset_id;
    if (!watermark_algorithm.empty()) {
      j["watermark"] = {{"algorithm", watermark_algorithm},
                        {"payload", HexEncode(watermark_payload)}};
    }
    if (!ingredients.empty()) j["ingredients"] = ingredients;
    j["assertions"] = assertions;
  }
  return j;
}

Result<VerificationReport> VerifyImage(ByteView file, const TrustStore& trust,
                                       const VerifyOptions& options) {
  HM_ASSIGN_OR_RETURN(image::Format format, image::SniffFormat(file));
  HM_ASSIGN_OR_RETURN(auto embedded, FindManifestStore(file, format));
  VerificationReport report;
  if (!embedded) {
    report.failure.push_back({kClaimMissing, "", "the file carries no C2PA manifest"});
    report.state = ValidationState::kNoManifest;
    report.verdict = Verdict::kNoManifest;
    return report;
  }
  auto store = ManifestStore::Parse(embedded->store);
  if (!store.ok()) {
    report.failure.push_back({kClaimMalformed, "self#jumbf=/c2pa", store.status().message()});
  } else {
    Validation(file, trust, options, report).Run(*store, *embedded);
  }
  report.verdict = Summarize(report);
  const bool only_untrusted =
      std::all_of(report.failure.begin(), report.failure.end(),
                  [](const StatusEntry& e) { return e.code == kSigningCredentialUntrusted; });
  if (!only_untrusted) {
    report.state = ValidationState::kInvalid;
  } else if (report.failure.empty()) {
    report.state = ValidationState::kTrusted;
  } else {
    report.state = ValidationState::kValid;
  }
  return report;
}

}  // namespace hallmark::provenance
