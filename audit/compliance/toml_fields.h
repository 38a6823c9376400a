// Strict reading of policy TOML tables: every key must be known (a typo must not relax a policy)
// and of the right type, and every error names the file and line, "policies/x.toml:12: ...".
// Internal to the policy code; toml++ exceptions do not leave toml_fields.cc.
#ifndef HALLMARK_AUDIT_COMPLIANCE_TOML_FIELDS_H_
#define HALLMARK_AUDIT_COMPLIANCE_TOML_FIELDS_H_

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace toml {
inline namespace v3 {
class table;
class node;
}  // namespace v3
}  // namespace toml

namespace hallmark::audit {

// Limits on a TOML document, checked before the parser sees it: toml++ recurses once per
// dotted-key part and per nested table or array, so a hostile 100 KB key ("a.a.a...") would
// overflow the stack. Policy and licence files are small and flat; these leave them room.
inline constexpr size_t kMaxTomlBytes = size_t{1} << 20;
inline constexpr int kMaxTomlNesting = 32;

// kBadInput naming `file` (and the line) when `text` is larger than kMaxTomlBytes, or has a
// dotted key of more than kMaxTomlNesting dots, or arrays, inline tables and table headers nested
// deeper than kMaxTomlNesting. A cheap scan that knows TOML's strings and comments; it does not
// validate anything else (the parser does).
Status CheckTomlLimits(std::string_view text, const std::string& file);

// A parsed TOML document; owns the tree.
class TomlDocument {
 public:
  // `file` names the document in messages. Syntax errors are kBadInput "file:line:col: what";
  // a document over the limits of CheckTomlLimits is refused before it is parsed.
  static Result<TomlDocument> Parse(std::string_view text, std::string file);
  TomlDocument(TomlDocument&&) noexcept;
  TomlDocument& operator=(TomlDocument&&) noexcept;
  ~TomlDocument();

  const toml::table& root() const;
  const std::string& file() const { return file_; }

 private:
  TomlDocument();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string file_;
};

// Typed, checked access to one table. `where` prefixes messages: "file:line: in [[rule]] 'x'".
class TomlFields {
 public:
  TomlFields(const toml::table& table, std::string file, std::string what);

  // kBadInput naming the first key not in `known`.
  Status OnlyKeys(std::initializer_list<std::string_view> known) const;

  Result<std::optional<std::string>> String(std::string_view key) const;
  Result<std::string> RequiredString(std::string_view key) const;
  Result<std::optional<bool>> Bool(std::string_view key) const;
  Result<std::optional<int64_t>> Integer(std::string_view key) const;
  Result<std::vector<std::string>> StringList(std::string_view key) const;  // absent: empty
  // A TOML date (2027-06-30) or a "YYYY-MM-DD" string, as "YYYY-MM-DD".
  Result<std::optional<std::string>> Date(std::string_view key) const;
  // Sub-tables of `key` keyed by name ([licence."MIT"]), in document order.
  Result<std::vector<std::pair<std::string, TomlFields>>> Tables(std::string_view key) const;
  // An array of tables ([[rule]]).
  Result<std::vector<TomlFields>> TableArray(std::string_view key) const;

  int line() const;  // where this table starts
  Status Error(std::string_view key, const std::string& what) const;

 private:
  int LineOf(std::string_view key) const;
  const toml::table* table_;
  std::string file_;
  std::string what_;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_TOML_FIELDS_H_
