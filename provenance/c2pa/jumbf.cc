#include "provenance/c2pa/jumbf.h"

#include <cstring>

#include "base/utf8.h"

namespace hallmark::provenance {
namespace {

constexpr int kMaxDepth = 16;

void PutU32(Bytes& out, uint32_t v) {
  out.push_back(static_cast<uint8_t>(v >> 24));
  out.push_back(static_cast<uint8_t>(v >> 16));
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

uint32_t GetU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

Status Malformed(const std::string& why) { return Status::BadInput("malformed JUMBF: " + why); }

// A box type for messages: the four bytes, with anything but printable ASCII shown as '?'.
std::string Printable(const std::string& type) {
  std::string out = type;
  for (char& c : out) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return out;
}

// Reads the box at the front of `data`.
Result<JumbfBox> NextBox(ByteView data) {
  if (data.size() < 8) return Malformed("truncated box header");
  uint64_t length = GetU32(data.data());
  size_t header = 8;
  if (length == 1) {
    if (data.size() < 16) return Malformed("truncated extended box header");
    length = (uint64_t{GetU32(data.data() + 8)} << 32) | GetU32(data.data() + 12);
    header = 16;
  } else if (length == 0) {
    length = data.size();
  }
  if (length < header || length > data.size()) {
    return Malformed("box length " + std::to_string(length) + " exceeds the data");
  }
  JumbfBox box;
  box.type = std::string(reinterpret_cast<const char*>(data.data()) + 4, 4);
  box.whole = data.Slice(0, length);
  box.payload = data.Slice(header, length - header);
  return box;
}

// Counts boxes against the limit as they are parsed.
class BoxBudget {
 public:
  explicit BoxBudget(size_t max_boxes) : max_(max_boxes) {}
  Status Take() {
    if (used_ >= max_) {
      return Status::BadInput("JUMBF store has more than " + std::to_string(max_) +
                              " boxes (the limit of JUMBF boxes per manifest store)");
    }
    ++used_;
    return Status::Ok();
  }

 private:
  size_t max_;
  size_t used_ = 0;
};

Result<JumbfSuperBox> ParseSuper(const JumbfBox& box, int depth, BoxBudget& budget) {
  if (depth > kMaxDepth) return Malformed("superboxes nested too deeply");
  if (box.type != "jumb") {
    return Malformed("expected a jumb box, found '" + Printable(box.type) + "'");
  }
  HM_RETURN_IF_ERROR(budget.Take());
  JumbfSuperBox sb;
  sb.whole = box.whole;
  sb.contents = box.payload;
  ByteView rest = box.payload;
  HM_ASSIGN_OR_RETURN(JumbfBox desc, NextBox(rest));
  if (desc.type != "jumd") return Malformed("superbox does not start with a jumd box");
  HM_RETURN_IF_ERROR(budget.Take());
  ByteView d = desc.payload;
  if (d.size() < 17) return Malformed("truncated jumd box");
  std::memcpy(sb.uuid.data(), d.data(), 16);
  sb.toggles = d[16];
  size_t pos = 17;
  if (sb.toggles & kJumdLabel) {
    size_t end = pos;
    while (end < d.size() && d[end] != 0) ++end;
    if (end >= d.size()) return Malformed("jumd label is not NUL-terminated");
    sb.label = std::string(d.Slice(pos, end - pos).AsStringView());
    if (!IsValidUtf8(sb.label)) return Malformed("jumd label is not valid UTF-8");
    pos = end + 1;
  }
  if (sb.toggles & kJumdId) {
    if (d.size() - pos < 4) return Malformed("truncated jumd id");
    sb.id = GetU32(d.data() + pos);
    pos += 4;
  }
  if (sb.toggles & kJumdHash) {
    if (d.size() - pos < 32) return Malformed("truncated jumd hash");
    pos += 32;
  }
  if (sb.toggles & kJumdPrivate) {
    HM_ASSIGN_OR_RETURN(JumbfBox priv, NextBox(d.Slice(pos)));
    sb.private_box = priv.whole;
  }
  rest = rest.Slice(desc.whole.size());
  while (!rest.empty()) {
    HM_ASSIGN_OR_RETURN(JumbfBox child, NextBox(rest));
    if (child.type == "jumb") {
      HM_ASSIGN_OR_RETURN(JumbfSuperBox sub, ParseSuper(child, depth + 1, budget));
      sb.boxes.push_back(std::move(sub));
    } else {
      HM_RETURN_IF_ERROR(budget.Take());
      sb.content.push_back(child);
    }
    rest = rest.Slice(child.whole.size());
  }
  return sb;
}

}  // namespace

JumbfUuid C2paUuid(std::string_view four_cc) {
  JumbfUuid u = {0,    0,    0,    0,    0x00, 0x11, 0x00, 0x10,
                 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
  for (size_t i = 0; i < 4 && i < four_cc.size(); ++i) u[i] = static_cast<uint8_t>(four_cc[i]);
  return u;
}

std::string UuidFourCc(const JumbfUuid& uuid) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    const char c = static_cast<char>(uuid[i]);
    s += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  return s;
}

Bytes MakeBox(std::string_view type, ByteView payload) {
  Bytes out;
  out.reserve(8 + payload.size());
  PutU32(out, static_cast<uint32_t>(8 + payload.size()));
  out.insert(out.end(), type.begin(), type.begin() + 4);
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

Bytes MakeDescription(const JumbfUuid& uuid, std::string_view label, uint8_t toggles,
                      ByteView private_box) {
  Bytes payload(uuid.begin(), uuid.end());
  if (!private_box.empty()) toggles |= kJumdPrivate;
  payload.push_back(toggles);
  payload.insert(payload.end(), label.begin(), label.end());
  payload.push_back(0);
  payload.insert(payload.end(), private_box.begin(), private_box.end());
  return MakeBox("jumd", payload);
}

Bytes MakeSuperBox(ByteView description, const std::vector<Bytes>& children) {
  size_t size = 8 + description.size();
  for (const Bytes& c : children) size += c.size();
  Bytes out;
  out.reserve(size);
  PutU32(out, static_cast<uint32_t>(size));
  out.insert(out.end(), {'j', 'u', 'm', 'b'});
  out.insert(out.end(), description.begin(), description.end());
  for (const Bytes& c : children) out.insert(out.end(), c.begin(), c.end());
  return out;
}

const JumbfSuperBox* JumbfSuperBox::Child(std::string_view child_label) const {
  for (const JumbfSuperBox& b : boxes) {
    if (b.label == child_label) return &b;
  }
  return nullptr;
}

Result<JumbfSuperBox> ParseJumbf(ByteView data, size_t max_boxes) {
  HM_ASSIGN_OR_RETURN(JumbfBox box, NextBox(data));
  if (box.whole.size() != data.size()) return Malformed("trailing bytes after the superbox");
  BoxBudget budget(max_boxes);
  return ParseSuper(box, 0, budget);
}

}  // namespace hallmark::provenance
