// Separable resampling: each output sample is a normalised weighted sum of input samples under a
// kernel centred on the output pixel's centre mapped into input coordinates. When shrinking, the
// kernel is stretched by the scale factor, which turns every filter into an antialiasing one and
// makes kArea exact box averaging over the input footprint.
#include "image/resample.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace hallmark::image {
namespace {

constexpr double kPi = 3.14159265358979323846;

double Sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= kPi;
  return std::sin(x) / x;
}

double Kernel(Filter f, double x) {
  x = std::fabs(x);
  switch (f) {
    case Filter::kArea:
      return x < 0.5 ? 1.0 : (x == 0.5 ? 0.5 : 0.0);
    case Filter::kBilinear:
      return x < 1.0 ? 1.0 - x : 0.0;
    case Filter::kBicubic: {
      constexpr double a = -0.5;
      if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
      if (x < 2.0) return ((a * x - 5.0 * a) * x + 8.0 * a) * x - 4.0 * a;
      return 0.0;
    }
    case Filter::kLanczos3:
      return x < 3.0 ? Sinc(x) * Sinc(x / 3.0) : 0.0;
  }
  return 0.0;
}

double Radius(Filter f) {
  switch (f) {
    case Filter::kArea:
      return 0.5;
    case Filter::kBilinear:
      return 1.0;
    case Filter::kBicubic:
      return 2.0;
    case Filter::kLanczos3:
      return 3.0;
  }
  return 1.0;
}

// For every output index: the first input index and the weights of the taps that follow it.
struct Taps {
  std::vector<int> first;
  std::vector<int> count;
  std::vector<float> weights;  // row-major, `width` entries per output index
  int width = 0;
};

// Upscaling with the area filter degenerates to nearest neighbour; bilinear is what users of
// "area" resizing expect there (it is what thumbnailers and OpenCV do).
Filter EffectiveFilter(int in_size, int out_size, Filter filter) {
  return filter == Filter::kArea && in_size < out_size ? Filter::kBilinear : filter;
}

// Half the kernel's footprint in input samples: the filter's radius, stretched when shrinking.
double Support(int in_size, int out_size, Filter filter) {
  const double scale = double(in_size) / double(out_size);
  return Radius(EffectiveFilter(in_size, out_size, filter)) * std::max(scale, 1.0);
}

// The weights ComputeTaps stores for one axis: out_size rows of the widest kernel. In double, as
// a hostile size pair can make it exceed any integer type before the limit check sees it.
double TapTableEntries(int in_size, int out_size, Filter filter) {
  return double(out_size) * (std::ceil(Support(in_size, out_size, filter) * 2.0) + 2.0);
}

Taps ComputeTaps(int in_size, int out_size, Filter filter) {
  const double scale = double(in_size) / double(out_size);
  const double stretch = std::max(scale, 1.0);
  const double support = Support(in_size, out_size, filter);
  filter = EffectiveFilter(in_size, out_size, filter);
  Taps t;
  t.width = int(std::ceil(support * 2.0)) + 2;
  t.first.resize(size_t(out_size));
  t.count.resize(size_t(out_size));
  t.weights.assign(size_t(out_size) * size_t(t.width), 0.0f);
  std::vector<double> w(size_t(t.width));
  for (int o = 0; o < out_size; ++o) {
    const double center = (o + 0.5) * scale - 0.5;
    int lo = int(std::floor(center - support));
    int hi = int(std::ceil(center + support));
    hi = std::min(hi, lo + t.width - 1);
    double sum = 0.0;
    int n = 0;
    for (int i = lo; i <= hi; ++i, ++n) {
      w[size_t(n)] = Kernel(filter, (i - center) / stretch);
      sum += w[size_t(n)];
    }
    t.first[size_t(o)] = lo;
    t.count[size_t(o)] = n;
    float* dst = &t.weights[size_t(o) * size_t(t.width)];
    for (int k = 0; k < n; ++k) dst[k] = float(sum != 0.0 ? w[size_t(k)] / sum : 0.0);
  }
  return t;
}

std::string SizeText(int width, int height) {
  return std::to_string(width) + "x" + std::to_string(height);
}

// Resize holds the source, an intermediate of (width x source height), the result and the tap
// tables at once; each must stay within the pixel limit the decoders apply, so a resize target
// from the command line cannot ask for more memory than a hostile file could.
Status CheckResizeFitsLimit(const Image& src, int width, int height, Filter filter,
                            uint64_t max_pixels) {
  const std::string what =
      "resizing " + SizeText(src.width(), src.height()) + " to " + SizeText(width, height);
  const double limit = double(max_pixels);
  if (double(width) * double(height) > limit) {
    return Status::InvalidArgument("resize target " + SizeText(width, height) +
                                   " exceeds the limit of " + std::to_string(max_pixels) +
                                   " pixels");
  }
  if (double(width) * double(src.height()) > limit) {
    return Status::InvalidArgument(what + " needs an intermediate of " +
                                   SizeText(width, src.height()) + " pixels, over the limit of " +
                                   std::to_string(max_pixels));
  }
  if (TapTableEntries(src.width(), width, filter) > limit ||
      TapTableEntries(src.height(), height, filter) > limit) {
    return Status::InvalidArgument(what +
                                   " changes the scale too much: its filter tables exceed "
                                   "the limit of " +
                                   std::to_string(max_pixels) + " entries");
  }
  return Status::Ok();
}

}  // namespace

Result<Filter> ParseFilter(std::string_view name) {
  if (name == "area") return Filter::kArea;
  if (name == "bilinear") return Filter::kBilinear;
  if (name == "bicubic") return Filter::kBicubic;
  if (name == "lanczos" || name == "lanczos3") return Filter::kLanczos3;
  return Status::InvalidArgument("unknown resampling filter '" + std::string(name) +
                                 "' (expected area, bilinear, bicubic or lanczos)");
}

Plane Resize(const Plane& src, int width, int height, Filter filter) {
  if (width == src.width && height == src.height) return src;
  // Horizontal pass into a (width x src.height) plane, then vertical.
  const Taps tx = ComputeTaps(src.width, width, filter);
  Plane mid(width, src.height);
  for (int y = 0; y < src.height; ++y) {
    const float* in = src.row(y);
    float* out = mid.row(y);
    for (int x = 0; x < width; ++x) {
      const float* w = &tx.weights[size_t(x) * size_t(tx.width)];
      const int first = tx.first[size_t(x)];
      float acc = 0.0f;
      for (int k = 0; k < tx.count[size_t(x)]; ++k) {
        acc += w[k] * in[std::clamp(first + k, 0, src.width - 1)];
      }
      out[x] = acc;
    }
  }
  const Taps ty = ComputeTaps(src.height, height, filter);
  Plane dst(width, height);
  for (int y = 0; y < height; ++y) {
    float* out = dst.row(y);
    const float* w = &ty.weights[size_t(y) * size_t(ty.width)];
    const int first = ty.first[size_t(y)];
    for (int k = 0; k < ty.count[size_t(y)]; ++k) {
      const float* in = mid.row(std::clamp(first + k, 0, src.height - 1));
      const float wk = w[k];
      for (int x = 0; x < width; ++x) out[x] += wk * in[x];
    }
  }
  return dst;
}

Result<Image> Resize(const Image& src, int width, int height, Filter filter, uint64_t max_pixels) {
  if (width <= 0 || height <= 0) {
    return Status::InvalidArgument("resize target " + std::to_string(width) + "x" +
                                   std::to_string(height) + " is not positive");
  }
  if (src.empty()) return Status::InvalidArgument("cannot resize an empty image");
  HM_RETURN_IF_ERROR(CheckResizeFitsLimit(src, width, height, filter, max_pixels));
  std::vector<Plane> planes = ToPlanes(src);
  for (Plane& p : planes) p = Resize(p, width, height, filter);
  return FromPlanes(planes, src.bit_depth());
}

bool SameAspect(int w1, int h1, int w2, int h2) {
  const double a = double(w1) * double(h2), b = double(w2) * double(h1);
  return std::fabs(a - b) <= 0.01 * std::max(a, b);
}

}  // namespace hallmark::image
