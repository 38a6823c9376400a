// The known-mark statistics (TileCorrelator::ScoreKnownMark) and their tail bound: calibrated on
// unmarked images for any key, and each weighting the stronger where it should be.
#define BOOST_TEST_MODULE watermark_known_mark
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "image/codec.h"
#include "image/resample.h"
#include "watermark/attacks.h"
#include "watermark/canvas.h"
#include "watermark/convolutional_code.h"
#include "watermark/crc.h"
#include "watermark/mode.h"
#include "watermark/spreading_pattern.h"
#include "watermark/tile_correlator.h"
#include "watermark/watermark.h"
#include "watermark/whitening.h"

using namespace hallmark;
using namespace hallmark::watermark;
using image::Image;

namespace {

Image Crop256(const std::string& name) {
  Result<Image> img = image::ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/" + name);
  BOOST_REQUIRE_MESSAGE(img.ok(), img.status().ToString());
  return attacks::CropAt(*img, (img->width() - 256) / 2, (img->height() - 256) / 2, 256, 256);
}

// A smooth 256-px picture: a crop reduced to 64 px and brought back, as a generator's output is.
Image Smooth(const Image& crop) {
  const Image small = *image::Resize(crop, 64, 64, image::Filter::kArea);
  return *image::Resize(small, 256, 256, image::Filter::kBilinear);
}

// A sky-like 256-px picture: a smooth colour gradient with soft clouds, the flat kind of delivered
// asset whose mark the SSIM guard keeps faint and partly in the low band.
Image Sky(int seed) {
  Image img = *Image::Create(256, 256, 3);
  const double cx = 60.0 + 40.0 * seed, cy = 90.0 + 25.0 * seed;
  for (int y = 0; y < 256; ++y) {
    uint8_t* p = img.row(y);
    for (int x = 0; x < 256; ++x, p += 3) {
      const double t = (y + 0.3 * x * (seed % 2 ? 1 : -1)) / 330.0;
      const double cloud = 60.0 * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 2500.0);
      const double base[3] = {70 + 110 * t, 120 + 90 * t, 190 + 50 * t};
      for (int c = 0; c < 3; ++c) p[c] = uint8_t(std::clamp(base[c] + cloud, 0.0, 255.0));
    }
  }
  return img;
}

Key KeyNumber(uint32_t i) {
  std::string hex = "c0ffee00112233445566778899aabbccddeeff0123456789abcdef";
  char tail[11];
  std::snprintf(tail, sizeof tail, "%010u", i);
  return *Key::FromHex(hex + tail);
}

std::vector<float> FoldedCanvas(const Image& img) {
  const image::Plane luma = Luma(img);
  const CanvasSize cs = CanvasFor(luma.width, luma.height, kStandardMode);
  return Fold(Whiten(ResampleCanvas(luma, cs.width, cs.height)), kStandardMode.tile);
}

KnownMarkScores Score(const std::vector<float>& folded, const Key& key, const Payload& p) {
  const int variant = PatternVariantOf(key, kStandardMode, p.bits());
  const TileCorrelator correlator(SharedPatternVariants(key, kStandardMode));
  const std::vector<uint8_t> coded = CodedPayload(kStandardMode, p.bits());
  return correlator.ScoreKnownMark(correlator.Spectrum(folded), 0, 0, variant, coded);
}

struct Moments {
  double n = 0, sum = 0, squares = 0;
  void Add(double z) {
    n += 1;
    sum += z;
    squares += z * z;
  }
  double Mean() const { return sum / n; }
  double Variance() const { return squares / n - Mean() * Mean(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(the_tail_is_bentkus_and_dzindzalietas) {
  // The constant is defined by c P(N(0, 1) >= sqrt 2) = 1 / 4.
  BOOST_TEST(RandomSignTail(std::sqrt(2.0)) == 0.25, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(RandomSignTail(0.0) == 1.0);
  BOOST_TEST(RandomSignTail(-3.0) == 1.0);
  // Tighter than Hoeffding's bound where thresholds sit, and still above the Gaussian tail.
  for (double t : {4.0, 5.0, 5.5, 6.0}) {
    const double gaussian = 0.5 * std::erfc(t / std::sqrt(2.0));
    BOOST_TEST(RandomSignTail(t) < std::exp(-0.5 * t * t) / 3.0, t);
    BOOST_TEST(RandomSignTail(t) > 3.0 * gaussian, t);
  }
  // The logarithm stays finite where the tail itself underflows, and joins its two forms smoothly.
  BOOST_TEST(LogRandomSignTail(5.0) == std::log(RandomSignTail(5.0)),
             boost::test_tools::tolerance(1e-12));
  BOOST_TEST(LogRandomSignTail(30.0 - 1e-9) == LogRandomSignTail(30.0),
             boost::test_tools::tolerance(1e-5));
  BOOST_TEST(std::isfinite(LogRandomSignTail(100.0)));
  BOOST_TEST(LogRandomSignTail(100.0) < -5000.0);
}

// Whatever the key and the image, an unmarked image's statistics behave as unit-variance sums of
// random signs: the calibration that every bound on them rests on. 300 keys on three pictures.
BOOST_AUTO_TEST_CASE(unmarked_images_score_as_random_signs) {
  const Image coffee = Crop256("coffee.png");
  for (const Image& img : {coffee, Smooth(coffee), Crop256("camera.png")}) {
    const std::vector<float> folded = FoldedCanvas(img);
    Moments flat, low_pass;
    int over_three = 0;
    for (uint32_t i = 0; i < 300; ++i) {
      const KnownMarkScores s =
          Score(folded, KeyNumber(i), Payload::FromUint64(0x9E3779B97F4A7C15ull * (i + 1), 64));
      flat.Add(s.flat.z);
      low_pass.Add(s.low_pass.z);
      over_three += s.flat.z >= 3.0;
      over_three += s.low_pass.z >= 3.0;
    }
    BOOST_TEST_MESSAGE("flat mean " << flat.Mean() << " var " << flat.Variance()
                                    << "; low-pass mean " << low_pass.Mean() << " var "
                                    << low_pass.Variance());
    for (const Moments* m : {&flat, &low_pass}) {
      BOOST_TEST(std::fabs(m->Mean()) < 0.2);
      BOOST_TEST(m->Variance() > 0.75);
      BOOST_TEST(m->Variance() < 1.3);
    }
    // The bound allows 600 * RandomSignTail(3) = 2.6; a Gaussian 0.8.
    BOOST_TEST(over_three <= 3);
  }
}

// After WebP 50 the low-pass filter reads a sky's mark better than the flat one; after strong
// noise, which spares no band, the flat one reads a photograph's at least as well. Both filters
// are tested by TestSuspectedMarks, so each covers where the other is weak.
BOOST_AUTO_TEST_CASE(each_weighting_is_the_stronger_where_it_should_be) {
  const Key key = KeyNumber(7);
  int webp_low_pass_better = 0, noise_flat_no_worse = 0;
  for (int i = 0; i < 4; ++i) {
    const Payload p = Payload::FromUint64(0x1234567890ABCDEFull ^ uint64_t(i), 64);
    const Image sky = *Embed(Sky(i), key, p);
    const KnownMarkScores webp = Score(FoldedCanvas(*attacks::Webp(sky, 50)), key, p);
    BOOST_TEST_MESSAGE("sky " << i << ": WebP 50 flat " << webp.flat.z << " low-pass "
                              << webp.low_pass.z);
    webp_low_pass_better += webp.low_pass.z > webp.flat.z;
  }
  for (const char* name : {"chelsea.png", "coffee.png", "camera.png", "rocket.jpg"}) {
    const Payload p = Payload::FromUint64(0xFEDCBA0987654321ull, 64);
    const Image photo = *Embed(Crop256(name), key, p);
    const KnownMarkScores noisy =
        Score(FoldedCanvas(attacks::GaussianNoise(photo, 10.0, 11)), key, p);
    BOOST_TEST_MESSAGE(name << ": noise flat " << noisy.flat.z << " low-pass " << noisy.low_pass.z);
    noise_flat_no_worse += noisy.flat.z >= noisy.low_pass.z;
  }
  BOOST_TEST(webp_low_pass_better >= 3);
  BOOST_TEST(noise_flat_no_worse >= 3);
}

// KnownMarkPatternFor filters in the frequency domain; the definition it must equal is spatial:
// the unit-RMS tile Modulate draws minus its 7 x 7 mean taken around the tile's period.
BOOST_AUTO_TEST_CASE(the_known_pattern_is_the_tiles_high_band) {
  const Key key = KeyNumber(3);
  const Payload p = Payload::FromUint64(0x0F1E2D3C4B5A6978ull, 64);
  const Result<KnownMarkPattern> known = KnownMarkPatternFor(key, p, 300, 256);
  BOOST_REQUIRE(known.ok());
  const int t = kStandardMode.tile;
  BOOST_REQUIRE_EQUAL(known->tile, t);
  const std::vector<uint8_t> coded = CodedPayload(kStandardMode, p.bits());
  const std::vector<float> tile =
      SharedPattern(key, kStandardMode, PatternVariantOf(key, kStandardMode, p.bits()))
          ->Modulate(coded, {}, Fft2d(t));
  double worst = 0.0, energy = 0.0;
  for (int y = 0; y < t; ++y) {
    for (int x = 0; x < t; ++x) {
      double mean = 0.0;
      for (int dy = -3; dy <= 3; ++dy)
        for (int dx = -3; dx <= 3; ++dx)
          mean += tile[size_t((y + dy + t) % t * t + (x + dx + t) % t)];
      const double expected = tile[size_t(y * t + x)] - mean / 49.0;
      worst = std::max(worst, std::fabs(known->values[size_t(y * t + x)] - expected));
      energy += expected * expected;
    }
  }
  BOOST_TEST_MESSAGE("largest difference " << worst << ", RMS " << std::sqrt(energy / (t * t)));
  BOOST_TEST(std::sqrt(energy / (t * t)) > 0.5);
  BOOST_TEST(worst < 1e-4);
  // 300 columns on a 300-wide canvas: each pixel's place is its own column, modulo the tile.
  BOOST_TEST(known->column[size_t(t + 5)] == 5);
}

// What the lost-mark check relies on: the pattern placed on the pixels is what the embedder added
// to them, so the marked image's difference from its original correlates with its own payload's
// pattern and not with another payload's.
BOOST_AUTO_TEST_CASE(the_known_pattern_is_what_the_embedder_added) {
  const Key key = KeyNumber(5);
  const Payload own = Payload::FromUint64(0x1122334455667788ull, 64);
  const Payload other = Payload::FromUint64(0x8877665544332211ull, 64);
  for (const char* name : {"chelsea.png", "camera.png"}) {
    const Image original = Crop256(name);
    const image::Plane before = Luma(original), after = Luma(*Embed(original, key, own));
    auto correlation = [&](const Payload& p) {
      const KnownMarkPattern k = *KnownMarkPatternFor(key, p, 256, 256);
      double dr = 0, dd = 0, rr = 0;
      for (int y = 0; y < 256; ++y) {
        for (int x = 0; x < 256; ++x) {
          const double d = after.at(x, y) - before.at(x, y), r = k.at(x, y);
          dr += d * r, dd += d * d, rr += r * r;
        }
      }
      return dr / std::sqrt(dd * rr);
    };
    const double mine = correlation(own), theirs = correlation(other);
    BOOST_TEST_MESSAGE(name << ": own payload " << mine << ", another " << theirs);
    // The pilot's groups are shared between variants up to their signs, so another payload's
    // pattern is not quite orthogonal.
    BOOST_TEST(mine > 0.5);
    BOOST_TEST(std::fabs(theirs) < 0.1);
  }
}
