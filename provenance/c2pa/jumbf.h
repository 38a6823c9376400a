// JUMBF (ISO/IEC 19566-5) boxes as C2PA uses them: superboxes (`jumb`) that start with a
// description box (`jumd`: type UUID, toggles, label, optional private box such as the `c2sh`
// salt) followed by content boxes (`cbor`, `json`, ...) or nested superboxes.
//
// The writer builds boxes bottom-up from byte strings. The reader parses a buffer into views that
// point back into it, so the exact bytes that were hashed (hashed URIs cover a superbox's
// contents, i.e. everything after its own 8-byte header) can be hashed again without
// re-serialising. The reader bounds every length and nesting depth.
#ifndef HALLMARK_PROVENANCE_C2PA_JUMBF_H_
#define HALLMARK_PROVENANCE_C2PA_JUMBF_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::provenance {

using JumbfUuid = std::array<uint8_t, 16>;

// The C2PA type UUID `<4cc>-0011-0010-8000-00AA00389B71` for c2pa, c2ma, c2as, cbor, json, c2cl,
// c2cs, c2um, ...
JumbfUuid C2paUuid(std::string_view four_cc);
std::string UuidFourCc(const JumbfUuid& uuid);  // the first four bytes as text

// Description toggles.
constexpr uint8_t kJumdRequestable = 0x01;
constexpr uint8_t kJumdLabel = 0x02;
constexpr uint8_t kJumdId = 0x04;
constexpr uint8_t kJumdHash = 0x08;
constexpr uint8_t kJumdPrivate = 0x10;

// ---- Writer ----

// A plain box: 4-byte big-endian length, 4-byte type, payload.
Bytes MakeBox(std::string_view type, ByteView payload);
// A `jumd` box. `private_box`, when given, is a complete box (e.g. MakeBox("c2sh", salt)).
Bytes MakeDescription(const JumbfUuid& uuid, std::string_view label, uint8_t toggles,
                      ByteView private_box = {});
// A `jumb` superbox holding `description` then `children` (complete boxes).
Bytes MakeSuperBox(ByteView description, const std::vector<Bytes>& children);

// ---- Reader ----

struct JumbfBox {
  std::string type;  // four characters
  ByteView whole;    // header + payload
  ByteView payload;  // after the header
};

struct JumbfSuperBox {
  ByteView whole;     // the `jumb` box including its header
  ByteView contents;  // everything after the 8/16-byte header: what hashed URIs cover
  JumbfUuid uuid{};
  uint8_t toggles = 0;
  std::string label;
  std::optional<uint32_t> id;
  ByteView private_box;              // the whole private box (e.g. `c2sh`), if any
  std::vector<JumbfBox> content;     // non-superbox children in order
  std::vector<JumbfSuperBox> boxes;  // superbox children in order

  std::string type() const { return UuidFourCc(uuid); }
  const JumbfSuperBox* Child(std::string_view child_label) const;
};

// Parses one `jumb` superbox spanning the whole of `data`. Labels must be valid UTF-8 (ISO/IEC
// 19566-5 defines them as UTF-8 strings). More than `max_boxes` boxes (superboxes, description
// and content boxes together) is BadInput: a store of empty 8-byte boxes would otherwise cost
// far more memory as parsed views than as bytes.
Result<JumbfSuperBox> ParseJumbf(ByteView data, size_t max_boxes = SIZE_MAX);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_JUMBF_H_
