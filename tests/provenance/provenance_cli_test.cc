// `hallmark keys` and `hallmark provenance` as a user's script drives them: exit codes, JSON,
// refusal of readable key files, and no private key material on stdout.
#define BOOST_TEST_MODULE provenance_cli
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

#include "base/file.h"
#include "tests/support/subprocess.h"

using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

const std::string kPhotos = std::string(HALLMARK_TEST_DATA) + "/photos/";
const std::string kFixtures = std::string(HALLMARK_TEST_DATA) + "/provenance/";

struct Cli {
  TempDir dir;
  std::string home = dir.File("home");
  std::vector<std::string> env = {"HALLMARK_HOME=" + home, "HALLMARK_PASSPHRASE=cli secret"};
  ProcessResult Run(const std::vector<std::string>& args) { return RunHallmark(args, env); }
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir.File(name);
    BOOST_REQUIRE(hallmark::WriteFileAtomic(path, hallmark::ByteView(text)).ok());
    return path;
  }
  std::string WriteManifest() {
    const std::string path = dir.File("manifest.json");
    const std::string text = R"({"asset_id": "cli-1", "model": {"id": "m", "name": "vae"},
      "datasets": [{"name": "Fashion-MNIST", "license": "MIT", "attribution": "Zalando"}],
      "digital_source_type": "trainedAlgorithmicMedia", "training_mining": "notAllowed",
      "creator": "Studio", "rights": "(c) Studio"})";
    BOOST_REQUIRE(hallmark::WriteFileAtomic(path, hallmark::ByteView(text)).ok());
    return path;
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(keys_sign_verify_exit_codes) {
  Cli cli;
  auto init = cli.Run({"keys", "init"});
  BOOST_REQUIRE_MESSAGE(init.exit_code == 0, init.err);
  auto list = cli.Run({"--json", "keys", "list"});
  BOOST_TEST(list.exit_code == 0);
  BOOST_TEST(list.out.find("\"active\":true") != std::string::npos);
  auto show = cli.Run({"keys", "show"});
  BOOST_TEST(show.exit_code == 0);
  BOOST_TEST(show.out.find("BEGIN CERTIFICATE") != std::string::npos);
  BOOST_TEST(show.out.find("PRIVATE KEY") == std::string::npos);
  auto exported = cli.Run({"keys", "export", "ca"});
  BOOST_TEST(exported.out.find("BEGIN CERTIFICATE") != std::string::npos);
  BOOST_TEST(exported.out.find("PRIVATE") == std::string::npos);

  const std::string manifest = cli.WriteManifest();
  const std::string png = cli.dir.File("out.png");
  const std::string jpg = cli.dir.File("out.jpg");
  auto sign = cli.Run(
      {"provenance", "sign", kPhotos + "chelsea.png", "--manifest", manifest, "--out", png});
  BOOST_REQUIRE_MESSAGE(sign.exit_code == 0, sign.err);
  BOOST_REQUIRE(
      cli.Run({"provenance", "sign", kPhotos + "rocket.jpg", "--manifest", manifest, "--out", jpg})
          .exit_code == 0);

  auto verify = cli.Run({"provenance", "verify", png, "--json"});
  BOOST_TEST(verify.exit_code == 0);
  auto report = nlohmann::json::parse(verify.out);
  BOOST_TEST(report["validation_state"] == "Trusted");
  BOOST_TEST(report["asset_id"] == "cli-1");
  BOOST_TEST(report["digital_source_type"] ==
             "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia");
  BOOST_TEST(!report.contains("watermark"));  // provenance sign embeds no mark
  BOOST_TEST(report["validation_results"]["failure"].empty());
  BOOST_TEST(cli.Run({"provenance", "verify", jpg}).exit_code == 0);
  auto human = cli.Run({"provenance", "show", jpg});
  BOOST_TEST(human.exit_code == 0);
  BOOST_TEST(human.out.find("org.hallmark.training-datasets") != std::string::npos);

  // Untrusted (empty trust folder) and unsigned files are negative answers: exit 1.
  TempDir empty;
  auto untrusted = cli.Run({"provenance", "verify", png, "--trust", empty.path(), "--json"});
  BOOST_TEST(untrusted.exit_code == 1);
  BOOST_TEST(nlohmann::json::parse(untrusted.out)["verdict"] == "untrusted");
  BOOST_TEST(cli.Run({"provenance", "verify", kPhotos + "coffee.png"}).exit_code == 1);
  // A trust folder that does not exist is a mistake, not "untrusted".
  auto typo = cli.Run({"provenance", "verify", png, "--trust", cli.dir.File("no-such-dir")});
  BOOST_TEST(typo.exit_code == 3);
  BOOST_TEST(typo.err.find("no-such-dir") != std::string::npos);
  BOOST_TEST(cli.Run({"provenance", "verify", kFixtures + "XCA.jpg"}).exit_code == 1);
  // Not an image, or missing: bad input, exit 3, one line naming the file.
  auto bad = cli.Run({"provenance", "verify", manifest});
  BOOST_TEST(bad.exit_code == 3);
  BOOST_TEST(bad.err.find("manifest.json") != std::string::npos);
  BOOST_TEST(cli.Run({"provenance", "verify", cli.dir.File("missing.png")}).exit_code == 3);

  // Revocation reaches verification through the trust folder.
  auto key_id = nlohmann::json::parse(cli.Run({"--json", "keys", "show"}).out)["id"];
  // Revoked from before the signing: a time-stamp made later cannot save the signature.
  BOOST_TEST(
      cli.Run({"keys", "revoke", key_id.get<std::string>(), "--since", "2020-01-01"}).exit_code ==
      0);
  BOOST_TEST(cli.Run({"keys", "revoke", "x", "--since", "yesterday"}).exit_code == 2);
  auto revoked = cli.Run({"provenance", "verify", png, "--json"});
  BOOST_TEST(revoked.exit_code == 1);
  BOOST_TEST(nlohmann::json::parse(revoked.out)["verdict"] == "credential_revoked");
  // With the active key revoked, signing needs a rotation first.
  BOOST_TEST(
      cli.Run({"provenance", "sign", kPhotos + "chelsea.png", "--manifest", manifest, "--out", png})
          .exit_code != 0);
  BOOST_TEST(cli.Run({"keys", "rotate", "--alg", "ed25519"}).exit_code == 0);
  BOOST_TEST(
      cli.Run({"provenance", "sign", kPhotos + "chelsea.png", "--manifest", manifest, "--out", png})
          .exit_code == 0);
  BOOST_TEST(cli.Run({"provenance", "verify", png}).exit_code == 0);
}

BOOST_AUTO_TEST_CASE(key_files_and_passphrases) {
  Cli cli;
  // No passphrase at all: a usage error, nothing created.
  auto none = RunHallmark({"keys", "init"}, {"HALLMARK_HOME=" + cli.home, "HALLMARK_PASSPHRASE="});
  BOOST_TEST(none.exit_code == 2);
  BOOST_TEST(none.err.find("HALLMARK_PASSPHRASE") != std::string::npos);
  // A passphrase file works without the environment variable.
  const std::string pass = cli.dir.File("pass.txt");
  BOOST_REQUIRE(
      hallmark::WriteFileAtomic(pass, hallmark::ByteView(std::string("pw\n")), 0600).ok());
  std::vector<std::string> env = {"HALLMARK_HOME=" + cli.home, "HALLMARK_PASSPHRASE="};
  BOOST_REQUIRE(RunHallmark({"keys", "init", "--passphrase-file", pass}, env).exit_code == 0);
  const std::string manifest = cli.WriteManifest();
  const std::string out = cli.dir.File("o.png");
  auto wrong = RunHallmark(
      {"provenance", "sign", kPhotos + "camera.png", "--manifest", manifest, "--out", out},
      {"HALLMARK_HOME=" + cli.home, "HALLMARK_PASSPHRASE=wrong"});
  BOOST_TEST(wrong.exit_code == 3);
  BOOST_TEST(wrong.err.find("passphrase") != std::string::npos);
  // A key file others can read is refused, naming the file and the mode.
  auto id = nlohmann::json::parse(RunHallmark({"--json", "keys", "show"}, env).out)["id"];
  const std::string key = cli.home + "/keys/" + id.get<std::string>() + ".key";
  ::chmod(key.c_str(), 0644);
  auto readable = RunHallmark({"provenance", "sign", kPhotos + "camera.png", "--manifest", manifest,
                               "--out", out, "--passphrase-file", pass},
                              env);
  BOOST_TEST(readable.exit_code == 3);
  BOOST_TEST(readable.err.find("mode 0644") != std::string::npos);
  ::chmod(key.c_str(), 0600);
  BOOST_TEST(RunHallmark({"provenance", "sign", kPhotos + "camera.png", "--manifest", manifest,
                          "--out", out, "--passphrase-file", pass},
                         env)
                 .exit_code == 0);
  // A manifest with a typo is bad input that names the key.
  const std::string typo = cli.dir.File("typo.json");
  BOOST_REQUIRE(
      hallmark::WriteFileAtomic(typo, hallmark::ByteView(std::string(R"({"asset": 1})"))).ok());
  auto bad = RunHallmark({"provenance", "sign", kPhotos + "camera.png", "--manifest", typo, "--out",
                          out, "--passphrase-file", pass},
                         env);
  BOOST_TEST(bad.exit_code == 3);
  BOOST_TEST(bad.err.find("'asset'") != std::string::npos);
}

// Hallmark did not make the file, so the user says where it came from; a mark that is not in
// the pixels is not claimed; c2patool definitions sign as they are.
BOOST_AUTO_TEST_CASE(sign_needs_a_source_type_and_takes_c2patool_definitions) {
  Cli cli;
  BOOST_REQUIRE(cli.Run({"keys", "init", "--org", "Example Photo Desk"}).exit_code == 0);
  const std::string bare = cli.Write("bare.json", R"({"title": "photo", "creator": "Ann"})");
  const std::string out = cli.dir.File("signed.jpg");
  auto missing =
      cli.Run({"provenance", "sign", kPhotos + "rocket.jpg", "--manifest", bare, "--out", out});
  BOOST_TEST(missing.exit_code == 2);
  BOOST_TEST(missing.err.find("--source-type") != std::string::npos, missing.err);
  BOOST_TEST(std::count(missing.err.begin(), missing.err.end(), '\n') == 1, missing.err);
  auto typo = cli.Run({"provenance", "sign", kPhotos + "rocket.jpg", "--manifest", bare, "--out",
                       out, "--source-type", "photograph"});
  BOOST_TEST(typo.exit_code == 2);
  BOOST_TEST(typo.err.find("not an IPTC digital source type") != std::string::npos, typo.err);

  auto photo = cli.Run({"provenance", "sign", kPhotos + "rocket.jpg", "--manifest", bare, "--out",
                        out, "--source-type", "digitalCapture"});
  BOOST_REQUIRE_MESSAGE(photo.exit_code == 0, photo.err);
  auto report = nlohmann::json::parse(cli.Run({"provenance", "verify", out, "--json"}).out);
  BOOST_TEST(report["validation_state"] == "Trusted");
  BOOST_TEST(report["digital_source_type"] ==
             "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
  BOOST_TEST(!report["assertions"].contains("c2pa.soft-binding"));

  const std::string marked =
      cli.Write("marked.json", R"({"digital_source_type": "trainedAlgorithmicMedia",
                         "watermark": {"payload": "a1b2"}})");
  auto refused =
      cli.Run({"provenance", "sign", kPhotos + "rocket.jpg", "--manifest", marked, "--out", out});
  BOOST_TEST(refused.exit_code == 2);
  BOOST_TEST(refused.err.find("'watermark' is refused") != std::string::npos, refused.err);

  // c2patool's sample definition, with a time-stamp URL it does not use (noted on stderr).
  const std::string sample = kFixtures + "c2patool/test.json";
  const std::string derived = cli.dir.File("derived.jpg");
  auto def = cli.Run({"provenance", "sign", out, "--manifest", sample, "--out", derived,
                      "--source-type", "digitalCapture"});
  BOOST_REQUIRE_MESSAGE(def.exit_code == 0, def.err);
  BOOST_TEST(def.err.find("ta_url ignored") != std::string::npos, def.err);
  auto verified = cli.Run({"provenance", "verify", derived, "--json"});
  BOOST_TEST(verified.exit_code == 0, verified.out);
  report = nlohmann::json::parse(verified.out);
  BOOST_TEST(report["assertions"]["my.assertion"]["any_tag"] == "whatever I want");
  // A definition that says image/jpeg does not sign a PNG.
  auto wrong = cli.Run({"provenance", "sign", kPhotos + "chelsea.png", "--manifest",
                        kFixtures + "c2patool/ingredients.json", "--out", cli.dir.File("x.png")});
  BOOST_TEST(wrong.exit_code == 3);
  BOOST_TEST(wrong.err.find("image/jpeg") != std::string::npos, wrong.err);
  auto refused_label = cli.Run(
      {"provenance", "sign", kPhotos + "rocket.jpg", "--manifest",
       cli.Write("hash.json", R"({"assertions": [{"label": "c2pa.hash.data", "data": {}}]})"),
       "--out", out, "--source-type", "digitalCapture"});
  BOOST_TEST(refused_label.exit_code == 3);
  BOOST_TEST(refused_label.err.find("c2pa.hash.data") != std::string::npos, refused_label.err);
}

// --watermark embeds a real mark with a fresh payload and records the asset, so the studio's
// claim survives stripping as a generated asset's does; without it nothing is recorded.
BOOST_AUTO_TEST_CASE(sign_with_watermark_records_the_asset) {
  Cli cli;
  BOOST_REQUIRE(cli.Run({"keys", "init", "--org", "Example Photo Desk"}).exit_code == 0);
  const std::string bare = cli.Write("bare.json", R"({"title": "photo"})");
  const std::string plain = cli.dir.File("plain.png");
  BOOST_REQUIRE(cli.Run({"provenance", "sign", kPhotos + "chelsea.png", "--manifest", bare, "--out",
                         plain, "--source-type", "digitalCapture"})
                    .exit_code == 0);
  BOOST_TEST(
      !std::filesystem::exists(cli.home + "/ledger.sqlite"));  // nothing claimed, nothing kept

  std::vector<std::string> payloads;
  for (const std::string& input : {kPhotos + "chelsea.png", kPhotos + "rocket.jpg"}) {
    const std::string ext = input.substr(input.size() - 4);
    const std::string out = cli.dir.File("marked" + std::to_string(payloads.size()) + ext);
    auto sign = cli.Run({"--json", "provenance", "sign", input, "--manifest", bare, "--out", out,
                         "--source-type", "digitalCapture", "--watermark"});
    BOOST_REQUIRE_MESSAGE(sign.exit_code == 0, sign.err);
    auto done = nlohmann::json::parse(sign.out);
    const std::string payload = done["payload"];
    BOOST_TEST(done["asset_id"] == "hm-" + payload);
    BOOST_TEST(done["watermark_read_back"] == true);
    payloads.push_back(payload);

    auto report = nlohmann::json::parse(cli.Run({"provenance", "verify", out, "--json"}).out);
    BOOST_TEST(report["validation_state"] == "Trusted");
    BOOST_TEST(report["assertions"]["c2pa.soft-binding"]["blocks"][0]["value"] == payload);
    BOOST_TEST(report["assertions"].contains("org.hallmark.fingerprint"));
    BOOST_TEST(report["assertions"]["c2pa.actions.v2"]["actions"][1]["action"] ==
               "c2pa.watermarked");

    auto verified = cli.Run({"--json", "verify", out});
    BOOST_TEST(verified.exit_code == 0, verified.out + verified.err);
    BOOST_TEST(nlohmann::json::parse(verified.out)["verdict"] == "VERIFIED");

    // Every byte of metadata gone: the mark and the ledger still name the asset.
    const std::string stripped =
        cli.dir.File("stripped" + std::to_string(payloads.size()) + ".jpg");
    BOOST_REQUIRE(cli.Run({"image", "convert", out, stripped, "--quality", "75"}).exit_code == 0);
    auto by_mark = cli.Run({"--json", "verify", stripped});
    BOOST_TEST(by_mark.exit_code == 0, by_mark.out + by_mark.err);
    auto evidence = nlohmann::json::parse(by_mark.out);
    BOOST_TEST(evidence["verdict"] == "VERIFIED_BY_WATERMARK");
    BOOST_TEST(evidence["ledger"]["asset_id"] == "hm-" + payload);
    BOOST_TEST(cli.Run({"verify", stripped}).out.find("no generator") != std::string::npos);

    // No generator, so no training data: the licence policy has nothing to forbid.
    auto policy = cli.Run({"policy", "check", "--policy",
                           std::string(HALLMARK_TEST_DATA) + "/../../policies/commercial.toml",
                           "--asset", "hm-" + payload});
    BOOST_TEST(policy.exit_code == 0, policy.out + policy.err);
  }
  BOOST_TEST(payloads[0] != payloads[1]);
  auto log = cli.Run({"audit", "verify-log"});
  BOOST_TEST(log.exit_code == 0, log.out + log.err);

  const auto entries = [&cli] {
    return nlohmann::json::parse(cli.Run({"--json", "audit", "verify-log"}).out)["entries_checked"]
        .get<int>();
  };
  const int before = entries();
  // An image too small to carry a payload is refused, naming the file, and nothing is recorded.
  const std::string tiny = cli.dir.File("tiny.png");
  BOOST_REQUIRE(
      cli.Run({"image", "convert", kPhotos + "chelsea.png", tiny, "--resize", "24x16"}).exit_code ==
      0);
  auto refused =
      cli.Run({"provenance", "sign", tiny, "--manifest", bare, "--out",
               cli.dir.File("tiny-marked.png"), "--source-type", "digitalCapture", "--watermark"});
  BOOST_TEST(refused.exit_code == 3, refused.err);
  BOOST_TEST(refused.err.find("tiny.png") != std::string::npos, refused.err);
  BOOST_TEST(std::count(refused.err.begin(), refused.err.end(), '\n') == 1, refused.err);
  BOOST_TEST(!std::filesystem::exists(cli.dir.File("tiny-marked.png")));
  BOOST_TEST(entries() == before);
}

// The CA's online delegates are renewed on their own schedule: signing keys and the revoked
// entries stay, the responder and TSA get new keys, and a wrong passphrase changes nothing.
BOOST_AUTO_TEST_CASE(renew_services_keeps_signing_keys_and_revocations) {
  Cli cli;
  BOOST_REQUIRE(cli.Run({"keys", "init"}).exit_code == 0);
  auto first = nlohmann::json::parse(cli.Run({"--json", "keys", "show"}).out);
  BOOST_REQUIRE(cli.Run({"keys", "rotate"}).exit_code == 0);
  BOOST_REQUIRE(cli.Run({"keys", "revoke", first["id"]}).exit_code == 0);
  const auto active = [&cli] {
    return nlohmann::json::parse(cli.Run({"--json", "keys", "show"}).out)["id"];
  };
  const auto before_id = active();
  const auto read = [](const std::string& path) {
    auto bytes = hallmark::ReadFile(path);
    BOOST_REQUIRE(bytes.ok());
    return std::string(bytes->begin(), bytes->end());
  };
  const std::string responder = cli.home + "/keys/ocsp/responder.crt";
  const std::string tsa = cli.home + "/keys/tsa/tsa.crt";
  const std::string old_responder = read(responder), old_tsa = read(tsa);

  const std::string wrong = cli.Write("wrong-pass", "not the passphrase");
  auto refused = cli.Run({"keys", "renew-services", "--passphrase-file", wrong});
  BOOST_TEST(refused.exit_code != 0);
  BOOST_TEST(std::count(refused.err.begin(), refused.err.end(), '\n') == 1, refused.err);
  BOOST_TEST(read(responder) == old_responder);

  auto renewed = cli.Run({"--json", "keys", "renew-services"});
  BOOST_REQUIRE_MESSAGE(renewed.exit_code == 0, renewed.err);
  auto j = nlohmann::json::parse(renewed.out);
  BOOST_TEST(j["revoked_certificates"] == 1);
  BOOST_TEST(j["revocation_list_next_update"].get<std::string>() >
             j["responder_not_after"].get<std::string>().substr(0, 0));
  BOOST_TEST(read(responder) != old_responder);
  BOOST_TEST(read(tsa) != old_tsa);
  BOOST_TEST(active() == before_id);
  // One JSON object a line, the CA first.
  std::istringstream listed(cli.Run({"--json", "keys", "list"}).out);
  int revoked = 0;
  for (std::string line; std::getline(listed, line);) {
    revoked += nlohmann::json::parse(line).value("revoked", false) ? 1 : 0;
  }
  BOOST_TEST(revoked == 1);

  // The renewed TSA and responder sign for the unchanged signing key.
  const std::string out = cli.dir.File("after.png");
  auto sign = cli.Run({"provenance", "sign", kPhotos + "chelsea.png", "--manifest",
                       cli.WriteManifest(), "--out", out});
  BOOST_REQUIRE_MESSAGE(sign.exit_code == 0, sign.err);
  auto report = nlohmann::json::parse(cli.Run({"provenance", "verify", out, "--json"}).out);
  BOOST_TEST(report["validation_state"] == "Trusted");
  BOOST_TEST(report["signature"].dump().find("time_stamp") != std::string::npos,
             report["signature"].dump());
  // The staple from the renewed responder is read and believed.
  BOOST_TEST(report["validation_results"]["success"].dump().find(
                 "signingCredential.ocsp.notRevoked") != std::string::npos,
             report["validation_results"].dump());
}
