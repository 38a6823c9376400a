// `hallmark model import` with TorchScript generators exported by PyTorch (Debian's python3-torch,
// tests/generator/torchscript/export_generator.py): import, sample, generate and verify with an
// imported model; every broken variant, a bad manifest and a swapped file refused with exit 3.
// Without python3 or its torch module the export fails and so do these tests: they never skip.
#define BOOST_TEST_MODULE torchscript_import
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "audit/ledger/ledger_store.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "tests/support/json_lines.h"
#include "tests/support/subprocess.h"

using hallmark::testing::JsonLines;
using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::RunProcess;
using hallmark::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string Sha256Of(const std::string& path) {
  auto digest = hallmark::Sha256File(path);
  BOOST_REQUIRE(digest.ok());
  return hallmark::HexEncode(hallmark::ByteView(digest->data(), digest->size()));
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A studio with keys, the bundled dataset registered, and the exported TorchScript files.
struct Studio {
  TempDir dir;
  std::vector<std::string> env;
  ProcessResult exported;

  Studio() {
    env = {"HALLMARK_HOME=" + dir.File("home"), "HALLMARK_PASSPHRASE=torchscript test passphrase",
           std::string("HALLMARK_POLICY_DIR=") + HALLMARK_POLICY_DIR};
    exported = RunProcess({HALLMARK_TEST_PYTHON, HALLMARK_EXPORT_SCRIPT, dir.File("ts")});
    Must({"keys", "init", "--org", "TorchScript Test Studio"});
    Must({"dataset", "add", HALLMARK_FASHION_1K, "--name", "fashion-mnist-1k", "--licence", "MIT",
          "--source", "https://github.com/zalandoresearch/fashion-mnist", "--attribution",
          "Fashion-MNIST (c) 2017 Zalando SE"});
  }

  ProcessResult Run(const std::vector<std::string>& args) const { return RunHallmark(args, env); }
  ProcessResult Must(const std::vector<std::string>& args) const {
    ProcessResult r = Run(args);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, args[0] + " failed: " + r.err + r.out);
    return r;
  }
  std::string Ts(const std::string& name) const { return dir.File("ts/" + name); }
  std::string Home() const { return dir.File("home"); }

  // Imports conditional.pt once; returns its id.
  const std::string& Conditional() {
    if (conditional_id.empty()) {
      ProcessResult r = Must({"--json", "model", "import", Ts("conditional.pt"), "--manifest",
                              Ts("conditional.json")});
      conditional_id = nlohmann::json::parse(r.out)["model_id"].get<std::string>();
    }
    return conditional_id;
  }
  std::string conditional_id;
};

Studio& TheStudio() {
  static Studio studio;
  BOOST_REQUIRE_MESSAGE(studio.exported.exit_code == 0,
                        std::string("exporting TorchScript with ") + HALLMARK_TEST_PYTHON +
                            " failed (python3-torch installed?): " + studio.exported.err);
  return studio;
}

// Imports `file` with `manifest` and expects a refusal with exit 3 whose message holds `needle`.
void ExpectRefused(const std::string& file, const std::string& manifest,
                   const std::string& needle) {
  Studio& s = TheStudio();
  ProcessResult r = s.Run({"model", "import", file, "--manifest", manifest});
  BOOST_TEST(r.exit_code == 3, r.err + r.out);
  BOOST_TEST(r.err.find(needle) != std::string::npos, r.err);
  // One clear line, no LibTorch backtrace.
  BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
}

}  // namespace

BOOST_AUTO_TEST_CASE(export_script_runs) {
  Studio& s = TheStudio();
  for (const char* f : {"conditional.pt", "unconditional.pt", "bad_shape.pt", "nan_output.pt",
                        "out_of_range.pt", "int_output.pt", "state_dict.pt"}) {
    BOOST_TEST(fs::exists(s.Ts(f)), f);
  }
}

BOOST_AUTO_TEST_CASE(import_records_the_model_under_its_sha256) {
  Studio& s = TheStudio();
  ProcessResult r = s.Must({"--json", "model", "import", s.Ts("conditional.pt"), "--manifest",
                            s.Ts("conditional.json")});
  auto doc = nlohmann::json::parse(r.out);
  const std::string id = doc["model_id"].get<std::string>();
  BOOST_TEST(id == Sha256Of(s.Ts("conditional.pt")));
  BOOST_TEST(doc["architecture"].get<std::string>() == "torchscript");
  BOOST_TEST(doc["image_size"].get<int>() == 32);
  BOOST_TEST(doc["channels"].get<int>() == 1);
  BOOST_TEST(doc["latent_dim"].get<int>() == 16);
  BOOST_TEST(doc["weights_licence"].get<std::string>() == "MIT");
  BOOST_TEST(doc["datasets"][0]["name"].get<std::string>() == "fashion-mnist-1k");
  const std::string copy = s.Home() + "/models/" + id + ".pt";
  BOOST_TEST(doc["path"].get<std::string>() == copy);
  BOOST_TEST(Sha256Of(copy) == id);
  BOOST_TEST(fs::exists(s.Home() + "/models/" + id + ".json"));
  // The ledger's record holds the manifest and what the probe found.
  hallmark::audit::LedgerOptions options;
  options.home = s.Home();
  options.read_only = true;
  auto ledger = hallmark::audit::OpenLedger(options);
  BOOST_REQUIRE(ledger.ok());
  auto record = (*ledger)->FindModel(id);
  BOOST_REQUIRE(record.ok());
  BOOST_REQUIRE(record->has_value());
  BOOST_TEST((*record)->architecture == "torchscript");
  BOOST_TEST((*record)->dataset_ids.size() == 1u);
  auto hyper = nlohmann::json::parse((*record)->hyperparameters_json);
  BOOST_TEST(hyper["manifest"]["weights_licence"].get<std::string>() == "MIT");
  BOOST_TEST(hyper["conditional"].get<bool>());
  BOOST_TEST(hyper["probe"]["dtype"].get<std::string>() == "Float");
  BOOST_TEST(hyper["model"]["classes"].size() == 10u);
  // Importing the same file again changes nothing.
  ProcessResult again = s.Must({"--json", "model", "import", s.Ts("conditional.pt"), "--manifest",
                                s.Ts("conditional.json")});
  BOOST_TEST(!nlohmann::json::parse(again.out)["new"].get<bool>());
  s.conditional_id = id;
}

BOOST_AUTO_TEST_CASE(generate_with_an_imported_model_verifies) {
  Studio& s = TheStudio();
  const std::string id = s.Conditional();
  // By the original file: it resolves to the imported copy with the same hash.
  ProcessResult r = s.Must({"--json", "generate", "--model", s.Ts("conditional.pt"), "--count", "3",
                            "--class", "Sneaker", "--seed", "5", "--truncation", "0.8", "--purpose",
                            "commercial", "--out", s.dir.File("assets")});
  auto docs = JsonLines(r.out);
  BOOST_REQUIRE(docs.size() == 3u);
  for (const auto& d : docs) {
    BOOST_TEST(d["model_id"].get<std::string>() == id);
    BOOST_TEST(d["class"].get<std::string>() == "Sneaker");
  }
  ProcessResult v = s.Run({"--json", "verify", s.dir.File("assets")});
  BOOST_TEST(v.exit_code == 0, v.err + v.out);
  auto verdicts = JsonLines(v.out);
  BOOST_TEST(verdicts.size() == 3u);
  for (const auto& d : verdicts) BOOST_TEST(d["verdict"].get<std::string>() == "VERIFIED");
  // Every asset record cites the imported model.
  hallmark::audit::LedgerOptions options;
  options.home = s.Home();
  options.read_only = true;
  auto ledger = hallmark::audit::OpenLedger(options);
  BOOST_REQUIRE(ledger.ok());
  int assets = 0;
  hallmark::Status walked = (*ledger)->ForEachAsset([&](const hallmark::audit::AssetRecord& a) {
    BOOST_TEST(a.model_id == id);
    ++assets;
    return hallmark::Status::Ok();
  });
  BOOST_TEST(walked.ok());
  BOOST_TEST(assets == 3);
}

BOOST_AUTO_TEST_CASE(sample_by_id_is_deterministic_with_palette_and_walks) {
  Studio& s = TheStudio();
  const std::string id = s.Conditional();
  std::vector<std::string> args = {"sample", "--model", id,          "--count",        "4",
                                   "--seed", "3",       "--palette", "#102030,#f0e0d0"};
  args.push_back("--out");
  args.push_back(s.dir.File("s1"));
  s.Must(args);
  args.back() = s.dir.File("s2");
  s.Must(args);
  auto meta = nlohmann::json::parse(std::ifstream(s.dir.File("s1/samples.json")));
  BOOST_TEST(meta["model"]["id"].get<std::string>() == id);
  BOOST_TEST(meta["model"]["arch"].get<std::string>() == "torchscript");
  BOOST_REQUIRE(meta["images"].size() == 4u);
  for (const auto& img : meta["images"]) {
    const std::string f = img["file"].get<std::string>();
    BOOST_TEST(Sha256Of(s.dir.File("s1/" + f)) == Sha256Of(s.dir.File("s2/" + f)), f);
    BOOST_TEST(img["edits"][0]["action"].get<std::string>() == "palette");
  }
  // The home copy's path works too, and so does a latent walk.
  s.Must({"sample", "--model", s.Home() + "/models/" + id + ".pt", "--count", "3", "--interpolate",
          "1,2", "--class", "Bag", "--out", s.dir.File("walk")});
  BOOST_TEST(fs::exists(s.dir.File("walk/samples.json")));
}

BOOST_AUTO_TEST_CASE(eval_scores_an_imported_model) {
  Studio& s = TheStudio();
  ProcessResult r = s.Must({"--json", "eval", "--model", s.Conditional(), "--data",
                            HALLMARK_FASHION_1K, "--samples", "20", "--classifier-epochs", "1"});
  auto doc = nlohmann::json::parse(r.out);
  BOOST_TEST(doc["model_id"].get<std::string>() == s.Conditional());
  BOOST_TEST(doc["samples"].get<int>() == 20);
}

BOOST_AUTO_TEST_CASE(unconditional_model_imports_and_samples) {
  Studio& s = TheStudio();
  ProcessResult r = s.Must({"--json", "model", "import", s.Ts("unconditional.pt"), "--manifest",
                            s.Ts("unconditional.json")});
  auto doc = nlohmann::json::parse(r.out);
  BOOST_TEST(!doc["conditional"].get<bool>());
  BOOST_TEST(doc["channels"].get<int>() == 3);
  BOOST_TEST(doc["classes"].size() == 1u);
  const std::string id = doc["model_id"].get<std::string>();
  s.Must({"sample", "--model", id, "--count", "2", "--out", s.dir.File("uncond")});
  BOOST_TEST(fs::exists(s.dir.File("uncond/samples.json")));
}

BOOST_AUTO_TEST_CASE(wrong_output_shape_is_refused) {
  Studio& s = TheStudio();
  ExpectRefused(s.Ts("bad_shape.pt"), s.Ts("conditional.json"), "expected 4-D");
}

BOOST_AUTO_TEST_CASE(nan_output_is_refused) {
  Studio& s = TheStudio();
  ExpectRefused(s.Ts("nan_output.pt"), s.Ts("conditional.json"), "NaN");
}

BOOST_AUTO_TEST_CASE(output_beyond_minus_one_to_one_is_refused) {
  Studio& s = TheStudio();
  ExpectRefused(s.Ts("out_of_range.pt"), s.Ts("conditional.json"), "expected [-1, 1]");
}

BOOST_AUTO_TEST_CASE(integer_output_is_refused) {
  Studio& s = TheStudio();
  ExpectRefused(s.Ts("int_output.pt"), s.Ts("conditional.json"), "dtype is Long");
}

BOOST_AUTO_TEST_CASE(files_that_are_not_torchscript_are_refused) {
  Studio& s = TheStudio();
  ExpectRefused(s.Ts("state_dict.pt"), s.Ts("conditional.json"), "not a loadable TorchScript");
  WriteText(s.dir.File("text.pt"), "not a model at all\n");
  ExpectRefused(s.dir.File("text.pt"), s.Ts("conditional.json"), "not a TorchScript file");
}

BOOST_AUTO_TEST_CASE(a_manifest_that_breaks_the_model_contract_is_refused) {
  Studio& s = TheStudio();
  // The unconditional file with a conditional manifest: forward gets one argument too many.
  ExpectRefused(s.Ts("unconditional.pt"), s.Ts("conditional.json"), "failed");
}

BOOST_AUTO_TEST_CASE(bad_manifests_are_refused_naming_file_and_key) {
  Studio& s = TheStudio();
  auto manifest = nlohmann::json::parse(std::ifstream(s.Ts("conditional.json")));
  struct Case {
    std::string key;
    nlohmann::json value;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {"licence", "MIT", "key 'licence': unknown key"},
      {"latent_dim", 0, "key 'latent_dim'"},
      {"latent_dim", "16", "key 'latent_dim'"},
      {"weights_licence", "NOT-A-LICENCE", "key 'weights_licence'"},
      {"datasets", nlohmann::json::array({"no-such-dataset"}), "key 'datasets'"},
      {"classes", nlohmann::json::array({"a", "a"}), "key 'classes'"},
      {"conditional", "yes", "key 'conditional'"},
  };
  int i = 0;
  for (const Case& c : cases) {
    nlohmann::json m = manifest;
    m[c.key] = c.value;
    const std::string path = s.dir.File("bad-" + std::to_string(i++) + ".json");
    WriteText(path, m.dump());
    ExpectRefused(s.Ts("conditional.pt"), path, path + ": " + c.needle);
  }
  nlohmann::json m = manifest;
  m.erase("latent_dim");
  WriteText(s.dir.File("missing.json"), m.dump());
  ExpectRefused(s.Ts("conditional.pt"), s.dir.File("missing.json"), "key 'latent_dim': missing");
}

BOOST_AUTO_TEST_CASE(a_file_swapped_after_import_is_refused_at_generate) {
  // Its own studio: the swap spoils the home's copy for good.
  Studio& shared = TheStudio();
  Studio s;
  BOOST_REQUIRE(s.exported.exit_code == 0);
  const std::string id = s.Conditional();
  const std::string copy = s.Home() + "/models/" + id + ".pt";
  // Another model's bytes in place of the imported copy.
  fs::permissions(copy, fs::perms::owner_write, fs::perm_options::add);
  fs::copy_file(shared.Ts("out_of_range.pt"), copy, fs::copy_options::overwrite_existing);
  const std::string actual = Sha256Of(copy);
  for (const std::string& model : {id, copy}) {
    ProcessResult r =
        s.Run({"generate", "--model", model, "--count", "1", "--out", s.dir.File("swapped")});
    BOOST_TEST(r.exit_code == 3, r.err + r.out);
    BOOST_TEST(r.err.find("recorded SHA-256 " + id) != std::string::npos, r.err);
    BOOST_TEST(r.err.find("actual " + actual) != std::string::npos, r.err);
  }
  ProcessResult sample =
      s.Run({"sample", "--model", id, "--count", "1", "--out", s.dir.File("swapped-sample")});
  BOOST_TEST(sample.exit_code == 3, sample.err);
  // Importing the original again restores the copy.
  s.Must({"model", "import", s.Ts("conditional.pt"), "--manifest", s.Ts("conditional.json")});
  BOOST_TEST(Sha256Of(copy) == id);
}

// The weights' own licence is judged like a dataset's: non-commercial weights refuse a commercial
// run even though the training data allows it. A second home: the first imported these weights
// under MIT, and a recorded model's description cannot change.
BOOST_AUTO_TEST_CASE(noncommercial_weights_refuse_a_commercial_purpose) {
  Studio& first = TheStudio();
  Studio s;
  s.Must({"model", "import", first.Ts("conditional.pt"), "--manifest",
          first.Ts("noncommercial.json")});
  ProcessResult r = s.Run({"generate", "--model", first.Ts("conditional.pt"), "--count", "1",
                           "--purpose", "commercial", "--out", s.dir.File("assets")});
  BOOST_TEST(r.exit_code == 1, r.err + r.out);
  BOOST_TEST((r.err + r.out).find("CC-BY-NC-4.0") != std::string::npos, r.err + r.out);
  BOOST_TEST((!fs::exists(s.dir.File("assets")) || fs::is_empty(s.dir.File("assets"))));
  s.Must({"generate", "--model", first.Ts("conditional.pt"), "--count", "1", "--purpose",
          "research", "--out", s.dir.File("research")});
}
