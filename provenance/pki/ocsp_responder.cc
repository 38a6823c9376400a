#include "provenance/pki/ocsp_responder.h"

#include <sys/stat.h>

#include <openssl/ocsp.h>

#include <utility>
#include <vector>

namespace hallmark::provenance {
namespace {

// "<seconds>.<nanoseconds>" of a file's last change, or "-" when it is missing.
std::string ChangeStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "-";
  return std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

Bytes Encode(OCSP_RESPONSE* response) {
  const int n = i2d_OCSP_RESPONSE(response, nullptr);
  if (n <= 0) return {};
  Bytes der(size_t(n), 0);
  unsigned char* p = der.data();
  i2d_OCSP_RESPONSE(response, &p);
  return der;
}

Bytes EncodeRequest(OCSP_REQUEST* request) {
  const int n = i2d_OCSP_REQUEST(request, nullptr);
  if (n <= 0) return {};
  Bytes der(size_t(n), 0);
  unsigned char* p = der.data();
  i2d_OCSP_REQUEST(request, &p);
  return der;
}

// An unsigned error response (RFC 6960 §4.2.1: these carry no responseBytes).
OcspAnswer ErrorAnswer(int ocsp_status, int http_status) {
  UniqueOcspResponse r(OCSP_response_create(ocsp_status, nullptr));
  OcspAnswer a;
  a.http_status = http_status;
  if (r) a.der = Encode(r.get());
  return a;
}

}  // namespace

OcspResponder::OcspResponder(KeyStore store, DelegatedKey key)
    : store_(std::move(store)), signing_(std::move(key)) {
  struct tm t {};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(signing_.chain.front().get()), &t) == 1) {
    not_after_ = timegm(&t);
  }
}

Result<std::unique_ptr<OcspResponder>> OcspResponder::Open(const std::string& home,
                                                           const std::string& passphrase) {
  KeyStore store(home);
  HM_ASSIGN_OR_RETURN(DelegatedKey key, store.LoadOcspResponder(passphrase));
  std::unique_ptr<OcspResponder> r(new OcspResponder(std::move(store), std::move(key)));
  std::lock_guard<std::mutex> lock(r->mu_);
  HM_RETURN_IF_ERROR(r->Refresh());
  return r;
}

Result<std::unique_ptr<OcspResponder>> OcspResponder::OpenForStapling(
    const std::string& home, const std::string& passphrase) {
  Result<std::unique_ptr<OcspResponder>> responder = Open(home, passphrase);
  if (!responder.ok() && responder.status().code() == StatusCode::kNotFound) {
    return std::unique_ptr<OcspResponder>();
  }
  if (responder.ok() && (*responder)->not_after() <= std::time(nullptr)) {
    return std::unique_ptr<OcspResponder>();
  }
  return responder;
}

Status OcspResponder::Refresh() {
  const std::string stamp =
      ChangeStamp(store_.keys_dir()) + "/" + ChangeStamp(store_.keys_dir() + "/revoked.crl");
  if (ca_ && stamp == state_stamp_) return Status::Ok();
  HM_RETURN_IF_ERROR(Reload());
  state_stamp_ = stamp;
  return Status::Ok();
}

Status OcspResponder::Reload() {
  HM_ASSIGN_OR_RETURN(auto ca_chain, ReadCertificatesPem(store_.keys_dir() + "/ca.crt"));
  UniqueX509 ca = std::move(ca_chain.front());
  // The responder must have been issued by this CA, or its answers would not verify.
  if (X509_check_issued(ca.get(), signing_.chain.front().get()) != X509_V_OK) {
    return Status::BadInput(store_.responder_dir() +
                            "/responder.crt: not issued by the studio CA in keys/ca.crt");
  }
  std::map<std::string, Revocation> revoked;
  Result<UniqueX509Crl> crl = store_.RevocationList();
  if (crl.ok()) {
    // A list the CA did not sign could only un-revoke a key; refuse to answer from it.
    if (X509_CRL_verify(crl->get(), X509_get0_pubkey(ca.get())) != 1) {
      DrainOpenSslErrors();
      return Status::BadInput(store_.keys_dir() +
                              "/revoked.crl: its signature does not verify with the studio CA");
    }
    for (const RevokedEntry& e : RevokedEntries(crl->get())) revoked[e.serial_hex] = {e.revoked_at};
  } else if (crl.status().code() != StatusCode::kNotFound) {
    return crl.status();
  }
  HM_ASSIGN_OR_RETURN(std::vector<KeyInfo> keys, store_.List());
  const std::string ca_name = X509NameString(X509_get_subject_name(ca.get()));
  std::set<std::string> issued;
  for (const KeyInfo& k : keys) {
    if (!k.is_ca && k.issuer == ca_name) issued.insert(k.serial);
  }
  ca_ = std::move(ca);
  issued_ = std::move(issued);
  revoked_ = std::move(revoked);
  return Status::Ok();
}

OcspAnswer OcspResponder::Respond(ByteView request, std::time_t now) {
  const unsigned char* p = request.data();
  UniqueOcspRequest req(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request.size())));
  if (!req || p != request.data() + request.size()) {
    DrainOpenSslErrors();
    return ErrorAnswer(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, 400);
  }
  const int questions = OCSP_request_onereq_count(req.get());
  if (questions < 1 || questions > kMaxOcspQuestions) {
    return ErrorAnswer(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, 400);
  }

  std::lock_guard<std::mutex> lock(mu_);
  if (!Refresh().ok()) return ErrorAnswer(OCSP_RESPONSE_STATUS_INTERNALERROR, 500);

  UniqueOcspBasic basic(OCSP_BASICRESP_new());
  UniqueAsn1Time this_update(ASN1_TIME_set(nullptr, now));
  UniqueAsn1Time next_update(ASN1_TIME_set(nullptr, now + kOcspResponseSeconds));
  if (!basic || !this_update || !next_update) {
    return ErrorAnswer(OCSP_RESPONSE_STATUS_INTERNALERROR, 500);
  }
  for (int i = 0; i < questions; ++i) {
    OCSP_CERTID* asked = OCSP_onereq_get0_id(OCSP_request_onereq_get0(req.get(), i));
    ASN1_OBJECT* hash_alg = nullptr;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(nullptr, &hash_alg, nullptr, &serial, asked);
    const EVP_MD* md = hash_alg ? EVP_get_digestbyobj(hash_alg) : nullptr;
    if (!md || !serial) return ErrorAnswer(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, 400);
    // The issuer is identified by hashes of its name and key, in the hash the client chose.
    UniqueOcspCertId ours(OCSP_cert_id_new(md, X509_get_subject_name(ca_.get()),
                                           X509_get0_pubkey_bitstr(ca_.get()), serial));
    if (!ours || OCSP_id_issuer_cmp(ours.get(), asked) != 0) {
      DrainOpenSslErrors();
      return ErrorAnswer(OCSP_RESPONSE_STATUS_UNAUTHORIZED, 200);
    }
    const std::string serial_hex = SerialHex(serial);
    auto rev = revoked_.find(serial_hex);
    OCSP_SINGLERESP* single = nullptr;
    if (rev != revoked_.end()) {
      UniqueAsn1Time at(ASN1_TIME_set(nullptr, rev->second.at));
      single = OCSP_basic_add1_status(basic.get(), ours.get(), V_OCSP_CERTSTATUS_REVOKED,
                                      OCSP_REVOKED_STATUS_NOSTATUS, at.get(), this_update.get(),
                                      next_update.get());
    } else {
      const int status =
          issued_.count(serial_hex) ? V_OCSP_CERTSTATUS_GOOD : V_OCSP_CERTSTATUS_UNKNOWN;
      single = OCSP_basic_add1_status(basic.get(), ours.get(), status, 0, nullptr,
                                      this_update.get(), next_update.get());
    }
    if (!single) return ErrorAnswer(OCSP_RESPONSE_STATUS_INTERNALERROR, 500);
  }
  // A nonce ties the answer to this request, so it cannot be replayed to the client later.
  if (OCSP_copy_nonce(basic.get(), req.get()) <= 0 ||
      OCSP_basic_sign(basic.get(), signing_.chain.front().get(), signing_.key.get(), EVP_sha256(),
                      nullptr, 0) != 1) {
    DrainOpenSslErrors();
    return ErrorAnswer(OCSP_RESPONSE_STATUS_INTERNALERROR, 500);
  }
  UniqueOcspResponse response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
  if (!response) return ErrorAnswer(OCSP_RESPONSE_STATUS_INTERNALERROR, 500);
  OcspAnswer a;
  a.der = Encode(response.get());
  return a;
}

Result<Bytes> OcspResponder::Staple(X509* cert, std::time_t now) {
  UniqueOcspRequest req(OCSP_REQUEST_new());
  std::string serial_hex;
  {
    std::lock_guard<std::mutex> lock(mu_);
    HM_RETURN_IF_ERROR(Refresh());
    serial_hex = SerialHex(X509_get0_serialNumber(cert));
    // Before the cache: a staple made before a revocation must not outlive it here.
    if (revoked_.count(serial_hex)) {
      return Status::BadInput("the signing certificate " + serial_hex +
                              " is revoked; its status is not stapled");
    }
    auto cached = staples_.find(serial_hex);
    if (cached != staples_.end() && now - cached->second.made_at < kOcspResponseSeconds / 2 &&
        now >= cached->second.made_at) {
      return cached->second.der;
    }
    if (!req || X509_check_issued(ca_.get(), cert) != X509_V_OK) {
      DrainOpenSslErrors();
      return Status::BadInput("the signing certificate " + serial_hex +
                              " was not issued by the studio CA; its status is not stapled");
    }
    // SHA-1 names the issuer in the request, as RFC 6960 clients do by default; the answer is
    // signed with SHA-256.
    OCSP_CERTID* id = OCSP_cert_to_id(EVP_sha1(), cert, ca_.get());
    if (!id || !OCSP_request_add0_id(req.get(), id)) {
      OCSP_CERTID_free(id);
      DrainOpenSslErrors();
      return Status::Internal("cannot build the OCSP request for a staple");
    }
  }
  OcspAnswer answer = Respond(EncodeRequest(req.get()), now);
  if (answer.http_status != 200) {
    return Status::Internal("the studio OCSP responder could not answer for its own signer");
  }
  std::lock_guard<std::mutex> lock(mu_);
  staples_[serial_hex] = {answer.der, now};
  return answer.der;
}

}  // namespace hallmark::provenance
