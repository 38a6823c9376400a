// Fuzzes the JUMBF reader (provenance/c2pa/jumbf.h): every view it returns must lie inside the
// input, since hashed URIs are computed over those views.
#include <cstddef>
#include <cstdint>

#include "provenance/c2pa/jumbf.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using hallmark::ByteView;
using hallmark::fuzz::FuzzCheck;

bool Inside(ByteView view, const uint8_t* data, size_t size) {
  if (view.empty()) return true;
  return view.data() >= data && view.data() + view.size() <= data + size;
}

void CheckBox(const hallmark::provenance::JumbfSuperBox& box, const uint8_t* data, size_t size) {
  FuzzCheck(Inside(box.whole, data, size), "superbox view outside the input");
  FuzzCheck(Inside(box.contents, data, size), "superbox contents outside the input");
  FuzzCheck(Inside(box.private_box, data, size), "private box outside the input");
  for (const auto& c : box.content) {
    FuzzCheck(Inside(c.whole, data, size) && Inside(c.payload, data, size),
              "content box outside the input");
  }
  for (const auto& child : box.boxes) {
    CheckBox(child, data, size);
    (void)box.Child(child.label);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto parsed = hallmark::provenance::ParseJumbf(hallmark::fuzz::AsBytes(data, size));
  if (parsed.ok()) CheckBox(*parsed, data, size);
  return 0;
}
