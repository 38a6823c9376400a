#include "provenance/pki/time_stamp.h"

#include <openssl/cms.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include <cstring>

namespace hallmark::provenance {
namespace {

using UniqueTsReq = OpenSslPtr<TS_REQ, TS_REQ_free>;
using UniqueTsResp = OpenSslPtr<TS_RESP, TS_RESP_free>;
using UniqueTsMsgImprint = OpenSslPtr<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>;
using UniqueTstInfo = OpenSslPtr<TS_TST_INFO, TS_TST_INFO_free>;
using UniqueCms = OpenSslPtr<CMS_ContentInfo, CMS_ContentInfo_free>;
using UniqueX509Algor = OpenSslPtr<X509_ALGOR, X509_ALGOR_free>;

std::time_t GeneralizedTime(const ASN1_GENERALIZEDTIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

template <typename T, int (*Encode)(const T*, unsigned char**)>
Bytes Der(const T* object) {
  const int n = Encode(object, nullptr);
  if (n <= 0) return {};
  Bytes out(size_t(n), 0);
  unsigned char* p = out.data();
  Encode(object, &p);
  return out;
}

// The digests C2PA allows for time-stamp imprints (C2PA 2.2 §13.1); SHA-1 is not among them.
const EVP_MD* AllowedImprintDigest(const ASN1_OBJECT* algorithm) {
  switch (OBJ_obj2nid(algorithm)) {
    case NID_sha256:
      return EVP_sha256();
    case NID_sha384:
      return EVP_sha384();
    case NID_sha512:
      return EVP_sha512();
    default:
      return nullptr;
  }
}

Bytes DigestOf(const EVP_MD* md, ByteView data) {
  Bytes out(size_t(EVP_MD_get_size(md)), 0);
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &n, md, nullptr);
  out.resize(n);
  return out;
}

bool SameImprint(const TS_MSG_IMPRINT* a, const TS_MSG_IMPRINT* b) {
  const X509_ALGOR* aa = TS_MSG_IMPRINT_get_algo(const_cast<TS_MSG_IMPRINT*>(a));
  const X509_ALGOR* ba = TS_MSG_IMPRINT_get_algo(const_cast<TS_MSG_IMPRINT*>(b));
  const ASN1_OCTET_STRING* am = TS_MSG_IMPRINT_get_msg(const_cast<TS_MSG_IMPRINT*>(a));
  const ASN1_OCTET_STRING* bm = TS_MSG_IMPRINT_get_msg(const_cast<TS_MSG_IMPRINT*>(b));
  return aa && ba && am && bm && OBJ_cmp(aa->algorithm, ba->algorithm) == 0 &&
         ASN1_OCTET_STRING_cmp(am, bm) == 0;
}

}  // namespace

Result<Bytes> TimeStampRequest(ByteView data) {
  UniqueTsReq req(TS_REQ_new());
  UniqueTsMsgImprint imprint(TS_MSG_IMPRINT_new());
  UniqueX509Algor algo(X509_ALGOR_new());
  if (!req || !imprint || !algo) return Status::Internal("out of memory");
  X509_ALGOR_set0(algo.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr);
  const Bytes digest = DigestOf(EVP_sha256(), data);
  unsigned char nonce_bytes[8];
  if (RAND_bytes(nonce_bytes, sizeof nonce_bytes) != 1) return Status::Internal("no randomness");
  nonce_bytes[0] &= 0x7f;
  UniqueBignum bn(BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
  UniqueAsn1Integer nonce(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (TS_REQ_set_version(req.get(), 1) != 1 ||
      TS_MSG_IMPRINT_set_algo(imprint.get(), algo.get()) != 1 ||
      TS_MSG_IMPRINT_set_msg(imprint.get(), const_cast<uint8_t*>(digest.data()),
                             int(digest.size())) != 1 ||
      TS_REQ_set_msg_imprint(req.get(), imprint.get()) != 1 ||
      TS_REQ_set_nonce(req.get(), nonce.get()) != 1 || TS_REQ_set_cert_req(req.get(), 1) != 1) {
    return Status::Internal("cannot build a time-stamp request: " + DrainOpenSslErrors());
  }
  return Der<TS_REQ, i2d_TS_REQ>(req.get());
}

Status CheckTimeStampResponse(ByteView response, ByteView request, const std::string& what) {
  const unsigned char* p = response.data();
  UniqueTsResp resp(d2i_TS_RESP(nullptr, &p, long(response.size())));
  if (!resp || p != response.data() + response.size()) {
    DrainOpenSslErrors();
    return Status::BadInput(what + ": the answer is not an RFC 3161 time-stamp response");
  }
  const long status =
      ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(resp.get())));
  if (status != 0 && status != 1) {  // granted, grantedWithMods
    return Status::BadInput(what + ": the time-stamp authority refused the request (status " +
                            std::to_string(status) + ")");
  }
  p = request.data();
  UniqueTsReq req(d2i_TS_REQ(nullptr, &p, long(request.size())));
  TS_TST_INFO* info = TS_RESP_get_tst_info(resp.get());
  PKCS7* token = TS_RESP_get_token(resp.get());
  if (!req || !info || !token) {
    DrainOpenSslErrors();
    return Status::BadInput(what + ": the time-stamp response carries no token");
  }
  // An answer to another request (a replay, or a confused proxy) would stamp the wrong bytes.
  const ASN1_INTEGER* asked = TS_REQ_get_nonce(req.get());
  const ASN1_INTEGER* got = TS_TST_INFO_get_nonce(info);
  if (!SameImprint(TS_REQ_get_msg_imprint(req.get()), TS_TST_INFO_get_msg_imprint(info)) ||
      (asked && (!got || ASN1_INTEGER_cmp(asked, got) != 0))) {
    return Status::BadInput(what + ": the time-stamp answers another request");
  }
  return Status::Ok();
}

Bytes TimeStampTokenOf(ByteView stamp) {
  const unsigned char* p = stamp.data();
  UniqueTsResp resp(d2i_TS_RESP(nullptr, &p, long(stamp.size())));
  DrainOpenSslErrors();
  if (resp && p == stamp.data() + stamp.size()) {
    PKCS7* token = TS_RESP_get_token(resp.get());
    return token ? Der<PKCS7, i2d_PKCS7>(token) : Bytes();
  }
  return Bytes(stamp.begin(), stamp.end());
}

TimeStampCheck VerifyTimeStampToken(ByteView token, ByteView data,
                                    const std::vector<UniqueX509>& tsa_anchors) {
  TimeStampCheck check;
  const unsigned char* p = token.data();
  UniquePkcs7 pkcs7(d2i_PKCS7(nullptr, &p, long(token.size())));
  UniqueTstInfo info(pkcs7 ? PKCS7_to_TS_TST_INFO(pkcs7.get()) : nullptr);
  p = token.data();
  UniqueCms cms(d2i_CMS_ContentInfo(nullptr, &p, long(token.size())));
  if (!info || !cms) {
    DrainOpenSslErrors();
    check.detail = "not an RFC 3161 time-stamp token";
    return check;
  }
  check.gen_time = GeneralizedTime(TS_TST_INFO_get_time(info.get()));

  // The imprint must be over exactly these bytes, in an allowed digest.
  TS_MSG_IMPRINT* imprint = TS_TST_INFO_get_msg_imprint(info.get());
  const EVP_MD* md = AllowedImprintDigest(TS_MSG_IMPRINT_get_algo(imprint)->algorithm);
  if (!md) {
    check.state = TimeStampState::kUntrusted;
    check.detail = "the imprint's digest algorithm is not allowed";
    return check;
  }
  const Bytes expected = DigestOf(md, data);
  const ASN1_OCTET_STRING* msg = TS_MSG_IMPRINT_get_msg(imprint);
  if (size_t(ASN1_STRING_length(msg)) != expected.size() ||
      std::memcmp(ASN1_STRING_get0_data(msg), expected.data(), expected.size()) != 0) {
    check.state = TimeStampState::kMismatch;
    check.detail = "the time-stamp is over other data than this signature";
    return check;
  }
  // The CMS signature, with the certificate the token carries (its trust comes next).
  if (CMS_verify(cms.get(), nullptr, nullptr, nullptr, nullptr,
                 CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY) != 1) {
    DrainOpenSslErrors();
    check.state = TimeStampState::kMismatch;
    check.detail = "the time-stamp's signature does not verify";
    return check;
  }
  STACK_OF(X509)* signers = CMS_get0_signers(cms.get());
  X509* tsa = sk_X509_num(signers) == 1 ? sk_X509_value(signers, 0) : nullptr;
  sk_X509_free(signers);
  if (!tsa) {
    check.state = TimeStampState::kMalformed;
    check.detail = "the time-stamp does not carry exactly one TSA certificate";
    return check;
  }
  check.tsa = X509NameString(X509_get_subject_name(tsa));
  check.state = TimeStampState::kUntrusted;
  // RFC 3161 §2.3: the TSA's extended key usage is timeStamping alone, marked critical; and a CA
  // certificate may not sign tokens (C2PA 2.2 §14.5.3).
  const int eku = X509_get_ext_by_NID(tsa, NID_ext_key_usage, -1);
  if (eku < 0 || !X509_EXTENSION_get_critical(X509_get_ext(tsa, eku)) ||
      X509_get_extended_key_usage(tsa) != XKU_TIMESTAMP || X509_check_ca(tsa) != 0) {
    check.detail = "the TSA certificate is not a time-stamping certificate";
    return check;
  }
  if (tsa_anchors.empty()) {
    check.detail = "no TSA trust anchors configured";
    return check;
  }
  UniqueX509Store store(X509_STORE_new());
  for (const auto& a : tsa_anchors) X509_STORE_add_cert(store.get(), a.get());
  UniqueX509StoreCtx ctx(X509_STORE_CTX_new());
  STACK_OF(X509)* carried = CMS_get1_certs(cms.get());
  X509_STORE_CTX_init(ctx.get(), store.get(), tsa, carried);
  X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_TIMESTAMP_SIGN);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(param, check.gen_time);  // judged when it stamped
  const bool chained = X509_verify_cert(ctx.get()) == 1;
  if (!chained) {
    check.detail = std::string("the TSA is not on the TSA trust list: ") +
                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
  }
  sk_X509_pop_free(carried, X509_free);
  DrainOpenSslErrors();
  if (chained) check.state = TimeStampState::kTrusted;
  return check;
}

}  // namespace hallmark::provenance
