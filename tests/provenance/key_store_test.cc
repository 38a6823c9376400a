// Studio keys on disk: encryption at rest, file modes, the C2PA certificate profile, rotation,
// revocation and importing a chain from an outside CA.
#define BOOST_TEST_MODULE provenance_keys
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <openssl/pem.h>

#include "base/file.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/trust_store.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::provenance;
using hallmark::testing::TempDir;

namespace {

const std::string kPass = "correct horse battery staple";

unsigned Mode(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return st.st_mode & 0777;
}

std::string Text(const std::string& path) {
  auto data = ReadFile(path);
  BOOST_REQUIRE(data.ok());
  return std::string(data->begin(), data->end());
}

bool HasEku(X509* cert, const std::string& oid) {
  UniqueExtKeyUsage eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  for (int i = 0; eku && i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char buf[80];
    OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku.get(), i), 1);
    if (oid == buf) return true;
  }
  return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(init_writes_encrypted_private_keys_with_mode_0600) {
  TempDir home;
  KeyStore store(home.path());
  auto info = store.Init({}, kPass);
  BOOST_REQUIRE_MESSAGE(info.ok(), info.status().ToString());
  BOOST_TEST(info->active);
  BOOST_TEST(info->algorithm == "ES256");
  const std::string key = store.keys_dir() + "/" + info->id + ".key";
  for (const std::string& path : {key, store.keys_dir() + "/ca.key"}) {
    BOOST_TEST(Mode(path) == 0600u);
    const std::string pem = Text(path);
    BOOST_TEST(pem.find("BEGIN ENCRYPTED PRIVATE KEY") != std::string::npos);
    BOOST_TEST(pem.find("BEGIN PRIVATE KEY") == std::string::npos);
  }
  BOOST_TEST(Mode(store.keys_dir()) == 0700u);
  BOOST_TEST(std::filesystem::exists(store.trust_dir() + "/studio-ca.pem"));
  BOOST_TEST(std::filesystem::exists(store.trust_dir() + "/studio-revoked.crl"));
  // A second init would orphan every certificate issued so far.
  BOOST_TEST(!store.Init({}, kPass).ok());
  // Nothing about the key leaks into what `show` returns.
  BOOST_TEST(info->certificate_pem.find("PRIVATE") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(wrong_passphrase_and_readable_key_files_are_refused) {
  TempDir home;
  KeyStore store(home.path());
  auto info = store.Init({}, kPass);
  BOOST_REQUIRE(info.ok());
  auto wrong = store.LoadSigner("not the passphrase");
  BOOST_TEST(!wrong.ok());
  BOOST_TEST((wrong.status().code() == StatusCode::kBadInput));
  BOOST_TEST(wrong.status().message().find("passphrase") != std::string::npos);
  BOOST_TEST(store.LoadSigner(kPass).ok());
  const std::string key = store.keys_dir() + "/" + info->id + ".key";
  ::chmod(key.c_str(), 0644);
  auto open = store.LoadSigner(kPass);
  BOOST_TEST(!open.ok());
  BOOST_TEST(open.status().message().find("mode 0644") != std::string::npos);
  ::chmod(key.c_str(), 0640);
  BOOST_TEST(!store.LoadSigner(kPass).ok());
  ::chmod(key.c_str(), 0600);
  BOOST_TEST(store.LoadSigner(kPass).ok());
}

BOOST_AUTO_TEST_CASE(signing_certificate_meets_the_c2pa_profile) {
  TempDir home;
  KeyStore store(home.path());
  auto info = store.Init({}, kPass);
  auto chain = ReadCertificatesPem(store.keys_dir() + "/" + info->id + ".crt");
  BOOST_REQUIRE(chain.ok());
  BOOST_REQUIRE(chain->size() == 2u);
  X509* leaf = (*chain)[0].get();
  BOOST_TEST(C2paSignerProfileProblem(leaf) == "");
  BOOST_TEST(HasEku(leaf, "1.3.6.1.4.1.62558.2.1"));  // c2pa-kp-claimSigning
  BOOST_TEST(HasEku(leaf, "1.3.6.1.5.5.7.3.4"));      // emailProtection
  BOOST_TEST(HasEku(leaf, "1.3.6.1.5.5.7.3.36"));     // documentSigning
  BOOST_TEST((X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE) != 0u);
  BOOST_TEST(X509_check_ca(leaf) == 0);
  BOOST_TEST(X509_get0_authority_key_id(leaf) != nullptr);
  BOOST_TEST(X509_get0_subject_key_id(leaf) != nullptr);
  X509* ca = (*chain)[1].get();
  BOOST_TEST(X509_check_ca(ca) != 0);
  // The CA itself must not be accepted as a claim signer.
  BOOST_TEST(C2paSignerProfileProblem(ca).find("CA") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rotate_revoke_and_list) {
  TempDir home;
  KeyStore store(home.path());
  auto first = store.Init({}, kPass);
  KeyOptions ed;
  ed.algorithm = KeyAlgorithm::kEd25519;
  auto second = store.Rotate(ed, kPass);
  BOOST_REQUIRE(second.ok());
  BOOST_TEST(second->algorithm == "EdDSA");
  BOOST_TEST(second->active);
  BOOST_TEST(second->id != first->id);
  auto list = store.List();
  BOOST_REQUIRE(list.ok());
  BOOST_REQUIRE(list->size() == 3u);
  BOOST_TEST((*list)[0].is_ca);
  BOOST_TEST(!store.Show(first->id)->active);

  auto revoked = store.Revoke(first->id, kPass);
  BOOST_REQUIRE_MESSAGE(revoked.ok(), revoked.status().ToString());
  BOOST_TEST(revoked->revoked);
  BOOST_TEST(!store.LoadSigner(kPass, first->id).ok());
  BOOST_TEST(store.LoadSigner(kPass).ok());  // the rotated key still signs
  BOOST_TEST(!store.Revoke(first->id, "wrong").ok());
  BOOST_TEST(!store.Revoke("ca", kPass).ok());
  BOOST_TEST(!store.Show("no-such-key").ok());

  // The published list is signed by the CA and names the revoked serial.
  auto trust = TrustStore::LoadDirectory(store.trust_dir());
  BOOST_REQUIRE(trust.ok());
  BOOST_TEST(trust->anchor_count() == 1u);
  BOOST_TEST(trust->revocation_list_count() == 1u);
  auto chain = ReadCertificatesPem(store.keys_dir() + "/" + first->id + ".crt");
  ChainCheck check = trust->Check((*chain)[0].get(), {});
  BOOST_TEST(check.trusted);
  BOOST_TEST(check.revoked);
  auto chain2 = ReadCertificatesPem(store.keys_dir() + "/" + second->id + ".crt");
  BOOST_TEST(!trust->Check((*chain2)[0].get(), {}).revoked);
}

BOOST_AUTO_TEST_CASE(import_a_chain_from_an_outside_ca) {
  TempDir home;
  TempDir outside;
  // An outside CA issues a leaf; its key arrives unencrypted, as a CA might hand it over.
  auto ca_key = GenerateKey(KeyAlgorithm::kEs256);
  auto ca = IssueRootCertificate(ca_key->get(), "Outside CA Inc", Validity::Days(100));
  auto leaf_key = GenerateKey(KeyAlgorithm::kEs256);
  auto leaf = IssueSigningCertificate(leaf_key->get(), "Studio", "Studio signer", ca->get(),
                                      ca_key->get(), Validity::Days(100));
  const std::string chain_path = outside.File("chain.pem");
  BOOST_REQUIRE(
      WriteFileAtomic(chain_path, ByteView(CertificatePem(leaf->get()) + CertificatePem(ca->get())))
          .ok());
  UniqueBio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), leaf_key->get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  BOOST_REQUIRE(
      WriteFileAtomic(outside.File("leaf.key"), ByteView(std::string(data, n)), 0600).ok());

  KeyStore store(home.path());
  auto info = store.Import(chain_path, outside.File("leaf.key"), kPass);
  BOOST_REQUIRE_MESSAGE(info.ok(), info.status().ToString());
  BOOST_TEST(info->active);
  BOOST_TEST(Text(store.keys_dir() + "/" + info->id + ".key").find("ENCRYPTED") !=
             std::string::npos);
  auto signer = store.LoadSigner(kPass);
  BOOST_REQUIRE(signer.ok());
  BOOST_TEST(signer->chain_der().size() == 1u);  // the outside root stays out of x5chain

  // A key that does not belong to the certificate is refused.
  auto other = GenerateKey(KeyAlgorithm::kEs256);
  UniqueBio bio2(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio2.get(), other->get(), nullptr, nullptr, 0, nullptr, nullptr);
  const long n2 = BIO_get_mem_data(bio2.get(), &data);
  BOOST_REQUIRE(
      WriteFileAtomic(outside.File("other.key"), ByteView(std::string(data, n2)), 0600).ok());
  BOOST_TEST(!store.Import(chain_path, outside.File("other.key"), kPass).ok());
  // So is a CA certificate offered as a claim signer.
  BOOST_REQUIRE(WriteFileAtomic(outside.File("ca.pem"), ByteView(CertificatePem(ca->get()))).ok());
  BOOST_TEST(!store.Import(outside.File("ca.pem"), outside.File("leaf.key"), kPass).ok());
}

BOOST_AUTO_TEST_CASE(passphrase_sources) {
  TempDir dir;
  BOOST_REQUIRE(WriteFileAtomic(dir.File("pass"), ByteView(std::string("from file\n")), 0600).ok());
  BOOST_TEST(*ReadPassphrase(dir.File("pass")) == "from file");
  ::setenv("HALLMARK_PASSPHRASE", "from env", 1);
  BOOST_TEST(*ReadPassphrase("") == "from env");
  ::unsetenv("HALLMARK_PASSPHRASE");
  BOOST_TEST(!ReadPassphrase("").ok());
  BOOST_REQUIRE(WriteFileAtomic(dir.File("empty"), ByteView(std::string("\n")), 0600).ok());
  BOOST_TEST(!ReadPassphrase(dir.File("empty")).ok());
}

// A NUL byte would be kept by the encryption and cut by the decryption (OpenSSL reads the
// passphrase back as a C string), so such a passphrase is refused before any file is written.
BOOST_AUTO_TEST_CASE(a_passphrase_with_a_nul_byte_is_refused_before_anything_is_written) {
  TempDir dir;
  const std::string with_nul("abc\0def", 7);
  BOOST_REQUIRE(WriteFileAtomic(dir.File("pass"), ByteView(with_nul + "\n"), 0600).ok());
  Result<std::string> read = ReadPassphrase(dir.File("pass"));
  BOOST_TEST(read.status().code() == StatusCode::kInvalidArgument);
  BOOST_TEST(read.status().message().find(dir.File("pass")) != std::string::npos);
  BOOST_TEST(read.status().message().find("NUL byte") != std::string::npos);

  for (const std::string& passphrase : {with_nul, std::string()}) {
    KeyStore store(dir.File("home"));
    Result<KeyInfo> init = store.Init(KeyOptions(), passphrase);
    BOOST_TEST(init.status().code() == StatusCode::kInvalidArgument);
    BOOST_TEST(!std::filesystem::exists(store.keys_dir()));
    BOOST_TEST(!std::filesystem::exists(store.trust_dir()));
  }
  KeyStore store(dir.File("home"));
  BOOST_TEST(store.Init(KeyOptions(), "a proper passphrase").ok());
  BOOST_TEST(store.Rotate(KeyOptions(), with_nul).status().code() == StatusCode::kInvalidArgument);
}
