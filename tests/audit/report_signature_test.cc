// Audit reports: content on the demo ledger, determinism (same inputs, same bytes), signature
// verification in every format, tampering detected, and the CLI contract.
#define BOOST_TEST_MODULE report_signature
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>

#include "audit/compliance/compliance_report.h"
#include "audit/compliance/policy.h"
#include "audit/compliance/report_render.h"
#include "audit/compliance/report_signature.h"
#include "tests/audit/compliance_demo.h"
#include "tests/audit/ledger_test_util.h"
#include "tests/support/subprocess.h"

namespace hallmark::audit {
namespace {

using nlohmann::json;
using testing::Must;
using testing::PolicyPath;

struct Fixture {
  Fixture() : store(Must(OpenLedger(testing::Options(home)))) {
    demo = testing::BuildDemoLedger(*store);
    origin = Must(store->LogVerifier())->name();
    key = *Must(store->LogVerifier());
  }
  json Report(const std::string& policy, const ReportOptions& o = {}) {
    return Must(BuildComplianceReport(Must(LoadPolicy(PolicyPath(policy))), *store, o));
  }
  SignedReport Sign(const json& report) {
    return Must(SignReport(report, Must(LoadReportSigner(home.path(), origin))));
  }
  testing::TempHome home;
  std::unique_ptr<LedgerStore> store;
  testing::DemoLedger demo;
  std::string origin;
  CheckpointVerifier key{"x", Bytes(32)};
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

BOOST_FIXTURE_TEST_CASE(report_content_on_demo_ledger, Fixture) {
  json r = Report("commercial.toml");
  BOOST_TEST(r["format"] == kReportFormat);
  BOOST_TEST(r["summary"]["assets"] == 12);
  BOOST_TEST(r["summary"]["models"] == 3);
  BOOST_TEST(r["summary"]["datasets"] == 5);
  BOOST_TEST(r["ledger"]["checkpoint_size"] == Must(store->TreeSize()));
  BOOST_TEST(r["policy"]["sha256"] == Must(LoadPolicy(PolicyPath("commercial.toml"))).sha256);
  BOOST_TEST(r["marking"]["manifest"] == 12);
  BOOST_TEST(r["marking"]["iptc"] == 10);  // the two records without marks
  BOOST_TEST(r["marking"]["missing_any"] == 2);
  // 3 NC assets and 1 of unknown provenance are denied; the other 8 pass.
  BOOST_TEST(r["policy_results"]["assets_denied"] == 4);
  BOOST_TEST(r["policy_results"]["verdict"] == "fail");
  bool nc = false;
  for (const auto& v : r["policy_results"]["violations"]) {
    if (v["rule"] == "no-non-commercial") {
      nc = true;
      BOOST_TEST(v["dataset"] == "flickr-nc");
      BOOST_TEST(v["assets"] == 3);
      BOOST_TEST(!v["fix"].get<std::string>().empty());
    }
  }
  BOOST_TEST(nc);
  BOOST_TEST(r["policy_results"]["choices"].size() == 1u);
  BOOST_TEST(r["attribution"].size() == 3u);  // MIT, CC-BY (dual), CC-BY-NC

  // Scope filters.
  ReportOptions only_nc;
  only_nc.model = demo.model_nc;
  BOOST_TEST(Report("commercial.toml", only_nc)["summary"]["assets"] == 3);
  ReportOptions days;
  days.since = "2026-11-04";
  days.until = "2026-11-05";
  BOOST_TEST(Report("commercial.toml", days)["summary"]["assets"] == 8);
  ReportOptions by_dataset;
  by_dataset.dataset = "fashion-mnist";
  BOOST_TEST(Report("commercial.toml", by_dataset)["summary"]["assets"] == 11);

  // Art. 50: the two assets without recorded marks lack the IPTC label.
  json art50 = Report("eu-ai-act-art50.toml");
  BOOST_TEST(art50["policy_results"]["assets_denied"] == 3);  // 2 unmarked + unknown licence
  bool marking = false;
  for (const auto& v : art50["policy_results"]["violations"]) {
    if (v["rule"] == "art50-machine-readable-marking") {
      marking = true;
      BOOST_TEST(v["assets"] == 2);
      BOOST_TEST(v["examples"] == json(demo.unmarked_assets));
    }
  }
  BOOST_TEST(marking);
}

BOOST_FIXTURE_TEST_CASE(report_is_deterministic_and_pinned_to_its_checkpoint, Fixture) {
  json first = Report("commercial.toml");
  std::string a = Must(RenderReport("json", first, Sign(first)));
  std::string b =
      Must(RenderReport("json", Report("commercial.toml"), Sign(Report("commercial.toml"))));
  BOOST_TEST(a == b);
  std::string html_a = Must(RenderReport("html", first, Sign(first)));
  BOOST_TEST(html_a == Must(RenderReport("html", first, Sign(first))));

  // The ledger grows; a report at the old size is still byte-identical.
  uint64_t size = first["ledger"]["checkpoint_size"];
  Must(store->AppendAssets(
      {testing::DemoAsset(demo.model_ok, 99, testing::kAllMarks, "2026-11-07")}));
  ReportOptions at;
  at.at_size = size;
  json again = Report("commercial.toml", at);
  BOOST_TEST(Must(RenderReport("json", again, Sign(again))) == a);
  BOOST_TEST(Report("commercial.toml")["summary"]["assets"] == 13);
  ReportOptions missing;
  missing.at_size = 1000000;  // no checkpoint has this size
  BOOST_TEST(
      !BuildComplianceReport(Must(LoadPolicy(PolicyPath("commercial.toml"))), *store, missing)
           .ok());
}

BOOST_FIXTURE_TEST_CASE(every_format_verifies_and_tampering_fails, Fixture) {
  json r = Report("research.toml");
  SignedReport s = Sign(r);
  for (const char* format : {"json", "html", "md", "csv"}) {
    std::string file = Must(RenderReport(format, r, s));
    ReportVerification ok = Must(VerifyReportFile(file, &key));
    BOOST_TEST(ok.ok, format << ": " << ok.problem);
    BOOST_TEST(ok.sha256 == s.sha256);
    // The key recorded in the report also works, flagged as such.
    ReportVerification self = Must(VerifyReportFile(file, nullptr));
    BOOST_TEST(self.ok);
    BOOST_TEST(self.key_from_report);
  }
  // Change one count in the canonical JSON.
  std::string file = Must(RenderReport("json", r, s));
  std::string needle = "\"assets\":12";
  size_t at = file.find(needle);
  BOOST_TEST_REQUIRE(at != std::string::npos);
  std::string tampered = file;
  tampered.replace(at, needle.size(), "\"assets\":11");
  ReportVerification bad = Must(VerifyReportFile(tampered, &key));
  BOOST_TEST(!bad.ok);
  BOOST_TEST(bad.problem.find("altered") != std::string::npos, bad.problem);

  // A re-signed report under another key fails against the ledger's key.
  auto other = Must(CheckpointSigner::Generate(origin + kReportKeySuffix));
  std::string forged = Must(RenderReport("md", r, Must(SignReport(r, other))));
  BOOST_TEST(!Must(VerifyReportFile(forged, &key)).ok);

  // Not a report at all: an error, not a verdict.
  BOOST_TEST(!VerifyReportFile("<html></html>", &key).ok());
}

BOOST_FIXTURE_TEST_CASE(a_wrong_typed_field_is_bad_input_naming_the_field, Fixture) {
  json r = Report("research.toml");
  SignedReport s = Sign(r);
  const std::string size = std::to_string(r["ledger"]["checkpoint_size"].get<uint64_t>());
  const std::string needle = "\"checkpoint_size\":" + size;

  // A JSON report names the field as its file spells it, under "report".
  std::string file = Must(RenderReport("json", r, s));
  BOOST_TEST_REQUIRE(file.find(needle) != std::string::npos);
  file.replace(file.find(needle), needle.size(), "\"checkpoint_size\":\"" + size + "\"");
  Result<ReportVerification> v = VerifyReportFile(file, &key);
  BOOST_TEST(v.status().code() == StatusCode::kBadInput);
  BOOST_TEST(v.status().message() ==
             "field 'report/ledger/checkpoint_size' must be a non-negative integer");

  // The wrapper's own fields too.
  json wrapper = json::parse(Must(RenderReport("json", r, s)));
  wrapper["signature"] = 7;
  v = VerifyReportFile(wrapper.dump(), &key);
  BOOST_TEST(v.status().code() == StatusCode::kBadInput);
  BOOST_TEST(v.status().message() == "field 'signature' must be a string");

  // A text report carries the canonical JSON itself: fields are named within it. A report
  // whose "ledger" is no object names "ledger".
  json broken = r;
  broken["ledger"] = "gone";
  v = VerifyReportFile("# Report\n\n" + ReportSignatureBlock(Sign(broken)), nullptr);
  BOOST_TEST(v.status().code() == StatusCode::kBadInput);
  BOOST_TEST(v.status().message() == "field 'ledger' must be an object");
}

BOOST_FIXTURE_TEST_CASE(cli_report_policy_check_and_verify, Fixture) {
  using hallmark::testing::RunHallmark;
  std::string h = home.path();
  std::string out = h + "/report.html";
  auto r = RunHallmark({"--home", h, "audit", "report", "--policy", PolicyPath("commercial.toml"),
                        "--format", "html", "--out", out});
  BOOST_TEST(r.exit_code == 0, r.err);
  std::string html = Slurp(out);
  BOOST_TEST(html.find("<svg") != std::string::npos);
  BOOST_TEST(html.find("<script") == std::string::npos);
  BOOST_TEST(html.find("http://") == html.find("http://www.w3.org/2000/svg"));
  auto v = RunHallmark({"--home", h, "audit", "verify-report", out});
  BOOST_TEST(v.exit_code == 0, v.out << v.err);
  // Two runs, same bytes.
  std::string out2 = h + "/report2.json", out3 = h + "/report3.json";
  for (const std::string& o : {out2, out3}) {
    auto j = RunHallmark({"--home", h, "audit", "report", "--policy", PolicyPath("commercial.toml"),
                          "--format", "json", "--out", o});
    BOOST_TEST(j.exit_code == 0, j.err);
  }
  BOOST_TEST(Slurp(out2) == Slurp(out3));
  std::string tampered = Slurp(out2);
  tampered.replace(tampered.find("flickr-nc"), 9, "flickr-xx");
  std::ofstream(h + "/tampered.json", std::ios::binary) << tampered;
  auto t = RunHallmark({"--home", h, "audit", "verify-report", h + "/tampered.json"});
  BOOST_TEST(t.exit_code == 1, t.out << t.err);

  // policy check: 0 allowed, 1 denied (with the reason), 3 bad input.
  auto ok = RunHallmark({"--home", h, "policy", "check", "--policy", PolicyPath("commercial.toml"),
                         "--model", demo.model_ok});
  BOOST_TEST(ok.exit_code == 0, ok.out << ok.err);
  auto denied = RunHallmark({"--home", h, "--json", "policy", "check", "--policy",
                             PolicyPath("commercial.toml"), "--asset", demo.nc_assets[0]});
  BOOST_TEST(denied.exit_code == 1, denied.out << denied.err);
  json dj = json::parse(denied.out);
  BOOST_TEST(dj["decision"] == "deny");
  BOOST_TEST(dj["denials"][0]["rule"] == "no-non-commercial");
  std::string bad_policy = h + "/bad.toml";
  std::ofstream(bad_policy)
      << "schema = 1\nname = \"x\"\nlicences = \"" << PolicyPath("licences.toml")
      << "\"\n[[rule]]\nid = \"r\"\nkind = \"allow-licence\"\nlicence = [\"MIT\"]\n";
  auto bad = RunHallmark(
      {"--home", h, "policy", "check", "--policy", bad_policy, "--dataset", "studio-photos"});
  BOOST_TEST(bad.exit_code == 3);
  BOOST_TEST(bad.err == "hallmark: " + bad_policy +
                            ":7: [[rule]]: unknown key 'licence' "
                            "(expected one of: id, kind, licences, property, marks, fields, "
                            "description, fix)\n");
  // A delivered file is found by its SHA-256 (demo-0's content hash is that of "content 0").
  std::ofstream(h + "/demo-0.png", std::ios::binary) << "content 0";
  auto by_file = RunHallmark({"--home", h, "policy", "check", "--policy",
                              PolicyPath("eu-ai-act-art50.toml"), h + "/demo-0.png"});
  BOOST_TEST(by_file.exit_code == 0, by_file.out << by_file.err);
  BOOST_TEST(by_file.out.find("ALLOWED asset:demo-0 ") == 0u, by_file.out);
  std::ofstream(h + "/stranger.png", std::ios::binary) << "not an asset";
  auto stranger = RunHallmark({"--home", h, "policy", "check", "--policy",
                               PolicyPath("eu-ai-act-art50.toml"), h + "/stranger.png"});
  BOOST_TEST(stranger.exit_code == 3);
  BOOST_TEST(stranger.err.find("no asset in the ledger has this file's SHA-256") !=
             std::string::npos);
  auto unknown = RunHallmark({"--home", h, "policy", "check", "--policy",
                              PolicyPath("research.toml"), "--dataset", "nope"});
  BOOST_TEST(unknown.exit_code == 3);
}

}  // namespace
}  // namespace hallmark::audit
