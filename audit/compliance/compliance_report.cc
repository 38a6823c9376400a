#include "audit/compliance_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "audit/asset_marks.h"
#include "audit/policy_engine.h"
#include "base/hex.h"

namespace hallmark::audit {
namespace {

using nlohmann::json;

struct ModelInfo {
  ModelRecord record;
  PolicyDecision decision;
  uint64_t assets = 0;
  uint64_t assets_with_findings = 0;  // assets an asset rule denies
};

// One row of the violations table: a problem, how often it occurs and where.
struct Violation {
  PolicyFinding finding;
  std::set<std::string> models;
  uint64_t assets = 0;
  std::vector<std::string> examples;
};

bool InDays(const std::string& t, const ReportOptions& o) {
  if (!o.since.empty() && t < o.since) return false;
  if (!o.until.empty() && t.compare(0, o.until.size(), o.until) > 0) return false;
  return true;
}

Result<StoredCheckpoint> PickCheckpoint(LedgerStore& store, uint64_t at_size) {
  if (at_size == 0) {
    HM_ASSIGN_OR_RETURN(std::optional<StoredCheckpoint> cp, store.LatestCheckpoint());
    if (!cp) return Status::BadInput(store.path() + ": the ledger is empty: nothing to report");
    return *cp;
  }
  std::optional<StoredCheckpoint> found;
  HM_RETURN_IF_ERROR(store.ForEachCheckpoint([&](const StoredCheckpoint& cp) {
    if (cp.size == at_size) found = cp;
    return Status::Ok();
  }));
  if (!found) {
    return Status::NotFound(store.path() + ": no signed checkpoint of tree size " +
                            std::to_string(at_size));
  }
  return *found;
}

json FindingJson(const PolicyFinding& f) {
  return {{"rule", f.rule},       {"subject", f.subject}, {"dataset", f.dataset},
          {"licence", f.licence}, {"reason", f.reason},   {"fix", f.fix}};
}

}  // namespace

std::string CanonicalJson(const json& report) {
  return report.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<json> BuildComplianceReport(const Policy& policy, LedgerStore& store,
                                   const ReportOptions& o) {
  HM_ASSIGN_OR_RETURN(StoredCheckpoint cp, PickCheckpoint(store, o.at_size));
  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> log_key, store.LogVerifier());
  const uint64_t size = cp.size;
  auto covered = [size](uint64_t log_index) { return log_index < size; };
  std::string as_of;  // the latest time among covered records
  auto seen = [&as_of](const std::string& t) {
    if (t > as_of) as_of = t;
  };

  // Datasets and models the checkpoint covers.
  std::map<std::string, DatasetRecord> datasets;
  HM_ASSIGN_OR_RETURN(std::vector<DatasetRecord> all_datasets, store.ListDatasets());
  for (auto& d : all_datasets) {
    if (!covered(d.log_index)) continue;
    seen(d.recorded_at);
    datasets[d.id] = std::move(d);
  }
  std::string dataset_filter;
  if (!o.dataset.empty()) {
    for (const auto& [id, d] : datasets) {
      if (id == o.dataset || d.name == o.dataset) dataset_filter = id;
    }
    if (dataset_filter.empty()) {
      return Status::NotFound("dataset '" + o.dataset + "' is not in the ledger at size " +
                              std::to_string(size));
    }
  }
  std::map<std::string, ModelInfo> models;
  HM_ASSIGN_OR_RETURN(std::vector<ModelRecord> all_models, store.ListModels());
  for (auto& m : all_models) {
    if (!covered(m.log_index)) continue;
    seen(m.recorded_at);
    if (!o.model.empty() && m.id != o.model) continue;
    if (!dataset_filter.empty() && std::find(m.dataset_ids.begin(), m.dataset_ids.end(),
                                             dataset_filter) == m.dataset_ids.end()) {
      continue;
    }
    models[m.id].record = std::move(m);
  }
  if (!o.model.empty() && models.empty()) {
    return Status::NotFound("model '" + o.model + "' is not in the ledger at size " +
                            std::to_string(size) +
                            (dataset_filter.empty() ? "" : " or not trained on that dataset"));
  }
  std::vector<RevocationRecord> revocations;
  HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> all_revocations, store.ListRevocations());
  for (auto& r : all_revocations) {
    if (covered(r.log_index)) revocations.push_back(std::move(r));
  }

  // Assets: one pass in log order.
  uint64_t assets = 0;
  uint64_t marks_recorded = 0, manifest = 0, watermark = 0, iptc = 0, tc260 = 0, all_three = 0;
  std::map<std::string, uint64_t> by_day, by_signer;
  std::map<std::string, Violation> asset_violations;  // keyed by rule + reason without the id
  std::string asset_max_time;
  HM_RETURN_IF_ERROR(store.ForEachAsset([&](const AssetRecord& a) {
    if (!covered(a.log_index)) return Status::Ok();
    if (a.created_at > asset_max_time) asset_max_time = a.created_at;
    auto m = models.find(a.model_id);
    if (m == models.end() || !InDays(a.created_at, o)) return Status::Ok();
    ++assets;
    ++m->second.assets;
    ++by_day[a.created_at.substr(0, 10)];
    ++by_signer[a.signer_key_id.empty() ? "(unsigned)" : a.signer_key_id];
    AssetMarks mk = MarksOf(a);
    marks_recorded += mk.recorded;
    manifest += mk.manifest;
    watermark += mk.watermark;
    iptc += mk.iptc;
    tc260 += mk.tc260;
    all_three += mk.manifest && mk.watermark && mk.iptc;
    std::vector<PolicyFinding> findings = AssetFindings(policy, a, mk, revocations);
    m->second.assets_with_findings += !findings.empty();
    for (PolicyFinding& f : findings) {
      // "asset <id> lacks iptc (...)" -> "lacks iptc (...)": one row per kind of problem.
      std::string prefix = "asset " + a.id + " ";
      std::string what = f.reason.compare(0, prefix.size(), prefix) == 0
                             ? f.reason.substr(prefix.size())
                             : f.reason;
      Violation& v = asset_violations[f.rule + "\n" + what];
      if (v.assets == 0) {
        v.finding = f;
        v.finding.subject = "assets";
        v.finding.reason = "assets " + what;
      }
      ++v.assets;
      v.models.insert(a.model_id);
      if (v.examples.size() < o.max_examples) v.examples.push_back(a.id);
    }
    return Status::Ok();
  }));
  seen(asset_max_time);
  std::string today = !o.today.empty() ? o.today : as_of.substr(0, 10);

  // Decisions: each model once (its assets inherit it), each dataset in scope.
  std::set<std::string> scoped_datasets;
  std::set<std::string> credit_lines;
  std::map<std::string, Violation> licence_violations;
  json choices = json::array();
  for (auto& [id, info] : models) {
    std::vector<DatasetRecord> ds;
    for (const std::string& d : info.record.dataset_ids) {
      auto it = datasets.find(d);
      if (it != datasets.end()) ds.push_back(it->second);
      scoped_datasets.insert(d);
    }
    info.decision = EvaluateModelRecord(policy, info.record, ds, today);
    for (const auto& l : info.decision.credit_lines) credit_lines.insert(l);
    for (const auto& c : info.decision.choices) {
      choices.push_back({{"model", id},
                         {"dataset", c.dataset},
                         {"expression", c.expression},
                         {"chosen", c.chosen}});
    }
    for (const PolicyFinding& f : info.decision.denials) {
      Violation& v = licence_violations[f.rule + "\n" + f.subject + "\n" + f.reason];
      v.finding = f;
      v.models.insert(id);
      v.assets += info.assets;
    }
  }
  if (o.model.empty() && dataset_filter.empty()) {
    for (const auto& [id, d] : datasets) scoped_datasets.insert(id);
  }

  json report;
  report["format"] = kReportFormat;
  report["tool"] = o.tool;
  report["scope"] = {{"since", o.since},
                     {"until", o.until},
                     {"model", o.model},
                     {"dataset", o.dataset},
                     {"exceptions_judged_on", today}};
  std::string root_hex = HexEncode(ByteView(cp.root.data(), cp.root.size()));
  report["ledger"] = {{"checkpoint_size", size},
                      {"checkpoint_root", root_hex},
                      {"checkpoint_note", cp.note},
                      {"log_key", log_key ? log_key->VerifierKey() : ""},
                      {"origin", log_key ? log_key->name() : ""},
                      {"latest_record_at", as_of}};
  json rules = json::array();
  for (const PolicyRule& r : policy.rules) {
    rules.push_back({{"id", r.id}, {"kind", RuleKindName(r.kind)}, {"description", r.description}});
  }
  json exceptions = json::array();
  for (const PolicyException& e : policy.exceptions) {
    exceptions.push_back({{"dataset", e.dataset}, {"reason", e.reason}, {"expires", e.expires}});
  }
  report["policy"] = {{"name", policy.name},
                      {"version", policy.version},
                      {"purpose", policy.purpose},
                      {"description", policy.description},
                      {"file", std::filesystem::path(policy.file).filename().string()},
                      {"sha256", policy.sha256},
                      {"licences_sha256", policy.licences.sha256()},
                      {"rules", rules},
                      {"exceptions", exceptions}};

  // Summary tables.
  json by_model = json::array();
  std::map<std::string, uint64_t> assets_per_dataset;
  uint64_t assets_allowed = 0;
  uint64_t models_allowed = 0;
  for (const auto& [id, info] : models) {
    json names = json::array();
    for (const std::string& d : info.record.dataset_ids) {
      auto it = datasets.find(d);
      names.push_back(it == datasets.end() ? d : it->second.name);
      assets_per_dataset[d] += info.assets;
    }
    by_model.push_back({{"model", id},
                        {"architecture", info.record.architecture},
                        {"datasets", names},
                        {"assets", info.assets},
                        {"decision", info.decision.allowed ? "allow" : "deny"}});
    models_allowed += info.decision.allowed;
  }
  json by_dataset = json::array();
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_licence;  // datasets, assets
  uint64_t datasets_allowed = 0;
  for (const std::string& id : scoped_datasets) {
    auto it = datasets.find(id);
    if (it == datasets.end()) continue;
    const DatasetRecord& d = it->second;
    PolicyDecision dd = EvaluateDatasetRecord(policy, d, today);
    datasets_allowed += dd.allowed;
    by_dataset.push_back({{"id", id},
                          {"name", d.name},
                          {"licence", d.licence},
                          {"items", d.item_count},
                          {"attribution", d.attribution},
                          {"source", d.source},
                          {"assets", assets_per_dataset[id]},
                          {"decision", dd.allowed ? "allow" : "deny"}});
    auto& l = by_licence[d.licence.empty() ? "(none recorded)" : d.licence];
    ++l.first;
    l.second += assets_per_dataset[id];
  }
  std::sort(by_dataset.begin(), by_dataset.end(), [](const json& a, const json& b) {
    return std::make_pair(a["name"].get<std::string>(), a["id"].get<std::string>()) <
           std::make_pair(b["name"].get<std::string>(), b["id"].get<std::string>());
  });
  json licences = json::array();
  for (const auto& [licence, n] : by_licence) {
    licences.push_back({{"licence", licence}, {"datasets", n.first}, {"assets", n.second}});
  }
  std::set<std::string> revoked;
  for (const auto& r : revocations) revoked.insert(r.key_id);
  json signers = json::array();
  for (const auto& [key, n] : by_signer) {
    signers.push_back({{"signer", key}, {"assets", n}, {"revoked", revoked.count(key) > 0}});
  }
  json days = json::array();
  for (const auto& [day, n] : by_day) days.push_back({{"day", day}, {"assets", n}});
  report["summary"] = {{"assets", assets},
                       {"models", models.size()},
                       {"datasets", by_dataset.size()},
                       {"by_model", by_model},
                       {"by_dataset", by_dataset},
                       {"by_licence", licences},
                       {"by_signer", signers},
                       {"by_day", days}};
  report["marking"] = {{"assets", assets},
                       {"manifest", manifest},
                       {"watermark", watermark},
                       {"iptc", iptc},
                       {"tc260", tc260},
                       {"manifest_watermark_iptc", all_three},
                       {"missing_any", assets - all_three},
                       {"marks_recorded", marks_recorded}};

  // Violations: licence problems (per dataset, with the models and assets they reach), then
  // asset problems (per kind, with example ids).
  json violations = json::array();
  for (const auto& [key, v] : licence_violations) {
    json row = FindingJson(v.finding);
    row["models"] = json(std::vector<std::string>(v.models.begin(), v.models.end()));
    row["assets"] = v.assets;
    row["examples"] = json::array();
    violations.push_back(row);
  }
  for (const auto& [key, v] : asset_violations) {
    json row = FindingJson(v.finding);
    row["models"] = json(std::vector<std::string>(v.models.begin(), v.models.end()));
    row["assets"] = v.assets;
    row["examples"] = v.examples;
    violations.push_back(row);
  }
  // An asset is allowed when its model is and no asset rule denies it.
  for (const auto& [id, info] : models) {
    if (info.decision.allowed) assets_allowed += info.assets - info.assets_with_findings;
  }
  report["policy_results"] = {
      {"assets_allowed", assets_allowed},
      {"assets_denied", assets - assets_allowed},
      {"models_allowed", models_allowed},
      {"models_denied", models.size() - models_allowed},
      {"datasets_allowed", datasets_allowed},
      {"datasets_denied", by_dataset.size() - datasets_allowed},
      {"verdict", assets == assets_allowed && models_allowed == models.size() &&
                          datasets_allowed == by_dataset.size()
                      ? "pass"
                      : "fail"},
      {"violations", violations},
      {"choices", choices}};
  report["attribution"] = json(std::vector<std::string>(credit_lines.begin(), credit_lines.end()));
  report["notes"] = json::array(
      {"Licence flags are conservative engineering facts, not legal advice: Creative Commons "
       "notes that following BY/SA/NC/ND for training is likely to lead to overcompliance.",
       "Assets are counted under every licence of every dataset their model was trained on.",
       "Marks come from what the generate step recorded; records without them count only the "
       "manifest hash and the watermark payload they carry."});
  return report;
}

}  // namespace hallmark::audit
