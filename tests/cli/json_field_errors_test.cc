// A JSON file Hallmark reads with a field of the wrong type is bad input (exit 3) with one line
// naming the file and the field, never an internal error (exit 4).
#define BOOST_TEST_MODULE cli_json_field_errors
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/support/subprocess.h"

using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos";
const std::string kPolicy = std::string(HALLMARK_TEST_DATA) + "/../../policies/research.toml";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ProcessResult MustRun(const std::vector<std::string>& args) {
  ProcessResult r = RunHallmark(args);
  BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.out + r.err);
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(verify_report_names_a_wrong_typed_field) {
  TempDir home;
  const std::string h = home.path();
  MustRun({"--home", h, "dataset", "add", kPhotos, "--name", "photos", "--licence", "MIT",
           "--source", "https://example.org"});
  const std::string report = home.File("report.json");
  MustRun(
      {"--home", h, "audit", "report", "--policy", kPolicy, "--format", "json", "--out", report});
  MustRun({"--home", h, "audit", "verify-report", report});

  nlohmann::json j = nlohmann::json::parse(Slurp(report));
  BOOST_REQUIRE(j["report"]["ledger"]["checkpoint_size"].is_number_unsigned());
  j["report"]["ledger"]["checkpoint_size"] = "1";
  const std::string altered = home.File("altered.json");
  std::ofstream(altered, std::ios::binary) << j.dump();

  ProcessResult r = RunHallmark({"--home", h, "audit", "verify-report", altered});
  BOOST_TEST(r.exit_code == 3, r.out + r.err);
  BOOST_TEST(r.err == "hallmark: " + altered +
                          ": field 'report/ledger/checkpoint_size' must be a non-negative "
                          "integer\n");
  BOOST_TEST(r.out.empty());

  // The same through --json: still exit 3, and still no internal error.
  ProcessResult json_mode = RunHallmark({"--home", h, "--json", "audit", "verify-report", altered});
  BOOST_TEST(json_mode.exit_code == 3, json_mode.out + json_mode.err);
  BOOST_TEST((json_mode.out + json_mode.err).find("report/ledger/checkpoint_size") !=
             std::string::npos);
}
