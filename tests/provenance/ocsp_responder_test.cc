// The OCSP responder and the revocation pointers in certificates: each answer checked the way a
// relying party checks it (OCSP_basic_verify against the studio CA, the nonce, the status), and
// the states it must refuse to answer from.
#define BOOST_TEST_MODULE provenance_ocsp
#include <boost/test/unit_test.hpp>

#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <filesystem>
#include <string>

#include "base/file.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/ocsp_responder.h"
#include "provenance/pki/ocsp_staple.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::provenance;
using hallmark::testing::TempDir;

namespace {

const std::string kPass = "correct horse battery staple";
const std::string kUrl = "https://studio.example/hallmark";

struct Studio {
  TempDir home;
  KeyStore store{home.path()};
  KeyInfo first;
  Studio() {
    KeyOptions o;
    o.public_url = kUrl;
    Result<KeyInfo> k = store.Init(o, kPass);
    BOOST_REQUIRE_MESSAGE(k.ok(), k.status().ToString());
    first = *k;
  }
  UniqueX509 Leaf(const std::string& id) const {
    auto chain = ReadCertificatesPem(store.keys_dir() + "/" + id + ".crt");
    BOOST_REQUIRE(chain.ok());
    return std::move(chain->front());
  }
  UniqueX509 Ca() const { return Leaf("ca"); }
};

struct Question {
  Bytes der;
  UniqueOcspRequest request;
};

// A request about `leaf` issued by `issuer`, with a nonce, as `openssl ocsp` sends it.
Question Ask(X509* leaf, X509* issuer, const EVP_MD* md = EVP_sha1()) {
  Question q;
  q.request.reset(OCSP_REQUEST_new());
  OCSP_CERTID* id = OCSP_cert_to_id(md, leaf, issuer);
  BOOST_REQUIRE(id != nullptr);
  BOOST_REQUIRE(OCSP_request_add0_id(q.request.get(), id) != nullptr);
  BOOST_REQUIRE(OCSP_request_add1_nonce(q.request.get(), nullptr, -1) == 1);
  const int n = i2d_OCSP_REQUEST(q.request.get(), nullptr);
  q.der.resize(size_t(n));
  unsigned char* p = q.der.data();
  i2d_OCSP_REQUEST(q.request.get(), &p);
  return q;
}

struct Verdict {
  int response_status = -1;
  int cert_status = -1;
  bool signature_ok = false;
  bool nonce_ok = false;
  std::time_t revoked_at = 0;
};

// What a relying party concludes from an answer: the response status; for a successful one the
// signature checked against the CA (the delegated responder must chain to it), the nonce and the
// status of the asked certificate.
Verdict Judge(const OcspAnswer& a, const Question& q, X509* leaf, X509* ca) {
  Verdict v;
  const unsigned char* p = a.der.data();
  UniqueOcspResponse r(d2i_OCSP_RESPONSE(nullptr, &p, long(a.der.size())));
  BOOST_REQUIRE(r != nullptr);
  v.response_status = OCSP_response_status(r.get());
  if (v.response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL) return v;
  UniqueOcspBasic basic(OCSP_response_get1_basic(r.get()));
  BOOST_REQUIRE(basic != nullptr);
  UniqueX509Store store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca);
  v.signature_ok = OCSP_basic_verify(basic.get(), nullptr, store.get(), 0) == 1;
  v.nonce_ok = OCSP_check_nonce(q.request.get(), basic.get()) == 1;
  OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), leaf, ca);
  int reason = 0;
  ASN1_GENERALIZEDTIME *rev = nullptr, *this_upd = nullptr, *next_upd = nullptr;
  if (OCSP_resp_find_status(basic.get(), id, &v.cert_status, &reason, &rev, &this_upd, &next_upd) ==
      1) {
    BOOST_TEST(OCSP_check_validity(this_upd, next_upd, 300, -1) == 1);
    struct tm t {};
    if (rev && ASN1_TIME_to_tm(rev, &t) == 1) v.revoked_at = timegm(&t);
  }
  OCSP_CERTID_free(id);
  return v;
}

std::string ExtensionText(X509* cert, int nid) {
  const int i = X509_get_ext_by_NID(cert, nid, -1);
  if (i < 0) return "";
  UniqueBio bio(BIO_new(BIO_s_mem()));
  X509V3_EXT_print(bio.get(), X509_get_ext(cert, i), 0, 0);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

}  // namespace

BOOST_AUTO_TEST_CASE(signing_certificates_name_the_responder_and_the_crl) {
  Studio s;
  UniqueX509 leaf = s.Leaf(s.first.id);
  BOOST_TEST(ExtensionText(leaf.get(), NID_info_access).find("OCSP - URI:" + kUrl + "/ocsp/") !=
             std::string::npos);
  BOOST_TEST(ExtensionText(leaf.get(), NID_crl_distribution_points).find("URI:" + kUrl + "/crl") !=
             std::string::npos);
  BOOST_TEST(s.first.ocsp_url == kUrl + "/ocsp/");
  BOOST_TEST(C2paSignerProfileProblem(leaf.get()) == "");

  // A rotation without --public-url keeps the recorded one; with one, records the new one.
  Result<KeyInfo> second = s.store.Rotate({}, kPass);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->ocsp_url == kUrl + "/ocsp/");
  KeyOptions moved;
  moved.public_url = "http://127.0.0.1:8080";
  Result<KeyInfo> third = s.store.Rotate(moved, kPass);
  BOOST_REQUIRE(third.ok());
  BOOST_TEST(third->ocsp_url == "http://127.0.0.1:8080/ocsp/");
  BOOST_TEST(*s.store.PublicUrl() == "http://127.0.0.1:8080");

  // The delegated responder certificate: OCSPSigning only, nocheck, issued by the CA.
  auto responder = ReadCertificatesPem(s.store.responder_dir() + "/responder.crt");
  BOOST_REQUIRE(responder.ok());
  X509* r = responder->front().get();
  BOOST_TEST(X509_check_issued(s.Ca().get(), r) == X509_V_OK);
  BOOST_TEST((X509_get_extended_key_usage(r) == XKU_OCSP_SIGN));
  BOOST_TEST(X509_get_ext_by_NID(r, NID_id_pkix_OCSP_noCheck, -1) >= 0);
  BOOST_TEST(X509_check_ca(r) == 0);
}

BOOST_AUTO_TEST_CASE(public_urls_that_cannot_go_into_a_certificate_are_refused) {
  for (const char* bad : {"ftp://x.example", "https://", "studio.example", "https://a.example/?q=1",
                          "https://a.example/x,OCSP;URI:http://evil", "https://a b.example",
                          "https://user@a.example", "https://a.example/"}) {
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(!CheckPublicUrl(bad).ok()); }
  }
  BOOST_TEST(CheckPublicUrl("https://studio.example:8443/hallmark").ok());
  BOOST_TEST(CheckPublicUrl("http://[::1]:8080").ok());
  // Refused before anything is written.
  TempDir home;
  KeyStore store(home.path());
  KeyOptions o;
  o.public_url = "https://a.example/x,y";
  BOOST_TEST(!store.Init(o, kPass).ok());
  BOOST_TEST(!std::filesystem::exists(store.keys_dir() + "/ca.key"));
}

BOOST_AUTO_TEST_CASE(good_then_revoked_after_keys_revoke) {
  Studio s;
  UniqueX509 leaf = s.Leaf(s.first.id), ca = s.Ca();
  auto responder = OcspResponder::Open(s.home.path(), kPass);
  BOOST_REQUIRE_MESSAGE(responder.ok(), responder.status().ToString());

  Question q = Ask(leaf.get(), ca.get());
  Verdict v =
      Judge((*responder)->Respond(ByteView(q.der), std::time(nullptr)), q, leaf.get(), ca.get());
  BOOST_TEST(v.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL);
  BOOST_TEST(v.signature_ok);
  BOOST_TEST(v.nonce_ok);
  BOOST_TEST(v.cert_status == V_OCSP_CERTSTATUS_GOOD);

  // SHA-256 CertIDs are answered too.
  Question q256 = Ask(leaf.get(), ca.get(), EVP_sha256());
  const OcspAnswer a256 = (*responder)->Respond(ByteView(q256.der), std::time(nullptr));
  BOOST_TEST(a256.http_status == 200);

  const std::time_t before = std::time(nullptr);
  BOOST_REQUIRE(s.store.Revoke(s.first.id, kPass).ok());
  // The same running responder sees the new list (and its renewed key is not needed: the one it
  // loaded is still valid).
  q = Ask(leaf.get(), ca.get());
  v = Judge((*responder)->Respond(ByteView(q.der), std::time(nullptr)), q, leaf.get(), ca.get());
  BOOST_TEST(v.signature_ok);
  BOOST_TEST(v.cert_status == V_OCSP_CERTSTATUS_REVOKED);
  BOOST_TEST(v.revoked_at >= before - 1);

  // Another certificate of the same CA is still good.
  Result<KeyInfo> next = s.store.Rotate({}, kPass);
  BOOST_REQUIRE(next.ok());
  UniqueX509 next_leaf = s.Leaf(next->id);
  q = Ask(next_leaf.get(), ca.get());
  v = Judge((*responder)->Respond(ByteView(q.der), std::time(nullptr)), q, next_leaf.get(),
            ca.get());
  BOOST_TEST(v.cert_status == V_OCSP_CERTSTATUS_GOOD);
}

BOOST_AUTO_TEST_CASE(unknown_serials_other_cas_and_garbage) {
  Studio s;
  UniqueX509 ca = s.Ca();
  auto responder = OcspResponder::Open(s.home.path(), kPass);
  BOOST_REQUIRE(responder.ok());

  // A certificate the CA never issued (same issuer name and key, another serial): unknown.
  UniqueX509 stranger(X509_dup(s.Leaf(s.first.id).get()));
  ASN1_INTEGER_set(X509_get_serialNumber(stranger.get()), 12345);
  Question q = Ask(stranger.get(), ca.get());
  Verdict v = Judge((*responder)->Respond(ByteView(q.der), std::time(nullptr)), q, stranger.get(),
                    ca.get());
  BOOST_TEST(v.cert_status == V_OCSP_CERTSTATUS_UNKNOWN);

  // Another studio's certificate: this responder is not authorised to answer.
  Studio other;
  UniqueX509 other_leaf = other.Leaf(other.first.id), other_ca = other.Ca();
  q = Ask(other_leaf.get(), other_ca.get());
  const OcspAnswer foreign = (*responder)->Respond(ByteView(q.der), std::time(nullptr));
  v = Judge(foreign, q, other_leaf.get(), other_ca.get());
  BOOST_TEST(v.response_status == OCSP_RESPONSE_STATUS_UNAUTHORIZED);

  // Bytes that are no request, a truncated request, an empty one: malformedRequest, HTTP 400.
  const Bytes good = Ask(s.Leaf(s.first.id).get(), ca.get()).der;
  for (Bytes bad : {Bytes{}, Bytes{0x30, 0x03, 0x02, 0x01}, Bytes(good.begin(), good.end() - 3),
                    Bytes(300, 0xff)}) {
    const OcspAnswer a = (*responder)->Respond(ByteView(bad), std::time(nullptr));
    BOOST_TEST(a.http_status == 400);
    const unsigned char* p = a.der.data();
    UniqueOcspResponse r(d2i_OCSP_RESPONSE(nullptr, &p, long(a.der.size())));
    BOOST_REQUIRE(r != nullptr);
    BOOST_TEST(OCSP_response_status(r.get()) == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
  }
}

BOOST_AUTO_TEST_CASE(a_revocation_list_the_ca_did_not_sign_is_not_believed) {
  Studio s;
  BOOST_REQUIRE(s.store.Revoke(s.first.id, kPass).ok());
  auto responder = OcspResponder::Open(s.home.path(), kPass);
  BOOST_REQUIRE(responder.ok());
  // Someone with write access to keys/ replaces the list with an empty one signed by their own
  // key, to make the revoked key good again: the responder stops answering instead.
  UniquePkey forger = *GenerateKey(KeyAlgorithm::kEs256);
  UniqueX509 ca = s.Ca();
  UniqueX509Crl forged = *IssueRevocationList(ca.get(), forger.get(), {});
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), forged.get());
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  BOOST_REQUIRE(WriteFileAtomic(s.store.keys_dir() + "/revoked.crl",
                                ByteView(reinterpret_cast<const uint8_t*>(data), size_t(n)))
                    .ok());
  UniqueX509 leaf = s.Leaf(s.first.id);
  Question q = Ask(leaf.get(), ca.get());
  const OcspAnswer a = (*responder)->Respond(ByteView(q.der), std::time(nullptr));
  BOOST_TEST(a.http_status == 500);
  BOOST_TEST(Judge(a, q, leaf.get(), ca.get()).response_status ==
             OCSP_RESPONSE_STATUS_INTERNALERROR);
}

BOOST_AUTO_TEST_CASE(the_responder_key_needs_the_passphrase) {
  Studio s;
  BOOST_TEST(!OcspResponder::Open(s.home.path(), "wrong passphrase").ok());
  TempDir empty;
  auto none = OcspResponder::Open(empty.path(), kPass);
  BOOST_TEST(none.status().code() == StatusCode::kNotFound);
}

// The staple a signer carries: a good answer about its own certificate that verifies against the
// CA, made without a request from anyone (so without a nonce), reused while fresh, and refused
// once the certificate is revoked.
BOOST_AUTO_TEST_CASE(staples_for_the_signer_are_good_reused_and_refused_after_revocation) {
  Studio s;
  UniqueX509 leaf = s.Leaf(s.first.id), ca = s.Ca();
  auto responder = OcspResponder::OpenForStapling(s.home.path(), kPass);
  BOOST_REQUIRE_MESSAGE(responder.ok() && *responder, responder.status().ToString());
  const std::time_t now = std::time(nullptr);
  Result<Bytes> staple = (*responder)->Staple(leaf.get(), now);
  BOOST_REQUIRE_MESSAGE(staple.ok(), staple.status().ToString());
  Question no_nonce;
  no_nonce.request.reset(OCSP_REQUEST_new());
  Verdict v = Judge(OcspAnswer{200, *staple}, no_nonce, leaf.get(), ca.get());
  BOOST_TEST(v.response_status == OCSP_RESPONSE_STATUS_SUCCESSFUL);
  BOOST_TEST(v.signature_ok);
  BOOST_TEST(v.cert_status == V_OCSP_CERTSTATUS_GOOD);
  // Reused within half its validity, renewed after.
  BOOST_TEST((*(*responder)->Staple(leaf.get(), now + 60) == *staple));
  BOOST_TEST((*(*responder)->Staple(leaf.get(), now + kOcspResponseSeconds) != *staple));

  BOOST_REQUIRE(s.store.Revoke(s.first.id, kPass).ok());
  Result<Bytes> revoked = (*responder)->Staple(leaf.get(), now + kOcspResponseSeconds + 1);
  BOOST_TEST(revoked.status().code() == StatusCode::kBadInput, revoked.status().ToString());

  // A home without a responder key staples nothing, and that is not an error.
  TempDir empty;
  auto none = OcspResponder::OpenForStapling(empty.path(), kPass);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(!*none);
}

// What a validator believes of a staple: good only when the issuer's own responder signed it,
// about this certificate, covering the signing time; revoked with its date; anything else ignored.
BOOST_AUTO_TEST_CASE(a_staple_is_believed_only_from_the_issuers_responder_at_the_signing_time) {
  Studio s;
  UniqueX509 leaf = s.Leaf(s.first.id), ca = s.Ca();
  auto responder = OcspResponder::OpenForStapling(s.home.path(), kPass);
  BOOST_REQUIRE(responder.ok() && *responder);
  const std::time_t now = std::time(nullptr);
  Result<Bytes> staple = (*responder)->Staple(leaf.get(), now);
  BOOST_REQUIRE(staple.ok());

  StapleCheck good = CheckOcspStaple(*staple, leaf.get(), ca.get(), now);
  BOOST_TEST((good.state == StapleState::kGood), good.detail);
  BOOST_TEST(good.responder.find("OCSP Responder") != std::string::npos, good.responder);
  // Signed before the answer existed, or after it lapsed: it says nothing about that moment.
  BOOST_TEST(
      (CheckOcspStaple(*staple, leaf.get(), ca.get(), now - 3600).state == StapleState::kInvalid));
  BOOST_TEST(
      (CheckOcspStaple(*staple, leaf.get(), ca.get(), now + 2 * kOcspResponseSeconds).state ==
       StapleState::kInvalid));

  // About another certificate of the same CA: not this signer's status.
  Result<KeyInfo> next = s.store.Rotate({}, kPass);
  BOOST_REQUIRE(next.ok());
  UniqueX509 next_leaf = s.Leaf(next->id);
  BOOST_TEST(
      (CheckOcspStaple(*staple, next_leaf.get(), ca.get(), now).state == StapleState::kInvalid));

  // Another studio's responder vouching for this signer, or for its own: not believed here.
  Studio other;
  auto other_responder = OcspResponder::OpenForStapling(other.home.path(), kPass);
  BOOST_REQUIRE(other_responder.ok() && *other_responder);
  UniqueX509 other_leaf = other.Leaf(other.first.id);
  Result<Bytes> foreign = (*other_responder)->Staple(other_leaf.get(), now);
  BOOST_REQUIRE(foreign.ok());
  StapleCheck forged = CheckOcspStaple(*foreign, leaf.get(), ca.get(), now);
  BOOST_TEST((forged.state == StapleState::kInvalid), forged.detail);
  BOOST_TEST(
      (CheckOcspStaple(*foreign, other_leaf.get(), ca.get(), now).state == StapleState::kInvalid));

  // Damaged bytes: one flipped bit in the signed data, a truncated response, garbage.
  Bytes flipped = *staple;
  flipped[flipped.size() / 2] ^= 0x01;
  for (const Bytes& bad : {flipped, Bytes(staple->begin(), staple->end() - 5), Bytes(64, 0x30)}) {
    BOOST_TEST((CheckOcspStaple(bad, leaf.get(), ca.get(), now).state == StapleState::kInvalid));
  }

  // The responder's answer after `keys revoke`: revoked, with the date.
  BOOST_REQUIRE(s.store.Revoke(s.first.id, kPass).ok());
  auto fresh = OcspResponder::Open(s.home.path(), kPass);
  BOOST_REQUIRE(fresh.ok());
  Question q = Ask(leaf.get(), ca.get());
  const OcspAnswer answer = (*fresh)->Respond(ByteView(q.der), std::time(nullptr));
  StapleCheck revoked = CheckOcspStaple(answer.der, leaf.get(), ca.get(), std::time(nullptr));
  BOOST_TEST((revoked.state == StapleState::kRevoked), revoked.detail);
  BOOST_TEST(revoked.revoked_at >= now - 1);
}
