#include "provenance/pki/time_stamp_authority.h"

#include <openssl/rand.h>
#include <openssl/ts.h>

namespace hallmark::provenance {
namespace {

using UniqueTsRespCtx = OpenSslPtr<TS_RESP_CTX, TS_RESP_CTX_free>;
using UniqueTsResp = OpenSslPtr<TS_RESP, TS_RESP_free>;

// Token serial numbers must be unique per TSA (RFC 3161 §2.4.2); OpenSSL's default is always 1.
ASN1_INTEGER* RandomSerial(TS_RESP_CTX* ctx, void*) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    TS_RESP_CTX_set_status_info(ctx, TS_STATUS_REJECTION, "no randomness for a serial number");
    return nullptr;
  }
  bytes[0] &= 0x7f;
  UniqueBignum bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
  return BN_to_ASN1_INTEGER(bn.get(), nullptr);
}

// Tokens a probe makes may differ from later ones by a few bytes (serial and signature lengths,
// the nonce); the reservation takes that and more.
constexpr size_t kTokenSizeSlack = 96;

}  // namespace

Result<std::unique_ptr<StudioTimeStampAuthority>> StudioTimeStampAuthority::Open(
    const std::string& home, const std::string& passphrase) {
  const KeyStore store(home);
  HM_ASSIGN_OR_RETURN(DelegatedKey key, store.LoadTimeStampAuthority(passphrase));
  std::unique_ptr<StudioTimeStampAuthority> tsa(new StudioTimeStampAuthority(std::move(key)));
  // One token made now says how large the tokens are, and that the key works.
  HM_ASSIGN_OR_RETURN(Bytes probe, tsa->Stamp(ByteView()));
  tsa->max_response_size_ = probe.size() + kTokenSizeSlack;
  return tsa;
}

StudioTimeStampAuthority::Answer StudioTimeStampAuthority::Respond(ByteView request) const {
  Answer answer;
  {
    const unsigned char* p = request.data();
    OpenSslPtr<TS_REQ, TS_REQ_free> parsed(d2i_TS_REQ(nullptr, &p, long(request.size())));
    if (!parsed || p != request.data() + request.size()) answer.http_status = 400;
  }
  answer.der = Create(request);
  if (answer.der.empty()) answer.http_status = 500;
  return answer;
}

Bytes StudioTimeStampAuthority::Create(ByteView request) const {
  std::lock_guard<std::mutex> lock(mu_);
  UniqueTsRespCtx ctx(TS_RESP_CTX_new());
  UniqueAsn1Object policy(OBJ_txt2obj(kStudioTsaPolicy, 1));
  if (!ctx || !policy || TS_RESP_CTX_set_signer_cert(ctx.get(), key_.chain.front().get()) != 1 ||
      TS_RESP_CTX_set_signer_key(ctx.get(), key_.key.get()) != 1 ||
      TS_RESP_CTX_set_signer_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_ess_cert_id_digest(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_set_def_policy(ctx.get(), policy.get()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha256()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha384()) != 1 ||
      TS_RESP_CTX_add_md(ctx.get(), EVP_sha512()) != 1 ||
      TS_RESP_CTX_set_accuracy(ctx.get(), 1, 0, 0) != 1) {
    DrainOpenSslErrors();
    return {};
  }
  TS_RESP_CTX_set_serial_cb(ctx.get(), RandomSerial, nullptr);
  UniqueBio in(BIO_new_mem_buf(request.data(), int(request.size())));
  UniqueTsResp resp(TS_RESP_create_response(ctx.get(), in.get()));
  DrainOpenSslErrors();  // a bad request leaves errors behind along with its rejection
  if (!resp) return {};
  const int n = i2d_TS_RESP(resp.get(), nullptr);
  if (n <= 0) return {};
  Bytes der(size_t(n), 0);
  unsigned char* p = der.data();
  i2d_TS_RESP(resp.get(), &p);
  return der;
}

Result<Bytes> StudioTimeStampAuthority::Stamp(ByteView data) const {
  HM_ASSIGN_OR_RETURN(Bytes request, TimeStampRequest(data));
  const Bytes response = Create(request);
  if (response.empty()) return Status::Internal("the studio TSA could not make a time-stamp");
  HM_RETURN_IF_ERROR(CheckTimeStampResponse(response, request, "the studio TSA"));
  return response;
}

}  // namespace hallmark::provenance
