#include "provenance/c2pa/cbor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

#include "base/hex.h"
#include "base/utf8.h"

namespace hallmark::provenance {
namespace {

constexpr int kMaxDepth = 64;
// Arrays and maps reserve at most this many slots before their items are read; a count in the
// input is a claim, and the vector grows with the items that actually arrive.
constexpr uint64_t kMaxReserve = 1024;

void PutBigEndian(Bytes& out, uint64_t v, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

void CborWriteHead(Bytes& out, uint8_t major, uint64_t arg) {
  const uint8_t m = static_cast<uint8_t>(major << 5);
  if (arg < 24) {
    out.push_back(static_cast<uint8_t>(m | arg));
  } else if (arg <= 0xff) {
    out.push_back(m | 24);
    PutBigEndian(out, arg, 1);
  } else if (arg <= 0xffff) {
    out.push_back(m | 25);
    PutBigEndian(out, arg, 2);
  } else if (arg <= 0xffffffffULL) {
    out.push_back(m | 26);
    PutBigEndian(out, arg, 4);
  } else {
    out.push_back(m | 27);
    PutBigEndian(out, arg, 8);
  }
}

const Cbor& Cbor::Null_() {
  static const Cbor* null = new Cbor();
  return *null;
}

Cbor Cbor::Int(int64_t v) {
  return v < 0 ? Negative(static_cast<uint64_t>(-(v + 1))) : Uint(static_cast<uint64_t>(v));
}

Cbor Cbor::Negative(uint64_t magnitude) {
  Cbor c;
  c.type_ = Type::kInt;
  c.negative_ = true;
  c.magnitude_ = magnitude;
  c.int_ = magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::min()
               : -1 - static_cast<int64_t>(magnitude);
  return c;
}

Cbor Cbor::Uint(uint64_t v) {
  Cbor c;
  c.type_ = Type::kInt;
  c.magnitude_ = v;
  c.int_ = v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())
               ? std::numeric_limits<int64_t>::max()
               : static_cast<int64_t>(v);
  return c;
}

Cbor Cbor::ByteString(ByteView b) {
  Cbor c;
  c.type_ = Type::kBytes;
  c.bytes_ = b.ToBytes();
  return c;
}

Cbor Cbor::Text(std::string_view s) {
  Cbor c;
  c.type_ = Type::kText;
  c.text_ = std::string(s);
  return c;
}

Cbor Cbor::Array(std::vector<Cbor> items) {
  Cbor c;
  c.type_ = Type::kArray;
  c.items_ = std::move(items);
  return c;
}

Cbor Cbor::Map(std::vector<Entry> entries) {
  Cbor c;
  c.type_ = Type::kMap;
  c.entries_ = std::move(entries);
  return c;
}

Cbor Cbor::Tag(uint64_t tag, Cbor content) {
  Cbor c;
  c.type_ = Type::kTag;
  c.tag_ = tag;
  c.items_.push_back(std::move(content));
  return c;
}

Cbor Cbor::Bool(bool b) {
  Cbor c;
  c.type_ = Type::kBool;
  c.bool_ = b;
  return c;
}

Cbor Cbor::Undefined() {
  Cbor c;
  c.type_ = Type::kUndefined;
  return c;
}

Cbor Cbor::Float(double d) {
  Cbor c;
  c.type_ = Type::kFloat;
  c.float_ = d;
  return c;
}

const Cbor* Cbor::Find(std::string_view key) const {
  if (type_ != Type::kMap) return nullptr;
  for (const auto& [k, v] : entries_) {
    if (k.type_ == Type::kText && k.text_ == key) return &v;
  }
  return nullptr;
}

const Cbor* Cbor::FindInt(int64_t key) const {
  if (type_ != Type::kMap) return nullptr;
  const Cbor wanted = Int(key);
  for (const auto& [k, v] : entries_) {
    if (k.SameInt(wanted)) return &v;
  }
  return nullptr;
}

bool Cbor::SameInt(const Cbor& other) const {
  // By sign and magnitude: int_ saturates below INT64_MIN.
  return type_ == Type::kInt && other.type_ == Type::kInt && negative_ == other.negative_ &&
         magnitude_ == other.magnitude_;
}

Cbor& Cbor::Set(std::string_view key, Cbor value) {
  for (auto& [k, v] : entries_) {
    if (k.type_ == Type::kText && k.text_ == key) {
      v = std::move(value);
      return *this;
    }
  }
  entries_.emplace_back(Text(key), std::move(value));
  return *this;
}

Cbor& Cbor::SetInt(int64_t key, Cbor value) {
  const Cbor wanted = Int(key);
  for (auto& [k, v] : entries_) {
    if (k.SameInt(wanted)) {
      v = std::move(value);
      return *this;
    }
  }
  entries_.emplace_back(Int(key), std::move(value));
  return *this;
}

Bytes Cbor::Encode() const {
  Bytes out;
  EncodeTo(out);
  return out;
}

void Cbor::EncodeTo(Bytes& out) const {
  switch (type_) {
    case Type::kInt:
      CborWriteHead(out, negative_ ? 1 : 0, magnitude_);
      break;
    case Type::kBytes:
      CborWriteHead(out, 2, bytes_.size());
      out.insert(out.end(), bytes_.begin(), bytes_.end());
      break;
    case Type::kText:
      CborWriteHead(out, 3, text_.size());
      out.insert(out.end(), text_.begin(), text_.end());
      break;
    case Type::kArray:
      CborWriteHead(out, 4, items_.size());
      for (const Cbor& item : items_) item.EncodeTo(out);
      break;
    case Type::kMap: {
      // Deterministic order: sort entries by the bytes of their encoded keys.
      std::vector<std::pair<Bytes, const Cbor*>> encoded;
      encoded.reserve(entries_.size());
      for (const auto& [k, v] : entries_) encoded.emplace_back(k.Encode(), &v);
      std::sort(encoded.begin(), encoded.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      CborWriteHead(out, 5, encoded.size());
      for (const auto& [k, v] : encoded) {
        out.insert(out.end(), k.begin(), k.end());
        v->EncodeTo(out);
      }
      break;
    }
    case Type::kTag:
      CborWriteHead(out, 6, tag_);
      tagged().EncodeTo(out);
      break;
    case Type::kBool:
      out.push_back(bool_ ? 0xf5 : 0xf4);
      break;
    case Type::kNull:
      out.push_back(0xf6);
      break;
    case Type::kUndefined:
      out.push_back(0xf7);
      break;
    case Type::kFloat: {
      const float f = static_cast<float>(float_);
      if (static_cast<double>(f) == float_ || std::isnan(float_)) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        out.push_back(0xfa);
        PutBigEndian(out, bits, 4);
      } else {
        uint64_t bits;
        std::memcpy(&bits, &float_, 8);
        out.push_back(0xfb);
        PutBigEndian(out, bits, 8);
      }
      break;
    }
  }
}

nlohmann::json Cbor::ToJson() const {
  switch (type_) {
    case Type::kInt:
      if (!negative_) return nlohmann::json(magnitude_);
      if (magnitude_ <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return int_;
      // JSON numbers here stop at INT64_MIN; the exact value, down to -2^64, is kept as text.
      if (magnitude_ == std::numeric_limits<uint64_t>::max()) return "-18446744073709551616";
      return "-" + std::to_string(magnitude_ + 1);
    case Type::kBytes:
      return HexEncode(bytes_);
    case Type::kText:
      return text_;
    case Type::kArray: {
      nlohmann::json a = nlohmann::json::array();
      for (const Cbor& item : items_) a.push_back(item.ToJson());
      return a;
    }
    case Type::kMap: {
      nlohmann::json o = nlohmann::json::object();
      for (const auto& [k, v] : entries_) {
        // A key that is itself an array or map is shown as its CBOR encoding in hex: dumping it
        // as JSON text re-escaped every nested key's quotes at each level, so 60 nested maps
        // used as keys grew the text exponentially (found by fuzzing).
        const bool scalar =
            k.type_ != Type::kArray && k.type_ != Type::kMap && k.type_ != Type::kTag;
        std::string key = k.type_ == Type::kText ? k.text_
                          : scalar               ? DumpJsonReplacingInvalidUtf8(k.ToJson())
                                                 : "cbor:" + HexEncode(k.Encode());
        o[key] = v.ToJson();
      }
      return o;
    }
    case Type::kTag:
      return {{"tag", tag_}, {"value", tagged().ToJson()}};
    case Type::kBool:
      return bool_;
    case Type::kFloat:
      return float_;
    case Type::kNull:
    case Type::kUndefined:
      break;
  }
  return nullptr;
}

Cbor Cbor::FromJson(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::boolean:
      return Bool(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return Int(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return Uint(j.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return Float(j.get<double>());
    case nlohmann::json::value_t::string:
      return Text(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      std::vector<Cbor> items;
      for (const auto& e : j) items.push_back(FromJson(e));
      return Array(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      Cbor m = Map();
      for (auto it = j.begin(); it != j.end(); ++it) m.Set(it.key(), FromJson(it.value()));
      return m;
    }
    case nlohmann::json::value_t::binary: {
      const auto& bin = j.get_binary();
      return ByteString(ByteView(bin.data(), bin.size()));
    }
    default:
      return Null();
  }
}

namespace {

class Decoder {
 public:
  Decoder(ByteView data, std::string_view what, CborBudget* budget)
      : data_(data),
        what_(what),
        own_budget_(kDefaultMaxCborItems, "CBOR items per decode"),
        budget_(budget ? budget : &own_budget_) {}
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  Result<Cbor> Item(int depth) {
    if (depth > kMaxDepth) return Fail("nested too deeply");
    if (pos_ >= data_.size()) return Fail("truncated");
    if (!budget_->Take()) {
      return Fail("more than " + std::to_string(budget_->max_items()) + " items (the limit of " +
                  budget_->name() + ")");
    }
    const uint8_t initial = data_[pos_++];
    const uint8_t major = initial >> 5;
    const uint8_t info = initial & 0x1f;
    if (major == 7) return Simple(info);
    if (info == 31) return Indefinite(major, depth);
    uint64_t arg = 0;
    HM_RETURN_IF_ERROR(Argument(info, &arg));
    switch (major) {
      case 0:
        return Cbor::Uint(arg);
      case 1:
        return Cbor::Negative(arg);
      case 2:
      case 3: {
        if (arg > data_.size() - pos_) return Fail("string runs past the end");
        ByteView s = data_.Slice(pos_, arg);
        if (major == 3) {
          // RFC 8949 §3.1: a text string holds UTF-8; anything else is not well-formed, and
          // would make JSON output throw further on.
          const size_t bad = FirstInvalidUtf8(s.AsStringView());
          if (bad != s.size()) {
            pos_ += bad;
            return Fail("text string is not valid UTF-8");
          }
        }
        pos_ += arg;
        return major == 2 ? Cbor::ByteString(s) : Cbor::Text(s.AsStringView());
      }
      case 4: {
        // Every item takes at least one byte, which bounds hostile counts.
        if (arg > data_.size() - pos_) return Fail("array count runs past the end");
        std::vector<Cbor> items;
        items.reserve(std::min(arg, kMaxReserve));
        for (uint64_t i = 0; i < arg; ++i) {
          HM_ASSIGN_OR_RETURN(Cbor item, Item(depth + 1));
          items.push_back(std::move(item));
        }
        return Cbor::Array(std::move(items));
      }
      case 5: {
        if (arg > (data_.size() - pos_) / 2) return Fail("map count runs past the end");
        std::vector<Cbor::Entry> entries;
        entries.reserve(std::min(arg, kMaxReserve));
        for (uint64_t i = 0; i < arg; ++i) {
          HM_ASSIGN_OR_RETURN(Cbor k, Item(depth + 1));
          HM_ASSIGN_OR_RETURN(Cbor v, Item(depth + 1));
          entries.emplace_back(std::move(k), std::move(v));
        }
        return UniqueKeyMap(std::move(entries));
      }
      case 6: {
        HM_ASSIGN_OR_RETURN(Cbor content, Item(depth + 1));
        return Cbor::Tag(arg, std::move(content));
      }
    }
    return Fail("unknown major type");
  }

  // RFC 8949 section 5.6: a map with two equal keys is not valid, and two parsers may disagree on
  // which value wins - a way to show a validator one claim and a reader another. Keys are compared
  // by their deterministic encoding.
  Result<Cbor> UniqueKeyMap(std::vector<Cbor::Entry> entries) const {
    std::set<Bytes> keys;
    for (const Cbor::Entry& e : entries) {
      if (!keys.insert(e.first.Encode()).second) return Fail("duplicate map key");
    }
    return Cbor::Map(std::move(entries));
  }

  size_t pos() const { return pos_; }
  Status Fail(const std::string& why) const {
    return Status::BadInput(std::string(what_) + ": malformed CBOR at byte " +
                            std::to_string(pos_) + ": " + why);
  }

 private:
  Status Argument(uint8_t info, uint64_t* arg) {
    if (info < 24) {
      *arg = info;
      return Status::Ok();
    }
    int n = 0;
    switch (info) {
      case 24:
        n = 1;
        break;
      case 25:
        n = 2;
        break;
      case 26:
        n = 4;
        break;
      case 27:
        n = 8;
        break;
      default:
        return Fail("reserved additional information");
    }
    if (static_cast<size_t>(n) > data_.size() - pos_) return Fail("truncated argument");
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = (v << 8) | data_[pos_++];
    *arg = v;
    return Status::Ok();
  }

  Result<Cbor> Simple(uint8_t info) {
    switch (info) {
      case 20:
        return Cbor::Bool(false);
      case 21:
        return Cbor::Bool(true);
      case 22:
        return Cbor::Null();
      case 23:
        return Cbor::Undefined();
      case 25: {
        if (2 > data_.size() - pos_) return Fail("truncated half float");
        const uint16_t h = static_cast<uint16_t>((data_[pos_] << 8) | data_[pos_ + 1]);
        pos_ += 2;
        const int exp = (h >> 10) & 0x1f;
        const int mant = h & 0x3ff;
        double v;
        if (exp == 0)
          v = std::ldexp(mant, -24);
        else if (exp != 31)
          v = std::ldexp(mant + 1024, exp - 25);
        else
          v = mant == 0 ? std::numeric_limits<double>::infinity()
                        : std::numeric_limits<double>::quiet_NaN();
        return Cbor::Float((h & 0x8000) ? -v : v);
      }
      case 26: {
        if (4 > data_.size() - pos_) return Fail("truncated float");
        uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) bits = (bits << 8) | data_[pos_++];
        float f;
        std::memcpy(&f, &bits, 4);
        return Cbor::Float(f);
      }
      case 27: {
        if (8 > data_.size() - pos_) return Fail("truncated double");
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits = (bits << 8) | data_[pos_++];
        double d;
        std::memcpy(&d, &bits, 8);
        return Cbor::Float(d);
      }
      default:
        if (info < 20) return Cbor::Undefined();  // unassigned simple values
        if (info == 24) {
          if (pos_ >= data_.size()) return Fail("truncated simple value");
          ++pos_;
          return Cbor::Undefined();
        }
        return Fail("unexpected break or reserved simple value");
    }
  }

  bool AtBreak() const { return pos_ < data_.size() && data_[pos_] == 0xff; }

  Result<Cbor> Indefinite(uint8_t major, int depth) {
    switch (major) {
      case 2:
      case 3: {
        Bytes joined;
        while (!AtBreak()) {
          if (pos_ >= data_.size()) return Fail("unterminated string");
          HM_ASSIGN_OR_RETURN(Cbor chunk, Item(depth + 1));
          if (major == 2 && chunk.is_bytes()) {
            joined.insert(joined.end(), chunk.bytes().begin(), chunk.bytes().end());
          } else if (major == 3 && chunk.is_text()) {
            joined.insert(joined.end(), chunk.text().begin(), chunk.text().end());
          } else {
            return Fail("bad chunk in indefinite string");
          }
        }
        ++pos_;
        return major == 2 ? Cbor::ByteString(joined) : Cbor::Text(ByteView(joined).AsStringView());
      }
      case 4: {
        std::vector<Cbor> items;
        while (!AtBreak()) {
          if (pos_ >= data_.size()) return Fail("unterminated array");
          HM_ASSIGN_OR_RETURN(Cbor item, Item(depth + 1));
          items.push_back(std::move(item));
        }
        ++pos_;
        return Cbor::Array(std::move(items));
      }
      case 5: {
        std::vector<Cbor::Entry> entries;
        while (!AtBreak()) {
          if (pos_ >= data_.size()) return Fail("unterminated map");
          HM_ASSIGN_OR_RETURN(Cbor k, Item(depth + 1));
          HM_ASSIGN_OR_RETURN(Cbor v, Item(depth + 1));
          entries.emplace_back(std::move(k), std::move(v));
        }
        ++pos_;
        return UniqueKeyMap(std::move(entries));
      }
      default:
        return Fail("indefinite length not allowed for this type");
    }
  }

  ByteView data_;
  std::string_view what_;
  CborBudget own_budget_;
  CborBudget* budget_;
  size_t pos_ = 0;
};

}  // namespace

Result<Cbor> CborDecodePrefix(ByteView data, size_t* consumed, std::string_view what,
                              CborBudget* budget) {
  Decoder d(data, what, budget);
  HM_ASSIGN_OR_RETURN(Cbor c, d.Item(0));
  if (consumed) *consumed = d.pos();
  return c;
}

Result<Cbor> CborDecode(ByteView data, std::string_view what, CborBudget* budget) {
  Decoder d(data, what, budget);
  HM_ASSIGN_OR_RETURN(Cbor c, d.Item(0));
  if (d.pos() != data.size()) return d.Fail("trailing bytes after the item");
  return c;
}

}  // namespace hallmark::provenance
