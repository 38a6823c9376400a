// Fuzzes the comparison of a recorded fingerprint (from a ledger or a manifest someone else wrote)
// with any image under any alignment. Each input runs a whole comparison (a working frame of at
// least 128 x 128 and a translation search), so this target is slow by design: tens of
// executions per second under ASan. The input is the encoded fingerprint (its fixed size), then
// three bytes of alignment (scale, rotation, and flags: mirrored, colour, 16-bit), then a small
// query image: one byte each for width and height (16..143), then its samples. A query of the
// recorded size is also compared as a whole, unmoved copy with a recorded mark to look for (the
// lost-mark check, mark_loss.h).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_input.h"
#include "watermark/fingerprint/content_comparison.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

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
  const int channels = (p[2] & 2) != 0 ? 3 : 1, depth = (p[2] & 4) != 0 ? 16 : 8;
  const int w = 16 + p[3] % 128, h = 16 + p[4] % 128;
  Result<image::Image> img = image::Image::Create(w, h, channels, depth);
  if (!img.ok()) return 0;
  const uint8_t* px = p + 5;
  const size_t available = size - kEncoded - 5;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < channels; ++c) {
        const size_t i = (size_t(y) * size_t(w) + size_t(x)) * size_t(channels) + size_t(c);
        const int v = available ? px[i % available] : 0;
        img->set_sample(x, y, c, depth == 16 ? v * 257 : v);
      }
  auto check = [](const Result<ContentComparison>& c) {
    fuzz::FuzzCheck(c.ok(), "a valid alignment was refused");
    fuzz::FuzzCheck(c->cells_changed <= c->cells_compared, "more cells changed than compared");
    fuzz::FuzzCheck(c->similarity >= -1.0001 && c->similarity <= 1.0001, "similarity out of range");
  };
  check(CompareContent(*fp, *img, a));
  if (fp->width() == w && fp->height() == h) {
    static const watermark::Key key = *watermark::Key::FromHex(
        "5eed5eed00112233445566778899aabbccddeeff0123456789abcdef01234567");
    const RecordedMark mark{&key, watermark::Payload::FromUint64(0x1234567890abcdefull, 64), &*img};
    check(CompareContent(*fp, watermark::Luma(*img), Alignment{}, {}, &mark));
  }
  return 0;
}
