// Typed reading of JSON documents that Hallmark reads from files (model file headers, signed
// audit reports). nlohmann::json throws type_error when a field holds another type than the
// reading code expects, which would escape as an internal error; JsonFields never throws and
// reports such a field as bad input naming the file and the field:
//
//   model.hmm: field 'model/arch' must be a string
//
// Fields are addressed by JSON pointer ("/model/arch", "/tensors/0/shape"). A pointer that runs
// through a value that is not an object or array names that value instead ("field 'model' must be
// an object"). A field holding null counts as present and of the wrong type.
#ifndef HALLMARK_BASE_JSON_FIELDS_H_
#define HALLMARK_BASE_JSON_FIELDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace hallmark {

class JsonFields {
 public:
  // `doc` must outlive this object. `file` starts every message ("" when the caller adds the
  // file name itself). `at` is where `doc` sits in its file, as a JSON pointer ("/model" for the
  // model object of a header), so messages name fields as the file spells them.
  JsonFields(const nlohmann::json& doc, std::string file, std::string at = "");

  // Whether the field exists (of any type). False, too, when the path runs through a scalar.
  bool Has(std::string_view pointer) const;

  // Required fields: a missing one is BadInput "<file>: field '<path>' is missing".
  Result<std::string> String(std::string_view pointer) const;
  Result<int64_t> Integer(std::string_view pointer) const;
  Result<bool> Bool(std::string_view pointer) const;
  Result<const nlohmann::json*> Object(std::string_view pointer) const;
  Result<const nlohmann::json*> Array(std::string_view pointer) const;
  // An integer >= 0; a number written with a fraction or exponent is not one.
  Result<uint64_t> Unsigned(std::string_view pointer) const;

  // Optional fields: `fallback` when the field is missing.
  Result<std::string> String(std::string_view pointer, std::string fallback) const;
  Result<int64_t> Integer(std::string_view pointer, int64_t fallback) const;
  Result<bool> Bool(std::string_view pointer, bool fallback) const;
  Result<double> Number(std::string_view pointer, double fallback) const;  // integer or not
  Result<uint64_t> Unsigned(std::string_view pointer, uint64_t fallback) const;
  // An empty object or array when missing.
  Result<const nlohmann::json*> ObjectOrEmpty(std::string_view pointer) const;
  Result<const nlohmann::json*> ArrayOrEmpty(std::string_view pointer) const;

  // Required: an integer that fits an int; an array of strings; an array of integers.
  Result<int> Int(std::string_view pointer) const;
  Result<std::vector<std::string>> Strings(std::string_view pointer) const;
  Result<std::vector<int64_t>> Integers(std::string_view pointer) const;

  // BadInput "<file>: field '<path>' <what>", for checks the typed readers cannot make.
  Status Error(std::string_view pointer, const std::string& what) const;

 private:
  // The field at `pointer`, nullptr when missing, or BadInput when the path runs through a
  // scalar.
  Result<const nlohmann::json*> Find(std::string_view pointer) const;
  Result<const nlohmann::json*> Required(std::string_view pointer) const;

  const nlohmann::json* doc_;
  std::string file_;
  std::string at_;
};

// Lenient reading, for text shown to people from a record someone else made (a manifest's
// assertions, a server's answer): `j[key]` when `j` is an object and that field a string, else "".
// Never throws, never an error.
std::string TextOrEmpty(const nlohmann::json& j, const char* key);

}  // namespace hallmark

#endif  // HALLMARK_BASE_JSON_FIELDS_H_
