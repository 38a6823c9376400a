// The verdict table of `hallmark verify`, decided from evidence alone: every C2PA verdict with and
// without a watermark, manifest/watermark disagreement, and every ledger outcome behind a
// watermark. Also the report names and renderings the verdict is published through.
#define BOOST_TEST_MODULE pipeline_verdict
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>
#include <vector>

#include "pipeline/asset_verifier.h"
#include "pipeline/evidence.h"
#include "pipeline/verdict.h"

using namespace hallmark;
using namespace hallmark::pipeline;
using C2pa = provenance::Verdict;

namespace {

const char* const kAssetA = "hm-00000000000000aa";
const char* const kAssetB = "hm-00000000000000bb";

ManifestEvidence NoManifest() { return {}; }

// A manifest as ReadManifest would describe it for this C2PA verdict.
ManifestEvidence Manifest(C2pa verdict, const std::string& failure = "",
                          const std::string& asset_id = kAssetA) {
  ManifestEvidence m;
  m.c2pa_verdict = verdict;
  m.state = verdict == C2pa::kTrusted || verdict == C2pa::kUntrusted ? ManifestState::kValid
                                                                     : ManifestState::kInvalid;
  m.failure = failure;
  m.signer = verdict == C2pa::kCredentialRevoked ? SignerTrust::kRevoked
             : verdict == C2pa::kUntrusted       ? SignerTrust::kUntrusted
                                                 : SignerTrust::kTrusted;
  m.signer_subject = "CN=Studio";
  m.binding = verdict == C2pa::kContentAltered || verdict == C2pa::kManifestTransplanted
                  ? Binding::kPixelsChanged
                  : Binding::kIntact;
  m.asset_id = asset_id;
  return m;
}

WatermarkEvidence NoKey() { return {}; }

WatermarkEvidence NotFound() {
  WatermarkEvidence w;
  w.state = WatermarkState::kNotFound;
  w.false_positive_probability = 0.5;
  return w;
}

WatermarkEvidence Found(const std::string& asset_id) {
  WatermarkEvidence w;
  w.state = WatermarkState::kFound;
  w.payload_hex = asset_id.substr(3);
  w.asset_id = asset_id;
  w.false_positive_probability = 1e-12;
  w.score = 9.5;
  return w;
}

LedgerEvidence NoLedger() { return {}; }

LedgerEvidence NotRecorded() {
  LedgerEvidence l;
  l.state = LedgerState::kNotRecorded;
  return l;
}

LedgerEvidence LookupFailed(const std::string& why) {
  LedgerEvidence l;
  l.state = LedgerState::kError;
  l.message = why;
  return l;
}

LedgerEvidence Recorded(ProofOutcome proof, const std::string& why = "") {
  LedgerEvidence l;
  l.state = LedgerState::kRecorded;
  l.asset_id = kAssetA;
  l.model_id = "0123456789abcdef0123";
  l.content_hash_match = true;
  l.proof = proof;
  l.message = why;
  return l;
}

Evidence Gather(ManifestEvidence m, WatermarkEvidence w, LedgerEvidence l) {
  Evidence e;
  e.manifest = std::move(m);
  e.watermark = std::move(w);
  e.ledger = std::move(l);
  e.agreement = CompareAssetIds(e.manifest, e.watermark);
  return e;
}

struct Case {
  const char* name;
  Evidence evidence;
  Verdict verdict;
  std::string reason;
};

void Check(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      Decision d = Decide(c.evidence);
      BOOST_TEST(VerdictName(d.verdict) == VerdictName(c.verdict));
      BOOST_TEST(d.reason == c.reason);
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(without_a_manifest_only_a_proven_watermark_verifies) {
  const std::string names = std::string("a watermark names ") + kAssetA + " but the ledger ";
  Check({
      {"no key", Gather(NoManifest(), NoKey(), NoLedger()), Verdict::kNoProvenance,
       "no manifest (no watermark key to look for a mark)"},
      {"no key, ledger present", Gather(NoManifest(), NoKey(), NotRecorded()),
       Verdict::kNoProvenance, "no manifest (no watermark key to look for a mark)"},
      {"no mark", Gather(NoManifest(), NotFound(), NoLedger()), Verdict::kNoProvenance,
       "no manifest and no watermark"},
      {"mark, proof verified, record without a fingerprint",
       Gather(NoManifest(), Found(kAssetA), Recorded(ProofOutcome::kVerified)),
       Verdict::kVerifiedByWatermark,
       std::string("no manifest, but the watermark names ") + kAssetA +
           ", recorded in the ledger with a verified inclusion proof (content not checked: the "
           "record has no fingerprint; `hallmark audit backfill-fingerprints` adds one)"},
      {"mark, receipt rejected",
       Gather(NoManifest(), Found(kAssetA), Recorded(ProofOutcome::kRejected, "root mismatch")),
       Verdict::kNoProvenance, names + "proof failed: root mismatch"},
      {"mark, no receipt",
       Gather(NoManifest(), Found(kAssetA), Recorded(ProofOutcome::kNoReceipt, "no checkpoint")),
       Verdict::kNoProvenance, names + "proof failed: no checkpoint"},
      {"mark, no log key",
       Gather(
           NoManifest(), Found(kAssetA),
           Recorded(ProofOutcome::kNoLogKey, "the ledger has no log key to check its checkpoint")),
       Verdict::kNoProvenance,
       names + "proof failed: the ledger has no log key to check its checkpoint"},
      {"mark, not recorded", Gather(NoManifest(), Found(kAssetA), NotRecorded()),
       Verdict::kNoProvenance, names + "has no such record"},
      {"mark, ledger error", Gather(NoManifest(), Found(kAssetA), LookupFailed("disk read failed")),
       Verdict::kNoProvenance, names + "has no such record"},
      {"mark, no ledger", Gather(NoManifest(), Found(kAssetA), NoLedger()), Verdict::kNoProvenance,
       names + "has no such record"},
  });
}

BOOST_AUTO_TEST_CASE(a_trusted_manifest_verifies_unless_the_watermark_names_another_asset) {
  const std::string verified = "valid manifest from a trusted signer, bound to these bytes";
  Check({
      {"no key", Gather(Manifest(C2pa::kTrusted), NoKey(), Recorded(ProofOutcome::kVerified)),
       Verdict::kVerified, verified},
      {"no mark", Gather(Manifest(C2pa::kTrusted), NotFound(), NoLedger()), Verdict::kVerified,
       verified},
      {"mark agrees",
       Gather(Manifest(C2pa::kTrusted), Found(kAssetA), Recorded(ProofOutcome::kVerified)),
       Verdict::kVerified, verified},
      // The manifest decides; a failed ledger proof is reported but does not change the verdict.
      {"mark agrees, proof failed",
       Gather(Manifest(C2pa::kTrusted), Found(kAssetA), Recorded(ProofOutcome::kRejected, "bad")),
       Verdict::kVerified, verified},
      {"mark agrees, not recorded", Gather(Manifest(C2pa::kTrusted), Found(kAssetA), NotRecorded()),
       Verdict::kVerified, verified},
      {"mark disagrees",
       Gather(Manifest(C2pa::kTrusted), Found(kAssetB), Recorded(ProofOutcome::kVerified)),
       Verdict::kTampered,
       std::string("the manifest names ") + kAssetA + " but the watermark names " + kAssetB},
      // Without an asset id in the manifest there is nothing to contradict.
      {"manifest without asset id",
       Gather(Manifest(C2pa::kTrusted, "", ""), Found(kAssetB), NoLedger()), Verdict::kVerified,
       verified},
  });
}

BOOST_AUTO_TEST_CASE(signer_problems_decide_before_the_watermark) {
  const std::string untrusted = "the signer does not chain to a trust anchor";
  const std::string expired = "the signing certificate had expired";
  const std::string revoked = "the signing certificate was revoked";
  Check({
      {"untrusted",
       Gather(Manifest(C2pa::kUntrusted, "signingCredential.untrusted"), NoKey(), NoLedger()),
       Verdict::kUntrustedSigner, untrusted},
      {"untrusted, mark agrees",
       Gather(Manifest(C2pa::kUntrusted, "signingCredential.untrusted"), Found(kAssetA),
              Recorded(ProofOutcome::kVerified)),
       Verdict::kUntrustedSigner, untrusted},
      {"untrusted, mark disagrees",
       Gather(Manifest(C2pa::kUntrusted, "signingCredential.untrusted"), Found(kAssetB),
              NoLedger()),
       Verdict::kUntrustedSigner, untrusted},
      {"expired",
       Gather(Manifest(C2pa::kCredentialExpired, "signingCredential.expired"), NotFound(),
              NoLedger()),
       Verdict::kUntrustedSigner, expired},
      {"expired, mark",
       Gather(Manifest(C2pa::kCredentialExpired, "signingCredential.expired"), Found(kAssetA),
              Recorded(ProofOutcome::kVerified)),
       Verdict::kUntrustedSigner, expired},
      {"revoked",
       Gather(Manifest(C2pa::kCredentialRevoked, "signingCredential.revoked"), NoKey(), NoLedger()),
       Verdict::kRevoked, revoked},
      {"revoked, mark disagrees",
       Gather(Manifest(C2pa::kCredentialRevoked, "signingCredential.revoked"), Found(kAssetB),
              NoLedger()),
       Verdict::kRevoked, revoked},
  });
}

BOOST_AUTO_TEST_CASE(every_other_manifest_failure_is_tampering) {
  struct Failure {
    C2pa verdict;
    const char* code;
  };
  const Failure failures[] = {
      {C2pa::kManifestMalformed, "claim.malformed"},
      {C2pa::kSignatureMismatch, "claimSignature.mismatch"},
      {C2pa::kCredentialInvalid, "signingCredential.invalid"},
      {C2pa::kAssertionTampered, "assertion.hashedURI.mismatch"},
      {C2pa::kManifestTransplanted, "manifest.instanceId.mismatch"},
      {C2pa::kContentAltered, "assertion.dataHash.mismatch"},
  };
  std::vector<Case> cases;
  for (const Failure& f : failures) {
    const std::string failed = std::string("manifest check failed: ") + f.code;
    cases.push_back({f.code, Gather(Manifest(f.verdict, f.code), NoKey(), NoLedger()),
                     Verdict::kTampered, failed});
    cases.push_back({f.code, Gather(Manifest(f.verdict, f.code), NotFound(), NoLedger()),
                     Verdict::kTampered, failed});
    cases.push_back(
        {f.code,
         Gather(Manifest(f.verdict, f.code), Found(kAssetA), Recorded(ProofOutcome::kVerified)),
         Verdict::kTampered, failed + "; the watermark still names " + kAssetA});
    cases.push_back({f.code, Gather(Manifest(f.verdict, f.code), Found(kAssetB), NoLedger()),
                     Verdict::kTampered, failed + "; the watermark still names " + kAssetB});
  }
  // Without a failure code the reason names the C2PA verdict.
  cases.push_back({"no failure code", Gather(Manifest(C2pa::kContentAltered), NoKey(), NoLedger()),
                   Verdict::kTampered, "manifest check failed: content_altered"});
  Check(cases);
}

BOOST_AUTO_TEST_CASE(agreement_needs_both_asset_ids) {
  BOOST_TEST(AgreementName(CompareAssetIds(Manifest(C2pa::kTrusted), Found(kAssetA))) ==
             std::string("agree"));
  BOOST_TEST(AgreementName(CompareAssetIds(Manifest(C2pa::kTrusted), Found(kAssetB))) ==
             std::string("disagree"));
  BOOST_TEST(AgreementName(CompareAssetIds(Manifest(C2pa::kTrusted), NotFound())) ==
             std::string("n/a"));
  BOOST_TEST(AgreementName(CompareAssetIds(Manifest(C2pa::kTrusted, "", ""), Found(kAssetA))) ==
             std::string("n/a"));
  BOOST_TEST(AgreementName(CompareAssetIds(NoManifest(), Found(kAssetA))) == std::string("n/a"));
}

// A proven watermark hit, then the content comparison with the record's fingerprint.
Evidence WithContent(ContentState state, double similarity, std::string note = "") {
  Evidence e = Gather(NoManifest(), Found(kAssetA), Recorded(ProofOutcome::kVerified));
  e.content.state = state;
  e.content.algorithm = "hallmark.blockstats/1";
  e.content.similarity = similarity;
  e.content.min_similarity = 0.5;
  e.content.cells_compared = 1000;
  e.content.note = std::move(note);
  if (state == ContentState::kAltered) {
    e.content.cells_changed = 40;
    e.content.changed_regions = {{32, 48, 64, 40}};
  }
  return e;
}

BOOST_AUTO_TEST_CASE(a_proven_watermark_is_weighed_against_the_recorded_content) {
  const std::string names = std::string("the watermark names ") + kAssetA;
  Check({
      {"same content", WithContent(ContentState::kSame, 0.998), Verdict::kVerifiedByWatermark,
       "no manifest, but " + names +
           ", recorded in the ledger with a verified inclusion proof, and the image shows its "
           "content (fingerprint distance 0.002, threshold 0.500)"},
      {"altered", WithContent(ContentState::kAltered, 0.8), Verdict::kAltered,
       names + " and the image is that asset, changed in 1 region(s) (40 of 1000 cells differ)"},
      {"other content", WithContent(ContentState::kDifferent, 0.1), Verdict::kWatermarkMismatch,
       names + " but the image shows other content (fingerprint distance 0.900, threshold "
               "0.500): the mark was copied or forged"},
      {"uncomparable",
       WithContent(ContentState::kUncomparable, 0.0, "the recorded image is featureless"),
       Verdict::kNoProvenance,
       names + " but its content cannot be confirmed: the recorded image is featureless"},
  });
  // With a manifest the manifest decides, whatever the content layer would say.
  Evidence trusted = WithContent(ContentState::kDifferent, 0.1);
  trusted.manifest = Manifest(C2pa::kTrusted);
  trusted.agreement = CompareAssetIds(trusted.manifest, trusted.watermark);
  BOOST_TEST(VerdictName(Decide(trusted).verdict) == std::string("VERIFIED"));
  // The new verdicts are not proof of origin: verify exits 1 for them.
  BOOST_TEST(!IsVerified(Verdict::kAltered));
  BOOST_TEST(!IsVerified(Verdict::kWatermarkMismatch));
}

BOOST_AUTO_TEST_CASE(content_evidence_is_reported_with_distance_and_threshold) {
  AssetVerification v;
  v.file = "stripped.png";
  v.evidence = WithContent(ContentState::kAltered, 0.8);
  const Decision d = Decide(v.evidence);
  v.verdict = d.verdict;
  v.reason = d.reason;
  const nlohmann::json j = v.ToJson();
  BOOST_TEST(j["verdict"] == "ALTERED");
  BOOST_TEST(j["content"]["state"] == "altered");
  BOOST_TEST(j["content"]["algorithm"] == "hallmark.blockstats/1");
  BOOST_TEST(j["content"]["distance"].get<double>() == 0.2, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(j["content"]["threshold"].get<double>() == 0.5, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(j["content"]["changed_regions"].size() == 1u);
  BOOST_TEST(j["content"]["changed_regions"][0]["width"] == 64);
  const std::string text = DescribeVerification(v);
  BOOST_TEST(text.find("content:   altered (fingerprint distance 0.200, threshold 0.500; changed "
                       "64x40 at 32,48)") != std::string::npos,
             text);
  // Without a comparison the content layer says only its state.
  v.evidence = Gather(NoManifest(), NotFound(), NoLedger());
  BOOST_TEST(v.ToJson()["content"] == nlohmann::json({{"state", "not checked"}}));
}

BOOST_AUTO_TEST_CASE(verdicts_are_listed_once_in_report_order) {
  std::vector<std::string> names;
  for (Verdict v : AllVerdicts()) names.emplace_back(VerdictName(v));
  const std::vector<std::string> expected = {
      "VERIFIED", "VERIFIED_BY_WATERMARK", "ALTERED", "WATERMARK_MISMATCH",
      "TAMPERED", "UNTRUSTED_SIGNER",      "REVOKED", "NO_PROVENANCE"};
  BOOST_TEST(names == expected, boost::test_tools::per_element());
  std::vector<std::string> verified;
  for (Verdict v : AllVerdicts()) {
    if (IsVerified(v)) verified.emplace_back(VerdictName(v));
  }
  BOOST_TEST(verified == (std::vector<std::string>{"VERIFIED", "VERIFIED_BY_WATERMARK"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(json_record_keeps_its_keys_and_values) {
  AssetVerification v;
  v.file = "out/a.png";
  v.evidence = Gather(Manifest(C2pa::kContentAltered, "assertion.dataHash.mismatch"),
                      Found(kAssetB), Recorded(ProofOutcome::kRejected, "root mismatch"));
  Decision d = Decide(v.evidence);
  v.verdict = d.verdict;
  v.reason = d.reason;
  BOOST_TEST(v.ToJson().dump() ==
             R"js({"agreement":"disagree","content":{"state":"not checked"},)js"
             R"js("content_binding":"pixels changed","file":"out/a.png",)js"
             R"js("ledger":{"asset_id":"hm-00000000000000aa","content_hash_match":true,)js"
             R"js("inclusion_proof":"root mismatch","model_id":"0123456789abcdef0123",)js"
             R"js("state":"recorded"},"manifest":{"asset_id":"hm-00000000000000aa",)js"
             R"js("failure":"assertion.dataHash.mismatch","signer":"trusted",)js"
             R"js("signer_subject":"CN=Studio","state":"invalid"},)js"
             R"js("reason":"manifest check failed: assertion.dataHash.mismatch; the watermark )js"
             R"js(still names hm-00000000000000bb","verdict":"TAMPERED",)js"
             R"js("watermark":{"checked":true,"false_positive_probability":1e-12,)js"
             R"js("found":true,"payload":"00000000000000bb",)js"
             R"js("payload_source":"decoded","score":9.5}})js");

  AssetVerification bare;
  bare.file = "b.png";
  bare.evidence = Gather(NoManifest(), NoKey(), LookupFailed("disk read failed"));
  bare.reason = Decide(bare.evidence).reason;
  BOOST_TEST(
      bare.ToJson().dump() ==
      R"js({"agreement":"n/a","content":{"state":"not checked"},"content_binding":"n/a",)js"
      R"js("file":"b.png",)js"
      R"js("ledger":{"asset_id":"","content_hash_match":false,)js"
      R"js("inclusion_proof":"disk read failed","model_id":"","state":"error"},)js"
      R"js("manifest":{"asset_id":"","failure":"","signer":"","signer_subject":"",)js"
      R"js("state":"absent"},"reason":"no manifest (no watermark key to look for a mark)",)js"
      R"js("verdict":"NO_PROVENANCE","watermark":{"checked":false,"found":false}})js");
}

BOOST_AUTO_TEST_CASE(text_report_shows_every_layer) {
  AssetVerification v;
  v.file = "out/a.png";
  v.evidence = Gather(Manifest(C2pa::kTrusted), Found(kAssetA), Recorded(ProofOutcome::kVerified));
  Decision d = Decide(v.evidence);
  v.verdict = d.verdict;
  v.reason = d.reason;
  BOOST_TEST(DescribeVerification(v) ==
             "out/a.png: VERIFIED\n"
             "  manifest:  valid, signer trusted [CN=Studio]\n"
             "  binding:   intact\n"
             "  watermark: found, payload 00000000000000aa, false-positive probability <= 1.0e-12\n"
             "  ledger:    recorded hm-00000000000000aa, model 0123456789ab…, inclusion proof "
             "verified, file hash matches the record\n"
             "  agreement: agree\n"
             "  why:       valid manifest from a trusted signer, bound to these bytes");

  AssetVerification bare;
  bare.file = "b.png";
  bare.evidence = Gather(NoManifest(), NotFound(), NotRecorded());
  bare.reason = Decide(bare.evidence).reason;
  BOOST_TEST(DescribeVerification(bare) ==
             "b.png: NO_PROVENANCE\n"
             "  manifest:  absent\n"
             "  binding:   n/a\n"
             "  watermark: not found\n"
             "  ledger:    not recorded\n"
             "  agreement: n/a\n"
             "  why:       no manifest and no watermark");
}

namespace {

WatermarkEvidence TooSmall() {
  WatermarkEvidence w;
  w.state = WatermarkState::kTooSmall;
  w.detail = "image 40x20 is too small to carry a mark";
  return w;
}

WatermarkEvidence Undecodable() {
  WatermarkEvidence w;
  w.state = WatermarkState::kUndecodable;
  w.detail = "PNG: IDAT: CRC error";
  return w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(an_image_too_small_for_a_mark_is_judged_by_the_other_layers) {
  const std::string failed = "manifest check failed: assertion.dataHash.mismatch";
  Check({
      {"no manifest", Gather(NoManifest(), TooSmall(), NoLedger()), Verdict::kNoProvenance,
       "no manifest and the image is too small to carry a watermark"},
      {"trusted manifest", Gather(Manifest(C2pa::kTrusted), TooSmall(), NotRecorded()),
       Verdict::kVerified, "valid manifest from a trusted signer, bound to these bytes"},
      {"altered",
       Gather(Manifest(C2pa::kContentAltered, "assertion.dataHash.mismatch"), TooSmall(),
              NoLedger()),
       Verdict::kTampered, failed},
  });
  BOOST_TEST(TooSmall().checked());
  BOOST_TEST(!TooSmall().found());
  BOOST_TEST(!Undecodable().checked());
}

BOOST_AUTO_TEST_CASE(pixels_that_do_not_decode_under_a_broken_binding_are_tampering) {
  const std::string failed = "manifest check failed: assertion.dataHash.mismatch";
  Check({
      {"content altered",
       Gather(Manifest(C2pa::kContentAltered, "assertion.dataHash.mismatch"), Undecodable(),
              NoLedger()),
       Verdict::kTampered, "the pixels do not decode (PNG: IDAT: CRC error); " + failed},
      // The binding fails first even when the C2PA summary names the signer.
      {"revoked signer, binding broken",
       [] {
         ManifestEvidence m = Manifest(C2pa::kCredentialRevoked, "assertion.dataHash.mismatch");
         m.binding = Binding::kPixelsChanged;
         return Gather(m, Undecodable(), NoLedger());
       }(),
       Verdict::kTampered, "the pixels do not decode (PNG: IDAT: CRC error); " + failed},
      // A binding that holds means the signer signed these very bytes: not tampering.
      {"trusted, binding intact", Gather(Manifest(C2pa::kTrusted), Undecodable(), NoLedger()),
       Verdict::kVerified, "valid manifest from a trusted signer, bound to these bytes"},
      {"no manifest", Gather(NoManifest(), Undecodable(), NoLedger()), Verdict::kNoProvenance,
       "no manifest and the pixels do not decode"},
  });
}

BOOST_AUTO_TEST_CASE(json_and_text_carry_the_watermark_note) {
  AssetVerification v;
  v.file = "tiny.png";
  v.evidence = Gather(NoManifest(), TooSmall(), NoLedger());
  v.reason = Decide(v.evidence).reason;
  BOOST_TEST(v.ToJson()["watermark"].dump() ==
             R"js({"checked":true,"detail":"image 40x20 is too small to carry a mark",)js"
             R"js("false_positive_probability":1.0,"found":false,"note":"too_small",)js"
             R"js("score":0.0})js");
  BOOST_TEST(DescribeVerification(v).find(
                 "  watermark: not found (image 40x20 is too small to carry a mark)\n") !=
             std::string::npos);

  AssetVerification broken;
  broken.file = "broken.png";
  broken.evidence = Gather(Manifest(C2pa::kContentAltered, "assertion.dataHash.mismatch"),
                           Undecodable(), NoLedger());
  broken.reason = Decide(broken.evidence).reason;
  BOOST_TEST(broken.ToJson()["watermark"].dump() ==
             R"js({"checked":false,"detail":"PNG: IDAT: CRC error","found":false,)js"
             R"js("note":"pixels_undecodable"})js");
  BOOST_TEST(DescribeVerification(broken).find(
                 "  watermark: not checked (the pixels do not decode: PNG: IDAT: CRC error)\n") !=
             std::string::npos);
}
