// CBOR, JUMBF and COSE_Sign1 building blocks, checked against RFC 8949 Appendix A vectors,
// hand-built boxes and hostile input.
#define BOOST_TEST_MODULE provenance_units
#include <boost/test/unit_test.hpp>

#include <openssl/evp.h>

#include <limits>
#include <string>

#include "base/hex.h"
#include "base/sha256.h"
#include "provenance/c2pa/cbor.h"
#include "provenance/c2pa/cose_sign1.h"
#include "provenance/c2pa/jumbf.h"
#include "provenance/pki/certificate_authority.h"
#include "provenance/pki/signer.h"

using namespace hallmark;
using namespace hallmark::provenance;

namespace {

std::string Hex(const Cbor& c) { return HexEncode(c.Encode()); }

Cbor Decode(const std::string& hex) {
  auto bytes = HexDecode(hex);
  BOOST_REQUIRE(bytes.ok());
  auto c = CborDecode(*bytes);
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  return *c;
}

bool DecodeFails(const std::string& hex) {
  auto bytes = HexDecode(hex);
  return !CborDecode(*bytes).ok();
}

// A signer with a real CA-issued certificate.
Signer MakeSigner(KeyAlgorithm alg) {
  auto ca_key = GenerateKey(KeyAlgorithm::kEs256);
  auto ca = IssueRootCertificate(ca_key->get(), "Unit", Validity::Days(30));
  auto key = GenerateKey(alg);
  auto cert = IssueSigningCertificate(key->get(), "Unit", "Unit signer", ca->get(), ca_key->get(),
                                      Validity::Days(30));
  BOOST_REQUIRE(cert.ok());
  std::vector<UniqueX509> chain;
  chain.push_back(std::move(*cert));
  chain.push_back(std::move(*ca));
  auto signer = Signer::Create(std::move(*key), std::move(chain));
  BOOST_REQUIRE_MESSAGE(signer.ok(), signer.status().ToString());
  return std::move(*signer);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cbor)

BOOST_AUTO_TEST_CASE(rfc8949_integer_and_string_vectors) {
  BOOST_TEST(Hex(Cbor::Int(0)) == "00");
  BOOST_TEST(Hex(Cbor::Int(23)) == "17");
  BOOST_TEST(Hex(Cbor::Int(24)) == "1818");
  BOOST_TEST(Hex(Cbor::Int(100)) == "1864");
  BOOST_TEST(Hex(Cbor::Int(1000)) == "1903e8");
  BOOST_TEST(Hex(Cbor::Int(1000000)) == "1a000f4240");
  BOOST_TEST(Hex(Cbor::Uint(18446744073709551615ULL)) == "1bffffffffffffffff");
  BOOST_TEST(Hex(Cbor::Int(-1)) == "20");
  BOOST_TEST(Hex(Cbor::Int(-1000)) == "3903e7");
  BOOST_TEST(Hex(Cbor::ByteString(Bytes{1, 2, 3, 4})) == "4401020304");
  BOOST_TEST(Hex(Cbor::Text("IETF")) == "6449455446");
  BOOST_TEST(Hex(Cbor::Text("")) == "60");
  BOOST_TEST(Hex(Cbor::Bool(false)) == "f4");
  BOOST_TEST(Hex(Cbor::Bool(true)) == "f5");
  BOOST_TEST(Hex(Cbor::Null()) == "f6");
  BOOST_TEST(Hex(Cbor::Float(1.5)) == "fa3fc00000");
  BOOST_TEST(Hex(Cbor::Float(1.1)) == "fb3ff199999999999a");
  BOOST_TEST(Hex(Cbor::Tag(18, Cbor::Int(1))) == "d201");
}

BOOST_AUTO_TEST_CASE(nested_containers_and_deterministic_key_order) {
  Cbor nested = Cbor::Array({Cbor::Int(1), Cbor::Array({Cbor::Int(2), Cbor::Int(3)}),
                             Cbor::Array({Cbor::Int(4), Cbor::Int(5)})});
  BOOST_TEST(Hex(nested) == "8301820203820405");
  Cbor m = Cbor::Map();
  m.Set("b", Cbor::Array({Cbor::Int(2), Cbor::Int(3)}));
  m.Set("a", Cbor::Int(1));
  BOOST_TEST(Hex(m) == "a26161016162820203");  // sorted although inserted b first
  Cbor cose_header = Cbor::Map();
  cose_header.SetInt(33, Cbor::ByteString(Bytes{0xaa}));
  cose_header.SetInt(1, Cbor::Int(-7));
  BOOST_TEST(Hex(cose_header) ==
             "a201261821"
             "41aa");
}

BOOST_AUTO_TEST_CASE(decode_round_trip_and_lookups) {
  Cbor m = Decode("a26161016162820203");
  BOOST_REQUIRE(m.is_map());
  BOOST_TEST(m.Find("a")->int_value() == 1);
  BOOST_TEST(m.Find("b")->items().size() == 2u);
  BOOST_TEST(m.Find("c") == nullptr);
  BOOST_TEST(Decode("3903e7").int_value() == -1000);
  BOOST_TEST(Decode("f93c00").float_value() == 1.0);    // half precision
  BOOST_TEST(Decode("9f0102ff").items().size() == 2u);  // indefinite array
  BOOST_TEST(Decode("7f657374726561646d696e67ff").text() == "streaming");
  BOOST_TEST(Decode("bf61610161629f0203ffff").Find("b")->items().size() == 2u);
  const Cbor t = Decode("d28440a0f64100");
  BOOST_TEST(t.is_tag());
  BOOST_TEST(t.tag() == 18u);
  BOOST_TEST(t.tagged().items().size() == 4u);
  nlohmann::json j = {{"seed", 42}, {"psi", 0.5}, {"name", "x"}, {"list", {1, 2}}, {"on", true}};
  auto back = CborDecode(Cbor::FromJson(j).Encode());
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->ToJson() == j);
}

// RFC 8949 §3.1: major type 1 reaches -2^64. Such an integer stays an integer, so re-encoding
// gives back the input byte for byte and nests no deeper: the decoder once wrapped it in a map,
// which pushed one at depth 64 past the depth limit on the way back (found by fuzzing).
BOOST_AUTO_TEST_CASE(negative_integers_below_int64_min_round_trip) {
  BOOST_TEST(Hex(Decode("3bffffffffffffffff")) == "3bffffffffffffffff");
  BOOST_TEST(Decode("3bffffffffffffffff").ToJson() == "-18446744073709551616");
  BOOST_TEST(Decode("3b8000000000000000").ToJson() == "-9223372036854775809");
  BOOST_TEST(Decode("3b7fffffffffffffff").ToJson() == std::numeric_limits<int64_t>::min());
  BOOST_TEST(Hex(Cbor::Negative(0)) == "20");
  std::string deep;
  for (int i = 0; i < 64; ++i) deep += "81";
  const Cbor nested = Decode(deep + "3b8000000000000000");
  BOOST_TEST(HexEncode(nested.Encode()) == deep + "3b8000000000000000");
  // An integer key below INT64_MIN is not the key INT64_MIN.
  const Cbor m = Decode("a13b800000000000000001");
  BOOST_TEST(m.FindInt(std::numeric_limits<int64_t>::min()) == nullptr);
}

BOOST_AUTO_TEST_CASE(hostile_input_is_rejected_not_crashed_on) {
  BOOST_TEST(DecodeFails(""));
  BOOST_TEST(DecodeFails("18"));                  // truncated argument
  BOOST_TEST(DecodeFails("4401"));                // string past the end
  BOOST_TEST(DecodeFails("9bffffffffffffffff"));  // absurd array count
  BOOST_TEST(DecodeFails("bbffffffffffffffff"));  // absurd map count
  BOOST_TEST(DecodeFails("0000"));                // trailing bytes
  BOOST_TEST(DecodeFails("9f01"));                // unterminated indefinite array
  BOOST_TEST(DecodeFails("ff"));                  // stray break
  BOOST_TEST(DecodeFails("1c"));                  // reserved additional information
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "81";
  BOOST_TEST(DecodeFails(deep + "01"));  // 100 nested arrays: depth limit
  // Every prefix of a valid item fails cleanly.
  const Bytes full = Decode("a26161016162820203").Encode();
  for (size_t n = 0; n < full.size(); ++n) {
    BOOST_TEST(!CborDecode(ByteView(full.data(), n)).ok());
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(jumbf)

BOOST_AUTO_TEST_CASE(c2pa_uuid_layout) {
  BOOST_TEST(HexEncode(ByteView(C2paUuid("c2pa").data(), 16)) ==
             "63327061001100108000"
             "00aa00389b71");
  BOOST_TEST(UuidFourCc(C2paUuid("cbor")) == "cbor");
}

BOOST_AUTO_TEST_CASE(write_then_parse_superboxes) {
  const Bytes salt(16, 0x5a);
  Bytes assertion =
      MakeSuperBox(MakeDescription(C2paUuid("cbor"), "c2pa.actions.v2",
                                   kJumdRequestable | kJumdLabel, MakeBox("c2sh", salt)),
                   {MakeBox("cbor", Cbor::Text("x").Encode())});
  Bytes store_box = MakeSuperBox(
      MakeDescription(C2paUuid("c2as"), "c2pa.assertions", kJumdRequestable | kJumdLabel),
      {assertion});
  auto parsed = ParseJumbf(store_box);
  BOOST_REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  BOOST_TEST(parsed->type() == "c2as");
  BOOST_TEST(parsed->label == "c2pa.assertions");
  BOOST_REQUIRE(parsed->boxes.size() == 1u);
  const JumbfSuperBox& a = parsed->boxes[0];
  BOOST_TEST(a.label == "c2pa.actions.v2");
  BOOST_TEST(a.toggles == (kJumdRequestable | kJumdLabel | kJumdPrivate));
  BOOST_TEST(a.private_box.size() == 24u);  // c2sh header + salt
  BOOST_REQUIRE(a.content.size() == 1u);
  BOOST_TEST(a.content[0].type == "cbor");
  // Hashed URIs cover everything after the superbox's own 8-byte header.
  BOOST_TEST(a.contents.size() == assertion.size() - 8);
  BOOST_TEST(Sha256Hex(a.contents) == Sha256Hex(ByteView(assertion).Slice(8)));
  BOOST_TEST(parsed->Child("c2pa.actions.v2") == &parsed->boxes[0]);
}

BOOST_AUTO_TEST_CASE(malformed_boxes_are_rejected) {
  Bytes box =
      MakeSuperBox(MakeDescription(C2paUuid("c2pa"), "c2pa", 3), {MakeBox("cbor", Bytes(10, 1))});
  for (size_t n = 0; n < box.size(); ++n) {
    BOOST_TEST(!ParseJumbf(ByteView(box.data(), n)).ok());
  }
  Bytes bad_length = box;
  bad_length[3] = 0xff;  // LBox larger than the data
  BOOST_TEST(!ParseJumbf(bad_length).ok());
  Bytes not_jumb = box;
  not_jumb[4] = 'x';
  BOOST_TEST(!ParseJumbf(not_jumb).ok());
  Bytes desc(16, 'a');
  for (char c : {'\x03', 'a', 'b', 'c'})
    desc.push_back(static_cast<uint8_t>(c));  // label toggle set, label not NUL-terminated
  Bytes no_nul = MakeBox("jumb", MakeBox("jumd", desc));
  BOOST_TEST(!ParseJumbf(no_nul).ok());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cose)

BOOST_AUTO_TEST_CASE(es256_sign1_detached_round_trip_with_raw_signature) {
  Signer signer = MakeSigner(KeyAlgorithm::kEs256);
  const Bytes payload = Cbor::Text("the claim").Encode();
  auto cose = CoseSign1Sign(signer, payload);
  BOOST_REQUIRE(cose.ok());
  BOOST_TEST((*cose)[0] == 0xd2);  // tag 18
  auto parsed = ParseCoseSign1(*cose);
  BOOST_REQUIRE(parsed.ok());
  BOOST_TEST(*parsed->alg == -7);
  BOOST_TEST(parsed->signature.size() == 64u);  // r||s, not DER
  BOOST_TEST(parsed->x5chain.size() == 1u);     // the root is left out
  BOOST_TEST(!parsed->x5chain_unprotected);
  X509* leaf = signer.leaf();
  const Bytes tbs = CoseSigStructure(parsed->protected_bytes, payload);
  BOOST_TEST(*VerifyRaw(CoseAlgorithm::kEs256, X509_get0_pubkey(leaf), tbs, parsed->signature));
  Bytes other = payload;
  other.back() ^= 1;
  BOOST_TEST(!*VerifyRaw(CoseAlgorithm::kEs256, X509_get0_pubkey(leaf),
                         CoseSigStructure(parsed->protected_bytes, other), parsed->signature));
  Bytes bad_sig = parsed->signature;
  bad_sig[10] ^= 0x80;
  BOOST_TEST(!*VerifyRaw(CoseAlgorithm::kEs256, X509_get0_pubkey(leaf), tbs, bad_sig));
}

BOOST_AUTO_TEST_CASE(sig_structure_matches_rfc9052_layout) {
  const Bytes tbs = CoseSigStructure(Bytes{0xa1, 0x01, 0x26}, Bytes{0x61, 0x78});
  BOOST_TEST(HexEncode(tbs) == "846a5369676e61747572653143a1012640426178");
}

BOOST_AUTO_TEST_CASE(padding_fills_every_reserved_size_exactly) {
  Signer signer = MakeSigner(KeyAlgorithm::kEs256);
  const size_t base = CoseSign1UnpaddedSize(signer);
  for (size_t extra = 0; extra < 300; ++extra) {
    if (extra > 0 && extra < 5) {
      // A "pad" entry costs at least five bytes: such reservations are refused.
      BOOST_TEST(!CoseSign1Sign(signer, Bytes{1, 2, 3}, base + extra).ok());
      continue;
    }
    auto cose = CoseSign1Sign(signer, Bytes{1, 2, 3}, base + extra);
    BOOST_REQUIRE_MESSAGE(cose.ok(), "extra " << extra << ": " << cose.status().ToString());
    BOOST_TEST(cose->size() == base + extra);
    BOOST_TEST(ParseCoseSign1(*cose).ok());
  }
  BOOST_TEST(!CoseSign1Sign(signer, Bytes{1}, base - 1).ok());
}

BOOST_AUTO_TEST_CASE(eddsa_and_ps256) {
  Signer ed = MakeSigner(KeyAlgorithm::kEd25519);
  BOOST_TEST((ed.algorithm() == CoseAlgorithm::kEdDsa));
  auto cose = CoseSign1Sign(ed, Bytes{9, 9});
  auto parsed = ParseCoseSign1(*cose);
  BOOST_TEST(*parsed->alg == -8);
  BOOST_TEST(*VerifyRaw(CoseAlgorithm::kEdDsa, X509_get0_pubkey(ed.leaf()),
                        CoseSigStructure(parsed->protected_bytes, Bytes{9, 9}), parsed->signature));

  UniquePkey rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}));
  BOOST_REQUIRE(rsa);
  BOOST_TEST((*AlgorithmForKey(rsa.get()) == CoseAlgorithm::kPs256));
  auto sig = SignRaw(CoseAlgorithm::kPs256, rsa.get(), Bytes{1, 2, 3});
  BOOST_REQUIRE(sig.ok());
  BOOST_TEST(sig->size() == 256u);
  BOOST_TEST(*VerifyRaw(CoseAlgorithm::kPs256, rsa.get(), Bytes{1, 2, 3}, *sig));
  BOOST_TEST(!*VerifyRaw(CoseAlgorithm::kPs256, rsa.get(), Bytes{1, 2, 4}, *sig));
  // A key of the wrong type never verifies as another algorithm.
  BOOST_TEST(!*VerifyRaw(CoseAlgorithm::kEs256, rsa.get(), Bytes{1, 2, 3}, *sig));
}

BOOST_AUTO_TEST_CASE(malformed_cose_is_rejected) {
  BOOST_TEST(!ParseCoseSign1(Bytes{}).ok());
  BOOST_TEST(!ParseCoseSign1(Cbor::Array({Cbor::Int(1)}).Encode()).ok());
  BOOST_TEST(!ParseCoseSign1(Cbor::Tag(17, Cbor::Array()).Encode()).ok());
  const Bytes bad_chain =
      Cbor::Tag(18,
                Cbor::Array({Cbor::ByteString(Cbor::Map({{Cbor::Int(33), Cbor::Int(5)}}).Encode()),
                             Cbor::Map(), Cbor::Null(), Cbor::ByteString(Bytes(64))}))
          .Encode();
  BOOST_TEST(!ParseCoseSign1(bad_chain).ok());
}

BOOST_AUTO_TEST_SUITE_END()
