// Palette mapping: an artist's colour list applied to a generated image as a gradient map. The
// image's luminance (BT.601) runs along the colours in the order given, evenly spaced: the first
// colour takes the darkest tones, the last the brightest. It works the same on grey and colour
// output and keeps the shading the model produced.
//
// At full strength the map replaces the model's colours. A lower strength mixes the map over
// them (the opacity of a gradient-map layer), so colour output keeps what it depicts (a red flag
// stays reddish) while its tones move toward the palette.
#ifndef HALLMARK_GENERATOR_PALETTE_H_
#define HALLMARK_GENERATOR_PALETTE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "image/image.h"

namespace hallmark::generator {

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
};

// "#1b1f3a,#ff6f59,f4f1de": 2 to 16 hex colours (3 or 6 digits, '#' optional), comma-separated.
Result<std::vector<Rgb>> ParsePalette(std::string_view text);
std::string FormatColor(const Rgb& c);  // "#1b1f3a"

// An 8-bit RGB image (alpha, if any, is kept as RGBA). `palette` needs at least 2 colours;
// `strength` is in [0, 1]: 1 is the map alone, 0 the image as it was (as RGB).
image::Image ApplyPalette(const image::Image& src, const std::vector<Rgb>& palette,
                          double strength = 1.0);

// "--palette-strength": a number in [0, 1].
Status CheckPaletteStrength(double strength);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_PALETTE_H_
