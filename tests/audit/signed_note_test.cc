// Signed notes against golang.org/x/mod/sumdb/note's published test vectors (see
// tests/data/audit/README.md): the same key id, the same signature bytes, the same verifier-key
// string, so Go's tools and Hallmark read each other's checkpoints.
#define BOOST_TEST_MODULE audit_signed_note
#include <boost/test/unit_test.hpp>

#include <string>

#include "audit/ledger/checkpoint.h"

using namespace hallmark;
using namespace hallmark::audit;

namespace {

// golang.org/x/mod/sumdb/note/note_test.go (BSD-3-Clause, Copyright 2019 The Go Authors).
const char kPeterVerifierKey[] =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
// "PRIVATE+KEY+PeterNeumann+c74f20a3+" followed by base64(0x01 ‖ seed).
const char kPeterPrivateKey[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const char kText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const char kPeterSig[] =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/"
    "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const char kEnochSig[] =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/"
    "5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

}  // namespace

BOOST_AUTO_TEST_CASE(signs_exactly_like_go) {
  Bytes key = *Base64Decode(kPeterPrivateKey, "key");
  BOOST_TEST_REQUIRE(key.size() == 33u);
  BOOST_TEST(key[0] == 1);  // Ed25519
  auto signer = CheckpointSigner::FromSeed("PeterNeumann", ByteView(key.data() + 1, 32));
  BOOST_TEST_REQUIRE(signer.ok(), signer.status().ToString());
  BOOST_TEST(signer->Verifier().VerifierKey() == kPeterVerifierKey);
  auto note = signer->SignNote(kText);
  BOOST_TEST_REQUIRE(note.ok());
  BOOST_TEST(*note == std::string(kText) + "\n" + kPeterSig);
}

BOOST_AUTO_TEST_CASE(verifies_go_notes_and_ignores_other_signers) {
  auto v = CheckpointVerifier::FromVerifierKey(kPeterVerifierKey);
  BOOST_TEST_REQUIRE(v.ok(), v.status().ToString());
  BOOST_TEST(v->key_id() == 0xc74f20a3u);
  std::string note = std::string(kText) + "\n" + kPeterSig + kEnochSig;
  auto text = v->VerifyNote(note);
  BOOST_TEST_REQUIRE(text.ok(), text.status().ToString());
  BOOST_TEST(*text == kText);

  // Only Enoch signed: no signature by our key.
  BOOST_TEST(!v->VerifyNote(std::string(kText) + "\n" + kEnochSig).ok());
  // A flipped byte in the signature, or in the text.
  std::string bad_sig = std::string(kText) + "\n" + kPeterSig;
  bad_sig[bad_sig.size() - 10] = bad_sig[bad_sig.size() - 10] == 'A' ? 'B' : 'A';
  BOOST_TEST(!v->VerifyNote(bad_sig).ok());
  std::string bad_text = note;
  bad_text[3] = 'X';
  BOOST_TEST(!v->VerifyNote(bad_text).ok());
  // Malformed notes.
  BOOST_TEST(!v->VerifyNote(kText).ok());
  BOOST_TEST(!v->VerifyNote(std::string(kText) + "\n").ok());
  BOOST_TEST(!v->VerifyNote(std::string(kText) + "\n" + kPeterSig + "Unexpected line.\n").ok());
  std::string many = std::string(kText) + "\n";
  for (int i = 0; i < 101; ++i) many += kPeterSig;
  BOOST_TEST(!v->VerifyNote(many).ok());
  // But a prose note is not a checkpoint.
  BOOST_TEST(!v->Verify(note).ok());
}

BOOST_AUTO_TEST_CASE(mangled_verifier_keys_are_rejected) {
  std::string k = kPeterVerifierKey;
  for (size_t i = 0; i < k.size(); ++i) {
    std::string bad = k;
    bad[i] = static_cast<char>(bad[i] + 1);
    BOOST_TEST(!CheckpointVerifier::FromVerifierKey(bad).ok(), bad);
  }
  for (size_t len = 0; len < k.size(); len += 5) {
    BOOST_TEST(!CheckpointVerifier::FromVerifierKey(k.substr(0, len)).ok());
  }
  // Go's own negative cases: wrong key length, unknown algorithm.
  BOOST_TEST(!CheckpointVerifier::FromVerifierKey(
                  "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
                  .ok());
  BOOST_TEST(!CheckpointVerifier::FromVerifierKey(
                  "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
                  .ok());
}

// Truncations and byte flips of a valid checkpoint never crash and never verify, including flips
// of the unused low bits of the signature's last base64 digit.
BOOST_AUTO_TEST_CASE(mangled_checkpoints_never_verify) {
  for (int round = 0; round < 8; ++round) {
    auto signer = *CheckpointSigner::Generate("hallmark.local/ledger");
    std::string note = *signer.Sign({"hallmark.local/ledger", 12345, {}});
    auto v = signer.Verifier();
    BOOST_TEST_REQUIRE(v.Verify(note).ok());
    for (size_t len = 0; len < note.size(); ++len) {
      BOOST_TEST(!v.Verify(note.substr(0, len)).ok(), len);
    }
    for (size_t i = 0; i < note.size(); ++i) {
      std::string bad = note;
      bad[i] = static_cast<char>(bad[i] ^ 0x01);
      BOOST_TEST(!v.Verify(bad).ok(), i);
    }
  }
}
