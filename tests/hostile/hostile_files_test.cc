// Files built to hurt the reader: a FIFO where a file belongs, a PNG header claiming two billion
// pixels, a resize target of ten billion, a folder with a symbolic link loop or a sub-folder it
// cannot read, an image too small for a watermark, and a signed PNG whose pixel data was damaged.
// Each is made at run time and handed to the real binary under a 10 s timeout and a 4 GB
// address-space limit: the run must end, with exit 0-3 (never 4, never a signal), and any error
// must be one line naming the file.
#define BOOST_TEST_MODULE hostile_files
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "base/file.h"
#include "image/codec.h"
#include "image/test_pattern.h"
#include "pipeline/verify_session.h"
#include "tests/hostile/confined_run.h"
#include "tests/image/forged_png.h"
#include "tests/support/subprocess.h"

using hallmark::Bytes;
using hallmark::ByteView;
using hallmark::testing::ProcessResult;
using hallmark::testing::RunConfined;
using hallmark::testing::TempDir;
using hallmark::testing::Timed;

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos/";
constexpr int kTimeoutSeconds = hallmark::testing::kConfinedSeconds;

// The contract every hostile case shares: it ends in time, with an exit code a script can act
// on, and says what it says about `file` on stderr in one line.
void ExpectHandled(const ProcessResult& r, double seconds, const std::string& file) {
  BOOST_TEST(r.exit_code >= 0);
  BOOST_TEST(r.exit_code <= 3, "exit " << r.exit_code << ", stderr: " << r.err);
  BOOST_TEST(seconds < kTimeoutSeconds);
  size_t lines_naming_file = 0;
  size_t at = 0;
  while (at < r.err.size()) {
    const size_t end = r.err.find('\n', at);
    const std::string line = r.err.substr(at, end == std::string::npos ? end : end - at);
    if (line.find(file) != std::string::npos) ++lines_naming_file;
    at = end == std::string::npos ? r.err.size() : end + 1;
  }
  BOOST_TEST(lines_naming_file == 1u, "stderr: " << r.err);
}

struct Workspace {
  TempDir dir;
  std::string home = dir.File("home");
  std::vector<std::string> env = {"HALLMARK_HOME=" + home, "HALLMARK_PASSPHRASE=hostile secret"};

  Timed Run(const std::vector<std::string>& args) { return RunConfined(args, env); }

  std::string WriteImage(const std::string& name, int width, int height) {
    const std::string path = dir.File(name);
    BOOST_REQUIRE(
        hallmark::image::WriteImageFile(path, hallmark::image::MakeTestPattern(width, height))
            .ok());
    return path;
  }
  std::string WriteText(const std::string& name, const std::string& text) {
    const std::string path = dir.File(name);
    BOOST_REQUIRE(hallmark::WriteFileAtomic(path, ByteView(text)).ok());
    return path;
  }
  std::string MakeFifo(const std::string& name) {
    const std::string path = dir.File(name);
    BOOST_REQUIRE(::mkfifo(path.c_str(), 0644) == 0);
    return path;
  }
};

void Symlink(const std::string& target, const std::string& link) {
  BOOST_REQUIRE(::symlink(target.c_str(), link.c_str()) == 0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_fifo_given_as_an_image_is_refused_at_once) {
  Workspace w;
  const std::string fifo = w.MakeFifo("incoming.png");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"verify", fifo}, std::vector<std::string>{"image", "info", fifo},
        std::vector<std::string>{"provenance", "verify", fifo}}) {
    BOOST_TEST_CONTEXT(args[0] + " " + args[1]) {
      Timed t = w.Run(args);
      ExpectHandled(t.result, t.seconds, fifo);
      BOOST_TEST(t.result.exit_code == 3);
      BOOST_TEST(t.result.err.find(fifo + ": not a regular file") != std::string::npos,
                 t.result.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_fifo_given_as_a_trust_anchor_is_refused_at_once) {
  Workspace w;
  const std::string image = w.WriteImage("plain.png", 80, 60);
  const std::string fifo = w.MakeFifo("anchors.pem");
  Timed t = w.Run({"verify", image, "--trust", fifo});
  ExpectHandled(t.result, t.seconds, fifo);
  BOOST_TEST(t.result.exit_code == 3);
  BOOST_TEST(t.result.err.find(fifo + ": not a regular file") != std::string::npos, t.result.err);

  // A FIFO among the PEM files of a trust folder is no better.
  const std::string folder = w.dir.File("trust");
  BOOST_REQUIRE(::mkdir(folder.c_str(), 0755) == 0);
  const std::string planted = folder + "/planted.pem";
  BOOST_REQUIRE(::mkfifo(planted.c_str(), 0644) == 0);
  Timed in_folder = w.Run({"verify", image, "--trust", folder});
  ExpectHandled(in_folder.result, in_folder.seconds, planted);
  BOOST_TEST(in_folder.result.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(a_fifo_named_as_a_policys_licence_table_is_refused_at_once) {
  Workspace w;
  const std::string fifo = w.MakeFifo("licences.toml");
  const std::string policy = w.WriteText("policy.toml", R"(schema = 1
name = "hostile"
version = "1"
purpose = "research"
description = "names a FIFO as its licence table"
licences = "licences.toml"
)");
  Timed t = w.Run({"policy", "check", "--policy", policy, "--dataset", "any", "--no-record"});
  ExpectHandled(t.result, t.seconds, fifo);
  BOOST_TEST(t.result.exit_code == 3);
  BOOST_TEST(t.result.err.find(fifo + ": not a regular file") != std::string::npos, t.result.err);
}

BOOST_AUTO_TEST_CASE(a_png_header_claiming_billions_of_pixels_is_refused_cheaply) {
  Workspace w;
  for (uint32_t width : {0x7fffffffu, 1u << 28}) {
    const std::string path = w.dir.File("wide-" + std::to_string(width) + ".png");
    BOOST_REQUIRE(hallmark::WriteFileAtomic(path, hallmark::testing::ForgedPng(width, 1)).ok());
    for (const char* command : {"info", "verify"}) {
      BOOST_TEST_CONTEXT(command << " " << path) {
        Timed t = std::string(command) == "info" ? w.Run({"image", "info", path})
                                                 : w.Run({"verify", path});
        ExpectHandled(t.result, t.seconds, path);
        BOOST_TEST(t.result.exit_code == 3);
        BOOST_TEST(t.result.err.find("exceeds the limit of 100000000 pixels") != std::string::npos,
                   t.result.err);
        BOOST_TEST(t.seconds < 2.0);
      }
    }
  }
}

// Found by the fuzzing campaign: 265 bytes whose iCCP chunk libpng inflated for 8 s and 1.5 GB
// before "truncated". Pixel decoding now skips the compressed ancillary chunks.
BOOST_AUTO_TEST_CASE(a_tiny_png_with_an_inflating_profile_is_refused_cheaply) {
  Workspace w;
  const std::string path = std::string(HALLMARK_TEST_DATA) + "/broken/iccp-inflation.png";
  for (const char* command : {"info", "verify"}) {
    BOOST_TEST_CONTEXT(command) {
      Timed t =
          std::string(command) == "info" ? w.Run({"image", "info", path}) : w.Run({"verify", path});
      ExpectHandled(t.result, t.seconds, path);
      BOOST_TEST(t.result.exit_code == 3);
      BOOST_TEST(t.seconds < 2.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_resize_target_over_the_pixel_limit_is_a_usage_error) {
  Workspace w;
  const std::string image = w.WriteImage("small.png", 40, 30);
  const std::string out = w.dir.File("huge.png");
  Timed t = w.Run({"image", "convert", image, out, "--resize", "100000x100000"});
  BOOST_TEST(t.result.exit_code == 2, t.result.err);
  BOOST_TEST(t.seconds < kTimeoutSeconds);
  BOOST_TEST(t.result.err.find("100000x100000 exceeds the limit of 100000000 pixels") !=
             std::string::npos);
  BOOST_TEST(!std::filesystem::exists(out));

  // --max-pixels is the limit the resize obeys too: 40x30 fits in 1200, 40x31 does not.
  Timed fits = w.Run({"--max-pixels", "1200", "image", "convert", image, out, "--resize", "30x40"});
  BOOST_TEST(fits.result.exit_code == 0, fits.result.err);
  Timed over = w.Run({"--max-pixels", "1200", "image", "convert", image, out, "--resize", "40x31"});
  BOOST_TEST(over.result.exit_code == 2, over.result.err);
  BOOST_TEST(over.result.err.find("exceeds the limit of 1200 pixels") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(
    verify_of_a_folder_with_symlink_loops_lists_the_rest_and_says_what_it_skipped) {
  Workspace w;
  const std::string tree = w.dir.File("tree");
  BOOST_REQUIRE(::mkdir(tree.c_str(), 0755) == 0);
  BOOST_REQUIRE(::mkdir((tree + "/sub").c_str(), 0755) == 0);
  BOOST_REQUIRE(
      hallmark::image::WriteImageFile(tree + "/a.png", hallmark::image::MakeTestPattern(80, 60))
          .ok());
  BOOST_REQUIRE(
      hallmark::image::WriteImageFile(tree + "/sub/b.png", hallmark::image::MakeTestPattern(80, 60))
          .ok());
  Symlink("self.png", tree + "/self.png");      // loops on itself
  Symlink("ring-b.png", tree + "/ring-a.png");  // a -> b -> a
  Symlink("ring-a.png", tree + "/ring-b.png");
  Symlink("..", tree + "/sub/up");     // a folder cycle if followed
  Symlink(tree, tree + "/sub/again");  // the same, by absolute path

  Timed t = w.Run({"verify", "-r", tree});
  ExpectHandled(t.result, t.seconds, tree + "/self.png");
  BOOST_TEST(t.result.exit_code == 3);  // something that may be an image went unchecked
  BOOST_TEST(t.result.err.find("skipped: " + tree + "/self.png: broken or looping symbolic link") !=
             std::string::npos);
  BOOST_TEST(t.result.err.find("skipped: " + tree + "/ring-a.png") != std::string::npos);
  BOOST_TEST(t.result.err.find("skipped: " + tree + "/sub/up: symbolic link to a folder") !=
             std::string::npos);
  BOOST_TEST(t.result.out.find(tree + "/a.png: NO_PROVENANCE") != std::string::npos);
  BOOST_TEST(t.result.out.find(tree + "/sub/b.png: NO_PROVENANCE") != std::string::npos);
  BOOST_TEST(t.result.out.find("summary: 2 images") != std::string::npos, t.result.out);
}

BOOST_AUTO_TEST_CASE(list_image_files_reports_instead_of_throwing) {
  TempDir dir;
  const std::string root = dir.File("root");
  BOOST_REQUIRE(::mkdir(root.c_str(), 0755) == 0);
  BOOST_REQUIRE(hallmark::WriteFileAtomic(root + "/a.png", Bytes{1}).ok());
  BOOST_REQUIRE(::mkfifo((root + "/pipe.jpg").c_str(), 0644) == 0);
  Symlink("loop.webp", root + "/loop.webp");
  Symlink(".", root + "/here");
  Symlink("a.png", root + "/alias.png");  // a link to a file is listed like the file
  BOOST_REQUIRE(::mkdir((root + "/.pending").c_str(), 0755) == 0);
  BOOST_REQUIRE(hallmark::WriteFileAtomic(root + "/.pending/staged.png", Bytes{1}).ok());

  hallmark::Result<hallmark::pipeline::ImageFileList> listed =
      hallmark::pipeline::ListImageFiles({root}, true);
  BOOST_REQUIRE(listed.ok());
  BOOST_TEST(listed->files == (std::vector<std::string>{root + "/a.png", root + "/alias.png"}),
             boost::test_tools::per_element());
  std::vector<std::string> skipped;
  for (const auto& s : listed->skipped) skipped.push_back(s.path + " | " + s.why);
  BOOST_REQUIRE(skipped.size() == 3u);
  BOOST_TEST(skipped[0] == root + "/here | symbolic link to a folder, not followed");
  BOOST_TEST(skipped[1].rfind(root + "/loop.webp | broken or looping symbolic link", 0) == 0u);
  BOOST_TEST(skipped[2] == root + "/pipe.jpg | not a regular file");
  BOOST_TEST(!listed->skipped[0].missed);
  BOOST_TEST(listed->skipped[1].missed);

  // Not recursive: the folder link is not even a candidate.
  hallmark::Result<hallmark::pipeline::ImageFileList> flat =
      hallmark::pipeline::ListImageFiles({root}, false);
  BOOST_REQUIRE(flat.ok());
  BOOST_TEST(flat->skipped.size() == 2u);

  BOOST_TEST(hallmark::pipeline::ListImageFiles({dir.File("missing")}, true).status().code() ==
             hallmark::StatusCode::kNotFound);
}

// Root reads any folder whatever its mode, and tests often run as root. A folder the user cannot
// read is then made real by running the binary as nobody (setpriv drops the ids before exec);
// without root, chmod 000 alone does it.
BOOST_AUTO_TEST_CASE(verify_of_a_folder_with_an_unreadable_sub_folder_checks_the_rest) {
  const std::vector<std::string> runner = hallmark::testing::UnprivilegedRunner();
  Workspace w;
  BOOST_REQUIRE(::chmod(w.dir.path().c_str(), 0755) == 0);  // mkdtemp made it 0700
  const std::string tree = w.dir.File("tree");
  const std::string locked = tree + "/locked";
  BOOST_REQUIRE(::mkdir(tree.c_str(), 0755) == 0);
  BOOST_REQUIRE(::mkdir(locked.c_str(), 0755) == 0);
  BOOST_REQUIRE(
      hallmark::image::WriteImageFile(tree + "/a.png", hallmark::image::MakeTestPattern(80, 60))
          .ok());
  BOOST_REQUIRE(hallmark::image::WriteImageFile(locked + "/hidden.png",
                                                hallmark::image::MakeTestPattern(80, 60))
                    .ok());
  BOOST_REQUIRE(::chmod(locked.c_str(), 0) == 0);

  const Timed t =
      RunConfined({"--home", w.dir.File("nobody-home"), "verify", "-r", tree}, {}, runner);
  const ProcessResult& r = t.result;
  const double seconds = t.seconds;
  ::chmod(locked.c_str(), 0755);  // so TempDir can remove it
  ExpectHandled(r, seconds, locked);
  BOOST_TEST(r.exit_code == 3);
  BOOST_TEST(
      r.err.find("skipped: " + locked + ": cannot list: Permission denied") != std::string::npos,
      r.err);
  BOOST_TEST(r.out.find(tree + "/a.png: NO_PROVENANCE") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(an_image_too_small_for_a_watermark_still_gets_a_verdict) {
  Workspace w;
  const std::string key = w.dir.File("studio.wmkey");
  Timed keygen = w.Run({"watermark", "keygen", key});
  BOOST_REQUIRE_MESSAGE(keygen.result.exit_code == 0, keygen.result.err);
  for (auto [width, height] : {std::pair{20, 20}, std::pair{63, 40}, std::pair{31, 200}}) {
    const std::string image = w.WriteImage(
        "tiny-" + std::to_string(width) + "x" + std::to_string(height) + ".png", width, height);
    BOOST_TEST_CONTEXT(image) {
      Timed t = w.Run({"--json", "verify", image, "--watermark-key", key});
      BOOST_TEST(t.result.exit_code == 1, t.result.err);  // a verdict, not an error
      BOOST_TEST(t.result.err.empty(), t.result.err);
      nlohmann::json record =
          nlohmann::json::parse(t.result.out.substr(0, t.result.out.find('\n')));
      BOOST_TEST(record["verdict"] == "NO_PROVENANCE");
      BOOST_TEST(record["watermark"]["found"] == false);
      BOOST_TEST(record["watermark"]["checked"] == true);
      if (std::min(width, height) < 32) {
        BOOST_TEST(record["watermark"]["note"] == "too_small");
        BOOST_TEST(record["reason"] ==
                   "no manifest and the image is too small to carry a watermark");
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(a_signed_png_with_damaged_pixel_data_is_tampered_not_unreadable) {
  Workspace w;
  Timed init = w.Run({"keys", "init"});
  BOOST_REQUIRE_MESSAGE(init.result.exit_code == 0, init.result.err);
  const std::string manifest =
      w.WriteText("manifest.json", R"({"asset_id": "hostile-1", "model": {"id": "m", "name": "vae"},
      "digital_source_type": "trainedAlgorithmicMedia",
      "datasets": [{"name": "Fashion-MNIST", "license": "MIT", "attribution": "Zalando"}],
      "creator": "Studio", "rights": "(c) Studio"})");
  const std::string signed_png = w.dir.File("signed.png");
  Timed sign = w.Run(
      {"provenance", "sign", kPhotos + "chelsea.png", "--manifest", manifest, "--out", signed_png});
  BOOST_REQUIRE_MESSAGE(sign.result.exit_code == 0, sign.result.err);
  Timed intact = w.Run({"verify", signed_png});
  BOOST_TEST(intact.result.exit_code == 0, intact.result.out + intact.result.err);

  // One byte in the middle of the first IDAT's data.
  hallmark::Result<Bytes> bytes = hallmark::ReadFile(signed_png);
  BOOST_REQUIRE(bytes.ok());
  const std::string text(bytes->begin(), bytes->end());
  const size_t idat = text.find("IDAT");
  BOOST_REQUIRE(idat != std::string::npos);
  const size_t length = (size_t((*bytes)[idat - 4]) << 24) | (size_t((*bytes)[idat - 3]) << 16) |
                        (size_t((*bytes)[idat - 2]) << 8) | size_t((*bytes)[idat - 1]);
  (*bytes)[idat + 4 + length / 2] ^= 0x5a;
  const std::string damaged = w.dir.File("damaged.png");
  BOOST_REQUIRE(hallmark::WriteFileAtomic(damaged, *bytes).ok());

  Timed t = w.Run({"--json", "verify", damaged});
  BOOST_TEST(t.result.exit_code == 1, t.result.out + t.result.err);
  BOOST_TEST(t.seconds < kTimeoutSeconds);
  nlohmann::json record = nlohmann::json::parse(t.result.out.substr(0, t.result.out.find('\n')));
  BOOST_TEST(record["verdict"] == "TAMPERED");
  BOOST_TEST(record["content_binding"] == "pixels changed");
  BOOST_TEST(record["watermark"]["note"] == "pixels_undecodable");
  BOOST_TEST(record["reason"].get<std::string>().find("the pixels do not decode") == 0u,
             record["reason"]);

  // The same damage without a manifest is still just an unreadable file.
  hallmark::Result<Bytes> plain = hallmark::ReadFile(kPhotos + "chelsea.png");
  BOOST_REQUIRE(plain.ok());
  const std::string plain_text(plain->begin(), plain->end());
  const size_t plain_idat = plain_text.find("IDAT");
  (*plain)[plain_idat + 4 + 100] ^= 0x5a;
  const std::string unsigned_damaged = w.dir.File("unsigned-damaged.png");
  BOOST_REQUIRE(hallmark::WriteFileAtomic(unsigned_damaged, *plain).ok());
  Timed unreadable = w.Run({"verify", unsigned_damaged});
  ExpectHandled(unreadable.result, unreadable.seconds, unsigned_damaged);
  BOOST_TEST(unreadable.result.exit_code == 3);
}

BOOST_AUTO_TEST_CASE(a_file_that_is_no_image_and_has_no_manifest_stays_unreadable) {
  Workspace w;
  const std::string junk = w.WriteText("notes.png", "just some text, not a picture\n");
  Timed t = w.Run({"verify", junk});
  ExpectHandled(t.result, t.seconds, junk);
  BOOST_TEST(t.result.exit_code == 3);
  BOOST_TEST(t.result.err.find("unrecognised signature") != std::string::npos, t.result.err);
}
