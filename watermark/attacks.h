// Image distortions used to measure the watermark's robustness (tests and bench/watermark): the
// attack suite of docs/bench-watermark.md. Codec and resize attacks go through the image module;
// the rest are implemented here. Not part of the hallmark binary.
#ifndef HALLMARK_WATERMARK_ATTACKS_H_
#define HALLMARK_WATERMARK_ATTACKS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.h"
#include "image/image.h"

namespace hallmark::watermark::attacks {

Result<image::Image> Jpeg(const image::Image& img, int quality);
Result<image::Image> Webp(const image::Image& img, float quality);
// PNG encode + decode: what stripping metadata does to the pixels (nothing).
Result<image::Image> PngRoundTrip(const image::Image& img);
// Scales both sides by `factor` (area filter when shrinking, bicubic when growing).
Result<image::Image> Scale(const image::Image& img, double factor);
// Scales by `factor` and back to the original size.
Result<image::Image> ScaleAndBack(const image::Image& img, double factor);
// The centred crop keeping `area_fraction` of the area, same aspect ratio.
image::Image CentreCrop(const image::Image& img, double area_fraction);
// Crop at an offset: keeps [x, x + w) x [y, y + h).
image::Image CropAt(const image::Image& img, int x, int y, int w, int h);
// Independent Gaussian noise of standard deviation `sigma` (grey levels) on every channel.
image::Image GaussianNoise(const image::Image& img, double sigma, uint64_t seed);
// Every colour channel multiplied by `factor` (PIL ImageEnhance.Brightness).
image::Image Brightness(const image::Image& img, double factor);
// Blend with the mean grey level: mean + factor * (v - mean) (PIL ImageEnhance.Contrast).
image::Image Contrast(const image::Image& img, double factor);
// A tone curve: every colour channel v (0..1) becomes v^gamma. Under 1 lightens the middle tones,
// over 1 darkens them; black and white stay.
image::Image Gamma(const image::Image& img, double gamma);
// 3x3 Gaussian blur, kernel [1 2 1]/4 in each direction.
image::Image Blur3x3(const image::Image& img);
// Rotation about the centre by `degrees` (counter-clockwise), bilinear, same size, black corners.
image::Image Rotate(const image::Image& img, double degrees);
image::Image FlipHorizontal(const image::Image& img);

struct Attack {
  std::string name;
  std::function<Result<image::Image>(const image::Image&)> apply;
};

// The benchmark's suite, in the order of the report table.
std::vector<Attack> StandardSuite();

}  // namespace hallmark::watermark::attacks

#endif  // HALLMARK_WATERMARK_ATTACKS_H_
