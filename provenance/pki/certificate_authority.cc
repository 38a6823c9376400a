#include "provenance/pki/certificate_authority.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace hallmark::provenance {
namespace {

constexpr const char* kClaimSigningOid = "1.3.6.1.4.1.62558.2.1";
constexpr const char* kDocumentSigningOid = "1.3.6.1.5.5.7.3.36";
constexpr const char* kEmailProtectionOid = "1.3.6.1.5.5.7.3.4";

// EKUs the C2PA reference validator accepts for a claim signer by default.
const char* const kAcceptedEkus[] = {
    kEmailProtectionOid,         kDocumentSigningOid, kClaimSigningOid,
    "1.3.6.1.5.5.7.3.8",          // timeStamping
    "1.3.6.1.5.5.7.3.9",          // OCSPSigning
    "1.3.6.1.4.1.311.76.59.1.9",  // Microsoft C2PA signing
};

const EVP_MD* CertDigest(EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  UniqueX509Extension ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return Status::Internal(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid) +
                            ": " + DrainOpenSslErrors());
  }
  return Status::Ok();
}

Result<UniqueX509> NewCertificate(EVP_PKEY* subject_key, const Validity& validity) {
  UniqueX509 cert(X509_new());
  if (!cert) return Status::Internal("out of memory");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return Status::Internal("no randomness");
  serial[0] &= 0x7f;  // positive
  serial[0] |= 0x40;  // full length, never zero
  UniqueBignum bn(BN_bin2bn(serial, sizeof serial, nullptr));
  BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), validity.not_before);
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), validity.not_after);
  X509_set_pubkey(cert.get(), subject_key);
  return cert;
}

UniqueX509Name MakeName(const std::string& organization, const std::string& common_name) {
  UniqueX509Name name(X509_NAME_new());
  auto add = [&](const char* field, const std::string& v) {
    X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);
  };
  add("CN", common_name);
  add("O", organization);
  return name;
}

// What every end-entity certificate the CA issues carries: not a CA, digital signatures only,
// the extended key usages `eku`, and the subject and authority key identifiers.
Status AddLeafExtensions(X509* cert, X509V3_CTX* ctx, const char* eku) {
  HM_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_basic_constraints, "critical,CA:FALSE"));
  HM_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_key_usage, "critical,digitalSignature"));
  HM_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_ext_key_usage, eku));
  HM_RETURN_IF_ERROR(AddExtension(cert, ctx, NID_subject_key_identifier, "hash"));
  return AddExtension(cert, ctx, NID_authority_key_identifier, "keyid:always");
}

Status Sign(X509* cert, EVP_PKEY* key) {
  if (X509_sign(cert, key, CertDigest(key)) <= 0) {
    return Status::Internal("cannot sign certificate: " + DrainOpenSslErrors());
  }
  return Status::Ok();
}

}  // namespace

Result<KeyAlgorithm> ParseKeyAlgorithm(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  if (n == "es256" || n == "p256" || n == "p-256") return KeyAlgorithm::kEs256;
  if (n == "ed25519" || n == "eddsa") return KeyAlgorithm::kEd25519;
  return Status::InvalidArgument("unknown key algorithm '" + name + "' (es256 or ed25519)");
}

Result<UniquePkey> GenerateKey(KeyAlgorithm alg) {
  UniquePkey key(alg == KeyAlgorithm::kEs256 ? EVP_EC_gen("P-256")
                                             : EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Status::Internal("key generation failed: " + DrainOpenSslErrors());
  return key;
}

Validity Validity::Days(int days, std::time_t start) {
  Validity v;
  v.not_before = start - 60;  // tolerate small clock skew between signer and verifier
  v.not_after = start + static_cast<std::time_t>(days) * 86400;
  return v;
}

Result<UniqueX509> IssueRootCertificate(EVP_PKEY* key, const std::string& organization,
                                        const Validity& validity) {
  HM_ASSIGN_OR_RETURN(UniqueX509 cert, NewCertificate(key, validity));
  UniqueX509Name name = MakeName(organization, organization + " Root CA");
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), name.get());
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
  HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_key_usage,
                                  "critical,keyCertSign,cRLSign,digitalSignature"));
  HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  HM_RETURN_IF_ERROR(Sign(cert.get(), key));
  return cert;
}

Status CheckPublicUrl(const std::string& url) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("public URL '" + url + "': " + why);
  };
  const size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") return bad("it must start with http:// or https://");
  const std::string rest = url.substr(scheme_end + 3);
  if (rest.empty() || rest.front() == '/') return bad("it names no host");
  if (url.size() > 512) return bad("longer than 512 characters");
  // The URL goes into an OpenSSL extension string, where ',' separates values; and a relying
  // party fetches it as is. So only plain host, port and path characters are allowed.
  for (unsigned char c : rest) {
    if (!(std::isalnum(c) || std::strchr(".-_~/:[]%", c))) {
      return bad(std::string("character '") + static_cast<char>(c) +
                 "' is not allowed (no query, fragment, user info or white space)");
    }
  }
  if (url.back() == '/') return bad("drop the trailing '/'");
  return Status::Ok();
}

Result<UniqueX509> IssueSigningCertificate(EVP_PKEY* subject_key, const std::string& organization,
                                           const std::string& common_name, X509* ca_cert,
                                           EVP_PKEY* ca_key, const Validity& validity,
                                           const RevocationService& revocation) {
  HM_ASSIGN_OR_RETURN(UniqueX509 cert, NewCertificate(subject_key, validity));
  UniqueX509Name name = MakeName(organization, common_name);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert));
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, cert.get(), nullptr, nullptr, 0);
  const std::string eku =
      std::string(kEmailProtectionOid) + "," + kClaimSigningOid + "," + kDocumentSigningOid;
  HM_RETURN_IF_ERROR(AddLeafExtensions(cert.get(), &ctx, eku.c_str()));
  if (!revocation.public_url.empty()) {
    HM_RETURN_IF_ERROR(CheckPublicUrl(revocation.public_url));
    const std::string aia = "OCSP;URI:" + revocation.OcspUrl();
    const std::string cdp = "URI:" + revocation.CrlUrl();
    HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_info_access, aia.c_str()));
    HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_crl_distribution_points, cdp.c_str()));
  }
  HM_RETURN_IF_ERROR(Sign(cert.get(), ca_key));
  return cert;
}

namespace {

// A certificate for one job delegated by the CA: the CA's subject with "<CA CN> <job>" as common
// name, CA:FALSE, digitalSignature, and `eku` (critical) as its only purpose.
Result<UniqueX509> IssueDelegatedCertificate(EVP_PKEY* subject_key, X509* ca_cert, EVP_PKEY* ca_key,
                                             const Validity& validity, const std::string& job,
                                             const char* eku, bool ocsp_nocheck) {
  HM_ASSIGN_OR_RETURN(UniqueX509 cert, NewCertificate(subject_key, validity));
  UniqueX509Name name(X509_NAME_dup(X509_get_subject_name(ca_cert)));
  if (!name) return Status::Internal("out of memory");
  std::string common_name = job;
  const int cn = X509_NAME_get_index_by_NID(name.get(), NID_commonName, -1);
  if (cn >= 0) {
    const ASN1_STRING* v = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name.get(), cn));
    common_name = std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v)),
                              size_t(ASN1_STRING_length(v))) +
                  " " + job;
    X509_NAME_ENTRY_free(X509_NAME_delete_entry(name.get(), cn));
  }
  X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, 0, 0);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert));
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca_cert, cert.get(), nullptr, nullptr, 0);
  HM_RETURN_IF_ERROR(AddLeafExtensions(cert.get(), &ctx, eku));
  if (ocsp_nocheck) {
    HM_RETURN_IF_ERROR(AddExtension(cert.get(), &ctx, NID_id_pkix_OCSP_noCheck, "ignored"));
  }
  HM_RETURN_IF_ERROR(Sign(cert.get(), ca_key));
  return cert;
}

}  // namespace

Result<UniqueX509> IssueTimeStampingCertificate(EVP_PKEY* subject_key, X509* ca_cert,
                                                EVP_PKEY* ca_key, const Validity& validity) {
  return IssueDelegatedCertificate(subject_key, ca_cert, ca_key, validity,
                                   "Time-Stamping Authority", "critical,timeStamping", false);
}

Result<UniqueX509> IssueOcspResponderCertificate(EVP_PKEY* subject_key, X509* ca_cert,
                                                 EVP_PKEY* ca_key, const Validity& validity) {
  // OCSPSigning alone: this key can vouch for certificate status and for nothing else. Clients
  // do not ask about the responder's own certificate (nocheck, RFC 6960 §4.2.2.2.1), so its
  // validity is kept short instead.
  return IssueDelegatedCertificate(subject_key, ca_cert, ca_key, validity, "OCSP Responder",
                                   "critical,OCSPSigning", true);
}

std::string SerialHex(X509* cert) { return SerialHex(X509_get_serialNumber(cert)); }

std::string SerialHex(const ASN1_INTEGER* serial) {
  UniqueBignum bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  char* hex = BN_bn2hex(bn.get());
  std::string out = hex ? hex : "";
  OPENSSL_free(hex);
  return out;
}

Result<UniqueX509Crl> IssueRevocationList(X509* ca_cert, EVP_PKEY* ca_key,
                                          const std::vector<RevokedEntry>& revoked,
                                          int next_update_days) {
  UniqueX509Crl crl(X509_CRL_new());
  if (!crl) return Status::Internal("out of memory");
  X509_CRL_set_version(crl.get(), 1);  // v2
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(ca_cert));
  const std::time_t now = std::time(nullptr);
  UniqueAsn1Time last(ASN1_TIME_set(nullptr, now));
  UniqueAsn1Time next(ASN1_TIME_set(nullptr, now + std::time_t{86400} * next_update_days));
  X509_CRL_set1_lastUpdate(crl.get(), last.get());
  X509_CRL_set1_nextUpdate(crl.get(), next.get());
  for (const RevokedEntry& e : revoked) {
    BIGNUM* raw = nullptr;
    if (BN_hex2bn(&raw, e.serial_hex.c_str()) == 0) {
      return Status::BadInput("revocation list: bad serial '" + e.serial_hex + "'");
    }
    UniqueBignum bn(raw);
    UniqueX509Revoked entry(X509_REVOKED_new());
    UniqueAsn1Integer serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    UniqueAsn1Time when(ASN1_TIME_set(nullptr, e.revoked_at));
    X509_REVOKED_set_serialNumber(entry.get(), serial.get());
    X509_REVOKED_set_revocationDate(entry.get(), when.get());
    if (X509_CRL_add0_revoked(crl.get(), entry.get()) != 1) {
      return Status::Internal("cannot add CRL entry: " + DrainOpenSslErrors());
    }
    entry.release();  // owned by the CRL now
  }
  X509_CRL_sort(crl.get());
  if (X509_CRL_sign(crl.get(), ca_key, CertDigest(ca_key)) <= 0) {
    return Status::Internal("cannot sign revocation list: " + DrainOpenSslErrors());
  }
  return crl;
}

std::vector<RevokedEntry> RevokedEntries(X509_CRL* crl) {
  std::vector<RevokedEntry> out;
  STACK_OF(X509_REVOKED)* list = X509_CRL_get_REVOKED(crl);
  for (int i = 0; i < sk_X509_REVOKED_num(list); ++i) {
    X509_REVOKED* r = sk_X509_REVOKED_value(list, i);
    RevokedEntry e;
    e.serial_hex = SerialHex(X509_REVOKED_get0_serialNumber(r));
    struct tm t {};
    if (ASN1_TIME_to_tm(X509_REVOKED_get0_revocationDate(r), &t) == 1) e.revoked_at = timegm(&t);
    out.push_back(e);
  }
  return out;
}

std::string C2paSignerProfileProblem(X509* cert) {
  if (X509_get_version(cert) != 2) return "the certificate is not X.509 v3";
  if (X509_check_ca(cert) != 0) return "the signing certificate is a CA";
  if (X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)) == 0) {
    return "the signing certificate is self-signed (issuer equals subject)";
  }
  const uint32_t ku = X509_get_key_usage(cert);
  if (ku != UINT32_MAX && !(ku & KU_DIGITAL_SIGNATURE)) {
    return "key usage lacks digitalSignature";
  }
  if (X509_get0_authority_key_id(cert) == nullptr) return "no authority key identifier";
  const ASN1_BIT_STRING* iuid = nullptr;
  const ASN1_BIT_STRING* suid = nullptr;
  X509_get0_uids(cert, &iuid, &suid);
  if (iuid || suid) return "the certificate carries unique identifiers";
  UniqueExtKeyUsage eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return "no extended key usage";
  bool accepted = false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char oid[80];
    OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku.get(), i), 1);
    if (std::string(oid) == "2.5.29.37.0") return "extended key usage is anyExtendedKeyUsage";
    for (const char* ok : kAcceptedEkus) accepted = accepted || std::string(oid) == ok;
  }
  if (!accepted) return "no extended key usage that C2PA accepts for claim signing";
  // C2PA's list admits timeStamping and OCSPSigning for claim signers, but a certificate made
  // for one of those jobs alone (RFC 3161 §2.3 asks a TSA's to carry nothing else; an OCSP
  // responder's says nocheck) belongs to a key that sits on an online server. Hallmark's own
  // delegated keys are such, and must not be able to sign claims.
  const uint32_t xku = X509_get_extended_key_usage(cert);
  if (xku == XKU_TIMESTAMP) return "the certificate is a time-stamping authority's";
  if (X509_get_ext_by_NID(cert, NID_id_pkix_OCSP_noCheck, -1) >= 0) {
    return "the certificate is an OCSP responder's";
  }
  return "";
}

}  // namespace hallmark::provenance
