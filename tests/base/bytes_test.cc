#include <boost/test/unit_test.hpp>

#include "base/hex.h"
#include "base/sha256.h"

using namespace hallmark;

BOOST_AUTO_TEST_CASE(hex_round_trip_and_errors) {
  Bytes data{0x00, 0x01, 0xab, 0xff};
  BOOST_TEST(HexEncode(data) == "0001abff");
  BOOST_TEST((*HexDecode("0001ABff") == data));
  BOOST_TEST(!HexDecode("abc").ok());
  Result<Bytes> bad = HexDecode("zz", "payload");
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.status().message() == "payload 'zz' is not hexadecimal");
}

BOOST_AUTO_TEST_CASE(sha256_known_answers) {
  // FIPS 180-2 test vectors.
  BOOST_TEST(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(Sha256Hex("abc") ==
             "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  h.Update(std::string_view("ab"));
  h.Update(std::string_view("c"));
  Sha256Digest d = h.Finish();
  BOOST_TEST(HexEncode(ByteView(d.data(), d.size())) == Sha256Hex("abc"));
}

BOOST_AUTO_TEST_CASE(byte_view_slices_are_clamped) {
  Bytes data{1, 2, 3, 4, 5};
  ByteView v(data);
  BOOST_TEST(v.Slice(1, 2).size() == 2u);
  BOOST_TEST(v.Slice(1, 2)[0] == 2);
  BOOST_TEST(v.Slice(4, 10).size() == 1u);
  BOOST_TEST(v.Slice(9).empty());
}

// Ids are written in lower-case hex; anything else (upper case, a stray character, the wrong
// length for a SHA-256) is not an id.
BOOST_AUTO_TEST_CASE(lower_case_hex_and_sha256_ids) {
  BOOST_TEST(IsLowerHex("0123456789abcdef"));
  BOOST_TEST(!IsLowerHex(""));
  BOOST_TEST(!IsLowerHex("ABCDEF"));
  BOOST_TEST(!IsLowerHex("12g4"));
  const std::string id = Sha256Hex("abc");
  BOOST_TEST(IsSha256Hex(id));
  BOOST_TEST(!IsSha256Hex(id.substr(1)));
  BOOST_TEST(!IsSha256Hex(id + "0"));
  std::string upper = id;
  upper[0] = 'B';
  BOOST_TEST(!IsSha256Hex(upper));
}
