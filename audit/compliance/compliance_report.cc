#include "audit/compliance/compliance_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "audit/compliance/asset_marks.h"
#include "audit/compliance/policy_engine.h"
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

// --- what the report is about --------------------------------------------------------------

// The records the checkpoint covers, narrowed to the report's --model and --dataset.
struct Scope {
  StoredCheckpoint checkpoint;
  std::optional<CheckpointVerifier> log_key;
  std::map<std::string, DatasetRecord> datasets;  // every covered dataset, by id
  std::string dataset_filter;                     // the id --dataset names; empty: none given
  std::map<std::string, ModelInfo> models;        // covered models in scope, by id
  std::vector<RevocationRecord> revocations;      // covered revocations
  std::string as_of;                              // the latest time among covered records

  uint64_t size() const { return checkpoint.size; }
  bool Covers(uint64_t log_index) const { return log_index < checkpoint.size; }
  void Saw(const std::string& t) {
    if (t > as_of) as_of = t;
  }
};

Status LoadCoveredDatasets(LedgerStore& store, Scope& scope) {
  HM_ASSIGN_OR_RETURN(std::vector<DatasetRecord> all_datasets, store.ListDatasets());
  for (auto& d : all_datasets) {
    if (!scope.Covers(d.log_index)) continue;
    scope.Saw(d.recorded_at);
    scope.datasets[d.id] = std::move(d);
  }
  return Status::Ok();
}

// --dataset may give an id or a name.
Status ResolveDatasetFilter(const ReportOptions& o, Scope& scope) {
  if (o.dataset.empty()) return Status::Ok();
  for (const auto& [id, d] : scope.datasets) {
    if (id == o.dataset || d.name == o.dataset) scope.dataset_filter = id;
  }
  if (scope.dataset_filter.empty()) {
    return Status::NotFound("dataset '" + o.dataset + "' is not in the ledger at size " +
                            std::to_string(scope.size()));
  }
  return Status::Ok();
}

// Every covered model counts towards as_of, even one outside --model/--dataset.
Status LoadModelsInScope(LedgerStore& store, const ReportOptions& o, Scope& scope) {
  HM_ASSIGN_OR_RETURN(std::vector<ModelRecord> all_models, store.ListModels());
  for (auto& m : all_models) {
    if (!scope.Covers(m.log_index)) continue;
    scope.Saw(m.recorded_at);
    if (!o.model.empty() && m.id != o.model) continue;
    if (!scope.dataset_filter.empty() && std::find(m.dataset_ids.begin(), m.dataset_ids.end(),
                                                   scope.dataset_filter) == m.dataset_ids.end()) {
      continue;
    }
    scope.models[m.id].record = std::move(m);
  }
  if (!o.model.empty() && scope.models.empty()) {
    return Status::NotFound(
        "model '" + o.model + "' is not in the ledger at size " + std::to_string(scope.size()) +
        (scope.dataset_filter.empty() ? "" : " or not trained on that dataset"));
  }
  return Status::Ok();
}

Status LoadCoveredRevocations(LedgerStore& store, Scope& scope) {
  HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> all_revocations, store.ListRevocations());
  for (auto& r : all_revocations) {
    if (scope.Covers(r.log_index)) scope.revocations.push_back(std::move(r));
  }
  return Status::Ok();
}

Result<Scope> LoadScope(LedgerStore& store, const ReportOptions& o) {
  Scope scope;
  HM_ASSIGN_OR_RETURN(scope.checkpoint, PickCheckpoint(store, o.at_size));
  HM_ASSIGN_OR_RETURN(scope.log_key, store.LogVerifier());
  HM_RETURN_IF_ERROR(LoadCoveredDatasets(store, scope));
  HM_RETURN_IF_ERROR(ResolveDatasetFilter(o, scope));
  HM_RETURN_IF_ERROR(LoadModelsInScope(store, o, scope));
  HM_RETURN_IF_ERROR(LoadCoveredRevocations(store, scope));
  return scope;
}

// --- assets: one pass in log order ---------------------------------------------------------

struct AssetTally {
  uint64_t assets = 0;
  uint64_t marks_recorded = 0, manifest = 0, watermark = 0, iptc = 0, tc260 = 0, all_three = 0;
  std::map<std::string, uint64_t> by_day, by_signer;
  std::map<std::string, Violation> violations;  // keyed by rule + reason without the id
};

void CountMarks(const AssetMarks& mk, AssetTally& tally) {
  tally.marks_recorded += mk.recorded;
  tally.manifest += mk.manifest;
  tally.watermark += mk.watermark;
  tally.iptc += mk.iptc;
  tally.tc260 += mk.tc260;
  tally.all_three += mk.manifest && mk.watermark && mk.iptc;
}

// Folds one asset's finding into the row for its kind of problem.
void AddAssetFinding(const AssetRecord& a, const PolicyFinding& f, size_t max_examples,
                     AssetTally& tally) {
  // "asset <id> lacks iptc (...)" -> "lacks iptc (...)": one row per kind of problem.
  std::string prefix = "asset " + a.id + " ";
  std::string what =
      f.reason.compare(0, prefix.size(), prefix) == 0 ? f.reason.substr(prefix.size()) : f.reason;
  Violation& v = tally.violations[f.rule + "\n" + what];
  if (v.assets == 0) {
    v.finding = f;
    v.finding.subject = "assets";
    v.finding.reason = "assets " + what;
  }
  ++v.assets;
  v.models.insert(a.model_id);
  if (v.examples.size() < max_examples) v.examples.push_back(a.id);
}

// Counts the assets of the models in scope within --since/--until, and their marks and
// findings. Every covered asset counts towards as_of, even one outside the scope.
Result<AssetTally> TallyAssets(const Policy& policy, LedgerStore& store, const ReportOptions& o,
                               Scope& scope) {
  AssetTally tally;
  std::string asset_max_time;
  HM_RETURN_IF_ERROR(store.ForEachAsset([&](const AssetRecord& a) {
    if (!scope.Covers(a.log_index)) return Status::Ok();
    if (a.created_at > asset_max_time) asset_max_time = a.created_at;
    auto m = scope.models.find(a.model_id);
    if (m == scope.models.end() || !InDays(a.created_at, o)) return Status::Ok();
    ++tally.assets;
    ++m->second.assets;
    ++tally.by_day[a.created_at.substr(0, 10)];
    ++tally.by_signer[a.signer_key_id.empty() ? "(unsigned)" : a.signer_key_id];
    AssetMarks mk = MarksOf(a);
    CountMarks(mk, tally);
    std::vector<PolicyFinding> findings = AssetFindings(policy, a, mk, scope.revocations);
    m->second.assets_with_findings += !findings.empty();
    for (const PolicyFinding& f : findings) AddAssetFinding(a, f, o.max_examples, tally);
    return Status::Ok();
  }));
  scope.Saw(asset_max_time);
  return tally;
}

// --- decisions -----------------------------------------------------------------------------

struct ModelDecisions {
  std::set<std::string> scoped_datasets;  // the datasets the report judges
  std::set<std::string> credit_lines;
  std::map<std::string, Violation> licence_violations;  // keyed by rule, subject and reason
  json choices = json::array();
};

// Decides each model once (its assets inherit the decision) and collects what the decisions
// say. Without --model and --dataset, every covered dataset is in scope, used or not.
ModelDecisions DecideModels(const Policy& policy, const ReportOptions& o, const std::string& today,
                            Scope& scope) {
  ModelDecisions out;
  for (auto& [id, info] : scope.models) {
    std::vector<DatasetRecord> ds;
    for (const std::string& d : info.record.dataset_ids) {
      auto it = scope.datasets.find(d);
      if (it != scope.datasets.end()) ds.push_back(it->second);
      out.scoped_datasets.insert(d);
    }
    info.decision = EvaluateModelRecord(policy, info.record, ds, today);
    for (const auto& l : info.decision.credit_lines) out.credit_lines.insert(l);
    for (const auto& c : info.decision.choices) {
      out.choices.push_back({{"model", id},
                             {"dataset", c.dataset},
                             {"expression", c.expression},
                             {"chosen", c.chosen}});
    }
    for (const PolicyFinding& f : info.decision.denials) {
      Violation& v = out.licence_violations[f.rule + "\n" + f.subject + "\n" + f.reason];
      v.finding = f;
      v.models.insert(id);
      v.assets += info.assets;
    }
  }
  if (o.model.empty() && scope.dataset_filter.empty()) {
    for (const auto& [id, d] : scope.datasets) out.scoped_datasets.insert(id);
  }
  return out;
}

// --- report sections -----------------------------------------------------------------------

json ScopeJson(const ReportOptions& o, const std::string& today) {
  return {{"since", o.since},
          {"until", o.until},
          {"model", o.model},
          {"dataset", o.dataset},
          {"exceptions_judged_on", today}};
}

json LedgerJson(const Scope& scope) {
  const StoredCheckpoint& cp = scope.checkpoint;
  std::string root_hex = HexEncode(ByteView(cp.root.data(), cp.root.size()));
  return {{"checkpoint_size", cp.size},
          {"checkpoint_root", root_hex},
          {"checkpoint_note", cp.note},
          {"log_key", scope.log_key ? scope.log_key->VerifierKey() : ""},
          {"origin", scope.log_key ? scope.log_key->name() : ""},
          {"latest_record_at", scope.as_of}};
}

json PolicyJson(const Policy& policy) {
  json rules = json::array();
  for (const PolicyRule& r : policy.rules) {
    rules.push_back({{"id", r.id}, {"kind", RuleKindName(r.kind)}, {"description", r.description}});
  }
  json exceptions = json::array();
  for (const PolicyException& e : policy.exceptions) {
    exceptions.push_back({{"dataset", e.dataset}, {"reason", e.reason}, {"expires", e.expires}});
  }
  return {{"name", policy.name},
          {"version", policy.version},
          {"purpose", policy.purpose},
          {"description", policy.description},
          {"file", std::filesystem::path(policy.file).filename().string()},
          {"sha256", policy.sha256},
          {"licences_sha256", policy.licences.sha256()},
          {"rules", rules},
          {"exceptions", exceptions}};
}

// A model's assets count under every dataset it was trained on.
std::map<std::string, uint64_t> AssetsPerDataset(const Scope& scope) {
  std::map<std::string, uint64_t> out;
  for (const auto& [id, info] : scope.models) {
    for (const std::string& d : info.record.dataset_ids) out[d] += info.assets;
  }
  return out;
}

json ModelRows(const Scope& scope) {
  json by_model = json::array();
  for (const auto& [id, info] : scope.models) {
    json names = json::array();
    for (const std::string& d : info.record.dataset_ids) {
      auto it = scope.datasets.find(d);
      names.push_back(it == scope.datasets.end() ? d : it->second.name);
    }
    by_model.push_back({{"model", id},
                        {"architecture", info.record.architecture},
                        {"datasets", names},
                        {"assets", info.assets},
                        {"decision", info.decision.allowed ? "allow" : "deny"}});
  }
  return by_model;
}

uint64_t CountAllowedModels(const Scope& scope) {
  uint64_t allowed = 0;
  for (const auto& [id, info] : scope.models) allowed += info.decision.allowed;
  return allowed;
}

// An asset is allowed when its model is and no asset rule denies it.
uint64_t CountAllowedAssets(const Scope& scope) {
  uint64_t allowed = 0;
  for (const auto& [id, info] : scope.models) {
    if (info.decision.allowed) allowed += info.assets - info.assets_with_findings;
  }
  return allowed;
}

// The datasets in scope, each judged on its own, and the same counted per licence.
struct DatasetTables {
  json rows = json::array();  // sorted by name, then id
  json by_licence = json::array();
  uint64_t allowed = 0;
};

DatasetTables BuildDatasetTables(const Policy& policy, const Scope& scope,
                                 const std::set<std::string>& scoped_datasets,
                                 const std::string& today) {
  DatasetTables out;
  std::map<std::string, uint64_t> assets_per_dataset = AssetsPerDataset(scope);
  std::map<std::string, std::pair<uint64_t, uint64_t>> by_licence;  // datasets, assets
  for (const std::string& id : scoped_datasets) {
    auto it = scope.datasets.find(id);
    if (it == scope.datasets.end()) continue;
    const DatasetRecord& d = it->second;
    PolicyDecision dd = EvaluateDatasetRecord(policy, d, today);
    out.allowed += dd.allowed;
    out.rows.push_back({{"id", id},
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
  std::sort(out.rows.begin(), out.rows.end(), [](const json& a, const json& b) {
    return std::make_pair(a["name"].get<std::string>(), a["id"].get<std::string>()) <
           std::make_pair(b["name"].get<std::string>(), b["id"].get<std::string>());
  });
  for (const auto& [licence, n] : by_licence) {
    out.by_licence.push_back({{"licence", licence}, {"datasets", n.first}, {"assets", n.second}});
  }
  return out;
}

json SignerRows(const std::map<std::string, uint64_t>& by_signer,
                const std::vector<RevocationRecord>& revocations) {
  std::set<std::string> revoked;
  for (const auto& r : revocations) revoked.insert(r.key_id);
  json signers = json::array();
  for (const auto& [key, n] : by_signer) {
    signers.push_back({{"signer", key}, {"assets", n}, {"revoked", revoked.count(key) > 0}});
  }
  return signers;
}

json DayRows(const std::map<std::string, uint64_t>& by_day) {
  json days = json::array();
  for (const auto& [day, n] : by_day) days.push_back({{"day", day}, {"assets", n}});
  return days;
}

json SummaryJson(const Scope& scope, const AssetTally& tally, const DatasetTables& datasets) {
  return {{"assets", tally.assets},
          {"models", scope.models.size()},
          {"datasets", datasets.rows.size()},
          {"by_model", ModelRows(scope)},
          {"by_dataset", datasets.rows},
          {"by_licence", datasets.by_licence},
          {"by_signer", SignerRows(tally.by_signer, scope.revocations)},
          {"by_day", DayRows(tally.by_day)}};
}

json MarkingJson(const AssetTally& tally) {
  return {{"assets", tally.assets},
          {"manifest", tally.manifest},
          {"watermark", tally.watermark},
          {"iptc", tally.iptc},
          {"tc260", tally.tc260},
          {"manifest_watermark_iptc", tally.all_three},
          {"missing_any", tally.assets - tally.all_three},
          {"marks_recorded", tally.marks_recorded}};
}

json ViolationRow(const Violation& v, json examples) {
  json row = FindingJson(v.finding);
  row["models"] = json(std::vector<std::string>(v.models.begin(), v.models.end()));
  row["assets"] = v.assets;
  row["examples"] = std::move(examples);
  return row;
}

// Licence problems (per dataset, with the models and assets they reach), then asset problems
// (per kind, with example ids).
json ViolationRows(const std::map<std::string, Violation>& licence_violations,
                   const std::map<std::string, Violation>& asset_violations) {
  json violations = json::array();
  for (const auto& [key, v] : licence_violations) {
    violations.push_back(ViolationRow(v, json::array()));
  }
  for (const auto& [key, v] : asset_violations) violations.push_back(ViolationRow(v, v.examples));
  return violations;
}

json PolicyResultsJson(const Scope& scope, const AssetTally& tally, const ModelDecisions& decisions,
                       const DatasetTables& datasets) {
  const uint64_t assets_allowed = CountAllowedAssets(scope);
  const uint64_t models_allowed = CountAllowedModels(scope);
  const uint64_t datasets_in_scope = datasets.rows.size();
  return {{"assets_allowed", assets_allowed},
          {"assets_denied", tally.assets - assets_allowed},
          {"models_allowed", models_allowed},
          {"models_denied", scope.models.size() - models_allowed},
          {"datasets_allowed", datasets.allowed},
          {"datasets_denied", datasets_in_scope - datasets.allowed},
          {"verdict", tally.assets == assets_allowed && models_allowed == scope.models.size() &&
                              datasets.allowed == datasets_in_scope
                          ? "pass"
                          : "fail"},
          {"violations", ViolationRows(decisions.licence_violations, tally.violations)},
          {"choices", decisions.choices}};
}

json NotesJson() {
  return json::array(
      {"Licence flags are conservative engineering facts, not legal advice: Creative Commons "
       "notes that following BY/SA/NC/ND for training is likely to lead to overcompliance.",
       "Assets are counted under every licence of every dataset their model was trained on.",
       "Marks come from what the generate step recorded; records without them count only the "
       "manifest hash and the watermark payload they carry."});
}

}  // namespace

std::string CanonicalJson(const json& report) {
  return report.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<json> BuildComplianceReport(const Policy& policy, LedgerStore& store,
                                   const ReportOptions& o) {
  HM_ASSIGN_OR_RETURN(Scope scope, LoadScope(store, o));
  HM_ASSIGN_OR_RETURN(AssetTally tally, TallyAssets(policy, store, o, scope));
  std::string today = !o.today.empty() ? o.today : scope.as_of.substr(0, 10);
  ModelDecisions decisions = DecideModels(policy, o, today, scope);
  DatasetTables datasets = BuildDatasetTables(policy, scope, decisions.scoped_datasets, today);

  json report;
  report["format"] = kReportFormat;
  report["tool"] = o.tool;
  report["scope"] = ScopeJson(o, today);
  report["ledger"] = LedgerJson(scope);
  report["policy"] = PolicyJson(policy);
  report["summary"] = SummaryJson(scope, tally, datasets);
  report["marking"] = MarkingJson(tally);
  report["policy_results"] = PolicyResultsJson(scope, tally, decisions, datasets);
  report["attribution"] =
      json(std::vector<std::string>(decisions.credit_lines.begin(), decisions.credit_lines.end()));
  report["notes"] = NotesJson();
  return report;
}

}  // namespace hallmark::audit
