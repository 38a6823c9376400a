// Hostile manifests, as a mutation fuzzer makes them: text that is not UTF-8, CBOR counts and
// nesting meant to exhaust memory, stores far larger than any real one, and a hard binding whose
// exclusion reaches past the manifest into the pixels. Each must end in a verdict or BadInput,
// never an internal error, within bounded memory and time.
#define BOOST_TEST_MODULE provenance_hostile_manifest
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "base/file.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "image/codec.h"
#include "provenance/c2pa/c2pa_labels.h"
#include "provenance/c2pa/cbor.h"
#include "provenance/c2pa/cose_sign1.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/jumbf.h"
#include "provenance/c2pa/manifest_container.h"
#include "provenance/c2pa/manifest_store.h"
#include "provenance/c2pa/manifest_validator.h"
#include "provenance/pki/key_store.h"
#include "provenance/xmp/xmp_metadata.h"
#include "tests/hostile/confined_run.h"
#include "tests/provenance/test_studio.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::provenance;
using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::RunProcess;
using hallmark::testing::TempDir;

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos/";
constexpr char kPass[] = "hostile passphrase";
constexpr uint8_t kToggles = kJumdRequestable | kJumdLabel;

Bytes Read(const std::string& path) {
  auto data = ReadFile(path);
  BOOST_REQUIRE_MESSAGE(data.ok(), data.status().ToString());
  return std::move(*data);
}

void Write(const std::string& path, const Bytes& data) {
  BOOST_REQUIRE(WriteFileAtomic(path, data).ok());
}

image::Format FormatOf(ByteView file) {
  auto format = image::SniffFormat(file);
  BOOST_REQUIRE(format.ok());
  return *format;
}

EmbeddedStore Embedded(const Bytes& file) {
  auto e = FindManifestStore(file, FormatOf(file));
  BOOST_REQUIRE(e.ok());
  BOOST_REQUIRE(e->has_value());
  return **e;
}

std::string Codes(const VerificationReport& r) {
  std::string s;
  for (const auto& e : r.failure) s += e.code + " ";
  return s;
}

struct Studio : hallmark::testing::TestStudio {
  Studio() : TestStudio(kPass) {}
};

ManifestSpec Spec() {
  ManifestSpec s;
  s.asset_id = "asset-7f3a";
  s.title = "generated sample";
  s.model = {"model-42", "dcgan-fashion", "1.2", "00ff"};
  s.watermark_payload = {0xde, 0xad, 0xbe, 0xef};
  s.watermark_embedded = true;  // stands for a generated, marked image
  return s;
}

Bytes SignFile(const std::string& path, const Signer& signer) {
  const Bytes in = Read(path);
  auto out = SignImage(in, FormatOf(in), Spec(), signer);
  BOOST_REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  return std::move(*out);
}

VerificationReport Verify(ByteView file, const TrustStore& trust) {
  auto r = VerifyImage(file, trust);
  BOOST_REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

// Replaces the first occurrence of `needle` inside [from, to) of `file`.
void Overwrite(Bytes& file, size_t from, size_t to, std::string_view needle,
               std::string_view replacement) {
  BOOST_REQUIRE(needle.size() == replacement.size());
  auto it = std::search(file.begin() + from, file.begin() + to, needle.begin(), needle.end());
  BOOST_REQUIRE_MESSAGE(it != file.begin() + to, "'" << needle << "' not found");
  std::copy(replacement.begin(), replacement.end(), it);
}

// A PNG carrying a store with one manifest: `claim` as its claim and `assertion` as the CBOR of
// its only assertion. Nothing is signed; the point is what the reader does with the CBOR.
Bytes PngWithStore(const Bytes& claim, const Bytes& assertion) {
  const Bytes assertion_box =
      MakeSuperBox(MakeDescription(C2paUuid("cbor"), "org.example.hostile", kToggles),
                   {MakeBox("cbor", assertion)});
  const Bytes assertion_store = MakeSuperBox(
      MakeDescription(C2paUuid("c2as"), kAssertionStoreLabel, kToggles), {assertion_box});
  const Bytes claim_box = MakeSuperBox(MakeDescription(C2paUuid("c2cl"), kClaimV2Label, kToggles),
                                       {MakeBox("cbor", claim)});
  const Bytes manifest =
      MakeSuperBox(MakeDescription(C2paUuid("c2ma"), "urn:c2pa:hostile", kToggles),
                   {assertion_store, claim_box});
  const Bytes store =
      MakeSuperBox(MakeDescription(C2paUuid("c2pa"), kStoreLabel, kToggles), {manifest});
  const Bytes png = Read(kPhotos + "chelsea.png");
  auto wrapped = WrapManifestStore(store, image::Format::kPng);
  BOOST_REQUIRE(wrapped.ok());
  const size_t at = *ManifestInsertionOffset(png, image::Format::kPng);
  Bytes out(png.begin(), png.begin() + at);
  out.insert(out.end(), wrapped->begin(), wrapped->end());
  out.insert(out.end(), png.begin() + at, png.end());
  return out;
}

Bytes SmallClaim() {
  Cbor claim = Cbor::Map();
  claim.Set("instanceID", Cbor::Text("xmp.iid:hostile"));
  claim.Set("signature", Cbor::Text("self#jumbf=c2pa.signature"));
  return claim.Encode();
}

// A CBOR array head claiming `count` items, followed by `zeros` bytes of the integer 0.
Bytes ZerosArray(uint64_t count, size_t zeros) {
  Bytes out;
  CborWriteHead(out, 4, count);
  out.resize(out.size() + zeros, 0);
  return out;
}

// `levels` nested arrays, each claiming as many items as there are bytes after its head, then
// `tail` zero bytes: a decoder that reserves for the claimed count asks for levels x tail items.
Bytes NestedReserveBomb(int levels, size_t tail) {
  Bytes out;
  for (int i = 0; i < levels; ++i) {
    out.push_back(0x9a);  // array, 32-bit count
    const uint32_t count = static_cast<uint32_t>(tail + size_t{5} * size_t(levels - i - 1));
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(count >> s));
  }
  out.resize(out.size() + tail, 0);
  return out;
}

// Runs the hallmark binary under the hostile suites' time and 4 GB memory limit (under ASan, its
// RSS cap stands in for the address-space limit).
ProcessResult RunLimited(const std::vector<std::string>& args,
                         const std::vector<std::string>& env) {
  return hallmark::testing::RunConfined(args, env).result;
}

nlohmann::json ParseJsonOrFail(const std::string& text) {
  BOOST_TEST(IsValidUtf8(text));
  auto j = nlohmann::json::parse(text, nullptr, false);
  BOOST_TEST(!j.is_discarded(), "not JSON: " << text.substr(0, 200));
  return j;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(cbor)

BOOST_AUTO_TEST_CASE(text_strings_must_be_valid_utf8) {
  BOOST_TEST(CborDecode(Bytes{0x63, 'a', 0xc3, 0xa9}).ok());  // "aé"
  for (const Bytes& bad : {Bytes{0x63, 'a', 0xff, 'b'},       // FF never occurs in UTF-8
                           Bytes{0x62, 0xc0, 0x80},           // overlong NUL
                           Bytes{0x63, 0xed, 0xa0, 0x80},     // a surrogate
                           Bytes{0x62, 'a', 0xc3},            // a character cut in two
                           Bytes{0xa1, 0x61, 0xfe, 0x00}}) {  // a map key
    auto r = CborDecode(bad, "claim");
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.status().code() == StatusCode::kBadInput));
    BOOST_TEST(r.status().message().find("UTF-8") != std::string::npos, r.status().message());
  }
  // RFC 8949 §3.2.3: each chunk of an indefinite-length text string is well-formed by itself.
  BOOST_TEST(CborDecode(Bytes{0x7f, 0x61, 'a', 0x62, 0xc3, 0xa9, 0xff}).ok());
  BOOST_TEST(!CborDecode(Bytes{0x7f, 0x62, 'a', 0xc3, 0x61, 0xa9, 0xff}).ok());
  // Byte strings are not text.
  BOOST_TEST(CborDecode(Bytes{0x42, 0xff, 0xfe}).ok());
}

// Found by fuzzing: a map with two equal keys decoded, and two readers could take different values.
BOOST_AUTO_TEST_CASE(maps_with_duplicate_keys_are_refused) {
  BOOST_TEST(CborDecode(Bytes{0xa2, 0x61, 'a', 0x01, 0x61, 'b', 0x02}).ok());  // {"a":1,"b":2}
  for (const Bytes& dup : {Bytes{0xa2, 0x61, 'a', 0x01, 0x61, 'a', 0x02},      // {"a":1,"a":2}
                           Bytes{0xbf, 0x01, 0x01, 0x01, 0x02, 0xff},     // indefinite {1:1,1:2}
                           Bytes{0xa2, 0x18, 0x01, 0x00, 0x01, 0x00}}) {  // 1 written two ways
    auto r = CborDecode(dup, "claim");
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.status().code() == StatusCode::kBadInput));
    BOOST_TEST(r.status().message().find("duplicate map key") != std::string::npos,
               r.status().message());
  }
}

BOOST_AUTO_TEST_CASE(huge_counts_fail_before_anything_is_allocated) {
  // 2^32 and 2^63 items with nothing after them.
  for (const Bytes& head :
       {Bytes{0x9b, 0, 0, 0, 1, 0, 0, 0, 0}, Bytes{0xbb, 0x80, 0, 0, 0, 0, 0, 0, 0},
        Bytes{0x9a, 0xff, 0xff, 0xff, 0xff, 0x00}}) {
    auto r = CborDecode(head);
    BOOST_TEST(!r.ok());
    BOOST_TEST((r.status().code() == StatusCode::kBadInput));
  }
  // Nested heads that each claim all the bytes after them: refused as truncated, quickly.
  const auto start = std::chrono::steady_clock::now();
  auto r = CborDecode(NestedReserveBomb(60, 1 << 20));
  BOOST_TEST(!r.ok());
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
}

BOOST_AUTO_TEST_CASE(nesting_depth_is_bounded) {
  auto nested = [](int depth) {
    Bytes b(static_cast<size_t>(depth), 0x81);  // [[[...]]]
    b.push_back(0x00);
    return b;
  };
  BOOST_TEST(CborDecode(nested(60)).ok());
  auto deep = CborDecode(nested(100000));
  BOOST_TEST(!deep.ok());
  BOOST_TEST(deep.status().message().find("nested too deeply") != std::string::npos);
  Bytes tags;
  for (int i = 0; i < 1000; ++i) tags.push_back(0xc1);  // tag 1 of tag 1 of ...
  tags.push_back(0x00);
  BOOST_TEST(!CborDecode(tags).ok());
}

BOOST_AUTO_TEST_CASE(item_budget_bounds_one_decode_and_a_shared_budget_bounds_many) {
  // The default budget: far more items than any claim or assertion holds, far fewer than an
  // 8 MB array of single-byte integers.
  BOOST_TEST(CborDecode(ZerosArray(100000, 100000)).ok());
  auto big = CborDecode(ZerosArray(8 << 20, 8 << 20), "assertion");
  BOOST_REQUIRE(!big.ok());
  BOOST_TEST((big.status().code() == StatusCode::kBadInput));
  BOOST_TEST(big.status().message().find("items") != std::string::npos, big.status().message());
  // A shared budget: three decodes of 4 items fit in 12, a fourth does not.
  CborBudget budget(12, "test budget");
  const Bytes four = ZerosArray(3, 3);
  for (int i = 0; i < 3; ++i) BOOST_TEST(CborDecode(four, "x", &budget).ok());
  auto over = CborDecode(four, "x", &budget);
  BOOST_TEST(!over.ok());
  BOOST_TEST(budget.exhausted());
  BOOST_TEST(over.status().message().find("test budget") != std::string::npos,
             over.status().message());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(store_limits)

BOOST_AUTO_TEST_CASE(a_store_over_a_limit_is_bad_input_naming_the_limit) {
  const Bytes png = PngWithStore(SmallClaim(), ZerosArray(10, 10));
  const Bytes store = Embedded(png).store;
  BOOST_REQUIRE(ManifestStore::Parse(store).ok());
  auto expect_limit = [&](const ManifestStoreLimits& limits, const std::string& words) {
    auto r = ManifestStore::Parse(store, limits);
    BOOST_REQUIRE(!r.ok());
    BOOST_TEST((r.status().code() == StatusCode::kBadInput));
    BOOST_TEST(r.status().message().find(words) != std::string::npos, r.status().message());
  };
  ManifestStoreLimits bytes;
  bytes.max_bytes = store.size() - 1;
  expect_limit(bytes, "bytes");
  ManifestStoreLimits boxes;
  boxes.max_boxes = 4;
  expect_limit(boxes, "JUMBF boxes");
  ManifestStoreLimits assertions;
  assertions.max_assertions = 0;
  expect_limit(assertions, "assertions");
  ManifestStoreLimits items;
  items.max_cbor_items = 5;  // the store holds 16
  expect_limit(items, "CBOR items");
  // The defaults are documented numbers.
  const ManifestStoreLimits defaults;
  BOOST_TEST(defaults.max_bytes == size_t{16} << 20);
}

BOOST_AUTO_TEST_CASE(many_assertions_share_one_cbor_budget) {
  // Each assertion alone is well under a single decode's allowance; together they are not.
  std::vector<Bytes> boxes;
  boxes.reserve(12);
  for (int i = 0; i < 12; ++i) {
    boxes.push_back(MakeSuperBox(
        MakeDescription(C2paUuid("cbor"), "org.example.part__" + std::to_string(i), kToggles),
        {MakeBox("cbor", ZerosArray(30000, 30000))}));
  }
  const Bytes assertion_store =
      MakeSuperBox(MakeDescription(C2paUuid("c2as"), kAssertionStoreLabel, kToggles), boxes);
  const Bytes claim_box = MakeSuperBox(MakeDescription(C2paUuid("c2cl"), kClaimV2Label, kToggles),
                                       {MakeBox("cbor", SmallClaim())});
  const Bytes manifest = MakeSuperBox(MakeDescription(C2paUuid("c2ma"), "urn:c2pa:m", kToggles),
                                      {assertion_store, claim_box});
  const Bytes store =
      MakeSuperBox(MakeDescription(C2paUuid("c2pa"), kStoreLabel, kToggles), {manifest});
  auto r = ManifestStore::Parse(store);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("CBOR items") != std::string::npos, r.status().message());
}

BOOST_AUTO_TEST_CASE(an_8_mb_manifest_is_refused_quickly_under_a_4_gb_limit) {
  // One assertion holding an array of 8 Mi single-byte integers: at ~160 bytes per decoded
  // item that was 1.3 GB before the store's item budget.
  Studio studio;
  TempDir dir;
  const std::string file = dir.File("big.png");
  Write(file, PngWithStore(SmallClaim(), ZerosArray(8 << 20, 8 << 20)));
  for (const std::string command : {"verify", "show"}) {
    BOOST_TEST_CONTEXT(command) {
      const auto start = std::chrono::steady_clock::now();
      ProcessResult r = RunLimited({"provenance", command, file, "--json"}, studio.Env());
      const auto took = std::chrono::steady_clock::now() - start;
      // verify answers "not trusted"; show only fails on a file without a manifest.
      BOOST_TEST(r.exit_code == (command == "verify" ? 1 : 0), r.err);
      BOOST_TEST((took < std::chrono::seconds(20)));
      const auto j = ParseJsonOrFail(r.out);
      BOOST_TEST(j["verdict"] == "manifest_malformed");
      BOOST_TEST(j.dump().find("CBOR items") != std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(nested_reserving_counts_do_not_exhaust_a_4_gb_limit) {
  // 60 nested arrays each claiming the 2 MB after them: reserving for the claims would ask
  // for 60 x 2 Mi decoded items, some 20 GB.
  Studio studio;
  TempDir dir;
  const std::string file = dir.File("nested.png");
  Write(file, PngWithStore(SmallClaim(), NestedReserveBomb(60, 2 << 20)));
  ProcessResult r = RunLimited({"provenance", "verify", file, "--json"}, studio.Env());
  BOOST_TEST(r.exit_code == 1, r.err);
  ParseJsonOrFail(r.out);
  // And as the claim itself.
  Write(file, PngWithStore(NestedReserveBomb(60, 2 << 20), ZerosArray(1, 1)));
  r = RunLimited({"provenance", "show", file, "--json"}, studio.Env());
  BOOST_TEST(r.exit_code == 0, r.err);
  BOOST_TEST(ParseJsonOrFail(r.out)["verdict"] == "manifest_malformed");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(utf8)

BOOST_AUTO_TEST_CASE(an_asset_id_mutated_to_invalid_utf8_is_tampering_not_a_crash) {
  Studio studio;
  Signer signer = studio.LoadSigner();
  TrustStore trust = studio.Trust();
  TempDir dir;
  for (const std::string name : {"chelsea.png", "rocket.jpg"}) {
    BOOST_TEST_CONTEXT(name) {
      Bytes file = SignFile(kPhotos + name, signer);
      const EmbeddedStore e = Embedded(file);
      // One flipped bit turns '7' (0x37) into 0xB7, a continuation byte with no lead.
      Overwrite(file, e.offset, e.offset + e.length, "asset-7f3a",
                "asset-\xB7"
                "f3a");
      const VerificationReport r = Verify(file, trust);
      BOOST_TEST(VerdictName(r.verdict) == std::string("assertion_tampered"), Codes(r));
      BOOST_TEST(r.HasFailure(status::kAssertionHashedUriMismatch), Codes(r));
      BOOST_TEST(r.asset_id.empty());  // undecodable, so not shown
      BOOST_CHECK_NO_THROW(r.ToJson().dump());

      const std::string path = dir.File("mutated-" + name);
      Write(path, file);
      for (const std::string command : {"verify", "show"}) {
        ProcessResult cli = RunHallmark({"provenance", command, path, "--json"}, studio.Env());
        BOOST_TEST(cli.exit_code >= 0);
        BOOST_TEST(cli.exit_code <= 3, command << ": " << cli.err);
        BOOST_TEST(ParseJsonOrFail(cli.out)["verdict"] == "assertion_tampered");
      }
      ProcessResult verify = RunHallmark({"--json", "verify", path}, studio.Env());
      BOOST_TEST(verify.exit_code >= 0);
      BOOST_TEST(verify.exit_code <= 3, verify.err);
      const std::string first_line = verify.out.substr(0, verify.out.find('\n'));
      ParseJsonOrFail(first_line);
    }
  }
}

BOOST_AUTO_TEST_CASE(an_instance_id_mutated_to_invalid_utf8_in_the_claim_is_malformed) {
  Studio studio;
  Bytes file = SignFile(kPhotos + "chelsea.png", studio.LoadSigner());
  const EmbeddedStore e = Embedded(file);
  // The claim's instanceID; the XMP packet after the store keeps its own.
  Overwrite(file, e.offset, e.offset + e.length, "xmp.iid:", "xmp\xC0iid:");
  const VerificationReport r = Verify(file, studio.Trust());
  BOOST_TEST((r.verdict == Verdict::kManifestMalformed), Codes(r));
  BOOST_TEST(r.HasFailure(status::kClaimCborInvalid), Codes(r));
  BOOST_CHECK_NO_THROW(r.ToJson().dump());
}

BOOST_AUTO_TEST_CASE(an_xmp_instance_id_that_is_not_utf8_is_read_with_replacements) {
  Studio studio;
  Bytes file = SignFile(kPhotos + "chelsea.png", studio.LoadSigner());
  const EmbeddedStore e = Embedded(file);
  // The XMP packet follows the store; its InstanceID gets a byte that can start nothing.
  Overwrite(file, e.offset + e.length, file.size(), "xmp.iid:", "xmp.iid\xFF");
  const auto id = FindXmpInstanceId(file);
  BOOST_REQUIRE(id.has_value());
  BOOST_TEST(IsValidUtf8(*id));
  BOOST_TEST(id->rfind("xmp.iid\xEF\xBF\xBD", 0) == 0u);
  // The file changed outside the manifest and its XMP id no longer matches the claim's.
  const VerificationReport r = Verify(file, studio.Trust());
  BOOST_TEST((r.verdict == Verdict::kManifestTransplanted), Codes(r));
  BOOST_CHECK_NO_THROW(r.ToJson().dump());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(exclusions)

namespace {

// Signs `clean` (no manifest yet) the way SignImage does, except that the c2pa.hash.data
// exclusion starts `before` bytes ahead of the store and ends `after` bytes past it: a claim
// generator that hides pixel bytes from the hash. The signature and every hashed URI are good.
Bytes SignWithExclusion(const Bytes& clean, const Signer& signer, size_t before, size_t after) {
  const image::Format format = FormatOf(clean);
  const size_t offset = *ManifestInsertionOffset(clean, format);
  BOOST_REQUIRE(before <= offset);
  const std::string label = "urn:c2pa:" + NewUuid4();
  const size_t reserved = CoseSign1UnpaddedSize(signer) + 32;
  auto hash_data_box = [&](uint64_t length, ByteView hash) {
    Cbor m = Cbor::Map();
    m.Set("exclusions", Cbor::Array({Cbor::Map({{Cbor::Text("start"), Cbor::Uint(offset - before)},
                                                {Cbor::Text("length"), Cbor::Uint(length)}})}));
    m.Set("alg", Cbor::Text("sha256"));
    m.Set("hash", Cbor::ByteString(hash));
    m.Set("pad", Cbor::ByteString(Bytes()));
    return MakeSuperBox(MakeDescription(C2paUuid("cbor"), kDataHashLabel, kToggles),
                        {MakeBox("cbor", m.Encode())});
  };
  auto claim_for = [&](const Bytes& box) {
    const Sha256Digest h = Sha256(ByteView(box).Slice(8));
    Cbor claim = Cbor::Map();
    claim.Set("instanceID", Cbor::Text("xmp.iid:" + NewUuid4()));
    claim.Set("claim_generator_info", Cbor::Map({{Cbor::Text("name"), Cbor::Text("test")}}));
    claim.Set("signature", Cbor::Text("self#jumbf=/c2pa/" + label + "/c2pa.signature"));
    claim.Set("alg", Cbor::Text("sha256"));
    claim.Set("created_assertions",
              Cbor::Array({Cbor::Map(
                  {{Cbor::Text("url"), Cbor::Text("self#jumbf=c2pa.assertions/c2pa.hash.data")},
                   {Cbor::Text("hash"), Cbor::ByteString(ByteView(h.data(), 32))}})}));
    return claim.Encode();
  };
  auto store_for = [&](const Bytes& box, const Bytes& claim, const Bytes& cose) {
    const Bytes assertions =
        MakeSuperBox(MakeDescription(C2paUuid("c2as"), kAssertionStoreLabel, kToggles), {box});
    const Bytes claim_box = MakeSuperBox(MakeDescription(C2paUuid("c2cl"), kClaimV2Label, kToggles),
                                         {MakeBox("cbor", claim)});
    const Bytes sig_box = MakeSuperBox(MakeDescription(C2paUuid("c2cs"), kSignatureLabel, kToggles),
                                       {MakeBox("cbor", cose)});
    const Bytes manifest = MakeSuperBox(MakeDescription(C2paUuid("c2ma"), label, kToggles),
                                        {assertions, claim_box, sig_box});
    return MakeSuperBox(MakeDescription(C2paUuid("c2pa"), kStoreLabel, kToggles), {manifest});
  };
  // The store's size depends on the width of the exclusion length, which depends on the size.
  const Sha256Digest zero{};
  size_t wrapped = 0;
  for (int i = 0; i < 4; ++i) {
    const Bytes box = hash_data_box(before + wrapped + after, ByteView(zero.data(), 32));
    const size_t size = store_for(box, claim_for(box), Bytes(reserved, 0)).size();
    if (WrappedManifestSize(size, format) == wrapped) break;
    wrapped = WrappedManifestSize(size, format);
  }
  // The hash covers the file as it will be, minus the widened range.
  Bytes hashed(clean.begin(), clean.begin() + (offset - before));
  hashed.insert(hashed.end(), clean.begin() + offset + after, clean.end());
  const Sha256Digest digest = Sha256(hashed);
  const Bytes box = hash_data_box(before + wrapped + after, ByteView(digest.data(), 32));
  const Bytes claim = claim_for(box);
  auto cose = CoseSign1Sign(signer, claim, reserved);
  BOOST_REQUIRE_MESSAGE(cose.ok(), cose.status().ToString());
  auto container = WrapManifestStore(store_for(box, claim, *cose), format);
  BOOST_REQUIRE(container.ok());
  BOOST_REQUIRE(container->size() == wrapped);
  Bytes out(clean.begin(), clean.begin() + offset);
  out.insert(out.end(), container->begin(), container->end());
  out.insert(out.end(), clean.begin() + offset, clean.end());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(exclusions_must_cover_exactly_the_manifest_store) {
  Studio studio;
  Signer signer = studio.LoadSigner();
  TrustStore trust = studio.Trust();
  for (const std::string name : {"chelsea.png", "rocket.jpg"}) {
    BOOST_TEST_CONTEXT(name) {
      const Bytes clean = Read(kPhotos + name);
      // The crafted signing is sound: with the exact exclusion the file is trusted.
      const Bytes exact = SignWithExclusion(clean, signer, 0, 0);
      const VerificationReport ok = Verify(exact, trust);
      BOOST_TEST((ok.state == ValidationState::kTrusted), Codes(ok));

      // 64 bytes past the store are excluded too: whatever is there is unsigned.
      const Bytes widened = SignWithExclusion(clean, signer, 0, 64);
      const EmbeddedStore e = Embedded(widened);
      Bytes edited = widened;  // a byte the widened range hides from the hash
      edited[e.offset + e.length + 40] ^= 0x5a;
      for (const Bytes* file : {&widened, static_cast<const Bytes*>(&edited)}) {
        const VerificationReport r = Verify(*file, trust);
        BOOST_TEST((r.verdict == Verdict::kContentAltered), Codes(r));
        BOOST_TEST(r.HasFailure(status::kAssertionDataHashMismatch), Codes(r));
        BOOST_TEST(!r.HasSuccess(status::kAssertionDataHashMatch));
      }

      // Bytes before the store (the end of IHDR / of SOI+APP0) excluded as well.
      const Bytes ahead = SignWithExclusion(clean, signer, 4, 0);
      const VerificationReport r = Verify(ahead, trust);
      BOOST_TEST((r.verdict == Verdict::kContentAltered), Codes(r));
      BOOST_TEST(r.HasFailure(status::kAssertionDataHashMismatch), Codes(r));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// Found by fuzzing: maps used as map keys, nested, were shown by dumping each key as JSON text,
// which re-escaped the inner keys at every level and grew the text exponentially.
BOOST_AUTO_TEST_CASE(nested_map_keys_are_shown_in_linear_time) {
  Bytes nested = {0xa1, 0x01, 0x02};  // {1: 2}
  for (int i = 0; i < 60; ++i) {
    Bytes outer = {0xa1};  // {nested: 0}
    outer.insert(outer.end(), nested.begin(), nested.end());
    outer.push_back(0x00);
    nested = std::move(outer);
  }
  auto decoded = CborDecode(nested);
  BOOST_REQUIRE(decoded.ok());
  const auto start = std::chrono::steady_clock::now();
  const std::string shown = DumpJsonReplacingInvalidUtf8(decoded->ToJson());
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(1)));
  BOOST_TEST(shown.size() < 2 * 1024u, shown.size());
  BOOST_TEST(shown.find("cbor:a1") != std::string::npos, shown.substr(0, 80));
}

// A WebP copy (what re-encoding for the web makes of an asset) is read for a `C2PA` RIFF chunk:
// none is no manifest, a broken one is a malformed claim, a chunk that overruns the file is a
// broken container, never a crash.
BOOST_AUTO_TEST_CASE(webp_files_are_read_for_a_c2pa_chunk) {
  Studio studio;
  TrustStore trust = studio.Trust();
  const Result<image::Image> photo = image::ReadImageFile(kPhotos + "chelsea.png");
  BOOST_REQUIRE(photo.ok());
  const Result<Bytes> webp = image::EncodeWebp(*photo);
  BOOST_REQUIRE(webp.ok());
  const VerificationReport plain = Verify(*webp, trust);
  BOOST_TEST((plain.verdict == Verdict::kNoManifest), Codes(plain));

  auto put_le32 = [](Bytes* b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
  };
  Bytes with_chunk = *webp;
  const Bytes junk = {'C', '2', 'P', 'A', 5, 0, 0, 0, 1, 2, 3, 4, 5, 0};
  with_chunk.insert(with_chunk.end(), junk.begin(), junk.end());
  put_le32(&with_chunk, 4, uint32_t(with_chunk.size() - 8));
  const EmbeddedStore e = Embedded(with_chunk);
  BOOST_TEST(e.offset == webp->size());
  BOOST_TEST(e.length == junk.size());  // the pad byte belongs to the chunk
  BOOST_TEST(e.store.size() == 5u);
  const VerificationReport broken = Verify(with_chunk, trust);
  BOOST_TEST(broken.HasFailure(status::kClaimMalformed), Codes(broken));

  Bytes overrun = with_chunk;
  put_le32(&overrun, webp->size() + 4, 1u << 30);
  const Result<VerificationReport> r = VerifyImage(overrun, trust);
  BOOST_REQUIRE(!r.ok());
  BOOST_TEST(r.status().message().find("runs past the end") != std::string::npos);
}
