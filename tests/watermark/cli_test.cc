// hallmark watermark keygen|embed|detect through the real binary: exit codes, JSON, errors.
#define BOOST_TEST_MODULE watermark_cli
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos/";
const std::string kDir = "watermark_cli_test.d";

struct Run {
  int code;
  std::string out;
};

Run Hallmark(const std::string& args) {
  const std::string cmd = std::string(HALLMARK_BINARY) + " " + args + " 2>" + kDir + "/stderr";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe.release());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

std::string Stderr() {
  std::string s;
  if (FILE* f = std::fopen((kDir + "/stderr").c_str(), "r")) {
    char buf[1024];
    while (std::fgets(buf, sizeof buf, f)) s += buf;
    std::fclose(f);
  }
  return s;
}

struct Fixture {
  Fixture() { std::system(("rm -rf " + kDir + " && mkdir -p " + kDir).c_str()); }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(embed_then_detect, Fixture) {
  const std::string key = kDir + "/studio.wmkey";
  BOOST_REQUIRE(Hallmark("watermark keygen " + key).code == 0);
  BOOST_TEST(Hallmark("watermark keygen " + key).code == 3);  // never overwrites a key

  const std::string marked = kDir + "/marked.png";
  Run e = Hallmark("watermark embed " + kPhotos + "coffee.png " + marked + " --key " + key +
                   " --payload 00c0ffee12345678");
  BOOST_REQUIRE_MESSAGE(e.code == 0, Stderr());

  Run d = Hallmark("watermark detect " + marked + " --key " + key + " --json");
  BOOST_TEST(d.code == 0);
  const auto j = nlohmann::json::parse(d.out);
  BOOST_TEST(j["found"].get<bool>());
  BOOST_TEST(j["payload"].get<std::string>() == "00c0ffee12345678");
  BOOST_TEST(j["score"].get<double>() > 4.0);
  BOOST_TEST(j["false_positive_probability"].get<double>() <= 1e-6);
  BOOST_TEST(j["hypotheses"].get<uint64_t>() >= 4096u);

  // A JPEG copy still carries it.
  const std::string jpeg = kDir + "/marked.jpg";
  BOOST_REQUIRE(Hallmark("watermark embed " + kPhotos + "coffee.png " + jpeg + " --key " + key +
                         " --payload 2a")
                    .code == 0);
  Run dj = Hallmark("watermark detect " + jpeg + " --key " + key + " --json");
  BOOST_TEST(dj.code == 0);
  BOOST_TEST(nlohmann::json::parse(dj.out)["payload"].get<std::string>() == "000000000000002a");
}

BOOST_FIXTURE_TEST_CASE(negative_results_and_errors, Fixture) {
  const std::string hex_key = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  Run d = Hallmark("watermark detect " + kPhotos + "chelsea.png --key " + hex_key + " --json");
  BOOST_TEST(d.code == 1);  // unmarked: a negative answer, not an error
  const auto j = nlohmann::json::parse(d.out);
  BOOST_TEST(!j["found"].get<bool>());
  BOOST_TEST(j["payload"].is_null());

  // Wrong key.
  const std::string marked = kDir + "/m.png";
  BOOST_REQUIRE(Hallmark("watermark embed " + kPhotos + "chelsea.png " + marked + " --key " +
                         hex_key + " --payload 1234")
                    .code == 0);
  BOOST_TEST(
      Hallmark("watermark detect " + marked + " --key ffeeddccbbaa99887766554433221100").code == 1);

  BOOST_TEST(Hallmark("watermark detect " + kDir + "/missing.png --key " + hex_key).code == 3);
  BOOST_TEST(Stderr().find("missing.png") != std::string::npos);
  BOOST_TEST(Hallmark("watermark detect " + marked + " --key nothex").code == 3);
  BOOST_TEST(Stderr().find("--key") != std::string::npos);
  std::FILE* f = std::fopen((kDir + "/bad.png").c_str(), "w");
  std::fputs("not an image", f);
  std::fclose(f);
  BOOST_TEST(Hallmark("watermark detect " + kDir + "/bad.png --key " + hex_key).code == 3);
  BOOST_TEST(Stderr().find("bad.png") != std::string::npos);
  BOOST_TEST(Hallmark("watermark embed " + marked + " " + kDir + "/x.png --key " + hex_key +
                      " --payload xyz")
                 .code != 0);
  BOOST_TEST(Stderr().find("payload") != std::string::npos);
}
