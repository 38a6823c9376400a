// train, sample and eval as a user runs them: the binary loads libhallmark_generator.so on demand.
#define BOOST_TEST_MODULE generator_cli
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/subprocess.h"

using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One tiny model shared by the cases: 4 DCGAN steps on the bundled subset.
struct TrainedModel {
  TrainedModel() {
    auto r = RunHallmark({"--json", "train", "--arch", "dcgan", "--data", HALLMARK_FASHION_1K,
                          "--steps", "4", "--batch", "16", "--width", "8", "--sample-every", "2",
                          "--out", dir.File("run")});
    exit_code = r.exit_code;
    output = r.out + r.err;
    model = dir.File("run/model.hmk");
  }
  TempDir dir;
  int exit_code;
  std::string output;
  std::string model;
};

TrainedModel& Model() {
  static TrainedModel m;
  return m;
}

}  // namespace

BOOST_AUTO_TEST_CASE(train_writes_a_run_folder) {
  TrainedModel& m = Model();
  BOOST_TEST_REQUIRE(m.exit_code == 0, m.output);
  auto doc = nlohmann::json::parse(m.output.substr(0, m.output.find('\n')));
  BOOST_TEST(doc["steps"] == 4);
  BOOST_TEST(doc["model_id"].get<std::string>().size() == 64u);
  for (const char* f : {"model.hmk", "optimizer.state", "samples.png", "samples/step-000002.png",
                        "loss.svg", "loss.csv"}) {
    BOOST_TEST(std::filesystem::exists(m.dir.File(std::string("run/") + f)), f);
  }
  // Running again with more steps resumes from the checkpoint.
  auto more = RunHallmark({"train", "--arch", "dcgan", "--data", HALLMARK_FASHION_1K, "--steps",
                           "5", "--batch", "16", "--width", "8", "--out", m.dir.File("run2")});
  BOOST_TEST_REQUIRE(more.exit_code == 0, more.err);
  auto resumed = RunHallmark({"train", "--arch", "dcgan", "--data", HALLMARK_FASHION_1K, "--steps",
                              "6", "--batch", "16", "--width", "8", "--out", m.dir.File("run2")});
  BOOST_TEST(resumed.exit_code == 0, resumed.err);
  BOOST_TEST(resumed.out.find("resuming") != std::string::npos, resumed.out);
}

BOOST_AUTO_TEST_CASE(sample_is_deterministic_and_records_edits) {
  TrainedModel& m = Model();
  BOOST_TEST_REQUIRE(m.exit_code == 0, m.output);
  TempDir out;
  std::vector<std::string> args = {"sample",
                                   "--model",
                                   m.model,
                                   "--count",
                                   "3",
                                   "--class",
                                   "Sneaker",
                                   "--seed",
                                   "11",
                                   "--palette",
                                   "#1b1f3a,#ff6f59,#f4f1de",
                                   "--out-size",
                                   "96"};
  auto a = args, b = args;
  a.insert(a.end(), {"--out", out.File("a")});
  b.insert(b.end(), {"--out", out.File("b")});
  auto ra = RunHallmark(a), rb = RunHallmark(b);
  BOOST_TEST_REQUIRE(ra.exit_code == 0, ra.err);
  BOOST_TEST_REQUIRE(rb.exit_code == 0, rb.err);
  auto meta = nlohmann::json::parse(Slurp(out.File("a/samples.json")));
  BOOST_TEST_REQUIRE(meta["images"].size() == 3u);
  for (const auto& img : meta["images"]) {
    std::string name = img["file"];
    BOOST_TEST(img["class_name"] == "Sneaker");
    BOOST_TEST(img["width"] == 96);
    BOOST_TEST(img["edits"][0]["action"] == "palette");
    BOOST_TEST(img["edits"][1]["action"] == "resize");
    BOOST_TEST(Slurp(out.File("a/" + name)) == Slurp(out.File("b/" + name)), name);
  }
  BOOST_TEST(meta["images"][1]["seed"] == 12);
  BOOST_TEST(meta["model"]["id"].get<std::string>().size() == 64u);
}

BOOST_AUTO_TEST_CASE(bad_arguments_exit_with_one_line) {
  TrainedModel& m = Model();
  BOOST_TEST_REQUIRE(m.exit_code == 0, m.output);
  TempDir out;
  auto twelve = RunHallmark({"sample", "--model", m.model, "--class", "12", "--out", out.path()});
  BOOST_TEST(twelve.exit_code == 2);
  BOOST_TEST(twelve.err.find("--class 12") != std::string::npos, twelve.err);
  BOOST_TEST(twelve.err.find("10 classes") != std::string::npos, twelve.err);
  auto device = RunHallmark({"sample", "--model", m.model, "--device", "tpu", "--out", out.path()});
  BOOST_TEST(device.exit_code == 2);
  BOOST_TEST(device.err.find("tpu") != std::string::npos, device.err);
  auto palette =
      RunHallmark({"sample", "--model", m.model, "--palette", "red", "--out", out.path()});
  BOOST_TEST(palette.exit_code == 2);
  BOOST_TEST(palette.err.find("--palette") != std::string::npos, palette.err);
  for (const char* strength : {"0.5", "1.5"}) {  // without --palette; out of range
    auto mix = RunHallmark({"sample", "--model", m.model, "--palette-strength", strength});
    BOOST_TEST(mix.exit_code == 2);
    BOOST_TEST(mix.err.find("--palette-strength") != std::string::npos, mix.err);
  }
  auto walk =
      RunHallmark({"sample", "--model", m.model, "--interpolate", "7", "--out", out.path()});
  BOOST_TEST(walk.exit_code == 2);
  auto corrupt =
      RunHallmark({"sample", "--model", std::string(HALLMARK_FASHION_1K) + "/../SOURCE.md", "--out",
                   out.path()});
  BOOST_TEST(corrupt.exit_code == 3);
  BOOST_TEST(corrupt.err.find("SOURCE.md") != std::string::npos, corrupt.err);
  BOOST_TEST(corrupt.err.find('\n') == corrupt.err.size() - 1);
  auto size = RunHallmark({"train", "--size", "48", "--out", out.path()});
  BOOST_TEST(size.exit_code == 2);
}

BOOST_AUTO_TEST_CASE(missing_generator_library_is_a_clear_error) {
  TempDir out;
  auto r = RunHallmark({"sample", "--model", "x.hmk", "--out", out.path()},
                       {"HALLMARK_GENERATOR_LIB=/nonexistent/libhallmark_generator.so"});
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(r.err.find("/nonexistent/libhallmark_generator.so") != std::string::npos, r.err);
  // Commands that do not generate never load it.
  auto v = RunHallmark({"--version"}, {"HALLMARK_GENERATOR_LIB=/nonexistent/lib.so"});
  BOOST_TEST(v.exit_code == 0);
}

BOOST_AUTO_TEST_CASE(eval_prints_fid_and_consistency) {
  TrainedModel& m = Model();
  BOOST_TEST_REQUIRE(m.exit_code == 0, m.output);
  TempDir home;
  auto r = RunHallmark({"--json", "--home", home.path(), "eval", "--model", m.model, "--samples",
                        "200", "--classifier-epochs", "5"});
  BOOST_TEST_REQUIRE(r.exit_code == 0, r.err);
  auto doc = nlohmann::json::parse(r.out);
  BOOST_TEST(doc["lenet_fid"].get<double>() > 0);
  BOOST_TEST(doc["class_consistency"].get<double>() >= 0);
  BOOST_TEST(doc["class_consistency"].get<double>() <= 1);
  // A LeNet on 900 images still beats chance (10%) by far.
  BOOST_TEST(doc["classifier_accuracy"].get<double>() > 0.4);
  BOOST_TEST(doc["per_class_consistency"].size() == 10u);
}

// model strip: the generator alone samples exactly as the whole model does, under an id of its
// own; a copy of a copy is the same file; what is not a DCGAN file is refused.
BOOST_AUTO_TEST_CASE(strip_keeps_the_generator_and_its_samples) {
  TrainedModel& m = Model();
  BOOST_TEST_REQUIRE(m.exit_code == 0, m.output);
  TempDir out;
  auto stripped = RunHallmark({"--json", "model", "strip", m.model, "--out", out.File("g.hmk")});
  BOOST_REQUIRE_MESSAGE(stripped.exit_code == 0, stripped.err);
  auto j = nlohmann::json::parse(stripped.out);
  BOOST_TEST(j["tensors_dropped"].get<int>() > 0);
  BOOST_TEST(j["model_id"] != j["generator_only_of"]);
  BOOST_TEST(std::filesystem::file_size(out.File("g.hmk")) < std::filesystem::file_size(m.model));
  for (const std::string& model : {m.model, out.File("g.hmk")}) {
    const std::string dir = out.File(model == m.model ? "whole" : "generator");
    auto r = RunHallmark(
        {"sample", "--model", model, "--count", "3", "--seed", "4", "--out", dir, "--quiet"});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  }
  int compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out.File("whole"))) {
    if (entry.path().extension() != ".png") continue;
    const std::string name = entry.path().filename().string();
    BOOST_TEST(Slurp(entry.path().string()) == Slurp(out.File("generator/" + name)), name);
    ++compared;
  }
  BOOST_TEST(compared == 3);

  auto again =
      RunHallmark({"--json", "model", "strip", out.File("g.hmk"), "--out", out.File("g2.hmk")});
  BOOST_REQUIRE(again.exit_code == 0);
  BOOST_TEST(nlohmann::json::parse(again.out)["model_id"] == j["model_id"]);
  BOOST_TEST(Slurp(out.File("g.hmk")) == Slurp(out.File("g2.hmk")));

  auto self = RunHallmark({"model", "strip", m.model, "--out", m.model});
  BOOST_TEST(self.exit_code == 2, self.err);
  auto text = RunHallmark(
      {"model", "strip", HALLMARK_FASHION_1K "/../LICENSE", "--out", out.File("x.hmk")});
  BOOST_TEST(text.exit_code == 3, text.err);
  BOOST_TEST(!std::filesystem::exists(out.File("x.hmk")));
}
