// A small CBOR (RFC 8949) value type with an encoder and a strict decoder, enough for C2PA claims,
// assertions and COSE structures: integers, byte and text strings, arrays, maps, tags, booleans,
// null/undefined and floats.
//
// Encoding is deterministic (RFC 8949 §4.2.1): shortest integer and length forms, definite
// lengths, map keys sorted by their encoded bytes. Floats use the shortest of float32/float64
// that keeps the value. The decoder accepts any well-formed item (including indefinite lengths
// written by other implementations) and never reads past its input: a hostile buffer gives
// Status::BadInput, not a crash. It also refuses what RFC 8949 calls not well-formed or invalid
// and a reader cannot safely pass on: text strings that are not valid UTF-8 (they would reach
// JSON output), nesting deeper than 64, and more items than a budget allows. Memory is claimed
// as items are actually read, never up front from a count in the input.
#ifndef HALLMARK_PROVENANCE_C2PA_CBOR_H_
#define HALLMARK_PROVENANCE_C2PA_CBOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::provenance {

class Cbor {
 public:
  enum class Type { kInt, kBytes, kText, kArray, kMap, kTag, kBool, kNull, kUndefined, kFloat };
  using Entry = std::pair<Cbor, Cbor>;

  Cbor() : type_(Type::kNull) {}
  static Cbor Int(int64_t v);
  static Cbor Uint(uint64_t v);  // values above INT64_MAX keep their magnitude
  // -1 - magnitude, CBOR's negative integer, whose range reaches -2^64: below INT64_MIN,
  // int_value() saturates and magnitude() keeps the value.
  static Cbor Negative(uint64_t magnitude);
  static Cbor ByteString(ByteView b);
  static Cbor Text(std::string_view s);
  static Cbor Array(std::vector<Cbor> items = {});
  static Cbor Map(std::vector<Entry> entries = {});
  static Cbor Tag(uint64_t tag, Cbor content);
  static Cbor Bool(bool b);
  static Cbor Null() { return Cbor(); }
  static Cbor Undefined();
  static Cbor Float(double d);

  Type type() const { return type_; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_bytes() const { return type_ == Type::kBytes; }
  bool is_text() const { return type_ == Type::kText; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_map() const { return type_ == Type::kMap; }
  bool is_tag() const { return type_ == Type::kTag; }
  bool is_null() const { return type_ == Type::kNull; }

  // Accessors; calling the wrong one returns an empty/zero value rather than aborting, so
  // readers of hostile input check type() first and never crash.
  int64_t int_value() const { return int_; }
  bool negative() const { return negative_; }  // for kInt: the value is -1 - magnitude
  uint64_t magnitude() const { return magnitude_; }
  bool bool_value() const { return bool_; }
  double float_value() const { return float_; }
  const Bytes& bytes() const { return bytes_; }
  const std::string& text() const { return text_; }
  const std::vector<Cbor>& items() const { return items_; }
  std::vector<Cbor>& items() { return items_; }
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& entries() { return entries_; }
  uint64_t tag() const { return tag_; }
  const Cbor& tagged() const { return items_.empty() ? Null_() : items_[0]; }

  // Map lookup by text or integer key; nullptr when absent or when this is not a map.
  const Cbor* Find(std::string_view key) const;
  const Cbor* FindInt(int64_t key) const;
  // Appends (or replaces) a text-keyed entry of a map.
  Cbor& Set(std::string_view key, Cbor value);
  Cbor& SetInt(int64_t key, Cbor value);
  void Push(Cbor value) { items_.push_back(std::move(value)); }

  Bytes Encode() const;
  void EncodeTo(Bytes& out) const;

  // For display: byte strings become lower-case hex text, tags {"tag": n, "value": ...}.
  nlohmann::json ToJson() const;
  // The inverse for plain JSON: numbers, strings, arrays, objects, booleans, null.
  static Cbor FromJson(const nlohmann::json& j);

 private:
  static const Cbor& Null_();
  bool SameInt(const Cbor& other) const;

  Type type_;
  int64_t int_ = 0;
  bool negative_ = false;
  uint64_t magnitude_ = 0;
  bool bool_ = false;
  double float_ = 0;
  uint64_t tag_ = 0;
  Bytes bytes_;
  std::string text_;
  std::vector<Cbor> items_;  // array items; the tagged item of a tag
  std::vector<Entry> entries_;
};

// How many items decoding may produce; every integer, string, array, map, tag and simple value
// counts one. A decoded item costs about 150 bytes of memory whatever its encoded size (one
// byte for a small integer), so the budget, not the input size, bounds the memory a decode
// takes. One budget can be shared by several decodes (all the CBOR of a manifest store).
class CborBudget {
 public:
  // `name` says in messages what ran out, e.g. "CBOR items per manifest store".
  CborBudget(uint64_t max_items, std::string name)
      : max_items_(max_items), left_(max_items), name_(std::move(name)) {}

  // Takes one item; false (and exhausted() from then on) when none is left.
  bool Take() {
    if (left_ == 0) {
      exhausted_ = true;
      return false;
    }
    --left_;
    return true;
  }
  bool exhausted() const { return exhausted_; }
  uint64_t max_items() const { return max_items_; }
  uint64_t left() const { return left_; }
  const std::string& name() const { return name_; }

 private:
  uint64_t max_items_;
  uint64_t left_;
  bool exhausted_ = false;
  std::string name_;
};

// The allowance of one decode that is given no budget: far more than any claim, assertion or
// COSE structure holds, and some 40 MB of decoded items at most.
inline constexpr uint64_t kDefaultMaxCborItems = uint64_t{1} << 18;

// Decodes exactly one item that spans the whole input. `budget`, when given, is charged for
// every item; otherwise the decode has kDefaultMaxCborItems of its own.
Result<Cbor> CborDecode(ByteView data, std::string_view what = "CBOR data",
                        CborBudget* budget = nullptr);
// Decodes one item from the front of `data`; `consumed` receives its encoded length.
Result<Cbor> CborDecodePrefix(ByteView data, size_t* consumed, std::string_view what = "CBOR data",
                              CborBudget* budget = nullptr);

// Appends a major type + argument head in its shortest form.
void CborWriteHead(Bytes& out, uint8_t major, uint64_t arg);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_CBOR_H_
