#include "base/json_fields.h"

#include <limits>
#include <optional>

namespace hallmark {
namespace {

using Json = nlohmann::json;

// RFC 6901: "~1" stands for '/', "~0" for '~'.
std::string UnescapeToken(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '~' && i + 1 < raw.size() && (raw[i + 1] == '0' || raw[i + 1] == '1')) {
      out += raw[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += raw[i];
    }
  }
  return out;
}

// An array index as RFC 6901 spells it: digits, no leading zero; nullopt otherwise.
std::optional<size_t> ArrayIndex(const std::string& token) {
  if (token.empty() || token.size() > 18 || (token.size() > 1 && token[0] == '0')) {
    return std::nullopt;
  }
  size_t index = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    index = index * 10 + size_t(c - '0');
  }
  return index;
}

const Json& EmptyObject() {
  static const Json* const empty = new Json(Json::object());
  return *empty;
}

const Json& EmptyArray() {
  static const Json* const empty = new Json(Json::array());
  return *empty;
}

}  // namespace

JsonFields::JsonFields(const Json& doc, std::string file, std::string at)
    : doc_(&doc), file_(std::move(file)), at_(std::move(at)) {}

Status JsonFields::Error(std::string_view pointer, const std::string& what) const {
  std::string path = at_ + std::string(pointer);
  // Named as the file spells it, without the pointer's leading '/': "model/arch".
  path = path.empty() ? "/" : path.substr(1);
  std::string msg = "field '" + path + "' " + what;
  return Status::BadInput(file_.empty() ? msg : file_ + ": " + msg);
}

Result<const Json*> JsonFields::Find(std::string_view pointer) const {
  if (!pointer.empty() && pointer[0] != '/') {
    return Status::Internal("JSON pointer '" + std::string(pointer) + "' must start with '/'");
  }
  const Json* current = doc_;
  size_t pos = 0;
  while (pos < pointer.size()) {
    size_t next = pointer.find('/', pos + 1);
    if (next == std::string_view::npos) next = pointer.size();
    const std::string token = UnescapeToken(pointer.substr(pos + 1, next - pos - 1));
    if (current->is_object()) {
      auto it = current->find(token);
      if (it == current->end()) return nullptr;
      current = &*it;
    } else if (current->is_array()) {
      std::optional<size_t> index = ArrayIndex(token);
      if (!index || *index >= current->size()) return nullptr;
      current = &(*current)[*index];
    } else {
      return Error(pointer.substr(0, pos), "must be an object");
    }
    pos = next;
  }
  return current;
}

Result<const Json*> JsonFields::Required(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return Error(pointer, "is missing");
  return value;
}

bool JsonFields::Has(std::string_view pointer) const {
  Result<const Json*> value = Find(pointer);
  return value.ok() && *value != nullptr;
}

Result<std::string> JsonFields::String(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (!value->is_string()) return Error(pointer, "must be a string");
  return value->get<std::string>();
}

Result<int64_t> JsonFields::Integer(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (!value->is_number_integer()) return Error(pointer, "must be an integer");
  if (value->is_number_unsigned() &&
      value->get<uint64_t>() > uint64_t(std::numeric_limits<int64_t>::max())) {
    return Error(pointer, "is out of range");
  }
  return value->get<int64_t>();
}

Result<bool> JsonFields::Bool(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (!value->is_boolean()) return Error(pointer, "must be a boolean");
  return value->get<bool>();
}

Result<const Json*> JsonFields::Object(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (!value->is_object()) return Error(pointer, "must be an object");
  return value;
}

Result<const Json*> JsonFields::Array(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (!value->is_array()) return Error(pointer, "must be an array");
  return value;
}

Result<std::string> JsonFields::String(std::string_view pointer, std::string fallback) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return fallback;
  return String(pointer);
}

Result<int64_t> JsonFields::Integer(std::string_view pointer, int64_t fallback) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return fallback;
  return Integer(pointer);
}

Result<bool> JsonFields::Bool(std::string_view pointer, bool fallback) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return fallback;
  return Bool(pointer);
}

Result<double> JsonFields::Number(std::string_view pointer, double fallback) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return fallback;
  if (!value->is_number()) return Error(pointer, "must be a number");
  return value->get<double>();
}

Result<uint64_t> JsonFields::Unsigned(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Required(pointer));
  if (value->is_number_unsigned()) return value->get<uint64_t>();
  if (value->is_number_integer() && value->get<int64_t>() >= 0) return value->get<uint64_t>();
  return Error(pointer, "must be a non-negative integer");
}

Result<uint64_t> JsonFields::Unsigned(std::string_view pointer, uint64_t fallback) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return fallback;
  return Unsigned(pointer);
}

Result<const Json*> JsonFields::ObjectOrEmpty(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return &EmptyObject();
  return Object(pointer);
}

Result<const Json*> JsonFields::ArrayOrEmpty(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* value, Find(pointer));
  if (!value) return &EmptyArray();
  return Array(pointer);
}

Result<int> JsonFields::Int(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(int64_t value, Integer(pointer));
  if (value < std::numeric_limits<int>::min() || value > std::numeric_limits<int>::max()) {
    return Error(pointer, "is out of range");
  }
  return int(value);
}

Result<std::vector<std::string>> JsonFields::Strings(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* array, Array(pointer));
  std::vector<std::string> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    HM_ASSIGN_OR_RETURN(std::string s, String(std::string(pointer) + "/" + std::to_string(i)));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<int64_t>> JsonFields::Integers(std::string_view pointer) const {
  HM_ASSIGN_OR_RETURN(const Json* array, Array(pointer));
  std::vector<int64_t> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    HM_ASSIGN_OR_RETURN(int64_t n, Integer(std::string(pointer) + "/" + std::to_string(i)));
    out.push_back(n);
  }
  return out;
}

std::string TextOrEmpty(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace hallmark
