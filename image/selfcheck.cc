#include "image/selfcheck.h"

#include <cmath>
#include <functional>

#include "base/file.h"
#include "image/codec.h"
#include "image/metrics.h"

namespace hallmark::image {
namespace {

struct Variant {
  std::string name;
  std::function<Image(const Image&)> prepare;  // channel/depth variant of the source
  Format format;
  EncodeOptions options;
  bool lossless;
  double min_psnr_db;
};

EncodeOptions Png(bool interlace) {
  EncodeOptions o;
  o.png.interlace = interlace;
  return o;
}

EncodeOptions Jpeg(int quality, ChromaSubsampling s, bool progressive) {
  EncodeOptions o;
  o.jpeg.quality = quality;
  o.jpeg.subsampling = s;
  o.jpeg.progressive = progressive;
  return o;
}

EncodeOptions Webp(float quality, bool lossless) {
  EncodeOptions o;
  o.webp.quality = quality;
  o.webp.lossless = lossless;
  return o;
}

// Adds a left-to-right alpha ramp when converting to a channel count with alpha, so alpha
// variants carry real transparency (an opaque alpha channel may legitimately be dropped).
Image WithChannels(const Image& src, int n) {
  Image out = ConvertChannels(src, n);
  if (!out.has_alpha() || src.has_alpha()) return out;
  const int max_value = out.bit_depth() == 16 ? 65535 : 255;
  for (int y = 0; y < out.height(); ++y) {
    for (int x = 0; x < out.width(); ++x) {
      out.set_sample(x, y, n - 1, max_value * (x + 1) / out.width());
    }
  }
  return out;
}

std::vector<Variant> Variants() {
  auto same = [](const Image& i) { return i; };
  auto channels = [](int n) { return [n](const Image& i) { return WithChannels(i, n); }; };
  auto deep = [](int n) {
    return [n](const Image& i) { return ConvertDepth(WithChannels(i, n), 16); };
  };
  return {
      {"png-8bit-grey", channels(1), Format::kPng, Png(false), true, 0},
      {"png-8bit-grey-alpha", channels(2), Format::kPng, Png(false), true, 0},
      {"png-8bit-rgb", channels(3), Format::kPng, Png(false), true, 0},
      {"png-8bit-rgba", channels(4), Format::kPng, Png(false), true, 0},
      {"png-8bit-rgb-interlaced", channels(3), Format::kPng, Png(true), true, 0},
      {"png-16bit-grey", deep(1), Format::kPng, Png(false), true, 0},
      {"png-16bit-rgba-interlaced", deep(4), Format::kPng, Png(true), true, 0},
      {"jpeg-q95-444", channels(3), Format::kJpeg, Jpeg(95, ChromaSubsampling::k444, false), false,
       38},
      {"jpeg-q90-420", channels(3), Format::kJpeg, Jpeg(90, ChromaSubsampling::k420, false), false,
       30},
      {"jpeg-q75-420-progressive", channels(3), Format::kJpeg,
       Jpeg(75, ChromaSubsampling::k420, true), false, 28},
      {"jpeg-q90-grey", channels(1), Format::kJpeg, Jpeg(90, ChromaSubsampling::k420, false), false,
       34},
      {"webp-q90", channels(3), Format::kWebp, Webp(90, false), false, 30},
      {"webp-lossless-rgba", channels(4), Format::kWebp, Webp(100, true), true, 0},
      {"webp-lossless-rgb", same, Format::kWebp, Webp(100, true), true, 0},
  };
}

}  // namespace

std::vector<RoundTrip> RunCodecSelfCheck(const Image& img, const std::string& out_dir) {
  std::vector<RoundTrip> results;
  const Image rgb8 = ConvertChannels(ConvertDepth(img, 8), 3);
  for (const Variant& v : Variants()) {
    RoundTrip r;
    r.variant = v.name;
    r.lossless = v.lossless;
    r.min_psnr_db = v.min_psnr_db;
    const Image src = v.prepare(rgb8);
    Result<Bytes> encoded = Encode(src, v.format, v.options);
    if (!encoded.ok()) {
      r.error = encoded.status().message();
      results.push_back(r);
      continue;
    }
    r.encoded_bytes = encoded->size();
    if (!out_dir.empty()) {
      r.file = out_dir + "/" + v.name + FormatExtension(v.format);
      Status written = WriteFileAtomic(r.file, *encoded);
      if (!written.ok()) r.error = written.message();
    }
    Result<Image> decoded = Decode(*encoded);
    if (!decoded.ok()) {
      r.error = decoded.status().message();
    } else if (v.lossless) {
      r.passed = *decoded == src && r.error.empty();
      r.psnr_db = r.passed ? INFINITY : Psnr(src, *decoded).value_or(0.0);
    } else {
      r.psnr_db = Psnr(src, *decoded).value_or(0.0);
      r.passed = r.psnr_db >= v.min_psnr_db && r.error.empty();
    }
    results.push_back(r);
  }
  return results;
}

}  // namespace hallmark::image
