#include "audit/compliance/policy.h"

#include <filesystem>
#include <set>

#include "audit/compliance/toml_fields.h"
#include "base/file.h"
#include "base/sha256.h"

namespace hallmark::audit {
namespace {

struct KindName {
  RuleKind kind;
  const char* name;
};
constexpr KindName kKinds[] = {
    {RuleKind::kAllowLicence, "allow-licence"},
    {RuleKind::kDenyLicence, "deny-licence"},
    {RuleKind::kDenyLicenceProperty, "deny-licence-property"},
    {RuleKind::kRequireAttribution, "require-attribution"},
    {RuleKind::kRequireMarking, "require-marking"},
    {RuleKind::kRequireAssetFields, "require-asset-fields"},
    {RuleKind::kDenyRevokedSigner, "deny-revoked-signer"},
};

// Function-local so that nothing is constructed (and could throw) before main().
const std::set<std::string>& Properties() {
  static const std::set<std::string> kSet = {"non-commercial", "no-derivatives", "share-alike",
                                             "attribution", "unknown"};
  return kSet;
}
const std::set<std::string>& Marks() {
  static const std::set<std::string> kSet = {"manifest", "watermark", "iptc", "tc260"};
  return kSet;
}
const std::set<std::string>& AssetFields() {
  static const std::set<std::string> kSet = {
      "id",        "model_id",   "content_hash", "manifest_hash", "signer_key_id",
      "file_name", "created_at", "payload"};
  return kSet;
}

std::string Joined(const std::set<std::string>& s) {
  std::string out;
  for (const std::string& x : s) out += (out.empty() ? "" : ", ") + x;
  return out;
}

Result<PolicyRule> ParseRule(const TomlFields& f, const LicenceTable& table) {
  PolicyRule r;
  r.line = f.line();
  HM_RETURN_IF_ERROR(
      f.OnlyKeys({"id", "kind", "licences", "property", "marks", "fields", "description", "fix"}));
  HM_ASSIGN_OR_RETURN(r.id, f.RequiredString("id"));
  HM_ASSIGN_OR_RETURN(std::string kind, f.RequiredString("kind"));
  bool found = false;
  std::string kinds;
  for (const KindName& k : kKinds) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(k.name);
    if (kind == k.name) {
      r.kind = k.kind;
      found = true;
    }
  }
  if (!found) return f.Error("kind", "'" + kind + "' is not a rule kind (" + kinds + ")");
  HM_ASSIGN_OR_RETURN(std::optional<std::string> description, f.String("description"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> fix, f.String("fix"));
  r.description = description.value_or("");
  r.fix = fix.value_or("");
  HM_ASSIGN_OR_RETURN(std::vector<std::string> licences, f.StringList("licences"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> property, f.String("property"));
  HM_ASSIGN_OR_RETURN(r.marks, f.StringList("marks"));
  HM_ASSIGN_OR_RETURN(r.fields, f.StringList("fields"));
  auto refuse = [&](const char* key, bool present) -> Status {
    if (present) return f.Error(key, "does not apply to a " + kind + " rule");
    return Status::Ok();
  };
  bool is_licence_list = r.kind == RuleKind::kAllowLicence || r.kind == RuleKind::kDenyLicence;
  HM_RETURN_IF_ERROR(refuse("licences", !is_licence_list && !licences.empty()));
  HM_RETURN_IF_ERROR(
      refuse("property", r.kind != RuleKind::kDenyLicenceProperty && property.has_value()));
  HM_RETURN_IF_ERROR(refuse("marks", r.kind != RuleKind::kRequireMarking && !r.marks.empty()));
  HM_RETURN_IF_ERROR(
      refuse("fields", r.kind != RuleKind::kRequireAssetFields && !r.fields.empty()));
  if (is_licence_list) {
    if (licences.empty()) return f.Error("licences", "needs at least one licence id or \"*\"");
    for (const std::string& id : licences) {
      if (id == "*" && r.kind == RuleKind::kAllowLicence) {
        r.licences.push_back(id);
        continue;
      }
      // Ids are checked against the SPDX list so that "CC-BY-NC4.0" cannot slip through.
      Result<SpdxNode> node = ParseSpdxExpression(id);
      if (!node.ok() || node->kind != SpdxNode::Kind::kLicense) {
        return f.Error("licences", "'" + id + "' is not a single SPDX licence id" +
                                       (node.ok() ? "" : ": " + node.status().message()));
      }
      r.licences.push_back(SpdxToString(*node));
    }
    (void)table;
  }
  if (r.kind == RuleKind::kDenyLicenceProperty) {
    if (!property || !Properties().count(*property)) {
      return f.Error("property", "must be one of: " + Joined(Properties()));
    }
    r.property = *property;
  }
  if (r.kind == RuleKind::kRequireMarking) {
    if (r.marks.empty()) return f.Error("marks", "needs at least one of: " + Joined(Marks()));
    for (const std::string& m : r.marks) {
      if (!Marks().count(m)) {
        return f.Error("marks", "'" + m + "' is not a mark (" + Joined(Marks()) + ")");
      }
    }
  }
  if (r.kind == RuleKind::kRequireAssetFields) {
    if (r.fields.empty()) return f.Error("fields", "needs at least one asset field");
    for (const std::string& m : r.fields) {
      if (!AssetFields().count(m)) {
        return f.Error("fields",
                       "'" + m + "' is not an asset field (" + Joined(AssetFields()) + ")");
      }
    }
  }
  return r;
}

}  // namespace

const char* RuleKindName(RuleKind kind) {
  for (const KindName& k : kKinds) {
    if (k.kind == kind) return k.name;
  }
  return "?";
}

Result<Policy> ParsePolicy(std::string_view text, const std::string& file,
                           const LicenceTable& licences) {
  HM_ASSIGN_OR_RETURN(TomlDocument doc, TomlDocument::Parse(text, file));
  TomlFields top(doc.root(), file, "");
  HM_RETURN_IF_ERROR(top.OnlyKeys(
      {"schema", "name", "version", "purpose", "description", "licences", "rule", "exception"}));
  HM_ASSIGN_OR_RETURN(std::optional<int64_t> schema, top.Integer("schema"));
  if (!schema) return top.Error("schema", "is required (schema = 1)");
  if (*schema != 1) return top.Error("schema", "must be 1 (this Hallmark reads schema 1)");
  Policy p;
  p.file = file;
  p.licences = licences;
  HM_ASSIGN_OR_RETURN(p.name, top.RequiredString("name"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> version, top.String("version"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> purpose, top.String("purpose"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> description, top.String("description"));
  p.version = version.value_or("");
  p.purpose = purpose.value_or("");
  p.description = description.value_or("");
  HM_ASSIGN_OR_RETURN(std::vector<TomlFields> rules, top.TableArray("rule"));
  if (rules.empty()) return top.Error("", "has no [[rule]]: everything would be denied");
  std::set<std::string> ids;
  for (const TomlFields& f : rules) {
    HM_ASSIGN_OR_RETURN(PolicyRule r, ParseRule(f, licences));
    if (!ids.insert(r.id).second) return f.Error("id", "'" + r.id + "' is used twice");
    p.rules.push_back(std::move(r));
  }
  HM_ASSIGN_OR_RETURN(std::vector<TomlFields> exceptions, top.TableArray("exception"));
  for (const TomlFields& f : exceptions) {
    HM_RETURN_IF_ERROR(f.OnlyKeys({"dataset", "reason", "expires"}));
    PolicyException e;
    e.line = f.line();
    HM_ASSIGN_OR_RETURN(e.dataset, f.RequiredString("dataset"));
    HM_ASSIGN_OR_RETURN(e.reason, f.RequiredString("reason"));
    HM_ASSIGN_OR_RETURN(std::optional<std::string> expires, f.Date("expires"));
    e.expires = expires.value_or("");
    p.exceptions.push_back(std::move(e));
  }
  p.sha256 = Sha256Hex(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return p;
}

Result<Policy> LoadPolicy(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 1 << 24));
  std::string text(bytes.begin(), bytes.end());
  // The licence table is named inside the policy; read that key first, then parse for real.
  HM_ASSIGN_OR_RETURN(TomlDocument doc, TomlDocument::Parse(text, path));
  TomlFields top(doc.root(), path, "");
  HM_ASSIGN_OR_RETURN(std::optional<std::string> table_name, top.String("licences"));
  if (!table_name) return top.Error("licences", "is required (e.g. licences = \"licences.toml\")");
  std::filesystem::path table_path(*table_name);
  if (table_path.is_relative()) {
    table_path = std::filesystem::path(path).parent_path() / table_path;
  }
  HM_ASSIGN_OR_RETURN(LicenceTable table, LicenceTable::Load(table_path.string()));
  return ParsePolicy(text, path, table);
}

}  // namespace hallmark::audit
