// The licence policy engine: expression obligations, propagation from datasets to models to
// assets, every shipped policy on the demo ledger, and how decisions explain themselves.
#define BOOST_TEST_MODULE policy_engine
#include <boost/test/unit_test.hpp>

#include "audit/compliance/policy.h"
#include "audit/compliance/policy_engine.h"
#include "audit/ledger/ledger_store.h"
#include "tests/audit/compliance_demo.h"
#include "tests/audit/ledger_test_util.h"

namespace hallmark::audit {
namespace {

using testing::BuildDemoLedger;
using testing::Must;
using testing::PolicyPath;

const LicenceTable& Licences() {
  static LicenceTable table = Must(LicenceTable::Load(PolicyPath("licences.toml")));
  return table;
}

Obligations Of(const std::string& expr) {
  return Licences().ObligationsOf(Must(ParseSpdxExpression(expr)));
}

Policy PolicyFrom(const std::string& rules) {
  return Must(
      ParsePolicy("schema = 1\nname = \"t\"\nlicences = \"x\"\n" + rules, "t.toml", Licences()));
}

DatasetRecord Dataset(const std::string& licence, const std::string& attribution = "Someone") {
  DatasetRecord d;
  d.id = "ds1";
  d.name = "photos";
  d.licence = licence;
  d.attribution = attribution;
  return d;
}

bool HasRule(const std::vector<PolicyFinding>& findings, const std::string& rule) {
  for (const auto& f : findings) {
    if (f.rule == rule) return true;
  }
  return false;
}

BOOST_AUTO_TEST_CASE(expression_obligations) {
  Obligations mit = Of("MIT");
  BOOST_TEST(mit.commercial_ok);
  BOOST_TEST(mit.attribution_required);
  BOOST_TEST(!mit.share_alike);

  Obligations both = Of("MIT AND CC-BY-NC-SA-4.0");
  BOOST_TEST(!both.commercial_ok);
  BOOST_TEST(both.share_alike);
  BOOST_TEST(both.licences == (std::vector<std::string>{"CC-BY-NC-SA-4.0", "MIT"}));

  // OR takes the least burdensome branch: CC0 has no conditions at all.
  Obligations either = Of("CC-BY-NC-4.0 OR CC0-1.0");
  BOOST_TEST(either.commercial_ok);
  BOOST_TEST(!either.attribution_required);
  BOOST_TEST(either.licences == std::vector<std::string>{"CC0-1.0"});

  BOOST_TEST(Of("GPL-2.0-only WITH Classpath-exception-2.0").share_alike);
  BOOST_TEST(!Of("GPL-2.0-only WITH Classpath-exception-2.0").unknown);
  // A listed SPDX exception that nobody reviewed makes the leaf unknown.
  BOOST_TEST(Of("GPL-2.0-only WITH Autoconf-exception-2.0").unknown);
  BOOST_TEST(Of("NOASSERTION").unknown);
  BOOST_TEST(Of("NONE").unknown);
  BOOST_TEST(Of("LicenseRef-Unreviewed").unknown);
  BOOST_TEST(!Of("LicenseRef-OpenRAIL-M").unknown);
  BOOST_TEST(Of("(MIT OR Apache-2.0) AND CC-BY-ND-4.0").derivatives_ok == false);
  BOOST_TEST(Of("0BSD").unknown);  // on the SPDX list, not reviewed: unknown, denied
}

BOOST_AUTO_TEST_CASE(invalid_expression_is_denied_with_the_parse_error) {
  Policy p = Must(LoadPolicy(PolicyPath("commercial.toml")));
  PolicyDecision d = EvaluateDatasetRecord(p, Dataset("MIT ANDD Apache-2.0"), "2026-11-24");
  BOOST_TEST(!d.allowed);
  BOOST_TEST_REQUIRE(!d.denials.empty());
  BOOST_TEST(d.denials[0].rule == "no-unknown-licence");
  BOOST_TEST(d.denials[0].reason.find("column") != std::string::npos, d.denials[0].reason);
}

BOOST_AUTO_TEST_CASE(nc_dataset_fails_commercial_policy_with_explanation) {
  testing::TempHome home;
  auto store = Must(OpenLedger(testing::Options(home)));
  auto demo = BuildDemoLedger(*store);
  Policy commercial = Must(LoadPolicy(PolicyPath("commercial.toml")));

  PolicyDecision model = Must(EvaluateModel(commercial, demo.model_nc, *store));
  BOOST_TEST(!model.allowed);
  BOOST_TEST_REQUIRE(model.denials.size() == 1u);
  const PolicyFinding& f = model.denials[0];
  BOOST_TEST(f.rule == "no-non-commercial");
  BOOST_TEST(f.dataset == "flickr-nc");
  BOOST_TEST(f.licence == "CC-BY-NC-4.0");
  BOOST_TEST(f.subject == "dataset:" + demo.flickr_nc);
  BOOST_TEST(f.reason.find("does not permit commercial use") != std::string::npos);
  BOOST_TEST(!f.fix.empty());
  BOOST_TEST(model.Explain().find("DENIED model:") == 0u);

  // The asset inherits its model's decision.
  PolicyDecision asset = Must(EvaluateAsset(commercial, demo.nc_assets[0], *store));
  BOOST_TEST(!asset.allowed);
  BOOST_TEST(HasRule(asset.denials, "no-non-commercial"));

  // The decisions are in the ledger with the policy file's SHA-256.
  auto evals = Must(store->ListPolicyEvaluations());
  BOOST_TEST_REQUIRE(evals.size() == 2u);
  BOOST_TEST(evals[0].policy_sha256 == commercial.sha256);
  BOOST_TEST(evals[0].policy_sha256.size() == 64u);
  BOOST_TEST(evals[0].subject == "model:" + demo.model_nc);
  BOOST_TEST(evals[1].subject == "asset:" + demo.nc_assets[0]);
  BOOST_TEST(nlohmann::json::parse(evals[0].decision_json)["decision"] == "deny");
}

BOOST_AUTO_TEST_CASE(or_branch_choice_is_recorded) {
  testing::TempHome home;
  auto store = Must(OpenLedger(testing::Options(home)));
  auto demo = BuildDemoLedger(*store);
  Policy commercial = Must(LoadPolicy(PolicyPath("commercial.toml")));
  PolicyDecision d = Must(EvaluateModel(commercial, demo.model_ok, *store));
  BOOST_TEST(d.allowed, d.Explain());
  BOOST_TEST_REQUIRE(d.choices.size() == 1u);
  BOOST_TEST(d.choices[0].dataset == "dual-licensed");
  BOOST_TEST(d.choices[0].expression == "CC-BY-NC-4.0 OR CC-BY-4.0");
  BOOST_TEST(d.choices[0].chosen == "CC-BY-4.0");
  BOOST_TEST(d.obligations.attribution_required);
  // Credit lines for MIT and CC-BY, none for CC0.
  BOOST_TEST(d.credit_lines.size() == 2u);
}

BOOST_AUTO_TEST_CASE(each_shipped_policy_on_demo_data) {
  testing::TempHome home;
  auto store = Must(OpenLedger(testing::Options(home)));
  auto demo = BuildDemoLedger(*store);
  EvaluateOptions opt;
  opt.record = false;
  auto allowed = [&](const std::string& file, const std::string& kind, const std::string& id) {
    Policy p = Must(LoadPolicy(PolicyPath(file)));
    if (kind == "model") return Must(EvaluateModel(p, id, *store, opt)).allowed;
    return Must(EvaluateAsset(p, id, *store, opt)).allowed;
  };
  BOOST_TEST(allowed("commercial.toml", "model", demo.model_ok));
  BOOST_TEST(!allowed("commercial.toml", "model", demo.model_nc));
  BOOST_TEST(!allowed("commercial.toml", "model", demo.model_unknown));
  BOOST_TEST(allowed("research.toml", "model", demo.model_ok));
  BOOST_TEST(allowed("research.toml", "model", demo.model_nc));
  BOOST_TEST(!allowed("research.toml", "model", demo.model_unknown));
  BOOST_TEST(allowed("eu-ai-act-art50.toml", "asset", demo.marked_assets[0]));
  BOOST_TEST(allowed("eu-ai-act-art50.toml", "asset", demo.nc_assets[0]));  // marking only
  BOOST_TEST(!allowed("eu-ai-act-art50.toml", "asset", demo.unmarked_assets[0]));
  BOOST_TEST(allowed("cn-gb45438.toml", "asset", demo.marked_assets[0]));
  BOOST_TEST(!allowed("cn-gb45438.toml", "asset", demo.unmarked_assets[0]));

  Policy art50 = Must(LoadPolicy(PolicyPath("eu-ai-act-art50.toml")));
  PolicyDecision d = Must(EvaluateAsset(art50, demo.unmarked_assets[0], *store, opt));
  BOOST_TEST_REQUIRE(d.denials.size() == 1u);
  BOOST_TEST(d.denials[0].rule == "art50-machine-readable-marking");
  // The fallback sees the manifest hash and the payload; the IPTC label is not proven.
  BOOST_TEST(d.denials[0].reason.find("lacks iptc (") != std::string::npos, d.denials[0].reason);
}

BOOST_AUTO_TEST_CASE(deny_beats_allow_and_default_is_deny) {
  Policy p = PolicyFrom(R"(
[[rule]]
id = "nc-ok"
kind = "allow-licence"
licences = ["CC-BY-NC-4.0", "MIT"]
[[rule]]
id = "no-nc"
kind = "deny-licence"
licences = ["cc-by-nc-4.0"]
)");
  PolicyDecision nc = EvaluateDatasetRecord(p, Dataset("CC-BY-NC-4.0"), "2026-11-24");
  BOOST_TEST(!nc.allowed);
  BOOST_TEST(HasRule(nc.denials, "no-nc"));
  BOOST_TEST(HasRule(nc.allows, "nc-ok"));  // the allow is reported, and loses
  BOOST_TEST(EvaluateDatasetRecord(p, Dataset("MIT"), "2026-11-24").allowed);
  PolicyDecision cc0 = EvaluateDatasetRecord(p, Dataset("CC0-1.0"), "2026-11-24");
  BOOST_TEST(!cc0.allowed);
  BOOST_TEST(HasRule(cc0.denials, "default-deny"));
  // "*" covers reviewed licences only: an unreviewed one is still denied by default.
  Policy star =
      PolicyFrom("[[rule]]\nid = \"any\"\nkind = \"allow-licence\"\nlicences = [\"*\"]\n");
  BOOST_TEST(EvaluateDatasetRecord(star, Dataset("CC0-1.0"), "2026-11-24").allowed);
  BOOST_TEST(!EvaluateDatasetRecord(star, Dataset("LicenseRef-Mine"), "2026-11-24").allowed);
}

BOOST_AUTO_TEST_CASE(attribution_rule_needs_a_credit_line) {
  Policy p = Must(LoadPolicy(PolicyPath("research.toml")));
  PolicyDecision d = EvaluateDatasetRecord(p, Dataset("CC-BY-4.0", ""), "2026-11-24");
  BOOST_TEST(!d.allowed);
  BOOST_TEST(HasRule(d.denials, "credit-lines"));
  BOOST_TEST(EvaluateDatasetRecord(p, Dataset("CC0-1.0", ""), "2026-11-24").allowed);
}

// An imported model's weights have a licence of their own, judged like a dataset's: a
// non-commercial one denies commercial use even when every dataset allows it.
BOOST_AUTO_TEST_CASE(imported_weights_licence_is_judged_like_a_dataset) {
  Policy commercial = Must(LoadPolicy(PolicyPath("commercial.toml")));
  ModelRecord model;
  model.id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  model.architecture = "torchscript";
  model.dataset_ids = {"ds1"};
  const std::vector<DatasetRecord> datasets = {Dataset("MIT")};

  model.hyperparameters_json = R"({"weights_licence": "CC-BY-NC-4.0"})";
  PolicyDecision nc = EvaluateModelRecord(commercial, model, datasets, "2026-12-06");
  BOOST_TEST(!nc.allowed);
  BOOST_REQUIRE(!nc.denials.empty());
  BOOST_TEST(nc.denials.front().dataset == "weights of model 0123456789abcdef");
  BOOST_TEST(nc.denials.front().licence == "CC-BY-NC-4.0");

  model.hyperparameters_json =
      R"({"weights_licence": "MIT", "weights_attribution": "Generator by Example Lab, MIT"})";
  PolicyDecision mit = EvaluateModelRecord(commercial, model, datasets, "2026-12-06");
  BOOST_TEST(mit.allowed);
  bool credited = false;
  for (const std::string& line : mit.credit_lines) {
    credited = credited || line.find("Generator by Example Lab") != std::string::npos;
  }
  BOOST_TEST(credited);

  // A trained model records no weights licence: only its datasets count, as before.
  model.hyperparameters_json = R"({"arch": "dcgan"})";
  BOOST_TEST(EvaluateModelRecord(commercial, model, datasets, "2026-12-06").allowed);
}

BOOST_AUTO_TEST_CASE(exception_expires_on_the_right_day) {
  Policy p = PolicyFrom(R"(
[[rule]]
id = "any"
kind = "allow-licence"
licences = ["*"]
[[rule]]
id = "no-nc"
kind = "deny-licence-property"
property = "non-commercial"
[[exception]]
dataset = "photos"
reason = "commercial licence, contract C-123"
expires = 2027-06-30
)");
  PolicyDecision last_day = EvaluateDatasetRecord(p, Dataset("CC-BY-NC-4.0"), "2027-06-30");
  BOOST_TEST(last_day.allowed);
  BOOST_TEST(HasRule(last_day.allows, "exception"));
  PolicyDecision after = EvaluateDatasetRecord(p, Dataset("CC-BY-NC-4.0"), "2027-07-01");
  BOOST_TEST(!after.allowed);
  BOOST_TEST(after.denials[0].reason.find("expired on 2027-06-30") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(revoked_signer_denies_later_assets) {
  Policy p = Must(LoadPolicy(PolicyPath("commercial.toml")));
  AssetRecord a;
  a.id = "a1";
  a.signer_key_id = "k1";
  a.created_at = "2026-11-10T00:00:00Z";
  RevocationRecord rev;
  rev.key_id = "k1";
  rev.reason = "key leaked";
  rev.revoked_at = "2026-11-09T00:00:00Z";
  BOOST_TEST(AssetFindings(p, a, MarksOf(a), {rev}).size() == 1u);
  rev.revoked_at = "2026-11-11T00:00:00Z";
  BOOST_TEST(AssetFindings(p, a, MarksOf(a), {rev}).empty());
}

Status ParseError(const std::string& text) {
  return ParsePolicy(text, "bad.toml", Licences()).status();
}

BOOST_AUTO_TEST_CASE(malformed_policies_name_file_and_line) {
  Status syntax = ParseError("schema = 1\nname = \"x\"\n[[rule]\nid = 1\n");
  BOOST_TEST((syntax.code() == StatusCode::kBadInput));
  BOOST_TEST(syntax.message().rfind("bad.toml:3:", 0) == 0u, syntax.message());

  Status typo = ParseError(
      "schema = 1\nname = \"x\"\n[[rule]]\nid = \"r\"\nkind = \"deny-licence-property\"\n"
      "propery = \"unknown\"\n");
  BOOST_TEST(typo.message().rfind("bad.toml:6: [[rule]]: unknown key 'propery'", 0) == 0u,
             typo.message());

  Status kind = ParseError("schema = 1\nname = \"x\"\n[[rule]]\nid = \"r\"\nkind = \"permit\"\n");
  BOOST_TEST(kind.message().find("'permit' is not a rule kind") != std::string::npos,
             kind.message());

  Status licence = ParseError(
      "schema = 1\nname = \"x\"\n[[rule]]\nid = \"r\"\nkind = \"allow-licence\"\n"
      "licences = [\"CC-BY-NC4.0\"]\n");
  BOOST_TEST(licence.message().rfind("bad.toml:6:", 0) == 0u, licence.message());

  BOOST_TEST(ParseError("schema = 2\nname = \"x\"\n").message().find("must be 1") !=
             std::string::npos);
  Status missing = LoadPolicy("/nonexistent/policy.toml").status();
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.message().find("/nonexistent/policy.toml") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(shipped_licence_table_covers_the_common_licences) {
  for (const char* id :
       {"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause", "CC0-1.0", "CC-BY-4.0", "CC-BY-SA-3.0",
        "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0", "ODbL-1.0", "ODC-By-1.0",
        "PDDL-1.0", "CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "GPL-3.0-only", "LGPL-3.0-only",
        "LicenseRef-OpenRAIL-M"}) {
    BOOST_TEST(Licences().Lookup(id).known, id);
  }
  BOOST_TEST(!Licences().Lookup("CC-BY-NC-4.0").commercial);
  BOOST_TEST(!Licences().Lookup("CC-BY-ND-4.0").derivatives);
}

}  // namespace
}  // namespace hallmark::audit
