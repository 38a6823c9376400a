#include <filesystem>

#include <boost/test/unit_test.hpp>

#include "audit/ledger_store.h"
#include "base/file.h"
#include "pipeline/pending_outputs.h"
#include "tests/support/subprocess.h"

using namespace hallmark;
using namespace hallmark::pipeline;

namespace {

// A ledger holding one model and one asset, so recovery has a committed record to find.
std::unique_ptr<audit::LedgerStore> LedgerWithAsset(const std::string& home,
                                                    const std::string& asset_id) {
  audit::LedgerOptions options;
  options.home = home;
  auto ledger = std::move(audit::OpenLedger(options).value());
  audit::DatasetRecord ds;
  ds.name = "d";
  ds.source = "test";
  ds.licence = "MIT";
  audit::DatasetItem item;
  item.sha256 = std::string(64, 'a');
  item.path = "a.png";
  auto stored = ledger->RecordDataset(ds, {item});
  BOOST_REQUIRE_MESSAGE(stored.ok(), stored.status().ToString());
  audit::ModelRecord model;
  model.id = std::string(64, 'b');
  model.architecture = "dcgan";
  model.hyperparameters_json = "{}";
  model.dataset_ids = {stored->id};
  BOOST_REQUIRE(ledger->RecordModel(model).ok());
  audit::AssetRecord asset;
  asset.id = asset_id;
  asset.payload = {1, 2, 3};
  asset.model_id = model.id;
  asset.parameters_json = "{}";
  asset.content_hash = std::string(64, 'c');
  asset.file_name = asset_id + ".png";
  BOOST_REQUIRE(ledger->AppendAssets({asset}).ok());
  return ledger;
}

}  // namespace

BOOST_AUTO_TEST_CASE(recovery_publishes_committed_files_and_discards_the_rest) {
  testing::TempDir home, out;
  auto ledger = LedgerWithAsset(home.path(), "hm-010203");
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  // A run killed after its ledger commit (hm-010203) and one killed before (hm-0a0b0c), plus
  // a half-written temporary.
  BOOST_REQUIRE(outputs->Stage("hm-010203", "hm-010203.png", Bytes{1, 2, 3}).ok());
  BOOST_REQUIRE(outputs->Stage("hm-0a0b0c", "hm-0a0b0c.png", Bytes{4, 5, 6}).ok());
  BOOST_REQUIRE(WriteFileAtomic(out.File(".pending/hm-0d0e0f__x.png.tmp.77"), Bytes{7}).ok());

  Result<RecoveryReport> report = outputs->Recover(*ledger);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->completed == 1);
  BOOST_TEST(report->discarded == 2);
  BOOST_TEST(std::filesystem::exists(out.File("hm-010203.png")));
  BOOST_TEST(!std::filesystem::exists(out.File("hm-0a0b0c.png")));
  BOOST_TEST(std::filesystem::is_empty(out.File(".pending")));
  BOOST_TEST((*ReadFile(out.File("hm-010203.png")) == Bytes{1, 2, 3}));

  // Nothing left to do on the next run.
  Result<RecoveryReport> again = outputs->Recover(*ledger);
  BOOST_TEST(again->completed + again->discarded == 0);
}

BOOST_AUTO_TEST_CASE(an_output_path_that_is_a_file_is_refused) {
  testing::TempDir dir;
  BOOST_REQUIRE(WriteFileAtomic(dir.File("taken"), Bytes{1}).ok());
  Result<PendingOutputs> outputs = PendingOutputs::Open(dir.File("taken"));
  BOOST_TEST(!outputs.ok());
  BOOST_TEST(outputs.status().message().find("not a folder") != std::string::npos);
}
