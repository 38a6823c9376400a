#include "audit/compliance/spdx_expression.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "audit/compliance/spdx_data.h"
#include "base/text.h"

namespace hallmark::audit {
namespace {

// Lower-case id -> {canonical id, deprecated}.
struct IdList {
  std::unordered_map<std::string, std::pair<std::string, bool>> ids;
  IdList(const char* current, const char* deprecated) {
    for (const auto& id : nlohmann::json::parse(current)) {
      ids[AsciiLower(id.get<std::string>())] = {id.get<std::string>(), false};
    }
    for (const auto& id : nlohmann::json::parse(deprecated)) {
      ids.emplace(AsciiLower(id.get<std::string>()), std::make_pair(id.get<std::string>(), true));
    }
  }
  const std::pair<std::string, bool>* Find(std::string_view id) const {
    auto it = ids.find(AsciiLower(id));
    return it == ids.end() ? nullptr : &it->second;
  }
};

const IdList& Licenses() {
  static const IdList list(SpdxLicenseIdsJson(), SpdxDeprecatedLicenseIdsJson());
  return list;
}
const IdList& Exceptions() {
  static const IdList list(SpdxExceptionIdsJson(), SpdxDeprecatedExceptionIdsJson());
  return list;
}

bool IdChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && AsciiLower(s.substr(0, prefix.size())) == AsciiLower(prefix);
}

struct Token {
  enum Type { kWord, kPlus, kOpen, kClose, kEnd } type;
  std::string_view text;
  size_t column;  // 1-based
};

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<SpdxNode> Parse() {
    HM_RETURN_IF_ERROR(Tokenize());
    if (tokens_.size() == 1) return Error(1, "the expression is empty");
    // NONE and NOASSERTION stand alone.
    if (tokens_.size() == 2 && tokens_[0].type == Token::kWord) {
      if (tokens_[0].text == "NONE") return Leaf(SpdxNode::Kind::kNone);
      if (tokens_[0].text == "NOASSERTION") return Leaf(SpdxNode::Kind::kNoAssertion);
    }
    HM_ASSIGN_OR_RETURN(SpdxNode node, ParseOr());
    if (Peek().type != Token::kEnd) {
      return Error(Peek().column,
                   Peek().type == Token::kClose
                       ? "unbalanced ')'"
                       : "expected AND, OR or WITH, found '" + std::string(Peek().text) + "'");
    }
    return node;
  }

 private:
  static constexpr int kMaxNesting = 64;
  static SpdxNode Leaf(SpdxNode::Kind kind) {
    SpdxNode n;
    n.kind = kind;
    return n;
  }

  Status Error(size_t column, const std::string& what) const {
    return Status::BadInput("licence expression '" + std::string(text_) + "': column " +
                            std::to_string(column) + ": " + what);
  }

  Status Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      if (c == ' ' || c == '\t') {
        ++i;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::kOpen : Token::kClose, text_.substr(i, 1), i + 1});
        ++i;
      } else if (c == '+') {
        if (tokens_.empty() || tokens_.back().type != Token::kWord ||
            tokens_.back().column + tokens_.back().text.size() != i + 1) {
          return Error(i + 1, "'+' must follow a licence id directly, without a space");
        }
        tokens_.push_back({Token::kPlus, text_.substr(i, 1), i + 1});
        ++i;
      } else if (IdChar(c) || c == ':') {
        size_t start = i;
        while (i < text_.size() && (IdChar(text_[i]) || text_[i] == ':')) ++i;
        tokens_.push_back({Token::kWord, text_.substr(start, i - start), start + 1});
      } else {
        return Error(i + 1, std::string("unexpected character '") + c + "'");
      }
    }
    tokens_.push_back({Token::kEnd, "", text_.size() + 1});
    return Status::Ok();
  }

  const Token& Peek() const { return tokens_[pos_]; }

  // Operators must be all upper or all lower case; "And" is an error, not an id.
  Result<bool> IsOperator(const Token& t, std::string_view op) const {
    if (t.type != Token::kWord || AsciiLower(t.text) != AsciiLower(op)) return false;
    if (t.text == op || t.text == AsciiLower(op)) return true;
    return Error(t.column,
                 "operator '" + std::string(t.text) + "' must be all upper or all lower case");
  }

  Result<SpdxNode> ParseOr() {
    HM_ASSIGN_OR_RETURN(SpdxNode first, ParseAnd());
    std::vector<SpdxNode> parts{std::move(first)};
    while (true) {
      HM_ASSIGN_OR_RETURN(bool is_or, IsOperator(Peek(), "OR"));
      if (!is_or) break;
      ++pos_;
      HM_ASSIGN_OR_RETURN(SpdxNode next, ParseAnd());
      parts.push_back(std::move(next));
    }
    return Combine(SpdxNode::Kind::kOr, std::move(parts));
  }

  Result<SpdxNode> ParseAnd() {
    HM_ASSIGN_OR_RETURN(SpdxNode first, ParseWith());
    std::vector<SpdxNode> parts{std::move(first)};
    while (true) {
      HM_ASSIGN_OR_RETURN(bool is_and, IsOperator(Peek(), "AND"));
      if (!is_and) break;
      ++pos_;
      HM_ASSIGN_OR_RETURN(SpdxNode next, ParseWith());
      parts.push_back(std::move(next));
    }
    return Combine(SpdxNode::Kind::kAnd, std::move(parts));
  }

  static SpdxNode Combine(SpdxNode::Kind kind, std::vector<SpdxNode> parts) {
    if (parts.size() == 1) return std::move(parts[0]);
    SpdxNode n;
    n.kind = kind;
    for (SpdxNode& p : parts) {
      if (p.kind == kind) {  // (A AND B) AND C is A AND B AND C
        for (SpdxNode& c : p.children) n.children.push_back(std::move(c));
      } else {
        n.children.push_back(std::move(p));
      }
    }
    return n;
  }

  Result<SpdxNode> ParseWith() {
    bool parenthesised = Peek().type == Token::kOpen;
    HM_ASSIGN_OR_RETURN(SpdxNode simple, ParsePrimary());
    HM_ASSIGN_OR_RETURN(bool is_with, IsOperator(Peek(), "WITH"));
    if (!is_with) return simple;
    const Token& with = Peek();
    if (parenthesised || simple.kind != SpdxNode::Kind::kLicense) {
      return Error(with.column, "WITH must follow a single licence id, not a parenthesised group");
    }
    ++pos_;
    const Token& ex = Peek();
    if (ex.type != Token::kWord) return Error(ex.column, "expected an exception id after WITH");
    ++pos_;
    SpdxNode n;
    n.kind = SpdxNode::Kind::kWith;
    if (StartsWithNoCase(ex.text, "AdditionRef-") || ex.text.find(':') != std::string_view::npos) {
      HM_RETURN_IF_ERROR(CheckReference(ex, "AdditionRef-"));
      n.exception = std::string(ex.text);
    } else {
      const auto* found = Exceptions().Find(ex.text);
      if (!found) {
        if (Licenses().Find(ex.text)) {
          return Error(ex.column,
                       "'" + std::string(ex.text) + "' is a licence, not an exception; use AND");
        }
        return Error(ex.column, "unknown SPDX exception id '" + std::string(ex.text) + "'");
      }
      n.exception = found->first;
    }
    n.children.push_back(std::move(simple));
    return n;
  }

  Status CheckReference(const Token& t, std::string_view kind) const {
    std::string_view ref = t.text;
    size_t colon = ref.find(':');
    if (colon != std::string_view::npos) {
      std::string_view doc = ref.substr(0, colon);
      if (!StartsWithNoCase(doc, "DocumentRef-") || doc.size() == 12) {
        return Error(t.column, "'" + std::string(ref) +
                                   "': expected DocumentRef-<id>:" + std::string(kind) + "<id>");
      }
      ref = ref.substr(colon + 1);
      if (ref.find(':') != std::string_view::npos) {
        return Error(t.column, "'" + std::string(t.text) + "' has more than one ':'");
      }
    }
    if (!StartsWithNoCase(ref, kind) || ref.size() == kind.size()) {
      return Error(t.column, "'" + std::string(t.text) + "': expected " + std::string(kind) +
                                 "<letters, digits, '-' or '.'>");
    }
    return Status::Ok();
  }

  Result<SpdxNode> ParsePrimary() {
    const Token& t = Peek();
    if (t.type == Token::kOpen) {
      // The parser recurses once per '(': a bound keeps a hostile expression off the stack's end.
      if (depth_ == kMaxNesting) {
        return Error(t.column, "parentheses nested deeper than " + std::to_string(kMaxNesting));
      }
      ++pos_;
      ++depth_;
      Result<SpdxNode> parsed = ParseOr();
      --depth_;
      HM_ASSIGN_OR_RETURN(SpdxNode inner, std::move(parsed));
      if (Peek().type != Token::kClose) {
        return Error(Peek().column,
                     Peek().type == Token::kEnd
                         ? "missing ')' for the '(' at column " + std::to_string(t.column)
                         : "expected ')', found '" + std::string(Peek().text) + "'");
      }
      ++pos_;
      return inner;
    }
    if (t.type == Token::kEnd) return Error(t.column, "the expression ends too early");
    if (t.type != Token::kWord) {
      return Error(t.column, "expected a licence id, found '" + std::string(t.text) + "'");
    }
    for (std::string_view op : {"AND", "OR", "WITH"}) {
      if (AsciiLower(t.text) == AsciiLower(op)) {
        return Error(t.column, "expected a licence id before '" + std::string(t.text) + "'");
      }
    }
    if (t.text == "NONE" || t.text == "NOASSERTION") {
      return Error(t.column, std::string(t.text) + " cannot be combined with other terms");
    }
    ++pos_;
    SpdxNode n;
    n.kind = SpdxNode::Kind::kLicense;
    if (StartsWithNoCase(t.text, "LicenseRef-") || StartsWithNoCase(t.text, "DocumentRef-")) {
      HM_RETURN_IF_ERROR(CheckReference(t, "LicenseRef-"));
      n.id = std::string(t.text);
      n.is_reference = true;
    } else {
      if (t.text.find(':') != std::string_view::npos) {
        return Error(t.column, "unexpected ':' in '" + std::string(t.text) + "'");
      }
      const auto* found = Licenses().Find(t.text);
      if (!found) {
        std::string hint;
        if (Exceptions().Find(t.text)) hint = " (it is an exception: use WITH)";
        if (AsciiLower(t.text) == "openrail-m" || AsciiLower(t.text) == "openrail") {
          hint = " (OpenRAIL is not on the SPDX list: use LicenseRef-OpenRAIL-M)";
        }
        return Error(t.column, "unknown SPDX licence id '" + std::string(t.text) + "'" + hint);
      }
      n.id = found->first;
      n.deprecated = found->second;
    }
    if (Peek().type == Token::kPlus) {
      if (n.is_reference) return Error(Peek().column, "'+' cannot follow a LicenseRef");
      n.or_later = true;
      ++pos_;
    }
    return n;
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  int depth_ = 0;  // open parentheses around the current position
};

std::string ToStringWithin(const SpdxNode& n, SpdxNode::Kind parent) {
  switch (n.kind) {
    case SpdxNode::Kind::kNone:
      return "NONE";
    case SpdxNode::Kind::kNoAssertion:
      return "NOASSERTION";
    case SpdxNode::Kind::kLicense:
      return n.id + (n.or_later ? "+" : "");
    case SpdxNode::Kind::kWith:
      return ToStringWithin(n.children[0], n.kind) + " WITH " + n.exception;
    case SpdxNode::Kind::kAnd:
    case SpdxNode::Kind::kOr: {
      std::string s;
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) s += n.kind == SpdxNode::Kind::kAnd ? " AND " : " OR ";
        s += ToStringWithin(n.children[i], n.kind);
      }
      // OR inside AND needs parentheses; so does any group nested in the same operator kind.
      bool paren =
          (n.kind == SpdxNode::Kind::kOr && parent == SpdxNode::Kind::kAnd) || parent == n.kind;
      return paren ? "(" + s + ")" : s;
    }
  }
  return "";
}

void CollectIds(const SpdxNode& n, std::vector<std::string>& out) {
  if (n.kind == SpdxNode::Kind::kLicense) {
    if (std::find(out.begin(), out.end(), n.id) == out.end()) out.push_back(n.id);
  }
  for (const SpdxNode& c : n.children) CollectIds(c, out);
}

}  // namespace

std::string SpdxToString(const SpdxNode& node) {
  return ToStringWithin(node, SpdxNode::Kind::kLicense);
}

std::vector<std::string> SpdxLicenseIds(const SpdxNode& node) {
  std::vector<std::string> out;
  CollectIds(node, out);
  return out;
}

Result<SpdxNode> ParseSpdxExpression(std::string_view text) {
  if (text.size() > 4096) return Status::BadInput("licence expression is longer than 4096 bytes");
  return Parser(text).Parse();
}

std::string CanonicalSpdxLicenseId(std::string_view id) {
  const auto* found = Licenses().Find(id);
  return found ? found->first : std::string();
}

std::string CanonicalSpdxExceptionId(std::string_view id) {
  const auto* found = Exceptions().Find(id);
  return found ? found->first : std::string();
}

}  // namespace hallmark::audit
