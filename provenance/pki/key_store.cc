#include "provenance/pki/key_store.h"

#include <sys/stat.h>

#include <openssl/pem.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace hallmark::provenance {
namespace fs = std::filesystem;
namespace {

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Status EnsurePrivateDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create folder: " + ec.message());
  ::chmod(dir.c_str(), 0700);
  return Status::Ok();
}

Status EnsureDir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create folder: " + ec.message());
  return Status::Ok();
}

Status WriteText(const std::string& path, const std::string& text, unsigned mode = 0644) {
  return WriteFileAtomic(path, ByteView(text), mode);
}

std::time_t AsnTime(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

std::string ChainPem(const std::vector<UniqueX509>& chain) {
  std::string out;
  for (const auto& c : chain) out += CertificatePem(c.get());
  return out;
}

Result<UniqueX509Crl> ReadCrl(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path));
  UniqueBio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  UniqueX509Crl crl(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr));
  if (!crl) {
    DrainOpenSslErrors();
    return Status::BadInput(path + ": not a PEM revocation list");
  }
  return crl;
}

std::string CrlPem(X509_CRL* crl) {
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509_CRL(bio.get(), crl);
  return BioText(bio.get());
}

}  // namespace

Status CheckPassphrase(std::string_view passphrase) {
  if (passphrase.empty()) return Status::InvalidArgument("the key passphrase is empty");
  // OpenSSL reads a passphrase back as a C string through its callbacks, so one with a NUL byte
  // would encrypt under all its bytes and decrypt under the bytes before the NUL: a key written
  // with it could never be loaded again.
  if (passphrase.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("the key passphrase contains a NUL byte");
  }
  return Status::Ok();
}

Result<std::string> ReadPassphrase(const std::string& passphrase_file) {
  std::string pass;
  if (!passphrase_file.empty()) {
    HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(passphrase_file, 1 << 16));
    pass.assign(data.begin(), data.end());
    if (!pass.empty() && pass.back() == '\n') pass.pop_back();
    if (!pass.empty() && pass.back() == '\r') pass.pop_back();
    if (pass.empty())
      return Status::InvalidArgument(passphrase_file + ": passphrase file is empty");
    Status usable = CheckPassphrase(pass);
    if (!usable.ok()) return Status::InvalidArgument(passphrase_file + ": " + usable.message());
    return pass;
  }
  if (const char* env = std::getenv("HALLMARK_PASSPHRASE"); env && *env) return std::string(env);
  return Status::InvalidArgument(
      "no key passphrase: set HALLMARK_PASSPHRASE or give --passphrase-file");
}

Status WritePrivateKey(const std::string& path, EVP_PKEY* key, const std::string& passphrase) {
  if (passphrase.empty()) return Status::InvalidArgument("refusing to store a key unencrypted");
  HM_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  UniqueBio bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), passphrase.data(),
                                    static_cast<int>(passphrase.size()), nullptr, nullptr) != 1) {
    return Status::Internal("cannot encrypt private key: " + DrainOpenSslErrors());
  }
  std::string pem = BioText(bio.get());
  Status s = WriteText(path, pem, 0600);
  OPENSSL_cleanse(pem.data(), pem.size());
  return s;
}

Result<UniquePkey> ReadPrivateKey(const std::string& path, const std::string& passphrase) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": no such key file");
  if (st.st_mode & 077) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::BadInput(path + ": refusing to load a private key that group or others can " +
                            "read (mode " + mode + "); run chmod 600 on it");
  }
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path, 1 << 20));
  UniqueBio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  std::string pass = passphrase;
  UniquePkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.data()));
  OPENSSL_cleanse(data.data(), data.size());
  if (!key) {
    DrainOpenSslErrors();
    return Status::BadInput(path +
                            ": cannot decrypt private key (wrong passphrase or corrupt file)");
  }
  return key;
}

Result<std::vector<UniqueX509>> ReadCertificatesPem(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path, 1 << 22));
  UniqueBio bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
  std::vector<UniqueX509> out;
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c);
  DrainOpenSslErrors();  // the end-of-data "no start line" error
  if (out.empty()) return Status::BadInput(path + ": no PEM certificate in the file");
  return out;
}

std::string KeyIdFor(X509* cert) {
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(X509_get0_pubkey(cert), &der);
  if (n <= 0) return "unknown";
  const std::string hex = Sha256Hex(ByteView(der, static_cast<size_t>(n)));
  OPENSSL_free(der);
  return hex.substr(0, 12);
}

KeyStore::KeyStore(std::string home)
    : home_(std::move(home)), keys_dir_(home_ + "/keys"), trust_dir_(home_ + "/trust") {}

Result<std::string> KeyStore::ActiveId() const {
  auto data = ReadFile(keys_dir_ + "/active", 256);
  if (!data.ok()) {
    return Status::NotFound("no active signing key in " + keys_dir_ +
                            " (run 'hallmark keys init' or 'hallmark keys rotate')");
  }
  std::string id(data->begin(), data->end());
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  return id;
}

Result<KeyInfo> KeyStore::Describe(const std::string& id) const {
  const bool ca = id == "ca";
  const std::string path = keys_dir_ + "/" + id + ".crt";
  if (id.empty() || id.find('/') != std::string::npos || !fs::exists(path)) {
    return Status::NotFound("no key '" + id + "' in " + keys_dir_);
  }
  HM_ASSIGN_OR_RETURN(auto chain, ReadCertificatesPem(path));
  X509* leaf = chain.front().get();
  KeyInfo info;
  info.id = id;
  info.is_ca = ca;
  auto alg = AlgorithmForKey(X509_get0_pubkey(leaf));
  info.algorithm = alg.ok() ? CoseAlgorithmName(*alg) : "unsupported";
  info.subject = X509NameString(X509_get_subject_name(leaf));
  info.issuer = X509NameString(X509_get_issuer_name(leaf));
  info.serial = SerialHex(leaf);
  info.not_before = AsnTime(X509_get0_notBefore(leaf));
  info.not_after = AsnTime(X509_get0_notAfter(leaf));
  info.certificate_pem = ChainPem(chain);
  if (STACK_OF(OPENSSL_STRING)* ocsp = X509_get1_ocsp(leaf)) {
    if (sk_OPENSSL_STRING_num(ocsp) > 0) info.ocsp_url = sk_OPENSSL_STRING_value(ocsp, 0);
    X509_email_free(ocsp);  // the OpenSSL-documented way to free this string stack
  }
  auto active = ActiveId();
  info.active = active.ok() && *active == id;
  if (fs::exists(keys_dir_ + "/revoked.crl")) {
    HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, ReadCrl(keys_dir_ + "/revoked.crl"));
    for (const RevokedEntry& e : RevokedEntries(crl.get())) {
      info.revoked = info.revoked || (e.serial_hex == info.serial &&
                                      X509_NAME_cmp(X509_CRL_get_issuer(crl.get()),
                                                    X509_get_issuer_name(leaf)) == 0);
    }
  }
  return info;
}

Result<KeyInfo> KeyStore::IssueSigningKey(const KeyOptions& options,
                                          const std::string& passphrase) {
  RevocationService revocation{options.public_url};
  if (revocation.public_url.empty()) {
    HM_ASSIGN_OR_RETURN(revocation.public_url, PublicUrl());
  } else {
    HM_RETURN_IF_ERROR(CheckPublicUrl(revocation.public_url));
  }
  HM_ASSIGN_OR_RETURN(auto ca_chain, ReadCertificatesPem(keys_dir_ + "/ca.crt"));
  HM_ASSIGN_OR_RETURN(UniquePkey ca_key, ReadPrivateKey(keys_dir_ + "/ca.key", passphrase));
  HM_ASSIGN_OR_RETURN(UniquePkey key, GenerateKey(options.algorithm));
  const std::time_t start = options.start ? options.start : std::time(nullptr);
  const std::string& organization = options.organization;
  HM_ASSIGN_OR_RETURN(
      UniqueX509 cert,
      IssueSigningCertificate(key.get(), organization, organization + " Claim Signing",
                              ca_chain.front().get(), ca_key.get(),
                              Validity::Days(options.signing_days, start), revocation));
  HM_RETURN_IF_ERROR(
      IssueResponder(options.start, ca_chain.front().get(), ca_key.get(), passphrase));
  HM_RETURN_IF_ERROR(
      IssueTimeStampAuthority(options, ca_chain.front().get(), ca_key.get(), passphrase));
  if (!options.public_url.empty()) HM_RETURN_IF_ERROR(RecordPublicUrl(options.public_url));
  const std::string id = KeyIdFor(cert.get());
  HM_RETURN_IF_ERROR(WritePrivateKey(keys_dir_ + "/" + id + ".key", key.get(), passphrase));
  std::vector<UniqueX509> chain;
  chain.push_back(std::move(cert));
  chain.push_back(std::move(ca_chain.front()));
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/" + id + ".crt", ChainPem(chain)));
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/active", id + "\n"));
  return Describe(id);
}

Status KeyStore::IssueResponder(std::time_t start, X509* ca, EVP_PKEY* ca_key,
                                const std::string& passphrase) const {
  HM_ASSIGN_OR_RETURN(UniquePkey key, GenerateKey(KeyAlgorithm::kEs256));
  HM_ASSIGN_OR_RETURN(UniqueX509 cert,
                      IssueOcspResponderCertificate(
                          key.get(), ca, ca_key,
                          Validity::Days(kResponderDays, start ? start : std::time(nullptr))));
  HM_RETURN_IF_ERROR(EnsurePrivateDir(responder_dir()));
  HM_RETURN_IF_ERROR(WritePrivateKey(responder_dir() + "/responder.key", key.get(), passphrase));
  return WriteText(responder_dir() + "/responder.crt",
                   CertificatePem(cert.get()) + CertificatePem(ca));
}

Status KeyStore::RecordPublicUrl(const std::string& url) const {
  return WriteText(keys_dir_ + "/public-url", url + "\n");
}

Result<std::string> KeyStore::PublicUrl() const {
  const std::string path = keys_dir_ + "/public-url";
  if (!fs::exists(path)) return std::string();
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path, 4096));
  std::string url(data.begin(), data.end());
  while (!url.empty() && (url.back() == '\n' || url.back() == '\r')) url.pop_back();
  Status usable = CheckPublicUrl(url);
  if (!usable.ok()) return Status::BadInput(path + ": " + usable.message());
  return url;
}

Result<DelegatedKey> KeyStore::LoadDelegatedKey(const std::string& dir, const std::string& name,
                                                const std::string& passphrase) const {
  const std::string crt = dir + "/" + name + ".crt";
  if (!fs::exists(crt)) return Status::NotFound(crt + ": no such key (run 'hallmark keys rotate')");
  DelegatedKey out;
  HM_ASSIGN_OR_RETURN(out.chain, ReadCertificatesPem(crt));
  HM_ASSIGN_OR_RETURN(out.key, ReadPrivateKey(dir + "/" + name + ".key", passphrase));
  if (X509_check_private_key(out.chain.front().get(), out.key.get()) != 1) {
    DrainOpenSslErrors();
    return Status::BadInput(crt + ": the key does not match its certificate");
  }
  return out;
}

Result<DelegatedKey> KeyStore::LoadOcspResponder(const std::string& passphrase) const {
  return LoadDelegatedKey(responder_dir(), "responder", passphrase);
}

Result<DelegatedKey> KeyStore::LoadTimeStampAuthority(const std::string& passphrase) const {
  return LoadDelegatedKey(tsa_dir(), "tsa", passphrase);
}

Status KeyStore::IssueTimeStampAuthority(const KeyOptions& options, X509* ca, EVP_PKEY* ca_key,
                                         const std::string& passphrase) const {
  HM_ASSIGN_OR_RETURN(UniquePkey key, GenerateKey(KeyAlgorithm::kEs256));
  const std::time_t start = options.start ? options.start : std::time(nullptr);
  HM_ASSIGN_OR_RETURN(UniqueX509 cert,
                      IssueTimeStampingCertificate(key.get(), ca, ca_key,
                                                   Validity::Days(options.signing_days, start)));
  HM_RETURN_IF_ERROR(EnsurePrivateDir(tsa_dir()));
  HM_RETURN_IF_ERROR(WritePrivateKey(tsa_dir() + "/tsa.key", key.get(), passphrase));
  HM_RETURN_IF_ERROR(
      WriteText(tsa_dir() + "/tsa.crt", CertificatePem(cert.get()) + CertificatePem(ca)));
  HM_RETURN_IF_ERROR(EnsureDir(trust_dir_ + "/tsa"));
  return WriteText(trust_dir_ + "/tsa/studio-ca.pem", CertificatePem(ca));
}

Result<KeyInfo> KeyStore::Init(const KeyOptions& options, const std::string& passphrase) {
  // Refused before anything is written: a passphrase found wanting half-way would leave a CA
  // without a signing key, and a home that 'keys init' then refuses to redo.
  HM_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  if (!options.public_url.empty()) HM_RETURN_IF_ERROR(CheckPublicUrl(options.public_url));
  if (fs::exists(keys_dir_ + "/ca.key")) {
    return Status::InvalidArgument(keys_dir_ + ": a studio CA already exists (use 'keys rotate')");
  }
  HM_RETURN_IF_ERROR(EnsurePrivateDir(keys_dir_));
  HM_RETURN_IF_ERROR(EnsureDir(trust_dir_));
  // The CA key is ES256 even for Ed25519 signers: every verifier handles ECDSA chains.
  HM_ASSIGN_OR_RETURN(UniquePkey ca_key, GenerateKey(KeyAlgorithm::kEs256));
  const std::time_t start = options.start ? options.start : std::time(nullptr);
  HM_ASSIGN_OR_RETURN(UniqueX509 ca, IssueRootCertificate(ca_key.get(), options.organization,
                                                          Validity::Days(options.ca_days, start)));
  HM_RETURN_IF_ERROR(WritePrivateKey(keys_dir_ + "/ca.key", ca_key.get(), passphrase));
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/ca.crt", CertificatePem(ca.get())));
  HM_RETURN_IF_ERROR(WriteText(trust_dir_ + "/studio-ca.pem", CertificatePem(ca.get())));
  HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, IssueRevocationList(ca.get(), ca_key.get(), {}));
  HM_RETURN_IF_ERROR(PublishRevocationList(crl.get()));
  return IssueSigningKey(options, passphrase);
}

Result<KeyInfo> KeyStore::Rotate(const KeyOptions& options, const std::string& passphrase) {
  HM_RETURN_IF_ERROR(CheckPassphrase(passphrase));
  if (!fs::exists(keys_dir_ + "/ca.key")) {
    return Status::NotFound(keys_dir_ + ": no studio CA (run 'hallmark keys init' first)");
  }
  return IssueSigningKey(options, passphrase);
}

Result<RenewedServices> KeyStore::RenewServices(const KeyOptions& options,
                                                const std::string& passphrase) {
  if (!fs::exists(keys_dir_ + "/ca.key")) {
    return Status::NotFound(keys_dir_ + ": no studio CA (run 'hallmark keys init' first)");
  }
  HM_ASSIGN_OR_RETURN(auto ca_chain, ReadCertificatesPem(keys_dir_ + "/ca.crt"));
  X509* ca = ca_chain.front().get();
  HM_ASSIGN_OR_RETURN(UniquePkey ca_key, ReadPrivateKey(keys_dir_ + "/ca.key", passphrase));
  HM_ASSIGN_OR_RETURN(std::vector<RevokedEntry> entries, RevokedSoFar());
  HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, IssueRevocationList(ca, ca_key.get(), entries));
  HM_RETURN_IF_ERROR(PublishRevocationList(crl.get()));
  HM_RETURN_IF_ERROR(IssueResponder(options.start, ca, ca_key.get(), passphrase));
  HM_RETURN_IF_ERROR(IssueTimeStampAuthority(options, ca, ca_key.get(), passphrase));
  RenewedServices renewed;
  renewed.revocation_list_next_update = AsnTime(X509_CRL_get0_nextUpdate(crl.get()));
  renewed.revoked_certificates = int(entries.size());
  HM_ASSIGN_OR_RETURN(DelegatedKey responder, LoadOcspResponder(passphrase));
  renewed.responder_not_after = AsnTime(X509_get0_notAfter(responder.chain.front().get()));
  HM_ASSIGN_OR_RETURN(DelegatedKey tsa, LoadTimeStampAuthority(passphrase));
  renewed.tsa_not_after = AsnTime(X509_get0_notAfter(tsa.chain.front().get()));
  return renewed;
}

Result<std::vector<RevokedEntry>> KeyStore::RevokedSoFar() const {
  if (!fs::exists(keys_dir_ + "/revoked.crl")) return std::vector<RevokedEntry>();
  HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, ReadCrl(keys_dir_ + "/revoked.crl"));
  return RevokedEntries(crl.get());
}

Status KeyStore::PublishRevocationList(X509_CRL* crl) const {
  const std::string pem = CrlPem(crl);
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/revoked.crl", pem));
  HM_RETURN_IF_ERROR(EnsureDir(trust_dir_));
  return WriteText(trust_dir_ + "/studio-revoked.crl", pem);
}

Result<UniqueX509Crl> KeyStore::RevocationList() const {
  const std::string path = keys_dir_ + "/revoked.crl";
  if (!fs::exists(path)) return Status::NotFound(path + ": the studio has no revocation list");
  return ReadCrl(path);
}

Result<Bytes> KeyStore::RevocationListDer() const {
  const std::string path = keys_dir_ + "/revoked.crl";
  HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, RevocationList());
  const int n = i2d_X509_CRL(crl.get(), nullptr);
  if (n <= 0) return Status::Internal(path + ": cannot encode the revocation list");
  Bytes der(size_t(n), 0);
  unsigned char* p = der.data();
  i2d_X509_CRL(crl.get(), &p);
  return der;
}

Result<KeyInfo> KeyStore::Revoke(const std::string& id, const std::string& passphrase,
                                 std::time_t since) {
  HM_ASSIGN_OR_RETURN(KeyInfo info, Describe(id));
  if (info.is_ca) return Status::InvalidArgument("the studio CA cannot revoke itself");
  HM_ASSIGN_OR_RETURN(auto ca_chain, ReadCertificatesPem(keys_dir_ + "/ca.crt"));
  X509* ca = ca_chain.front().get();
  if (info.issuer != X509NameString(X509_get_subject_name(ca))) {
    return Status::InvalidArgument("key " + id + " was issued by an outside CA (" + info.issuer +
                                   "); ask that CA to revoke it");
  }
  HM_ASSIGN_OR_RETURN(UniquePkey ca_key, ReadPrivateKey(keys_dir_ + "/ca.key", passphrase));
  HM_ASSIGN_OR_RETURN(std::vector<RevokedEntry> entries, RevokedSoFar());
  if (std::none_of(entries.begin(), entries.end(),
                   [&](const RevokedEntry& e) { return e.serial_hex == info.serial; })) {
    entries.push_back({info.serial, since ? since : std::time(nullptr)});
  }
  HM_ASSIGN_OR_RETURN(UniqueX509Crl crl, IssueRevocationList(ca, ca_key.get(), entries));
  HM_RETURN_IF_ERROR(PublishRevocationList(crl.get()));
  if (info.active) fs::remove(keys_dir_ + "/active");
  // Revoking is the moment a studio acts on a compromise, so the responder's key is renewed too.
  HM_RETURN_IF_ERROR(IssueResponder(0, ca, ca_key.get(), passphrase));
  return Describe(id);
}

Result<KeyInfo> KeyStore::Import(const std::string& chain_pem_path, const std::string& key_path,
                                 const std::string& passphrase) {
  HM_ASSIGN_OR_RETURN(auto chain, ReadCertificatesPem(chain_pem_path));
  HM_ASSIGN_OR_RETURN(Bytes key_data, ReadFile(key_path, 1 << 20));
  UniqueBio bio(BIO_new_mem_buf(key_data.data(), static_cast<int>(key_data.size())));
  std::string pass = passphrase;
  UniquePkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, pass.data()));
  OPENSSL_cleanse(key_data.data(), key_data.size());
  if (!key) {
    DrainOpenSslErrors();
    return Status::BadInput(key_path +
                            ": not a PEM private key, or encrypted with another "
                            "passphrase");
  }
  const std::string problem = C2paSignerProfileProblem(chain.front().get());
  if (!problem.empty()) {
    return Status::BadInput(chain_pem_path +
                            ": the certificate cannot sign C2PA claims: " + problem);
  }
  if (X509_check_private_key(chain.front().get(), key.get()) != 1) {
    DrainOpenSslErrors();
    return Status::BadInput(key_path + ": the key does not match the certificate in " +
                            chain_pem_path);
  }
  HM_RETURN_IF_ERROR(AlgorithmForKey(key.get()).status());
  HM_RETURN_IF_ERROR(EnsurePrivateDir(keys_dir_));
  const std::string id = KeyIdFor(chain.front().get());
  HM_RETURN_IF_ERROR(WritePrivateKey(keys_dir_ + "/" + id + ".key", key.get(), passphrase));
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/" + id + ".crt", ChainPem(chain)));
  HM_RETURN_IF_ERROR(WriteText(keys_dir_ + "/active", id + "\n"));
  return Describe(id);
}

Result<std::vector<KeyInfo>> KeyStore::List() const {
  std::vector<KeyInfo> out;
  std::error_code ec;
  if (!fs::is_directory(keys_dir_, ec)) return out;
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(keys_dir_, ec)) {
    const fs::path& p = entry.path();
    if (p.extension() == ".crt") ids.push_back(p.stem().string());
  }
  std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    return (a == "ca") != (b == "ca") ? a == "ca" : a < b;
  });
  for (const std::string& id : ids) {
    HM_ASSIGN_OR_RETURN(KeyInfo info, Describe(id));
    out.push_back(std::move(info));
  }
  return out;
}

Result<KeyInfo> KeyStore::Show(const std::string& id) const {
  if (!id.empty()) return Describe(id);
  HM_ASSIGN_OR_RETURN(std::string active, ActiveId());
  return Describe(active);
}

Result<Signer> KeyStore::LoadSigner(const std::string& passphrase, const std::string& id) const {
  std::string key_id = id;
  if (key_id.empty()) {
    HM_ASSIGN_OR_RETURN(key_id, ActiveId());
  }
  if (key_id == "ca") return Status::InvalidArgument("the studio CA key does not sign claims");
  HM_ASSIGN_OR_RETURN(KeyInfo info, Describe(key_id));
  if (info.revoked) return Status::InvalidArgument("key " + key_id + " has been revoked");
  HM_ASSIGN_OR_RETURN(auto chain, ReadCertificatesPem(keys_dir_ + "/" + key_id + ".crt"));
  HM_ASSIGN_OR_RETURN(UniquePkey key,
                      ReadPrivateKey(keys_dir_ + "/" + key_id + ".key", passphrase));
  return Signer::Create(std::move(key), std::move(chain));
}

}  // namespace hallmark::provenance
