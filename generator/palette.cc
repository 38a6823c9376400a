#include "generator/palette.h"

#include <cmath>
#include <cstdio>

namespace hallmark::generator {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Rgb> ParseColor(std::string_view s) {
  std::string_view orig = s;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (!s.empty() && s.front() == '#') s.remove_prefix(1);
  int v[6] = {};
  if (s.size() != 3 && s.size() != 6) {
    return Status::InvalidArgument("--palette: '" + std::string(orig) +
                                   "' is not a colour (expected #rgb or #rrggbb)");
  }
  for (size_t i = 0; i < s.size(); ++i) {
    v[i] = HexDigit(s[i]);
    if (v[i] < 0) {
      return Status::InvalidArgument("--palette: '" + std::string(orig) + "' is not a hex colour");
    }
  }
  if (s.size() == 3) return Rgb{uint8_t(v[0] * 17), uint8_t(v[1] * 17), uint8_t(v[2] * 17)};
  return Rgb{uint8_t(v[0] * 16 + v[1]), uint8_t(v[2] * 16 + v[3]), uint8_t(v[4] * 16 + v[5])};
}

}  // namespace

Result<std::vector<Rgb>> ParsePalette(std::string_view text) {
  std::vector<Rgb> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    HM_ASSIGN_OR_RETURN(Rgb c, ParseColor(text.substr(start, comma - start)));
    out.push_back(c);
    start = comma + 1;
  }
  if (out.size() < 2 || out.size() > 16) {
    return Status::InvalidArgument("--palette needs 2 to 16 colours, got " +
                                   std::to_string(out.size()));
  }
  return out;
}

std::string FormatColor(const Rgb& c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

Status CheckPaletteStrength(double strength) {
  if (strength >= 0.0 && strength <= 1.0) return Status::Ok();
  return Status::InvalidArgument("--palette-strength must be between 0 and 1");
}

image::Image ApplyPalette(const image::Image& src_any, const std::vector<Rgb>& palette,
                          double strength) {
  image::Image src = src_any.bit_depth() == 8 ? src_any : image::ConvertDepth(src_any, 8);
  const bool alpha = src.has_alpha();
  image::Image out = *image::Image::Create(src.width(), src.height(), alpha ? 4 : 3);
  // A 256-entry lookup table: luminance -> colour, linear between neighbouring stops.
  Rgb lut[256];
  const double segments = double(palette.size() - 1);
  for (int v = 0; v < 256; ++v) {
    double pos = v / 255.0 * segments;
    size_t i = std::min(size_t(pos), palette.size() - 2);
    double t = pos - double(i);
    auto mix = [t](uint8_t a, uint8_t b) {
      return uint8_t(std::lround(double(a) + (double(b) - double(a)) * t));
    };
    lut[v] = {mix(palette[i].r, palette[i + 1].r), mix(palette[i].g, palette[i + 1].g),
              mix(palette[i].b, palette[i + 1].b)};
  }
  const int sc = src.channels(), dc = out.channels();
  for (int y = 0; y < src.height(); ++y) {
    const uint8_t* s = src.row(y);
    uint8_t* d = out.row(y);
    for (int x = 0; x < src.width(); ++x, s += sc, d += dc) {
      int luma = sc >= 3 ? int(std::lround(0.299 * s[0] + 0.587 * s[1] + 0.114 * s[2])) : s[0];
      const Rgb& c = lut[luma];
      const uint8_t mapped[3] = {c.r, c.g, c.b};
      for (int k = 0; k < 3; ++k) {
        const double own = s[sc >= 3 ? k : 0];
        d[k] = uint8_t(std::lround(own + (mapped[k] - own) * strength));
      }
      if (alpha) d[3] = s[sc - 1];
    }
  }
  return out;
}

}  // namespace hallmark::generator
