// Drives the hallmark binary as a user's script would and checks the documented contract: help,
// version, exit codes, one-line errors, JSON output.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/support/subprocess.h"

using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

const std::string kBroken = std::string(HALLMARK_TEST_DATA) + "/broken/";

int CountLines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(help_and_version) {
  auto help = RunHallmark({"--help"});
  BOOST_TEST(help.exit_code == 0);
  BOOST_TEST(help.out.find("selfcheck") != std::string::npos);
  BOOST_TEST(help.out.find("--json") != std::string::npos);
  auto sub_help = RunHallmark({"image", "convert", "--help"});
  BOOST_TEST(sub_help.exit_code == 0);
  BOOST_TEST(sub_help.out.find("--quality") != std::string::npos);
  auto version = RunHallmark({"--version"});
  BOOST_TEST(version.exit_code == 0);
  BOOST_TEST(version.out.rfind("hallmark ", 0) == 0);
  BOOST_TEST(CountLines(version.out) == 1);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_with_one_line) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {},
           {"no-such-command"},
           {"image"},
           {"image", "info"},
           {"--max-pixels", "-3", "image"},
           {"image", "convert", "a.png", "b.png", "--quality", "400"}}) {
    auto r = RunHallmark(args);
    BOOST_TEST(r.exit_code == 2);
    BOOST_TEST(CountLines(r.err) == 1, r.err);
    BOOST_TEST(r.err.rfind("hallmark: usage error: ", 0) == 0, r.err);
  }
}

BOOST_AUTO_TEST_CASE(broken_files_exit_3_with_one_line_naming_the_file) {
  for (const char* f :
       {"empty.png", "wrong-magic.png", "truncated.png", "truncated.jpg", "truncated.webp",
        "header-only.png", "huge-dimensions.png", "zero-width.png", "bad-crc.png",
        "garbage-idat.png", "huge-dimensions.jpg", "bad-entropy.jpg", "riff-not-webp.webp",
        "bad-vp8-start-code.webp", "text.jpg"}) {
    auto r = RunHallmark({"image", "info", kBroken + f});
    BOOST_TEST_INFO(f);
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(CountLines(r.err) == 1, r.err);
    BOOST_TEST(r.err.find(f) != std::string::npos, r.err);
    BOOST_TEST(r.out.empty());
  }
  auto missing = RunHallmark({"image", "info", "/nonexistent/photo.png"});
  BOOST_TEST(missing.exit_code == 3);
  BOOST_TEST(missing.err == "hallmark: /nonexistent/photo.png: no such file\n");
}

BOOST_AUTO_TEST_CASE(pixel_limit_flag_is_honoured) {
  const std::string photo = std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png";
  BOOST_TEST(RunHallmark({"image", "info", photo}).exit_code == 0);
  auto limited = RunHallmark({"--max-pixels", "1000", "image", "info", photo});
  BOOST_TEST(limited.exit_code == 3);
  BOOST_TEST(limited.err.find("exceeds the limit of 1000 pixels") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(json_output_is_one_document_per_line) {
  auto r = RunHallmark({"--json", "image", "info", kBroken + "valid-small.png"});
  BOOST_TEST(r.exit_code == 0);
  auto doc = nlohmann::json::parse(r.out);
  BOOST_TEST(doc["width"].get<int>() == 64);
  BOOST_TEST(doc["format"].get<std::string>() == "png");

  auto check = RunHallmark({"--json", "selfcheck"});
  BOOST_TEST(check.exit_code == 0);
  std::istringstream lines(check.out);
  std::string line;
  int variants = 0;
  while (std::getline(lines, line)) {
    auto v = nlohmann::json::parse(line);
    BOOST_TEST(v["passed"].get<bool>(), v.dump());
    ++variants;
  }
  BOOST_TEST(variants >= 14);
}

BOOST_AUTO_TEST_CASE(selfcheck_writes_every_variant_and_quiet_is_silent) {
  TempDir dir;
  auto r = RunHallmark({"--quiet", "selfcheck", "--out", dir.path()});
  BOOST_TEST(r.exit_code == 0);
  BOOST_TEST(r.out.empty());
  BOOST_TEST(RunHallmark({"image", "info", dir.File("png-16bit-rgba-interlaced.png")})
                 .out.find("4 channels, 16-bit") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(convert_resizes_and_reencodes) {
  TempDir dir;
  const std::string photo = std::string(HALLMARK_TEST_DATA) + "/photos/coffee.png";
  auto r = RunHallmark({"image", "convert", photo, dir.File("small.jpg"), "--resize", "300x200",
                        "--quality", "75", "--progressive"});
  BOOST_TEST(r.exit_code == 0, r.err);
  auto info = RunHallmark({"--json", "image", "info", dir.File("small.jpg")});
  auto doc = nlohmann::json::parse(info.out);
  BOOST_TEST(doc["width"].get<int>() == 300);
  BOOST_TEST(doc["format"].get<std::string>() == "jpeg");
  auto bad = RunHallmark({"image", "convert", photo, dir.File("x.gif")});
  BOOST_TEST(bad.exit_code == 2);
  BOOST_TEST(bad.err.find("x.gif") != std::string::npos);
}
