#include "audit/compliance/licence_terms.h"

#include <algorithm>

#include "audit/compliance/toml_fields.h"
#include "base/file.h"
#include "base/sha256.h"
#include "base/text.h"

namespace hallmark::audit {
namespace {

void InsertSorted(std::vector<std::string>& v, const std::string& s) {
  auto it = std::lower_bound(v.begin(), v.end(), s);
  if (it == v.end() || *it != s) v.insert(it, s);
}

}  // namespace

void Obligations::Add(const LicenceTerms& t) {
  if (!t.known) {
    unknown = true;
    // Unknown terms grant nothing.
    commercial_ok = false;
    derivatives_ok = false;
  } else {
    commercial_ok = commercial_ok && t.commercial;
    derivatives_ok = derivatives_ok && t.derivatives;
    attribution_required = attribution_required || t.attribution;
    share_alike = share_alike || t.share_alike;
  }
  InsertSorted(licences, t.id);
}

void Obligations::Add(const Obligations& o) {
  commercial_ok = commercial_ok && o.commercial_ok;
  derivatives_ok = derivatives_ok && o.derivatives_ok;
  attribution_required = attribution_required || o.attribution_required;
  share_alike = share_alike || o.share_alike;
  unknown = unknown || o.unknown;
  for (const std::string& l : o.licences) InsertSorted(licences, l);
}

int Obligations::Burden() const {
  return (unknown ? 16 : 0) + (commercial_ok ? 0 : 8) + (derivatives_ok ? 0 : 4) +
         (share_alike ? 2 : 0) + (attribution_required ? 1 : 0);
}

Result<LicenceTable> LicenceTable::Parse(std::string_view text, const std::string& file) {
  HM_ASSIGN_OR_RETURN(TomlDocument doc, TomlDocument::Parse(text, file));
  TomlFields top(doc.root(), file, "");
  HM_RETURN_IF_ERROR(top.OnlyKeys({"schema", "name", "version", "licence", "exception"}));
  HM_ASSIGN_OR_RETURN(std::optional<int64_t> schema, top.Integer("schema"));
  if (schema.value_or(0) != 1) return top.Error("schema", "must be 1");
  LicenceTable table;
  HM_ASSIGN_OR_RETURN(table.name_, top.RequiredString("name"));
  HM_ASSIGN_OR_RETURN(std::optional<std::string> version, top.String("version"));
  table.version_ = version.value_or("");
  HM_ASSIGN_OR_RETURN(auto licences, top.Tables("licence"));
  for (auto& [id, fields] : licences) {
    HM_RETURN_IF_ERROR(
        fields.OnlyKeys({"commercial", "derivatives", "attribution", "share_alike", "notes"}));
    bool reference = id.rfind("LicenseRef-", 0) == 0;
    std::string canonical = reference ? id : CanonicalSpdxLicenseId(id);
    if (canonical.empty()) {
      return fields.Error("", "'" + id + "' is not on the SPDX licence list (use LicenseRef-…)");
    }
    LicenceTerms t;
    t.id = canonical;
    t.known = true;
    for (auto [key, dest] : {std::pair<const char*, bool*>{"commercial", &t.commercial},
                             {"derivatives", &t.derivatives},
                             {"attribution", &t.attribution},
                             {"share_alike", &t.share_alike}}) {
      HM_ASSIGN_OR_RETURN(std::optional<bool> v, fields.Bool(key));
      if (!v) return fields.Error(key, "is required (true or false)");
      *dest = *v;
    }
    HM_ASSIGN_OR_RETURN(std::optional<std::string> notes, fields.String("notes"));
    t.notes = notes.value_or("");
    table.by_lower_id_[AsciiLower(canonical)] = std::move(t);
  }
  HM_ASSIGN_OR_RETURN(auto exceptions, top.Tables("exception"));
  for (auto& [id, fields] : exceptions) {
    HM_RETURN_IF_ERROR(fields.OnlyKeys({"notes"}));
    if (id.rfind("AdditionRef-", 0) != 0 && CanonicalSpdxExceptionId(id).empty()) {
      return fields.Error("", "'" + id + "' is not on the SPDX exception list");
    }
    HM_ASSIGN_OR_RETURN(std::optional<std::string> notes, fields.String("notes"));
    table.exceptions_[AsciiLower(id)] = notes.value_or("");
  }
  table.sha256_ = Sha256Hex(ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  return table;
}

Result<LicenceTable> LicenceTable::Load(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, 1 << 24));
  return Parse(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), path);
}

LicenceTerms LicenceTable::Lookup(std::string_view id) const {
  auto it = by_lower_id_.find(AsciiLower(id));
  if (it != by_lower_id_.end()) return it->second;
  LicenceTerms unknown;
  unknown.id = std::string(id);
  unknown.notes = "not in the reviewed licence list";
  return unknown;
}

bool LicenceTable::KnowsException(std::string_view id) const {
  return exceptions_.count(AsciiLower(id)) > 0;
}

LicenceTerms LicenceTable::LeafTerms(const SpdxNode& leaf) const {
  switch (leaf.kind) {
    case SpdxNode::Kind::kNone:
    case SpdxNode::Kind::kNoAssertion: {
      LicenceTerms t;
      t.id = SpdxToString(leaf);
      t.notes = leaf.kind == SpdxNode::Kind::kNone ? "no licence applies: all rights reserved"
                                                   : "the licence is not known";
      return t;
    }
    case SpdxNode::Kind::kWith: {
      LicenceTerms t = LeafTerms(leaf.children.at(0));
      t.id = SpdxToString(leaf);
      if (!KnowsException(leaf.exception)) {
        t.known = false;
        t.notes = "exception " + leaf.exception + " is not in the reviewed list";
      }
      return t;
    }
    case SpdxNode::Kind::kLicense: {
      // "GPL-2.0+" and "GPL-2.0-or-later": the base licence's terms, which any later version
      // must keep; listed "-or-later" ids are looked up as written first.
      LicenceTerms t = Lookup(leaf.id);
      t.id = SpdxToString(leaf);
      return t;
    }
    default:
      break;
  }
  LicenceTerms t;
  t.id = SpdxToString(leaf);
  return t;
}

Obligations LicenceTable::ObligationsOf(const SpdxNode& expr) const {
  Obligations out;
  switch (expr.kind) {
    case SpdxNode::Kind::kAnd:
      for (const SpdxNode& c : expr.children) out.Add(ObligationsOf(c));
      return out;
    case SpdxNode::Kind::kOr: {
      bool first = true;
      for (const SpdxNode& c : expr.children) {
        Obligations o = ObligationsOf(c);
        if (first || o.Burden() < out.Burden()) out = o;
        first = false;
      }
      return out;
    }
    default:
      out.Add(LeafTerms(expr));
      return out;
  }
}

}  // namespace hallmark::audit
