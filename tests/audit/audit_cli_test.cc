// The dataset and audit commands end to end through the hallmark binary: outputs, JSON, exit
// codes and one-line errors.
#define BOOST_TEST_MODULE audit_cli
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/audit/ledger_test_util.h"

using hallmark::audit::testing::TempHome;

namespace {

struct Output {
  int code;
  std::string out;
};

// Runs the CLI through the shell; stderr is folded into the output after a marker.
Output Hallmark(const TempHome& home, const std::string& args) {
  std::string cmd = std::string(HALLMARK_BINARY) + " --home " + home.path() + " " + args + " 2>" +
                    home.path() + "/stderr.txt";
  Output o{0, ""};
  FILE* p = popen(cmd.c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) o.out.append(buf.data(), n);
  int status = pclose(p);
  o.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::FILE* e = std::fopen((home.path() + "/stderr.txt").c_str(), "r");
  std::string err;
  while ((n = fread(buf.data(), 1, buf.size(), e)) > 0) err.append(buf.data(), n);
  std::fclose(e);
  if (!err.empty()) o.out += "\nSTDERR:" + err;
  return o;
}

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos";

}  // namespace

BOOST_AUTO_TEST_CASE(dataset_add_list_show) {
  TempHome home;
  Output add = Hallmark(home, "--json dataset add " + kPhotos +
                                  " --name photos --licence 'cc-by-4.0 OR CC0-1.0' --source "
                                  "https://example.org --attribution 'Test Photographers'");
  BOOST_TEST_REQUIRE(add.code == 0, add.out);
  auto j = nlohmann::json::parse(add.out.substr(0, add.out.find('\n')));
  BOOST_TEST(j["licence"] == "CC-BY-4.0 OR CC0-1.0");  // canonical form is recorded
  BOOST_TEST(j["item_count"] == 4);
  BOOST_TEST(j["log_index"] == 0);

  Output show = Hallmark(home, "--json dataset show photos");
  BOOST_TEST_REQUIRE(show.code == 0, show.out);
  auto s = nlohmann::json::parse(show.out);
  BOOST_TEST(s["items"].size() == 4u);
  BOOST_TEST(s["items"][0]["path"] == "camera.png");
  BOOST_TEST(s["items"][0]["sha256"].get<std::string>().size() == 64u);
  BOOST_TEST(s["items"][0]["width"] == 512);  // dimensions come from the image decoder
  BOOST_TEST(s["items"][0]["height"] == 512);
  BOOST_TEST(s["items"][1]["width"] == 451);

  Output list = Hallmark(home, "dataset list");
  BOOST_TEST(list.code == 0);
  BOOST_TEST(list.out.find("photos  4 items  CC-BY-4.0 OR CC0-1.0") != std::string::npos, list.out);

  // The same name again is refused, and nothing is added.
  Output again =
      Hallmark(home, "dataset add " + kPhotos + " --name photos --licence MIT --source x");
  BOOST_TEST(again.code == 3, again.out);
  BOOST_TEST(again.out.find("already recorded") != std::string::npos, again.out);
}

BOOST_AUTO_TEST_CASE(bad_licences_and_folders_are_one_line_errors) {
  TempHome home;
  Output unknown =
      Hallmark(home, "dataset add " + kPhotos + " --name p --licence 'MIT OR Foo-1.0' --source x");
  BOOST_TEST(unknown.code == 3);
  BOOST_TEST(unknown.out.find("column 8: unknown SPDX licence id 'Foo-1.0'") != std::string::npos,
             unknown.out);
  Output malformed =
      Hallmark(home, "dataset add " + kPhotos + " --name p --licence '(MIT AND' --source x");
  BOOST_TEST(malformed.code == 3);
  BOOST_TEST(malformed.out.find("licence expression '(MIT AND'") != std::string::npos);
  Output missing = Hallmark(home, "dataset add /nonexistent --name p --licence MIT --source x");
  BOOST_TEST(missing.code == 3);
  BOOST_TEST(missing.out.find("/nonexistent") != std::string::npos);
  // Nothing was recorded by any of them: no ledger was even created.
  BOOST_TEST(!std::filesystem::exists(home.ledger()));
  Output list = Hallmark(home, "dataset list");
  BOOST_TEST(list.code == 0);
  BOOST_TEST(list.out.find("no datasets recorded") != std::string::npos, list.out);
  Output show = Hallmark(home, "dataset show p");
  BOOST_TEST(show.code == 3);
  BOOST_TEST(show.out.find("no ledger") != std::string::npos, show.out);
}

BOOST_AUTO_TEST_CASE(prove_export_and_foreign_ledger) {
  TempHome home;
  BOOST_TEST_REQUIRE(
      Hallmark(home, "dataset add " + kPhotos + " --name photos --licence CC0-1.0 --source x")
          .code == 0);
  Output cp = Hallmark(home, "audit checkpoint");
  BOOST_TEST(cp.code == 0);
  BOOST_TEST(cp.out.rfind("hallmark.local/ledger\n1\n", 0) == 0u, cp.out);

  Output none = Hallmark(home, "audit prove asset-404");
  BOOST_TEST(none.code == 3);
  BOOST_TEST(none.out.find("asset asset-404: not in the ledger") != std::string::npos);

  std::string snap = home.path() + "/snap.sqlite";
  BOOST_TEST(Hallmark(home, "audit export " + snap).code == 0);
  BOOST_TEST(Hallmark(home, "audit export " + snap).code != 0);  // never overwrites
  Output foreign = Hallmark(home, "--json audit verify-log --ledger " + snap);
  BOOST_TEST(foreign.code == 0, foreign.out);
  auto v = nlohmann::json::parse(foreign.out);
  BOOST_TEST(v["verdict"] == "intact");
  BOOST_TEST(v["tree_size"] == 1);
  Output shown = Hallmark(home, "dataset show photos --ledger " + snap);
  BOOST_TEST(shown.code == 0);

  // --since with a file that is not a checkpoint is a clear error; a missing file names itself.
  std::string junk = home.path() + "/junk.txt";
  std::FILE* f = std::fopen(junk.c_str(), "w");
  std::fputs("not a checkpoint\n", f);
  std::fclose(f);
  Output bad_since = Hallmark(home, "audit verify-log --since " + junk);
  BOOST_TEST(bad_since.code == 1, bad_since.out);
  BOOST_TEST(bad_since.out.find("NOT proven") != std::string::npos, bad_since.out);
  Output no_file = Hallmark(home, "audit verify-log --since " + home.path() + "/absent");
  BOOST_TEST(no_file.code == 3);
}

// MNIST-style datasets ship as IDX files, thousands of images to a file: each file is an item,
// recorded by its hash, and the folder's other files are not.
BOOST_AUTO_TEST_CASE(idx_files_are_dataset_items) {
  TempHome home;
  const std::string dir = home.path() + "/idx";
  std::filesystem::create_directories(dir);
  const auto write = [&dir](const std::string& name, const std::string& text) {
    std::ofstream(dir + "/" + name, std::ios::binary) << text;
  };
  write("notes.txt", "not an item");
  Output none = Hallmark(home, "dataset add " + dir + " --name idx --licence MIT --source x");
  BOOST_TEST(none.code == 3, none.out);
  BOOST_TEST(none.out.find("IDX files") != std::string::npos, none.out);

  write("train-images-idx3-ubyte.gz", std::string("\x1f\x8b images", 9));
  write("train-labels-idx1-ubyte", std::string("\0\0\x08\x01 labels", 10));
  write("t10k-images-idx3-ubyte.gz.part", "an unfinished download");
  Output add = Hallmark(home, "--json dataset add " + dir + " --name idx --licence MIT --source x");
  BOOST_REQUIRE_MESSAGE(add.code == 0, add.out);
  const auto j = nlohmann::json::parse(add.out);
  BOOST_TEST(j["item_count"] == 2, add.out);
  BOOST_TEST(j["undecoded_items"] == 0, add.out);
}
