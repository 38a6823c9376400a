#include "audit/compliance/toml_fields.h"

#include <algorithm>
#include <cstdio>

#include <toml++/toml.h>

namespace hallmark::audit {
namespace {

// The index just past the string that starts at text[at] (a ' or "), or text.size() when it is
// not closed. Basic strings know backslash escapes; literal strings have none.
size_t SkipTomlString(std::string_view text, size_t at) {
  const char quote = text[at];
  const bool escapes = quote == '"';
  const std::string triple(3, quote);
  if (text.compare(at, 3, triple) == 0) {
    size_t i = at + 3;
    while (i < text.size()) {
      if (escapes && text[i] == '\\') {
        i += 2;
      } else if (text.compare(i, 3, triple) == 0) {
        i += 3;
        while (i < text.size() && text[i] == quote) ++i;  // """a"""" ends in quotes
        return i;
      } else {
        ++i;
      }
    }
    return text.size();
  }
  size_t i = at + 1;
  while (i < text.size() && text[i] != '\n') {
    if (escapes && text[i] == '\\') {
      i += 2;
    } else if (text[i] == quote) {
      return i + 1;
    } else {
      ++i;
    }
  }
  return std::min(i, text.size());
}

int LineAt(std::string_view text, size_t at) {
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// "file:line: <what> the limit of 32", for the construct found at text[at].
Status OverNestingLimit(std::string_view text, size_t at, const std::string& file,
                        const char* what) {
  return Status::BadInput(file + ":" + std::to_string(LineAt(text, at)) + ": " + what +
                          " the limit of " + std::to_string(kMaxTomlNesting));
}

}  // namespace

Status CheckTomlLimits(std::string_view text, const std::string& file) {
  if (text.size() > kMaxTomlBytes) {
    return Status::BadInput(file + ": " + std::to_string(text.size()) +
                            " bytes is more than the limit of " + std::to_string(kMaxTomlBytes) +
                            " for a TOML file");
  }
  int depth = 0;  // open [ and {
  int dots = 0;   // in the key (or value) being read
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = SkipTomlString(text, i);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '[' || c == '{') {
      if (++depth > kMaxTomlNesting) {
        return OverNestingLimit(text, i, file, "tables and arrays nested deeper than");
      }
      dots = 0;
    } else if (c == ']' || c == '}') {
      depth = std::max(0, depth - 1);
      dots = 0;
    } else if (c == '.') {
      if (++dots > kMaxTomlNesting) {
        return OverNestingLimit(text, i, file, "a dotted key with more dots than");
      }
    } else if (c == '=' || c == ',' || c == '\n') {
      dots = 0;
    }
    ++i;
  }
  return Status::Ok();
}

struct TomlDocument::Impl {
  toml::table root;
};

TomlDocument::TomlDocument() : impl_(std::make_unique<Impl>()) {}
TomlDocument::TomlDocument(TomlDocument&&) noexcept = default;
TomlDocument& TomlDocument::operator=(TomlDocument&&) noexcept = default;
TomlDocument::~TomlDocument() = default;

Result<TomlDocument> TomlDocument::Parse(std::string_view text, std::string file) {
  HM_RETURN_IF_ERROR(CheckTomlLimits(text, file));
  TomlDocument doc;
  doc.file_ = std::move(file);
  try {
    doc.impl_->root = toml::parse(text, doc.file_);
  } catch (const toml::parse_error& e) {
    const auto& begin = e.source().begin;
    return Status::BadInput(doc.file_ + ":" + std::to_string(begin.line) + ":" +
                            std::to_string(begin.column) + ": " + std::string(e.description()));
  }
  return doc;
}

const toml::table& TomlDocument::root() const { return impl_->root; }

TomlFields::TomlFields(const toml::table& table, std::string file, std::string what)
    : table_(&table), file_(std::move(file)), what_(std::move(what)) {}

int TomlFields::line() const { return static_cast<int>(table_->source().begin.line); }

int TomlFields::LineOf(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (n && n->source().begin.line > 0) return static_cast<int>(n->source().begin.line);
  return line();
}

Status TomlFields::Error(std::string_view key, const std::string& what) const {
  std::string where = file_ + ":" + std::to_string(key.empty() ? line() : LineOf(key)) + ": ";
  if (!what_.empty()) where += what_ + ": ";
  if (!key.empty()) where += "'" + std::string(key) + "' ";
  return Status::BadInput(where + what);
}

Status TomlFields::OnlyKeys(std::initializer_list<std::string_view> known) const {
  for (const auto& [k, v] : *table_) {
    bool ok = false;
    for (std::string_view name : known) ok = ok || k.str() == name;
    if (!ok) {
      std::string list;
      for (std::string_view name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      int at = static_cast<int>(k.source().begin.line);
      if (at <= 0) at = line();
      return Status::BadInput(file_ + ":" + std::to_string(at) + ": " +
                              (what_.empty() ? "" : what_ + ": ") + "unknown key '" +
                              std::string(k.str()) + "' (expected one of: " + list + ")");
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> TomlFields::String(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::optional<std::string>();
  if (!n->is_string()) return Error(key, "must be a string");
  return std::optional<std::string>(n->as_string()->get());
}

Result<std::string> TomlFields::RequiredString(std::string_view key) const {
  HM_ASSIGN_OR_RETURN(std::optional<std::string> s, String(key));
  if (!s || s->empty()) return Error(key, "is required (a non-empty string)");
  return *s;
}

Result<std::optional<bool>> TomlFields::Bool(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::optional<bool>();
  if (!n->is_boolean()) return Error(key, "must be true or false");
  return std::optional<bool>(n->as_boolean()->get());
}

Result<std::optional<int64_t>> TomlFields::Integer(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::optional<int64_t>();
  if (!n->is_integer()) return Error(key, "must be an integer");
  return std::optional<int64_t>(n->as_integer()->get());
}

Result<std::vector<std::string>> TomlFields::StringList(std::string_view key) const {
  std::vector<std::string> out;
  const toml::node* n = table_->get(key);
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr) return Error(key, "must be a list of strings");
  for (const toml::node& item : *arr) {
    if (!item.is_string()) return Error(key, "must be a list of strings");
    out.push_back(item.as_string()->get());
  }
  return out;
}

Result<std::optional<std::string>> TomlFields::Date(std::string_view key) const {
  const toml::node* n = table_->get(key);
  if (!n) return std::optional<std::string>();
  if (n->is_date()) {
    toml::date d = n->as_date()->get();
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", unsigned(d.year) % 10000u,
                  unsigned(d.month) % 100u, unsigned(d.day) % 100u);
    return std::optional<std::string>(buf);
  }
  if (n->is_string()) {
    std::string s = n->as_string()->get();
    bool ok = s.size() == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; ok && i < s.size(); ++i) {
      if (i != 4 && i != 7) ok = s[i] >= '0' && s[i] <= '9';
    }
    if (ok) return std::optional<std::string>(s);
  }
  return Error(key, "must be a date such as 2027-06-30");
}

Result<std::vector<std::pair<std::string, TomlFields>>> TomlFields::Tables(
    std::string_view key) const {
  std::vector<std::pair<std::string, TomlFields>> out;
  const toml::node* n = table_->get(key);
  if (!n) return out;
  const toml::table* t = n->as_table();
  if (!t) return Error(key, "must be a table of tables");
  for (const auto& [k, v] : *t) {
    const toml::table* sub = v.as_table();
    std::string name(k.str());
    if (!sub) return Error(key, "entry '" + name + "' must be a table");
    out.emplace_back(name, TomlFields(*sub, file_, "[" + std::string(key) + ".\"" + name + "\"]"));
  }
  return out;
}

Result<std::vector<TomlFields>> TomlFields::TableArray(std::string_view key) const {
  std::vector<TomlFields> out;
  const toml::node* n = table_->get(key);
  if (!n) return out;
  const toml::array* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables())
    return Error(key, "must be written as [[" + std::string(key) + "]] tables");
  for (const toml::node& item : *arr) {
    out.emplace_back(*item.as_table(), file_, "[[" + std::string(key) + "]]");
  }
  return out;
}

}  // namespace hallmark::audit
