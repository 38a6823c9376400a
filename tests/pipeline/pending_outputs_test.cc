#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "audit/ledger/ledger_store.h"
#include "base/file.h"
#include "base/file_internal.h"
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

// Makes every fsync fail with EIO while alive, as a failing disk would.
struct FailingFsync {
  FailingFsync() {
    internal::SetFsyncForTesting([](int, const char*) {
      errno = EIO;
      return -1;
    });
  }
  ~FailingFsync() { internal::SetFsyncForTesting(nullptr); }
};

// Occupies a pending file's name with a non-empty folder, which unlink refuses even for root.
void BlockRemoval(const std::string& path) {
  std::filesystem::create_directories(path + "/inside");
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
  BOOST_REQUIRE(
      WriteFileAtomic(out.File(".pending/hm-0d0e0f__hm-0d0e0f.png.tmp.77"), Bytes{7}).ok());

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

BOOST_AUTO_TEST_CASE(discard_reports_a_file_it_cannot_delete) {
  testing::TempDir out;
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  // Deleting what is already gone is not an error.
  BOOST_TEST(outputs->Discard("hm-0a0b0c", "never-staged.png").ok());

  BlockRemoval(out.File(".pending/hm-0a0b0c__x.png"));
  Status s = outputs->Discard("hm-0a0b0c", "x.png");
  BOOST_TEST(s.code() == StatusCode::kIoError);
  BOOST_TEST(s.message().find(out.File(".pending/hm-0a0b0c__x.png")) != std::string::npos,
             s.message());
}

// Root may delete anything whatever the folder's mode, so the removal is made to fail through
// base/file's test seam, as EACCES would from a folder the user cannot write.
namespace {
int RefuseUnlink(const char* /*path*/) {
  errno = EACCES;
  return -1;
}
}  // namespace

BOOST_AUTO_TEST_CASE(recovery_fails_when_an_uncommitted_file_cannot_be_deleted) {
  testing::TempDir home, out;
  auto ledger = LedgerWithAsset(home.path(), "hm-010203");
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  BOOST_REQUIRE(outputs->Stage("hm-0a0b0c", "hm-0a0b0c.png", Bytes{4, 5, 6}).ok());
  internal::SetUnlinkForTesting(RefuseUnlink);
  Result<RecoveryReport> report = outputs->Recover(*ledger);
  internal::SetUnlinkForTesting(nullptr);
  BOOST_TEST(!report.ok());
  BOOST_TEST(report.status().code() == StatusCode::kIoError);
  BOOST_TEST(report.status().message().find("hm-0a0b0c__hm-0a0b0c.png") != std::string::npos,
             report.status().message());
  BOOST_TEST(report.status().message().find("Permission denied") != std::string::npos,
             report.status().message());
  // Once removal works again, the same recovery settles it.
  Result<RecoveryReport> retried = outputs->Recover(*ledger);
  BOOST_REQUIRE(retried.ok());
  BOOST_TEST(retried->discarded == 1);
}

BOOST_AUTO_TEST_CASE(recovery_leaves_alone_what_it_did_not_stage) {
  testing::TempDir home, out, elsewhere;
  auto ledger = LedgerWithAsset(home.path(), "hm-010203");
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  const std::string pending = out.File(".pending");
  // Names Stage() never gives, a folder and a link under names it does give, and a committed
  // asset's file under a name the ledger does not record for it.
  const std::vector<std::string> foreign = {"notes.txt",
                                            "hm-0a0b0c__other.png",
                                            "HM-0A0B0C__HM-0A0B0C.png",
                                            "hm-0a0b0c__hm-0a0b0c.png.tmp.zz",
                                            "hm-010203__x.png",
                                            "hm-010203__hm-010203.webp"};
  for (const std::string& name : foreign) {
    BOOST_REQUIRE(WriteFileAtomic(pending + "/" + name, Bytes{9}).ok());
  }
  BlockRemoval(pending + "/hm-0d0e0f__hm-0d0e0f.png");
  const std::string precious = elsewhere.File("precious.png");
  BOOST_REQUIRE(WriteFileAtomic(precious, Bytes{1}).ok());
  BOOST_REQUIRE(::symlink(precious.c_str(), (pending + "/hm-0a0b0c__hm-0a0b0c.png").c_str()) == 0);
  BOOST_REQUIRE(::symlink(precious.c_str(), (pending + "/hm-010203__hm-010203.png").c_str()) == 0);

  Result<RecoveryReport> report = outputs->Recover(*ledger);
  BOOST_REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  BOOST_TEST(report->completed == 0);
  BOOST_TEST(report->discarded == 0);
  BOOST_TEST(report->left_alone.size() == foreign.size() + 3);
  for (const std::string& name : foreign) {
    BOOST_TEST(std::filesystem::exists(pending + "/" + name), name);
  }
  BOOST_TEST(std::filesystem::is_directory(pending + "/hm-0d0e0f__hm-0d0e0f.png/inside"));
  BOOST_TEST(std::filesystem::is_symlink(pending + "/hm-0a0b0c__hm-0a0b0c.png"));
  BOOST_TEST(!std::filesystem::exists(out.File("hm-010203.png")));  // the link was not published
  BOOST_TEST(std::filesystem::exists(precious));
}

BOOST_AUTO_TEST_CASE(a_pending_folder_that_is_a_symbolic_link_is_refused) {
  testing::TempDir home, out, elsewhere;
  auto ledger = LedgerWithAsset(home.path(), "hm-010203");
  const std::string victim = elsewhere.File("hm-0a0b0c__hm-0a0b0c.png");
  BOOST_REQUIRE(WriteFileAtomic(victim, Bytes{1}).ok());
  BOOST_REQUIRE(::symlink(elsewhere.path().c_str(), out.File(".pending").c_str()) == 0);
  Result<PendingOutputs> refused = PendingOutputs::Open(out.path());
  BOOST_TEST(refused.status().code() == StatusCode::kBadInput);
  BOOST_TEST(refused.status().message().find(out.File(".pending")) != std::string::npos,
             refused.status().message());

  // Swapped in after Open(): Recover() checks again and deletes nothing through it.
  BOOST_REQUIRE(::unlink(out.File(".pending").c_str()) == 0);
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  BOOST_REQUIRE(::rmdir(out.File(".pending").c_str()) == 0);
  BOOST_REQUIRE(::symlink(elsewhere.path().c_str(), out.File(".pending").c_str()) == 0);
  Result<RecoveryReport> report = outputs->Recover(*ledger);
  BOOST_TEST(report.status().code() == StatusCode::kBadInput);
  BOOST_TEST(std::filesystem::exists(victim));
}

BOOST_AUTO_TEST_CASE(stage_takes_only_the_names_generate_gives) {
  testing::TempDir out;
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  BOOST_TEST(outputs->Stage("hm-0a0b0c", "hm-0a0b0c.webp", Bytes{1}).ok());
  BOOST_TEST(outputs->Stage("hm-0a0b0c", "../escape.png", Bytes{1}).code() ==
             StatusCode::kInvalidArgument);
  BOOST_TEST(outputs->Stage("not-an-id", "not-an-id.png", Bytes{1}).code() ==
             StatusCode::kInvalidArgument);
}

BOOST_AUTO_TEST_CASE(a_failed_folder_sync_is_reported_by_flush_published_and_recovery) {
  testing::TempDir home, out;
  auto ledger = LedgerWithAsset(home.path(), "hm-010203");
  Result<PendingOutputs> outputs = PendingOutputs::Open(out.path());
  BOOST_REQUIRE(outputs.ok());
  BOOST_REQUIRE(outputs->Stage("hm-010203", "hm-010203.png", Bytes{1, 2, 3}).ok());

  FailingFsync failing;
  Status flushed = outputs->FlushPublished();
  BOOST_TEST(flushed.code() == StatusCode::kIoError);
  BOOST_TEST(flushed.message().find(out.path()) != std::string::npos, flushed.message());

  // Recovery moves the committed file into place, then cannot make the move durable.
  Result<RecoveryReport> report = outputs->Recover(*ledger);
  BOOST_TEST(!report.ok());
  BOOST_TEST(report.status().message().find(out.path()) != std::string::npos,
             report.status().message());
  BOOST_TEST(report.status().message().find("sync") != std::string::npos,
             report.status().message());
}
