// Embed(): draws the payload's tile pattern on the canonical canvas, shapes it with the
// perceptual mask, scales it to the target amplitude, resamples it to the image and adds it to the
// luma of every pixel. The same offset is added to R, G and B, so chroma is untouched, and it is
// limited to each pixel's headroom first, so nothing clips and saturated colours do not shift hue.
#include <algorithm>
#include <cmath>
#include <string>

#include "watermark/canvas.h"
#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/fft2d.h"
#include "watermark/perceptual_mask.h"
#include "watermark/spreading_pattern.h"
#include "watermark/watermark.h"

namespace hallmark::watermark {
namespace {

// RMS luma amplitude at strength 1, in grey levels (PSNR ~ 20*log10(255/1.7) = 43.5 dB before
// rounding).
constexpr float kAmplitude = 1.7f;

Status CheckImage(const image::Image& img) {
  if (img.empty()) return Status::InvalidArgument("watermark: the image is empty");
  if (img.bit_depth() != 8 && img.bit_depth() != 16) {
    return Status::Unsupported("watermark: " + std::to_string(img.bit_depth()) +
                               "-bit samples are not supported");
  }
  return Status::Ok();
}

// Adds `delta` (luma, 0..255 scale) to the colour channels of every pixel, clamped to headroom.
template <typename T>
void AddLuma(const image::Plane& delta, image::Image* img, float scale, int max_value) {
  const int n = img->channels();
  const int colour = n >= 3 ? 3 : 1;
  for (int y = 0; y < img->height(); ++y) {
    T* p = reinterpret_cast<T*>(img->row(y));
    const float* d = delta.row(y);
    for (int x = 0; x < img->width(); ++x, p += n) {
      int lo = p[0], hi = p[0];
      for (int c = 1; c < colour; ++c) {
        lo = std::min<int>(lo, p[c]);
        hi = std::max<int>(hi, p[c]);
      }
      const float v = std::clamp(d[x] * scale, float(-lo), float(max_value - hi));
      const int step = int(std::lrint(v));
      if (step == 0) continue;
      for (int c = 0; c < colour; ++c) p[c] = T(p[c] + step);
    }
  }
}

}  // namespace

Result<int> PayloadCapacity(int width, int height) {
  const int short_side = std::min(width, height);
  if (short_side >= kStandardMode.canvas_short) return kStandardMode.data_bits;
  if (short_side >= kSmallMode.canvas_short) return kSmallMode.data_bits;
  return Status::InvalidArgument("watermark: image " + std::to_string(width) + "x" +
                                 std::to_string(height) + " is too small (short side under " +
                                 std::to_string(kSmallMode.canvas_short) + " px)");
}

Result<image::Image> Embed(const image::Image& img, const Key& key, const Payload& payload,
                           const EmbedOptions& options) {
  HM_RETURN_IF_ERROR(CheckImage(img));
  if (!std::isfinite(options.strength) || options.strength < 0.0f || options.strength > 10.0f) {
    return Status::InvalidArgument("watermark: strength must be between 0 and 10");
  }
  HM_ASSIGN_OR_RETURN(int capacity, PayloadCapacity(img.width(), img.height()));
  int bits = options.payload_bits == 0 ? capacity : options.payload_bits;
  if (bits != kStandardMode.data_bits && bits != kSmallMode.data_bits) {
    return Status::InvalidArgument("watermark: payload size must be " +
                                   std::to_string(kStandardMode.data_bits) + " or " +
                                   std::to_string(kSmallMode.data_bits) + " bits");
  }
  if (bits > capacity) {
    return Status::InvalidArgument("watermark: image " + std::to_string(img.width()) + "x" +
                                   std::to_string(img.height()) + " carries at most " +
                                   std::to_string(capacity) + " payload bits");
  }
  if (payload.empty()) return Status::InvalidArgument("watermark: the payload is empty");
  HM_ASSIGN_OR_RETURN(Payload sized, payload.Resized(bits));
  if (options.strength == 0.0f) return img;
  const Mode& mode = bits == kStandardMode.data_bits ? kStandardMode : kSmallMode;

  const std::vector<uint8_t> coded =
      ConvolutionalCode::Encode(AppendCrc(sized.bits(), mode.crc_bits));
  const SpreadingPattern pattern(key, mode);
  const Fft2d fft(mode.tile);
  const std::vector<float> tile = pattern.Modulate(coded, fft);

  const image::Plane luma = LumaPlane(img);
  const CanvasSize cs = CanvasFor(img.width(), img.height(), mode);
  const image::Plane canvas = ResampleCanvas(luma, cs.width, cs.height);
  image::Plane residual = PerceptualMask(canvas);
  double energy = 0.0;
  const int t = mode.tile;
  for (int y = 0; y < cs.height; ++y) {
    float* r = residual.row(y);
    const float* trow = &tile[size_t(y % t) * size_t(t)];
    for (int x = 0; x < cs.width; ++x) {
      r[x] *= trow[x % t];
      energy += double(r[x]) * r[x];
    }
  }
  const double rms = std::sqrt(energy / double(residual.px.size()));
  const float gain = rms > 0 ? float(kAmplitude * options.strength / rms) : 0.0f;
  const image::Plane delta = ResampleCanvas(residual, img.width(), img.height());

  image::Image out = img;
  if (img.bit_depth() == 8) {
    AddLuma<uint8_t>(delta, &out, gain, 255);
  } else {
    AddLuma<uint16_t>(delta, &out, gain * 257.0f, 65535);
  }
  return out;
}

}  // namespace hallmark::watermark
