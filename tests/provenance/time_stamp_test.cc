// RFC 3161 time-stamps on claim signatures: the studio TSA's tokens, their verification against
// a TSA trust list, and what the manifest validator concludes from them, including the attacks a
// time-stamp invites (a stamp over other data, a stamp from a TSA nobody trusts, an expired
// certificate revived by a stamp that does not check out).
#define BOOST_TEST_MODULE provenance_time_stamp
#include <boost/test/unit_test.hpp>

#include <openssl/ts.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>

#include "base/file.h"
#include "image/codec.h"
#include "provenance/c2pa/cose_sign1.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/manifest_validator.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/time_stamp.h"
#include "provenance/pki/time_stamp_authority.h"
#include "provenance/pki/trust_store.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::provenance;
using hallmark::testing::TempDir;

namespace {

const std::string kPass = "time stamp test passphrase";

struct Studio {
  TempDir home;
  KeyStore store{home.path()};
  std::unique_ptr<StudioTimeStampAuthority> tsa;
  explicit Studio(KeyOptions o = {}) {
    BOOST_REQUIRE(store.Init(o, kPass).ok());
    auto opened = StudioTimeStampAuthority::Open(home.path(), kPass);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    tsa = std::move(*opened);
  }
  TrustStore Trust() const {
    auto t = TrustStore::LoadDirectory(store.trust_dir());
    BOOST_REQUIRE(t.ok());
    return std::move(*t);
  }
  Signer LoadSigner() const {
    auto s = store.LoadSigner(kPass);
    BOOST_REQUIRE(s.ok());
    return std::move(*s);
  }
};

Bytes Data(const std::string& text) { return Bytes(text.begin(), text.end()); }

ManifestSpec PhotoSpec() {
  ManifestSpec spec;
  spec.title = "time-stamped";
  return spec;
}

Bytes Photo() {
  auto b = ReadFile(std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png");
  BOOST_REQUIRE(b.ok());
  return *b;
}

VerificationReport Verify(ByteView file, const TrustStore& trust, std::time_t now = 0) {
  VerifyOptions o;
  o.now = now;
  auto r = VerifyImage(file, trust, o);
  BOOST_REQUIRE(r.ok());
  return *r;
}

bool HasInfo(const VerificationReport& r, const std::string& code) {
  for (const StatusEntry& e : r.informational) {
    if (e.code == code) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_studio_tsa_stamps_what_it_is_asked_and_verifies_against_its_anchor) {
  Studio s;
  const Bytes data = Data("a claim signature");
  auto response = s.tsa->Stamp(data);
  BOOST_REQUIRE(response.ok());
  BOOST_TEST(response->size() <= s.tsa->MaxResponseSize());
  const Bytes token = TimeStampTokenOf(*response);
  BOOST_REQUIRE(!token.empty());

  const TrustStore trust = s.Trust();
  BOOST_REQUIRE(trust.tsa_anchors().size() == 1u);
  TimeStampCheck c = VerifyTimeStampToken(token, data, trust.tsa_anchors());
  BOOST_TEST((c.state == TimeStampState::kTrusted), c.detail);
  BOOST_TEST(std::abs(c.gen_time - std::time(nullptr)) < 60);
  BOOST_TEST(c.tsa.find("Time-Stamping Authority") != std::string::npos);

  // Over other data: a mismatch, whatever the TSA.
  c = VerifyTimeStampToken(token, Data("another signature"), trust.tsa_anchors());
  BOOST_TEST((c.state == TimeStampState::kMismatch));
  // No TSA anchors, or another studio's: untrusted, but its time is still read.
  c = VerifyTimeStampToken(token, data, {});
  BOOST_TEST((c.state == TimeStampState::kUntrusted));
  BOOST_TEST(c.gen_time != 0);
  Studio other;
  c = VerifyTimeStampToken(token, data, other.Trust().tsa_anchors());
  BOOST_TEST((c.state == TimeStampState::kUntrusted));
  // Bytes that are no token.
  c = VerifyTimeStampToken(Data("not a token"), data, trust.tsa_anchors());
  BOOST_TEST((c.state == TimeStampState::kMalformed));
  // One flipped byte inside the signed TSTInfo: the CMS signature no longer verifies.
  Bytes flipped = token;
  flipped[flipped.size() / 2] ^= 0x01;
  c = VerifyTimeStampToken(flipped, data, trust.tsa_anchors());
  BOOST_TEST((c.state != TimeStampState::kTrusted));
}

BOOST_AUTO_TEST_CASE(a_response_to_another_request_is_refused) {
  Studio s;
  auto request = TimeStampRequest(Data("mine"));
  auto other = TimeStampRequest(Data("mine"));  // same data, another nonce
  BOOST_REQUIRE(request.ok() && other.ok());
  const auto answer = s.tsa->Respond(*other);
  BOOST_REQUIRE(answer.http_status == 200);
  BOOST_TEST(CheckTimeStampResponse(answer.der, *other, "tsa").ok());
  BOOST_TEST(!CheckTimeStampResponse(answer.der, *request, "tsa").ok());
  BOOST_TEST(!CheckTimeStampResponse(Data("garbage"), *request, "tsa").ok());
  // A request that does not parse gets a rejection, HTTP 400, and no token.
  const auto bad = s.tsa->Respond(Data("garbage"));
  BOOST_TEST(bad.http_status == 400);
  BOOST_TEST(!bad.der.empty());
  BOOST_TEST(!CheckTimeStampResponse(bad.der, *request, "tsa").ok());
}

BOOST_AUTO_TEST_CASE(signed_images_carry_a_trusted_time_stamp) {
  Studio s;
  SignOptions o;
  o.time_stamper = s.tsa.get();
  for (KeyAlgorithm alg : {KeyAlgorithm::kEs256, KeyAlgorithm::kEd25519}) {
    KeyOptions k;
    k.algorithm = alg;
    BOOST_REQUIRE(s.store.Rotate(k, kPass).ok());
    for (image::Format format : {image::Format::kPng, image::Format::kJpeg}) {
      Bytes input = Photo();
      if (format == image::Format::kJpeg) {
        auto decoded = image::Decode(input);
        BOOST_REQUIRE(decoded.ok());
        input = *image::Encode(*decoded, image::Format::kJpeg, {});
      }
      auto signed_file = SignImage(input, format, PhotoSpec(), s.LoadSigner(), o);
      BOOST_REQUIRE_MESSAGE(signed_file.ok(), signed_file.status().ToString());
      const VerificationReport r = Verify(*signed_file, s.Trust());
      BOOST_TEST((r.state == ValidationState::kTrusted));
      BOOST_TEST(r.HasSuccess("timeStamp.trusted"));
      BOOST_TEST(r.HasSuccess("timeStamp.validated"));
      BOOST_TEST(r.time_stamp_trusted);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_trusted_time_stamp_outlives_the_certificate_an_untrusted_one_does_not) {
  // A signing certificate valid for one day, signed and time-stamped now, validated a month on.
  KeyOptions k;
  k.signing_days = 1;
  Studio s(k);
  const std::time_t month_on = std::time(nullptr) + 30 * 86400;
  SignOptions o;
  o.time_stamper = s.tsa.get();
  auto stamped = SignImage(Photo(), image::Format::kPng, PhotoSpec(), s.LoadSigner(), o);
  auto unstamped = SignImage(Photo(), image::Format::kPng, PhotoSpec(), s.LoadSigner());
  BOOST_REQUIRE(stamped.ok() && unstamped.ok());

  VerificationReport r = Verify(*stamped, s.Trust(), month_on);
  BOOST_TEST(r.HasSuccess("timeStamp.trusted"));
  BOOST_TEST(!r.HasFailure("signingCredential.expired"));
  BOOST_TEST((r.state == ValidationState::kTrusted));
  r = Verify(*unstamped, s.Trust(), month_on);
  BOOST_TEST(r.HasFailure("signingCredential.expired"));

  // Without the TSA on the TSA trust list the stamp is reported and ignored: expired.
  auto no_tsa = TrustStore::LoadDirectory(s.store.trust_dir() + "/studio-ca.pem");
  BOOST_REQUIRE(no_tsa.ok());
  r = Verify(*stamped, *no_tsa, month_on);
  BOOST_TEST(HasInfo(r, "timeStamp.untrusted"));
  BOOST_TEST(r.HasFailure("signingCredential.expired"));

  // Revoked after the stamp: the signature stands (C2PA 2.2 §15.9); revoked before: it falls.
  auto id = s.store.Show("");
  BOOST_REQUIRE(id.ok());
  // Times are whole seconds; a revocation in the signing second is not "after" it.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  BOOST_REQUIRE(s.store.Revoke(id->id, kPass).ok());
  r = Verify(*stamped, s.Trust());
  BOOST_TEST(!r.HasFailure("signingCredential.revoked"));
  BOOST_TEST(HasInfo(r, "signingCredential.ocsp.notRevoked"));
  r = Verify(*unstamped, s.Trust());
  BOOST_TEST(r.HasFailure("signingCredential.revoked"));
}

BOOST_AUTO_TEST_CASE(a_stamp_over_another_signature_is_reported_and_ignored) {
  Studio s;
  // A stamper that stamps the wrong bytes: what a copied sigTst2 from another manifest is.
  struct WrongBytes : TimeStamper {
    const StudioTimeStampAuthority* tsa;
    Result<Bytes> Stamp(ByteView) const override { return tsa->Stamp(Data("other")); }
    size_t MaxResponseSize() const override { return tsa->MaxResponseSize(); }
  } wrong;
  wrong.tsa = s.tsa.get();
  SignOptions o;
  o.time_stamper = &wrong;
  auto signed_file = SignImage(Photo(), image::Format::kPng, PhotoSpec(), s.LoadSigner(), o);
  BOOST_REQUIRE(signed_file.ok());
  const VerificationReport r = Verify(*signed_file, s.Trust());
  BOOST_TEST(HasInfo(r, "timeStamp.mismatch"));
  BOOST_TEST(!r.time_stamp_trusted);
  BOOST_TEST((r.state == ValidationState::kTrusted));  // the signature itself is fine
}

BOOST_AUTO_TEST_CASE(delegated_keys_cannot_sign_claims) {
  Studio s;
  auto tsa = s.store.LoadTimeStampAuthority(kPass);
  auto responder = s.store.LoadOcspResponder(kPass);
  BOOST_REQUIRE(tsa.ok() && responder.ok());
  BOOST_TEST(C2paSignerProfileProblem(tsa->chain.front().get()) != "");
  BOOST_TEST(C2paSignerProfileProblem(responder->chain.front().get()) != "");
  auto signing = s.store.Show("");
  BOOST_REQUIRE(signing.ok());
  auto chain = ReadCertificatesPem(s.store.keys_dir() + "/" + signing->id + ".crt");
  BOOST_REQUIRE(chain.ok());
  BOOST_TEST(C2paSignerProfileProblem(chain->front().get()) == "");
}
