// Fuzzes the comparison of a recorded fingerprint (from a ledger or a manifest someone else wrote)
// with any image under any alignment. Each input runs a whole comparison (a working frame of at
// least 128 x 128 and a translation search), so this target is slow by design: tens of
// executions per second under ASan. The input is the encoded fingerprint (its fixed size), then
// three bytes of alignment (scale, rotation, mirror), then a small grey query image: one byte each
// for width and height (16..79), then its samples.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_input.h"
#include "watermark/fingerprint/content_comparison.h"
#include "watermark/fingerprint/content_fingerprint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  using namespace hallmark::fingerprint;
  constexpr size_t kEncoded = 10 + 2 * size_t(kCells);
  if (size < kEncoded + 5) return 0;
  Result<ContentFingerprint> fp = ContentFingerprint::Decode(ByteView(data, kEncoded));
  if (!fp.ok()) return 0;
  fuzz::FuzzCheck(fp->Encode() == ByteView(data, kEncoded).ToBytes(), "round trip differs");
  const uint8_t* p = data + kEncoded;
  Alignment a;
  a.scale = 0.25 + p[0] / 64.0;
  a.rotation_degrees = (int(p[1]) - 128) / 12.8;
  a.mirrored = (p[2] & 1) != 0;
  const int w = 16 + p[3] % 64, h = 16 + p[4] % 64;
  Result<image::Image> img = image::Image::Create(w, h, 1);
  if (!img.ok()) return 0;
  const uint8_t* px = p + 5;
  const size_t available = size - kEncoded - 5;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const size_t i = size_t(y) * size_t(w) + size_t(x);
      img->set_sample(x, y, 0, available ? px[i % available] : 0);
    }
  Result<ContentComparison> c = CompareContent(*fp, *img, a);
  fuzz::FuzzCheck(c.ok(), "a valid alignment was refused");
  fuzz::FuzzCheck(c->cells_changed <= c->cells_compared, "more cells changed than compared");
  fuzz::FuzzCheck(c->similarity >= -1.0001 && c->similarity <= 1.0001, "similarity out of range");
  return 0;
}
