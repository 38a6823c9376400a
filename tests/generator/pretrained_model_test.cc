// The pretrained generators (generator/pretrained/) are what the main job generates from, so their
// provenance is checked as an auditor would: each file is the recorded model, the shipped ledger
// is intact, registering the Debian data (Fashion-MNIST; openclipart-png made into classes by
// generator/data/openclipart-classes.sh) reproduces the recorded dataset, and the model then
// registers, generates and verifies in a fresh studio.
#define BOOST_TEST_MODULE generator_pretrained
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

#include "base/file.h"
#include "base/sha256.h"
#include "tests/support/subprocess.h"

using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

const std::string kDir = HALLMARK_PRETRAINED_DIR;
const std::string kModel = kDir + "/fashion-mnist-dcgan.hmk";
const std::string kLedger = kDir + "/ledger.sqlite";
// As generator/pretrained/README.md states them.
const std::string kModelId = "ed95d15d02f57e84e97b7ec3138b268bcd6d5856a5f0d2eaab01f4730b5a0fcb";
const std::string kDatasetId = "fcf9592e5bb8a0e9cbf4b97264710bbfc4aae0f97497cd9872bff457e48c875a";

const std::string kColourModel = kDir + "/openclipart-dcgan.hmk";
const std::string kColourLedger = kDir + "/openclipart-ledger.sqlite";
const std::string kColourModelId =
    "decda777cca29ee85ce1181658d059ab96ce2532874014c9217dfddee7098dd3";
const std::string kColourDatasetId =
    "8670fdf046ecf8f4cb3c5f7b39aeddf3041ad5154df0da505aa280013887a9dc";
const std::string kClasses =
    std::string(HALLMARK_SOURCE_DIR) + "/generator/data/openclipart-classes.sh";

struct Studio {
  TempDir dir;
  std::vector<std::string> env = {"HALLMARK_HOME=" + dir.File("home"),
                                  "HALLMARK_PASSPHRASE=pretrained test", "OMP_NUM_THREADS=1"};
  ProcessResult Run(const std::vector<std::string>& args) { return RunHallmark(args, env); }

  // dataset add with `args` (the folder, then flags): the recorded id must be `id`.
  void AddDataset(std::vector<std::string> args, const std::string& id) {
    args.insert(args.begin(), {"--json", "dataset", "add"});
    auto add = Run(args);
    BOOST_REQUIRE_MESSAGE(add.exit_code == 0, add.err);
    BOOST_TEST(nlohmann::json::parse(add.out)["id"] == id);
  }

  void RegisterModel(const std::string& model, const std::string& id) {
    auto reg = Run({"--json", "model", "register", model});
    BOOST_REQUIRE_MESSAGE(reg.exit_code == 0, reg.err);
    BOOST_TEST(nlohmann::json::parse(reg.out)["model_id"] == id);
  }

  // generate with `args` into assets(), then verify that folder, which must be all VERIFIED.
  ProcessResult GenerateAndVerify(std::vector<std::string> args) {
    args.insert(args.begin(), "generate");
    args.insert(args.end(), {"--out", assets()});
    auto gen = Run(args);
    BOOST_REQUIRE_MESSAGE(gen.exit_code == 0, gen.err);
    auto verify = Run({"--json", "verify", assets()});
    BOOST_TEST(verify.exit_code == 0, verify.out + verify.err);
    BOOST_TEST(verify.out.find("\"verdict\":\"VERIFIED\"") != std::string::npos, verify.out);
    return verify;
  }
  std::string assets() const { return dir.File("assets"); }
};

// A shipped model and the ledger exported from the home it was made in, as its README states them.
struct Shipped {
  std::string model, ledger, model_id, dataset, dataset_id, licence;
  int items = 0;
};

void CheckShipped(const Shipped& m) {
  auto bytes = hallmark::ReadFile(m.model);
  BOOST_REQUIRE_MESSAGE(bytes.ok(), bytes.status().ToString());
  BOOST_TEST(hallmark::Sha256Hex(*bytes) == m.model_id);
  BOOST_TEST(bytes->size() <= 8u * 1024 * 1024);

  Studio s;
  auto log = s.Run({"audit", "verify-log", "--ledger", m.ledger});
  BOOST_TEST(log.exit_code == 0, log.out + log.err);
  auto shown = s.Run({"--json", "dataset", "show", m.dataset, "--ledger", m.ledger});
  BOOST_REQUIRE_MESSAGE(shown.exit_code == 0, shown.err);
  auto dataset = nlohmann::json::parse(shown.out);
  BOOST_TEST(dataset["id"] == m.dataset_id);
  BOOST_TEST(dataset["licence"] == m.licence);
  BOOST_TEST(dataset["item_count"] == m.items);
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_shipped_file_and_ledger_are_what_the_readme_says) {
  CheckShipped({kModel, kLedger, kModelId, "fashion-mnist", kDatasetId, "MIT", 4});
}

BOOST_AUTO_TEST_CASE(debian_data_reproduces_the_dataset_and_the_model_generates) {
  Studio s;
  BOOST_REQUIRE(s.Run({"keys", "init", "--org", "Pretrained Test"}).exit_code == 0);
  // Before its dataset is registered, the model cannot be recorded.
  auto early = s.Run({"model", "register", kModel});
  BOOST_TEST(early.exit_code == 3, early.err);

  s.AddDataset({"/usr/share/datasets/fashion-mnist", "--name", "fashion-mnist", "--licence", "MIT",
                "--source",
                "https://github.com/zalandoresearch/fashion-mnist (Debian package "
                "dataset-fashion-mnist)",
                "--attribution", "Fashion-MNIST, Copyright (c) 2017 Zalando SE, MIT licence"},
               kDatasetId);
  s.RegisterModel(kModel, kModelId);
  auto verify =
      s.GenerateAndVerify({"--model", kModel, "--count", "3", "--seed", "5", "--class", "Trouser"});
  BOOST_TEST(verify.out.find(kModelId) != std::string::npos, verify.out);
}

BOOST_AUTO_TEST_CASE(the_colour_model_and_its_ledger_are_what_the_readme_says) {
  CheckShipped({kColourModel, kColourLedger, kColourModelId, "openclipart", kColourDatasetId,
                "CC-PDDC", 2111});
}

// openclipart-png is installed by scripts/setup.sh; without it the script fails, and so does this.
BOOST_AUTO_TEST_CASE(debian_clip_art_reproduces_the_dataset_and_the_colour_model_generates) {
  Studio s;
  BOOST_REQUIRE(s.Run({"keys", "init", "--org", "Pretrained Test"}).exit_code == 0);
  const std::string data = s.dir.File("openclipart");
  auto made = hallmark::testing::RunProcess({"/bin/bash", kClasses, data});
  BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.out + made.err);
  s.AddDataset({data, "--name", "openclipart", "--licence", "CC-PDDC", "--source",
                "https://openclipart.org (Debian package openclipart-png)"},
               kColourDatasetId);
  s.RegisterModel(kColourModel, kColourModelId);

  // Public-domain clip art: the commercial policy allows it, and palette steering is recorded.
  s.GenerateAndVerify({"--model", kColourModel, "--count", "2", "--class", "flags", "--palette",
                       "#1b1f3a,#ff6f59,#f4f1de", "--palette-strength", "0.5", "--purpose",
                       "commercial"});
  for (const auto& entry : std::filesystem::directory_iterator(s.assets())) {
    if (entry.path().extension() != ".png") continue;
    auto shown = s.Run({"provenance", "show", entry.path().string()});
    BOOST_TEST(shown.out.find("\"strength\":0.5") != std::string::npos, shown.out + shown.err);
  }
}
