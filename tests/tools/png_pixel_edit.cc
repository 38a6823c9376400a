// png_pixel_edit IN.png OUT.png X Y W H: paints a grey rectangle into a PNG while keeping every
// other chunk (the C2PA caBX store, XMP, ...) byte for byte, as a forger who edits pixels but
// leaves the credentials in place would. Used by the end-to-end test and the demo to show that
// such an edit is caught. Not installed; not part of the product.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/file.h"
#include "image/codec.h"

using namespace hallmark;

namespace {

uint32_t ReadBe32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// Appends the chunks of `png` to `out`: IDAT chunks come from `idat_source` (all of them, at the
// position of the first original IDAT), everything else from `png` itself.
bool Splice(const Bytes& png, const Bytes& idat_source, Bytes* out) {
  out->assign(png.begin(), png.begin() + 8);
  bool idat_written = false;
  for (size_t pos = 8; pos + 12 <= png.size();) {
    const uint32_t len = ReadBe32(&png[pos]);
    if (pos + 12 + len > png.size()) return false;
    const bool is_idat = std::memcmp(&png[pos + 4], "IDAT", 4) == 0;
    if (!is_idat) {
      out->insert(out->end(), png.begin() + long(pos), png.begin() + long(pos + 12 + len));
    } else if (!idat_written) {
      for (size_t q = 8; q + 12 <= idat_source.size();) {
        const uint32_t l = ReadBe32(&idat_source[q]);
        if (std::memcmp(&idat_source[q + 4], "IDAT", 4) == 0) {
          out->insert(out->end(), idat_source.begin() + long(q),
                      idat_source.begin() + long(q + 12 + l));
        }
        q += 12 + l;
      }
      idat_written = true;
    }
    pos += 12 + len;
  }
  return idat_written;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: png_pixel_edit IN.png OUT.png X Y W H\n");
    return 2;
  }
  Result<Bytes> original = ReadFile(argv[1]);
  if (!original.ok()) {
    std::fprintf(stderr, "png_pixel_edit: %s\n", original.status().message().c_str());
    return 3;
  }
  Result<image::Image> img = image::DecodePng(*original);
  if (!img.ok()) {
    std::fprintf(stderr, "png_pixel_edit: %s: %s\n", argv[1], img.status().message().c_str());
    return 3;
  }
  const int x0 = std::atoi(argv[3]), y0 = std::atoi(argv[4]);
  const int w = std::atoi(argv[5]), h = std::atoi(argv[6]);
  for (int y = y0; y < y0 + h && y < img->height(); ++y) {
    for (int x = x0; x < x0 + w && x < img->width(); ++x) {
      for (int c = 0; c < img->channels(); ++c) img->set_sample(x, y, c, 128);
    }
  }
  // Same layout as the original, so IHDR stays valid for the new IDAT stream.
  Result<Bytes> reencoded = image::EncodePng(*img);
  Bytes out;
  if (!reencoded.ok() || !Splice(*original, *reencoded, &out)) {
    std::fprintf(stderr, "png_pixel_edit: %s: cannot rewrite the image data\n", argv[1]);
    return 3;
  }
  Status written = WriteFileAtomic(argv[2], out);
  if (!written.ok()) {
    std::fprintf(stderr, "png_pixel_edit: %s\n", written.message().c_str());
    return 3;
  }
  return 0;
}
