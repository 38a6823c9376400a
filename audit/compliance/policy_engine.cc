#include "audit/compliance/policy_engine.h"

#include <algorithm>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "audit/compliance/spdx_expression.h"
#include "audit/ledger/no_generator_model.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "base/utc_time.h"

namespace hallmark::audit {
namespace {

// The result of evaluating one (sub)expression of a dataset's licence.
struct Evaluation {
  bool ok = false;
  std::vector<PolicyFinding> denies;
  std::vector<PolicyFinding> allows;
  std::vector<BranchChoice> choices;
  Obligations obligations;
};

void Append(std::vector<PolicyFinding>& to, const std::vector<PolicyFinding>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

std::string Quoted(const std::string& s) { return "'" + s + "'"; }

std::string RuleNote(const PolicyRule& r) {
  return "rule " + r.id + (r.description.empty() ? "" : " (" + r.description + ")");
}

bool PropertyHolds(const std::string& property, const LicenceTerms& t) {
  if (property == "unknown") return !t.known;
  if (!t.known) return false;
  if (property == "non-commercial") return !t.commercial;
  if (property == "no-derivatives") return !t.derivatives;
  if (property == "share-alike") return t.share_alike;
  if (property == "attribution") return t.attribution;
  return false;
}

std::string PropertyPhrase(const std::string& property) {
  if (property == "unknown") return "whose terms are unknown";
  if (property == "non-commercial") return "which does not permit commercial use";
  if (property == "no-derivatives") return "which does not permit sharing adaptations";
  if (property == "share-alike") return "which requires adaptations to be shared alike";
  if (property == "attribution") return "which requires attribution";
  return "";
}

class DatasetEvaluator {
 public:
  DatasetEvaluator(const Policy& policy, const DatasetRecord& ds) : policy_(policy), ds_(ds) {
    subject_ = "dataset:" + ds.id;
  }

  Evaluation Node(const SpdxNode& n) const {
    if (n.kind == SpdxNode::Kind::kAnd) {
      Evaluation out;
      out.ok = true;
      for (const SpdxNode& c : n.children) {
        Evaluation e = Node(c);
        out.ok = out.ok && e.ok;
        Append(out.denies, e.denies);
        Append(out.allows, e.allows);
        out.choices.insert(out.choices.end(), e.choices.begin(), e.choices.end());
        out.obligations.Add(e.obligations);
      }
      return out;
    }
    if (n.kind == SpdxNode::Kind::kOr) {
      std::vector<Evaluation> branches;
      for (const SpdxNode& c : n.children) branches.push_back(Node(c));
      int best = -1;
      for (size_t i = 0; i < branches.size(); ++i) {
        if (!branches[i].ok) continue;
        if (best < 0 || branches[i].obligations.Burden() < branches[best].obligations.Burden()) {
          best = static_cast<int>(i);
        }
      }
      if (best >= 0) {
        Evaluation out = branches[best];
        out.choices.insert(out.choices.begin(),
                           BranchChoice{ds_.name, SpdxToString(n), SpdxToString(n.children[best])});
        return out;
      }
      // No branch passes: every branch's reasons explain why.
      Evaluation out;
      for (const Evaluation& e : branches) {
        Append(out.denies, e.denies);
        out.obligations.Add(e.obligations);
      }
      return out;
    }
    return Leaf(n);
  }

  Evaluation Leaf(const SpdxNode& leaf) const {
    LicenceTerms terms = policy_.licences.LeafTerms(leaf);
    std::string base_id;
    if (leaf.kind == SpdxNode::Kind::kLicense) base_id = leaf.id;
    if (leaf.kind == SpdxNode::Kind::kWith && !leaf.children.empty()) {
      base_id = leaf.children[0].id;
    }
    return Terms(terms, base_id);
  }

  Evaluation Terms(const LicenceTerms& terms, const std::string& base_id) const {
    Evaluation out;
    out.obligations.Add(terms);
    const std::string& licence = terms.id;
    for (const PolicyRule& r : policy_.rules) {
      bool listed = !base_id.empty() &&
                    std::find(r.licences.begin(), r.licences.end(), base_id) != r.licences.end();
      switch (r.kind) {
        case RuleKind::kAllowLicence: {
          bool star = terms.known &&
                      std::find(r.licences.begin(), r.licences.end(), "*") != r.licences.end();
          if ((listed && terms.known) || star) {
            out.allows.push_back({"allow", r.id, subject_, ds_.name, licence,
                                  "licence " + licence + " of dataset " + Quoted(ds_.name) +
                                      " is allowed by " + RuleNote(r),
                                  ""});
          }
          break;
        }
        case RuleKind::kDenyLicence:
          if (listed) {
            out.denies.push_back({"deny", r.id, subject_, ds_.name, licence,
                                  "dataset " + Quoted(ds_.name) + " is licensed " + licence +
                                      ", which " + RuleNote(r) + " denies",
                                  r.fix});
          }
          break;
        case RuleKind::kDenyLicenceProperty:
          if (PropertyHolds(r.property, terms)) {
            std::string reason = "dataset " + Quoted(ds_.name) + " is licensed " + licence;
            reason += ", " + PropertyPhrase(r.property);
            if (!terms.notes.empty()) reason += " [" + terms.notes + "]";
            reason += "; denied by " + RuleNote(r);
            out.denies.push_back({"deny", r.id, subject_, ds_.name, licence, reason, r.fix});
          }
          break;
        default:
          break;
      }
    }
    if (out.denies.empty() && out.allows.empty()) {
      out.denies.push_back(
          {"deny", "default-deny", subject_, ds_.name, licence,
           "no allow rule covers licence " + licence + " of dataset " + Quoted(ds_.name) +
               (terms.known ? "" : " (" + terms.notes + ")") + "; policies deny by default",
           "Review the licence and add it to licences.toml and an allow-licence rule, or "
           "retrain without this dataset."});
    }
    out.ok = out.denies.empty();
    return out;
  }

 private:
  const Policy& policy_;
  const DatasetRecord& ds_;
  std::string subject_;
};

void SortUnique(std::vector<std::string>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

void StampPolicy(const Policy& p, PolicyDecision& d) {
  d.policy_name = p.name;
  d.policy_version = p.version;
  d.policy_sha256 = p.sha256;
  d.licences_sha256 = p.licences.sha256();
}

nlohmann::json FindingJson(const PolicyFinding& f) {
  return {{"effect", f.effect},   {"rule", f.rule},       {"subject", f.subject},
          {"dataset", f.dataset}, {"licence", f.licence}, {"reason", f.reason},
          {"fix", f.fix}};
}

Status Record(LedgerStore& store, const PolicyDecision& d) {
  PolicyEvaluationRecord rec;
  rec.policy_sha256 = d.policy_sha256;
  rec.policy_name = d.policy_name;
  rec.subject = d.subject;
  rec.decision_json = d.ToJson().dump();
  return store.RecordPolicyEvaluation(std::move(rec)).status();
}

}  // namespace

std::string TodayUtc() { return NowUtc(UtcFormat::kDate); }

nlohmann::json PolicyDecision::ToJson() const {
  nlohmann::json j;
  j["subject"] = subject;
  j["allowed"] = allowed;
  j["decision"] = allowed ? "allow" : "deny";
  j["denials"] = nlohmann::json::array();
  for (const auto& f : denials) j["denials"].push_back(FindingJson(f));
  j["allows"] = nlohmann::json::array();
  for (const auto& f : allows) j["allows"].push_back(FindingJson(f));
  j["choices"] = nlohmann::json::array();
  for (const auto& c : choices) {
    j["choices"].push_back(
        {{"dataset", c.dataset}, {"expression", c.expression}, {"chosen", c.chosen}});
  }
  j["obligations"] = {{"commercial_ok", obligations.commercial_ok},
                      {"derivatives_ok", obligations.derivatives_ok},
                      {"attribution_required", obligations.attribution_required},
                      {"share_alike", obligations.share_alike},
                      {"unknown", obligations.unknown},
                      {"licences", obligations.licences}};
  j["credit_lines"] = credit_lines;
  j["policy"] = {{"name", policy_name},
                 {"version", policy_version},
                 {"sha256", policy_sha256},
                 {"licences_sha256", licences_sha256}};
  return j;
}

std::string PolicyDecision::Explain() const {
  std::string out = std::string(allowed ? "ALLOWED " : "DENIED ") + subject + " under policy " +
                    policy_name + (policy_version.empty() ? "" : " " + policy_version) +
                    " (sha256 " + policy_sha256 + ")\n";
  for (const auto& f : denials) {
    out += "  deny   [" + f.rule + "] " + f.reason + "\n";
    if (!f.fix.empty()) out += "         fix: " + f.fix + "\n";
  }
  for (const auto& c : choices) {
    out += "  choice dataset '" + c.dataset + "': " + c.expression + " -> " + c.chosen + "\n";
  }
  for (const auto& f : allows) out += "  " + f.effect + "  [" + f.rule + "] " + f.reason + "\n";
  for (const auto& l : credit_lines) out += "  credit " + l + "\n";
  return out;
}

PolicyDecision EvaluateDatasetRecord(const Policy& policy, const DatasetRecord& ds,
                                     const std::string& today) {
  PolicyDecision d;
  StampPolicy(policy, d);
  d.subject = "dataset:" + ds.id;
  DatasetEvaluator ev(policy, ds);
  Evaluation e;
  Result<SpdxNode> expr = ParseSpdxExpression(ds.licence);
  if (expr.ok()) {
    e = ev.Node(*expr);
  } else {
    LicenceTerms unknown;
    unknown.id = ds.licence.empty() ? "(none recorded)" : ds.licence;
    unknown.notes = expr.status().message();
    e = ev.Terms(unknown, "");
  }
  // A named exception waives the licence rules (not the dataset rules below) until it expires.
  for (const PolicyException& x : policy.exceptions) {
    if (x.dataset != ds.id && x.dataset != ds.name) continue;
    bool live = x.expires.empty() || today <= x.expires;
    if (!e.ok && live) {
      for (PolicyFinding f : e.denies) {
        f.effect = "waived";
        e.allows.push_back(std::move(f));
      }
      e.denies.clear();
      e.ok = true;
      e.allows.push_back({"allow", "exception", d.subject, ds.name, ds.licence,
                          "licence rules waived for dataset '" + ds.name + "': " + x.reason +
                              (x.expires.empty() ? "" : " (until " + x.expires + ")"),
                          ""});
    } else if (!e.ok) {
      for (PolicyFinding& f : e.denies) {
        f.reason += " (exception '" + x.reason + "' expired on " + x.expires + ")";
      }
    }
  }
  for (const PolicyRule& r : policy.rules) {
    if (r.kind == RuleKind::kRequireAttribution && e.obligations.attribution_required &&
        ds.attribution.empty()) {
      e.denies.push_back({"deny", r.id, d.subject, ds.name, ds.licence,
                          "dataset '" + ds.name + "' is licensed " + ds.licence +
                              ", which requires attribution, but no credit line is recorded; " +
                              "denied by " + RuleNote(r),
                          r.fix});
      e.ok = false;
    }
  }
  if (e.obligations.attribution_required && !ds.attribution.empty()) {
    std::string line = ds.attribution + " — dataset \"" + ds.name + "\", " + ds.licence;
    if (!ds.source.empty()) line += ", " + ds.source;
    d.credit_lines.push_back(line);
  }
  d.allowed = e.ok;
  d.denials = std::move(e.denies);
  d.allows = std::move(e.allows);
  d.choices = std::move(e.choices);
  d.obligations = std::move(e.obligations);
  return d;
}

namespace {

// Folds one dataset's decision into its model's.
void Merge(const PolicyDecision& ds, PolicyDecision& d) {
  d.allowed = d.allowed && ds.allowed;
  Append(d.denials, ds.denials);
  Append(d.allows, ds.allows);
  d.choices.insert(d.choices.end(), ds.choices.begin(), ds.choices.end());
  d.obligations.Add(ds.obligations);
  d.credit_lines.insert(d.credit_lines.end(), ds.credit_lines.begin(), ds.credit_lines.end());
}

// The weights of a model that records their licence ("weights_licence" in its hyperparameters, as
// `model import` writes), as a dataset record the licence rules can judge; nullopt for others.
std::optional<DatasetRecord> WeightsAsDataset(const ModelRecord& model) {
  const nlohmann::json hp = nlohmann::json::parse(model.hyperparameters_json, nullptr, false);
  if (!hp.is_object() || !hp.contains("weights_licence") || !hp["weights_licence"].is_string()) {
    return std::nullopt;
  }
  DatasetRecord weights;
  weights.id = model.id;
  weights.name = "weights of model " + model.id.substr(0, 16);
  weights.licence = hp["weights_licence"].get<std::string>();
  if (hp.contains("weights_attribution") && hp["weights_attribution"].is_string()) {
    weights.attribution = hp["weights_attribution"].get<std::string>();
  }
  return weights;
}

}  // namespace

PolicyDecision EvaluateModelRecord(const Policy& policy, const ModelRecord& model,
                                   const std::vector<DatasetRecord>& datasets,
                                   const std::string& today) {
  PolicyDecision d;
  StampPolicy(policy, d);
  d.subject = "model:" + model.id;
  d.allowed = true;
  if (IsNoGeneratorModel(model)) {
    d.allows.push_back({"allow", "no-generator", d.subject, "", "",
                        "no model generated the asset (signed with provenance sign --watermark), "
                        "so there is no training data whose licence could forbid it",
                        ""});
    return d;
  }
  if (model.dataset_ids.empty()) {
    d.allowed = false;
    d.denials.push_back({"deny", "default-deny", d.subject, "", "",
                         "model " + model.id +
                             " records no training datasets, so the licences "
                             "of its training data are unknown",
                         "Record the model again with the datasets it was trained on."});
  }
  for (const std::string& id : model.dataset_ids) {
    auto it = std::find_if(datasets.begin(), datasets.end(),
                           [&](const DatasetRecord& r) { return r.id == id; });
    if (it == datasets.end()) {
      d.allowed = false;
      d.denials.push_back({"deny", "default-deny", d.subject, id, "",
                           "dataset " + id + " of model " + model.id + " is not in the ledger",
                           "Record the dataset (hallmark dataset add)."});
      continue;
    }
    Merge(EvaluateDatasetRecord(policy, *it, today), d);
  }
  // An imported model's weights carry a licence of their own (`model import`), judged by the same
  // licence rules as a dataset's.
  if (std::optional<DatasetRecord> weights = WeightsAsDataset(model)) {
    Merge(EvaluateDatasetRecord(policy, *weights, today), d);
  }
  SortUnique(d.credit_lines);
  return d;
}

std::vector<PolicyFinding> AssetFindings(const Policy& policy, const AssetRecord& asset,
                                         const AssetMarks& marks,
                                         const std::vector<RevocationRecord>& revocations) {
  std::vector<PolicyFinding> out;
  const std::string subject = "asset:" + asset.id;
  for (const PolicyRule& r : policy.rules) {
    if (r.kind == RuleKind::kRequireMarking) {
      std::string missing;
      for (const std::string& m : r.marks) {
        if (!marks.Has(m)) missing += (missing.empty() ? "" : ", ") + m;
      }
      if (!missing.empty()) {
        out.push_back(
            {"deny", r.id, subject, "", "",
             "asset " + asset.id + " lacks " + missing + " (required by " + RuleNote(r) + ")",
             r.fix});
      }
    } else if (r.kind == RuleKind::kRequireAssetFields) {
      std::string missing;
      for (const std::string& f : r.fields) {
        bool empty = (f == "id" && asset.id.empty()) ||
                     (f == "model_id" && asset.model_id.empty()) ||
                     (f == "content_hash" && asset.content_hash.empty()) ||
                     (f == "manifest_hash" && asset.manifest_hash.empty()) ||
                     (f == "signer_key_id" && asset.signer_key_id.empty()) ||
                     (f == "file_name" && asset.file_name.empty()) ||
                     (f == "created_at" && asset.created_at.empty()) ||
                     (f == "payload" && asset.payload.empty());
        if (empty) missing += (missing.empty() ? "" : ", ") + f;
      }
      if (!missing.empty()) {
        out.push_back(
            {"deny", r.id, subject, "", "",
             "asset " + asset.id + " has no " + missing + " (required by " + RuleNote(r) + ")",
             r.fix});
      }
    } else if (r.kind == RuleKind::kDenyRevokedSigner && !asset.signer_key_id.empty()) {
      for (const RevocationRecord& rev : revocations) {
        // RFC 3339 UTC strings order as text; assets signed before the revocation stand.
        if (rev.key_id == asset.signer_key_id && rev.revoked_at <= asset.created_at) {
          out.push_back({"deny", r.id, subject, "", "",
                         "asset " + asset.id + " was signed by key " + rev.key_id +
                             ", revoked at " + rev.revoked_at + " (" + rev.reason +
                             "); denied by " + RuleNote(r),
                         r.fix});
          break;
        }
      }
    }
  }
  return out;
}

PolicyDecision EvaluateAssetRecord(const Policy& policy, const AssetRecord& asset,
                                   const PolicyDecision& model_decision,
                                   const std::vector<RevocationRecord>& revocations) {
  PolicyDecision d = model_decision;
  d.subject = "asset:" + asset.id;
  std::vector<PolicyFinding> own = AssetFindings(policy, asset, MarksOf(asset), revocations);
  if (!own.empty()) d.allowed = false;
  d.denials.insert(d.denials.end(), own.begin(), own.end());
  return d;
}

Result<PolicyDecision> EvaluateDataset(const Policy& policy, const std::string& id_or_name,
                                       LedgerStore& store, const EvaluateOptions& options) {
  HM_ASSIGN_OR_RETURN(std::optional<DatasetRecord> ds, store.FindDataset(id_or_name));
  if (!ds) return Status::NotFound("dataset '" + id_or_name + "' is not in the ledger");
  PolicyDecision d =
      EvaluateDatasetRecord(policy, *ds, options.today.empty() ? TodayUtc() : options.today);
  if (options.record) HM_RETURN_IF_ERROR(Record(store, d));
  return d;
}

namespace {

Result<PolicyDecision> ModelDecision(const Policy& policy, const std::string& model_id,
                                     LedgerStore& store, const std::string& today) {
  HM_ASSIGN_OR_RETURN(std::optional<ModelRecord> model, store.FindModel(model_id));
  if (!model) return Status::NotFound("model '" + model_id + "' is not in the ledger");
  std::vector<DatasetRecord> datasets;
  for (const std::string& id : model->dataset_ids) {
    HM_ASSIGN_OR_RETURN(std::optional<DatasetRecord> ds, store.FindDataset(id));
    if (ds) datasets.push_back(std::move(*ds));
  }
  return EvaluateModelRecord(policy, *model, datasets, today);
}

}  // namespace

Result<PolicyDecision> EvaluateModel(const Policy& policy, const std::string& model_id,
                                     LedgerStore& store, const EvaluateOptions& options) {
  HM_ASSIGN_OR_RETURN(
      PolicyDecision d,
      ModelDecision(policy, model_id, store, options.today.empty() ? TodayUtc() : options.today));
  if (options.record) HM_RETURN_IF_ERROR(Record(store, d));
  return d;
}

Result<PolicyDecision> EvaluateAsset(const Policy& policy, const std::string& asset_id,
                                     LedgerStore& store, const EvaluateOptions& options) {
  HM_ASSIGN_OR_RETURN(std::optional<AssetRecord> asset, store.FindAsset(asset_id));
  if (!asset) return Status::NotFound("asset '" + asset_id + "' is not in the ledger");
  HM_ASSIGN_OR_RETURN(PolicyDecision model,
                      ModelDecision(policy, asset->model_id, store,
                                    options.today.empty() ? TodayUtc() : options.today));
  HM_ASSIGN_OR_RETURN(std::vector<RevocationRecord> revocations, store.ListRevocations());
  PolicyDecision d = EvaluateAssetRecord(policy, *asset, model, revocations);
  if (options.record) HM_RETURN_IF_ERROR(Record(store, d));
  return d;
}

Result<PolicyDecision> EvaluateAssetFile(const Policy& policy, const std::string& path,
                                         LedgerStore& store, const EvaluateOptions& options) {
  HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(path));
  const std::string hash = HexEncode(ByteView(digest.data(), digest.size()));
  std::string found;
  Status scan = store.ForEachAsset([&](const AssetRecord& a) {
    if (a.content_hash != hash) return Status::Ok();
    found = a.id;
    return Status::NotFound("stop");  // ends the scan early
  });
  if (found.empty()) {
    HM_RETURN_IF_ERROR(scan);
    return Status::NotFound(path + ": no asset in the ledger has this file's SHA-256 " + hash);
  }
  return EvaluateAsset(policy, found, store, options);
}

}  // namespace hallmark::audit
