// The watermark's building blocks: payload hex, CRC, convolutional code, keys, key-derived
// patterns.
#define BOOST_TEST_MODULE watermark_codec
#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <random>
#include <string>

#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/key.h"
#include "watermark/mode.h"
#include "watermark/payload.h"
#include "watermark/spreading_pattern.h"

using namespace hallmark;
using namespace hallmark::watermark;

namespace {
std::vector<uint8_t> RandomBits(int n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> bits(static_cast<size_t>(n));
  for (auto& b : bits) b = uint8_t(rng() & 1u);
  return bits;
}
Key TestKey(char fill) { return *Key::FromBytes(ByteView(std::string(32, fill))); }
}  // namespace

BOOST_AUTO_TEST_CASE(payload_hex_round_trip) {
  Result<Payload> p = Payload::FromHex("0123456789ABCDEF");
  BOOST_REQUIRE(p.ok());
  BOOST_TEST(p->size() == 64);
  BOOST_TEST(p->ToHex() == "0123456789abcdef");
  BOOST_TEST(p->ToUint64() == 0x0123456789abcdefull);
  BOOST_TEST(Payload::FromUint64(0xabcdef, 24).ToHex() == "abcdef");
  // Zero extension, and refusal to drop set bits.
  BOOST_TEST(Payload::FromHex("1f")->Resized(24)->ToHex() == "00001f");
  BOOST_TEST(!Payload::FromHex("ff000000")->Resized(24).ok());
  BOOST_TEST(Payload::FromHex("0000abcd")->Resized(24)->ToHex() == "00abcd");
}

BOOST_AUTO_TEST_CASE(payload_rejects_malformed_hex) {
  BOOST_TEST(!Payload::FromHex("").ok());
  BOOST_TEST(!Payload::FromHex("xyz").ok());
  BOOST_TEST(!Payload::FromHex("12345678901234567").ok());  // 68 bits
}

BOOST_AUTO_TEST_CASE(crc_detects_every_single_bit_error) {
  const std::vector<uint8_t> data = RandomBits(64, 1);
  for (int width : {8, 16}) {
    std::vector<uint8_t> framed = AppendCrc(data, width);
    BOOST_TEST(CheckCrc(framed, width));
    for (size_t i = 0; i < framed.size(); ++i) {
      framed[i] ^= 1;
      BOOST_TEST(!CheckCrc(framed, width));
      framed[i] ^= 1;
    }
  }
  // CRC-16/CCITT-FALSE of ASCII "123456789" is 0x29B1.
  std::vector<uint8_t> ascii;
  for (char c : std::string("123456789")) {
    for (int b = 7; b >= 0; --b) ascii.push_back(uint8_t((c >> b) & 1));
  }
  BOOST_TEST(Crc(ascii, 16) == 0x29B1u);
}

BOOST_AUTO_TEST_CASE(convolutional_code_corrects_errors) {
  const int n = 80;
  const std::vector<uint8_t> info = RandomBits(n, 7);
  const std::vector<uint8_t> coded = ConvolutionalCode::Encode(info);
  BOOST_REQUIRE(int(coded.size()) == ConvolutionalCode::CodedBits(n));
  std::vector<float> soft(coded.size());
  for (size_t i = 0; i < coded.size(); ++i) soft[i] = coded[i] ? -1.0f : 1.0f;
  BOOST_TEST(ConvolutionalCode::Decode(soft, n) == info);
  // Flip 8% of the coded bits, spread out: hard decisions still decode.
  std::mt19937 rng(3);
  int flipped = 0;
  for (size_t i = 0; i < soft.size(); i += 12) {
    soft[i + rng() % 12 % (soft.size() - i)] *= -1.0f;
    ++flipped;
  }
  BOOST_TEST(flipped > 15);
  BOOST_TEST(ConvolutionalCode::Decode(soft, n) == info);
}

BOOST_AUTO_TEST_CASE(soft_viterbi_decodes_noisy_channel) {
  // BPSK with amplitude 1.1 over unit Gaussian noise: Eb/N0 ~ 2.6 dB, raw bit error rate ~ 14%.
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 1.0f);
  int decoded_ok = 0;
  for (int trial = 0; trial < 20; ++trial) {
    const std::vector<uint8_t> info = RandomBits(80, uint32_t(100 + trial));
    const std::vector<uint8_t> coded = ConvolutionalCode::Encode(info);
    std::vector<float> soft(coded.size());
    int raw_errors = 0;
    for (size_t i = 0; i < coded.size(); ++i) {
      soft[i] = (coded[i] ? -1.1f : 1.1f) + noise(rng);
      raw_errors += (soft[i] < 0) != (coded[i] != 0);
    }
    BOOST_TEST(raw_errors > 20);
    decoded_ok += ConvolutionalCode::Decode(soft, 80) == info;
  }
  BOOST_TEST(decoded_ok >= 18);
}

BOOST_AUTO_TEST_CASE(keys_parse_and_refuse_short_secrets) {
  BOOST_TEST(!Key::FromHex("0011").ok());
  BOOST_TEST(!Key::FromHex("not hex at all, no").ok());
  Result<Key> k = Key::FromHex("00112233445566778899aabbccddeeff");
  BOOST_REQUIRE(k.ok());
  BOOST_TEST(k->ToHex() == "00112233445566778899aabbccddeeff");
  BOOST_TEST(k->Fingerprint().rfind("wk:", 0) == 0u);
  Result<Key> g1 = Key::Generate(), g2 = Key::Generate();
  BOOST_REQUIRE(g1.ok());
  BOOST_TEST(g1->ToHex() != g2->ToHex());
}

BOOST_AUTO_TEST_CASE(key_file_round_trip_and_errors) {
  const std::string path = "watermark_codec_test.key";
  std::remove(path.c_str());
  BOOST_TEST((Key::FromFile(path).status().code() == StatusCode::kNotFound));
  const Key k = *Key::Generate();
  BOOST_REQUIRE(WriteKeyFile(path, k).ok());
  Result<Key> back = Key::FromFile(path);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->ToHex() == k.ToHex());
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("this is not a key\n", f);
  std::fclose(f);
  Result<Key> bad = Key::FromFile(path);
  BOOST_TEST((bad.status().code() == StatusCode::kBadInput));
  BOOST_TEST(bad.status().message().find(path) != std::string::npos);
  std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(patterns_are_keyed_and_deterministic) {
  const SpreadingPattern a(TestKey('a'), kStandardMode), a2(TestKey('a'), kStandardMode);
  const SpreadingPattern b(TestKey('b'), kStandardMode);
  BOOST_REQUIRE(a.bins().size() == b.bins().size());
  // Every coded bit owns at least one bin.
  std::vector<int> per_bit(size_t(kStandardMode.coded_bits()), 0);
  int pilot = 0, same_layout = 0, same_sign = 0;
  for (size_t i = 0; i < a.bins().size(); ++i) {
    BOOST_TEST(a.bins()[i].index == a2.bins()[i].index);
    BOOST_TEST(a.bins()[i].sign_re == a2.bins()[i].sign_re);
    if (a.bins()[i].owner == SpreadingPattern::kPilot) {
      ++pilot;
    } else {
      ++per_bit[size_t(a.bins()[i].owner)];
    }
    same_layout += a.bins()[i].index == b.bins()[i].index;
    same_sign += a.bins()[i].sign_re == b.bins()[i].sign_re;
  }
  BOOST_TEST(pilot == kStandardMode.pilot_bins);
  for (int c : per_bit) BOOST_TEST(c >= 1);
  // Another key: an unrelated layout and signs (about half agree by chance).
  const double n = double(a.bins().size());
  BOOST_TEST(same_layout < n * 0.05);
  BOOST_TEST(std::abs(same_sign - n / 2) < 4 * std::sqrt(n / 4));
}
