#include "provenance/pki/ocsp_staple.h"

namespace hallmark::provenance {
namespace {

// A responder's clock may run a little ahead of the TSA's.
constexpr std::time_t kClockSkewSeconds = 300;

std::time_t ToTime(const ASN1_GENERALIZEDTIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

StapleCheck Invalid(std::string why) {
  DrainOpenSslErrors();
  StapleCheck c;
  c.detail = "stapled OCSP response ignored: " + std::move(why);
  return c;
}

// The single response about `leaf`, whatever digest the responder named it by.
OCSP_SINGLERESP* FindSingle(OCSP_BASICRESP* basic, X509* leaf, X509* issuer) {
  for (int i = 0; i < OCSP_resp_count(basic); ++i) {
    OCSP_SINGLERESP* single = OCSP_resp_get0(basic, i);
    const OCSP_CERTID* id = OCSP_SINGLERESP_get0_id(single);
    ASN1_OBJECT* md_oid = nullptr;
    if (OCSP_id_get0_info(nullptr, &md_oid, nullptr, nullptr, const_cast<OCSP_CERTID*>(id)) != 1) {
      continue;
    }
    const EVP_MD* md = EVP_get_digestbyobj(md_oid);
    if (md == nullptr) continue;
    UniqueOcspCertId ours(OCSP_cert_to_id(md, leaf, issuer));
    if (ours && OCSP_id_cmp(ours.get(), id) == 0) return single;
  }
  return nullptr;
}

}  // namespace

StapleCheck CheckOcspStaple(ByteView der, X509* leaf, X509* issuer, std::time_t at) {
  const unsigned char* p = der.data();
  UniqueOcspResponse response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
  if (!response || p != der.data() + der.size()) return Invalid("not a DER OCSP response");
  if (OCSP_response_status(response.get()) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
    return Invalid("the responder answered with an error status");
  }
  UniqueOcspBasic basic(OCSP_response_get1_basic(response.get()));
  if (!basic) return Invalid("no basic response inside");

  // The signature, and that its signer is the issuer or a responder the issuer delegated to.
  // Certificate dates are judged below against the signing time, not the clock.
  UniqueX509Store store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), issuer) != 1) return Invalid("out of memory");
  X509_STORE_set_flags(store.get(), X509_V_FLAG_NO_CHECK_TIME | X509_V_FLAG_PARTIAL_CHAIN);
  if (OCSP_basic_verify(basic.get(), nullptr, store.get(), 0) != 1) {
    return Invalid(
        "its signature does not verify under the signer's issuer or a responder it "
        "delegated");
  }
  X509* signer = nullptr;
  if (OCSP_resp_get0_signer(basic.get(), &signer, nullptr) != 1 || signer == nullptr) {
    return Invalid("it names no signing certificate");
  }

  OCSP_SINGLERESP* single = FindSingle(basic.get(), leaf, issuer);
  if (single == nullptr) return Invalid("it is about another certificate");
  int reason = 0;
  ASN1_GENERALIZEDTIME *revoked = nullptr, *this_update = nullptr, *next_update = nullptr;
  const int status = OCSP_single_get0_status(single, &reason, &revoked, &this_update, &next_update);

  StapleCheck c;
  c.responder = X509NameString(X509_get_subject_name(signer));
  c.this_update = ToTime(this_update);
  c.next_update = ToTime(next_update);
  if (c.this_update == 0) return Invalid("it has no readable thisUpdate");
  if (at + kClockSkewSeconds < c.this_update) {
    return Invalid("it was issued after the signing time");
  }
  if (signer != issuer && (ToTime(X509_get0_notBefore(signer)) > c.this_update ||
                           ToTime(X509_get0_notAfter(signer)) < c.this_update)) {
    return Invalid("its responder certificate was not valid when it answered");
  }
  switch (status) {
    case V_OCSP_CERTSTATUS_REVOKED:
      c.state = StapleState::kRevoked;
      c.revoked_at = ToTime(revoked);
      c.detail = "stapled OCSP response from " + c.responder + ": revoked";
      return c;
    case V_OCSP_CERTSTATUS_GOOD:
      // A good answer says nothing about moments after its nextUpdate.
      if (c.next_update != 0 && at > c.next_update) {
        return Invalid("it had expired (nextUpdate) by the signing time");
      }
      c.state = StapleState::kGood;
      c.detail = "stapled OCSP response from " + c.responder + ": good at the signing time";
      return c;
    default:
      c.state = StapleState::kUnknown;
      c.detail = "stapled OCSP response from " + c.responder + ": certificate unknown";
      return c;
  }
}

}  // namespace hallmark::provenance
