#define BOOST_TEST_MODULE pipeline
#include <boost/test/unit_test.hpp>

#include "audit/ledger/ledger_store.h"
#include "pipeline/asset_identity.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::pipeline;

BOOST_AUTO_TEST_CASE(asset_ids_and_payloads_map_both_ways) {
  watermark::Payload p = watermark::Payload::FromUint64(0x0123456789abcdefULL, 64);
  BOOST_TEST(AssetIdForPayload(p) == "hm-0123456789abcdef");
  Result<watermark::Payload> back = PayloadForAssetId("hm-0123456789abcdef");
  BOOST_REQUIRE(back.ok());
  BOOST_TEST((*back == p));
  BOOST_TEST((LedgerPayloadBytes(p) == Bytes{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}));
  watermark::Payload small = watermark::Payload::FromUint64(0xabcdef, 24);
  BOOST_TEST(AssetIdForPayload(small) == "hm-abcdef");
  BOOST_TEST((LedgerPayloadBytes(small) == Bytes{0xab, 0xcd, 0xef}));
  BOOST_TEST(!PayloadForAssetId("asset-17").ok());
  BOOST_TEST(!PayloadForAssetId("hm-xyz").ok());
}

BOOST_AUTO_TEST_CASE(allocator_never_reuses_a_payload) {
  testing::TempDir home;
  audit::LedgerOptions options;
  options.home = home.path();
  Result<std::unique_ptr<audit::LedgerStore>> ledger = audit::OpenLedger(options);
  BOOST_REQUIRE_MESSAGE(ledger.ok(), ledger.status().ToString());
  PayloadAllocator allocator(**ledger);
  std::set<std::string> seen;
  // 8-bit payloads: 256 values, so 200 draws would collide often if reuse were possible.
  for (int i = 0; i < 200; ++i) {
    Result<watermark::Payload> p = allocator.Allocate(8);
    if (!p.ok()) break;  // the space can run out before 200 draws: that is an error, not reuse
    BOOST_TEST(seen.insert(p->ToHex()).second);
  }
  BOOST_TEST(seen.size() >= 150u);
  BOOST_TEST(!allocator.Allocate(4).ok());
  BOOST_TEST(allocator.Allocate(64).ok());
}
