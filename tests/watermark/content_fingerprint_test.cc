// Content fingerprints on the test photographs: encoding, the same picture under the attack suite
// (aligned by the watermark detection, as verify does), other pictures, and local edits.
#define BOOST_TEST_MODULE content_fingerprint
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "image/codec.h"
#include "image/resample.h"
#include "watermark/attacks.h"
#include "watermark/fingerprint/alignment.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_comparison.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/fingerprint/content_index.h"
#include "watermark/fingerprint/mark_loss.h"
#include "watermark/fingerprint/tone_fit.h"
#include "watermark/watermark.h"

using namespace hallmark;
using namespace hallmark::fingerprint;
using image::Image;

namespace {

const char* const kNames[] = {"chelsea.png", "coffee.png", "camera.png", "rocket.jpg"};

Image Photo(const std::string& name) {
  Result<Image> img = image::ReadImageFile(std::string(HALLMARK_TEST_DATA) + "/photos/" + name);
  BOOST_REQUIRE_MESSAGE(img.ok(), img.status().ToString());
  return *img;
}

ContentFingerprint Fingerprint(const Image& img) {
  Result<ContentFingerprint> fp = ContentFingerprint::Compute(img);
  BOOST_REQUIRE_MESSAGE(fp.ok(), fp.status().ToString());
  return *fp;
}

watermark::Key TestKey() {
  return *watermark::Key::FromHex(
      "5eed5eed00112233445566778899aabbccddeeff0123456789abcdef01234567");
}

Image Marked(const Image& img) {
  Result<Image> m =
      watermark::Embed(img, TestKey(), watermark::Payload::FromUint64(0x1234567890abcdefull, 64));
  BOOST_REQUIRE_MESSAGE(m.ok(), m.status().ToString());
  return *m;
}

// What verify does: detect, then compare in the geometry the detection found.
ContentComparison CompareAsVerify(const ContentFingerprint& recorded, const Image& query,
                                  const std::string& what) {
  Result<watermark::Detection> d = watermark::Detect(query, TestKey());
  BOOST_REQUIRE_MESSAGE(d.ok(), d.status().ToString());
  BOOST_REQUIRE_MESSAGE(d->found, what << ": watermark not found");
  const Alignment a = AlignmentFromDetection(*d, query.width(), query.height(), recorded);
  const watermark::Key key = TestKey();
  const RecordedMark mark{&key, d->payload, &query};
  Result<ContentComparison> c = CompareContent(recorded, watermark::Luma(query), a, {}, &mark);
  BOOST_REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  BOOST_TEST_MESSAGE(what << ": " << ContentMatchName(c->match) << " similarity " << c->similarity
                          << " changed " << c->cells_changed << " of " << c->cells_compared
                          << " (scale " << a.scale << ", rotation " << a.rotation_degrees << ")");
  return *c;
}

// Pastes a w x h block of `from` (its top-left corner) onto `img` at (x, y).
Image Pasted(const Image& img, const Image& from, int x, int y, int w, int h) {
  Image out = img;
  for (int j = 0; j < h; ++j)
    for (int i = 0; i < w; ++i)
      for (int c = 0; c < out.channels(); ++c)
        out.set_sample(
            x + i, y + j, c,
            from.sample(i % from.width(), j % from.height(), std::min(c, from.channels() - 1)));
  return out;
}

// A 256 x 256 RGB picture whose channel c at (x, y) is colour(x, y, c), clamped to 0..255.
template <typename Colour>
Image Painted(Colour colour) {
  Result<Image> made = Image::Create(256, 256, 3);
  BOOST_REQUIRE(made.ok());
  Image out = *made;
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x)
      for (int c = 0; c < 3; ++c)
        out.set_sample(x, y, c, int(std::clamp(colour(x, y, c), 0.0, 255.0)));
  return out;
}

// A whole copy in place (its colours at hand, as verify gives them), re-toned: the same picture,
// and altered once camera.png's corner is pasted over it at (x, y).
void ExpectSameThenPatchAltered(const ContentFingerprint& recorded, const Image& copy,
                                const std::string& what, int x, int y) {
  Result<ContentComparison> c = CompareContent(recorded, copy, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE(what << ": " << ContentMatchName(c->match) << ", " << c->cells_changed
                          << " cells changed");
  BOOST_TEST((c->match == ContentMatch::kSame), what << ": " << ContentMatchName(c->match));
  const Image edited = Pasted(copy, Photo("camera.png"), x, y, 64, 64);
  Result<ContentComparison> e = CompareContent(recorded, edited, Alignment{});
  BOOST_REQUIRE(e.ok());
  BOOST_TEST((e->match == ContentMatch::kAltered),
             what << ", patched: " << ContentMatchName(e->match));
}

}  // namespace

// The one-pass grid (an unshifted query of the recorded size) must give what the summed-area
// tables give at placement (0, 0), cell for cell, on sizes whose cells and sub-blocks are uneven.
BOOST_AUTO_TEST_CASE(one_pass_grid_equals_the_tables_at_the_origin) {
  uint32_t state = 12345;
  for (const auto& [w, h] : {std::pair{256, 256}, std::pair{300, 200}, std::pair{517, 128}}) {
    image::Plane plane(w, h);
    for (float& v : plane.px) {
      state = state * 1664525u + 1013904223u;
      v = float(state >> 24);
    }
    const std::vector<CellStats> fast = MeasureWholeGrid(plane);
    const CellStatistics tables(plane);
    BOOST_REQUIRE(fast.size() == size_t(kCells));
    double worst = 0.0;
    for (int cy = 0; cy < kGrid; ++cy) {
      for (int cx = 0; cx < kGrid; ++cx) {
        CellStats slow;
        BOOST_REQUIRE(tables.Measure(CellBoundary(w, cx), CellBoundary(h, cy),
                                     CellBoundary(w, cx + 1), CellBoundary(h, cy + 1), &slow));
        const CellStats& f = fast[size_t(cy) * size_t(kGrid) + size_t(cx)];
        worst = std::max({worst, double(std::fabs(f.mean - slow.mean)),
                          double(std::fabs(f.detail - slow.detail))});
      }
    }
    BOOST_TEST(worst < 1e-3, w << "x" << h << ": differs by " << worst);
  }
}

// Median's radix select must pick the value a full sort puts at the middle rank: signed values,
// runs of equal ones (clamped residuals are often exactly 0), integers, and sizes on both sides
// of its switch to nth_element.
BOOST_AUTO_TEST_CASE(the_median_is_the_middle_of_the_sorted_values) {
  uint32_t state = 777;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return double(state >> 8) / double(1u << 24);
  };
  for (int trial = 0; trial < 400; ++trial) {
    const size_t n = 1 + size_t(next() * 1100.0);
    std::vector<double> v(n);
    for (double& x : v) {
      x = (next() - 0.3) * std::pow(10.0, 4.0 * next() - 2.0);
      if (trial % 3 == 0) x = std::max(0.0, x);
      if (trial % 5 == 0) x = std::round(x);
      if (trial % 7 == 0) x = 42.5;
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    BOOST_TEST(Median(v) == sorted[n / 2], "trial " << trial << ", " << n << " values");
  }
  BOOST_TEST(Median({}) == 0.0);
}

// MarkShares' column sums (the pattern read from the tile where the image is its own canvas,
// resampled places elsewhere) must give each cell the share a direct least-squares fit gives: the
// samples and the pattern each less their plane fit over the cell, correlated per unit of the
// pattern's remaining energy. Sizes with and without a periodic canvas, and uneven cells.
BOOST_AUTO_TEST_CASE(mark_shares_equal_a_direct_fit_per_cell) {
  uint32_t state = 777;
  const watermark::Key key = TestKey();
  const auto payload = watermark::Payload::FromUint64(0x1234567890abcdefull, 64);
  for (const auto& [w, h] : {std::pair{256, 256}, std::pair{300, 260}, std::pair{517, 300}}) {
    image::Plane luma(w, h);
    for (float& v : luma.px) {
      state = state * 1664525u + 1013904223u;
      v = 20.0f + float(state >> 25);  // 20..147: nothing cramped
    }
    Result<watermark::KnownMarkPattern> pattern =
        watermark::KnownMarkPatternFor(key, payload, w, h);
    BOOST_REQUIRE(pattern.ok());
    for (int y = 0; y < h; ++y)  // a faint copy of the mark, so the shares are not all noise
      for (int x = 0; x < w; ++x) luma.at(x, y) += 2.0f * pattern->at(x, y);
    const CellMarks marks = MarkShares(luma, nullptr, *pattern);
    double worst = 0.0;
    int checked = 0;
    for (int cy = 0; cy < kGrid; cy += 3) {
      for (int cx = 0; cx < kGrid; cx += 3) {
        const int x0 = CellBoundary(w, cx), x1 = CellBoundary(w, cx + 1);
        const int y0 = CellBoundary(h, cy), y1 = CellBoundary(h, cy + 1);
        // Plane fits by the normal equations of 1, u, v over the rectangle (u, v centred: they
        // are orthogonal to 1 and to each other there).
        auto residuals = [&](auto value) {
          double s = 0, su = 0, sv = 0, uu = 0, vv = 0;
          const double xc = 0.5 * (x0 + x1 - 1), yc = 0.5 * (y0 + y1 - 1);
          for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x) {
              const double f = value(x, y), u = x - xc, v = y - yc;
              s += f, su += f * u, sv += f * v, uu += u * u, vv += v * v;
            }
          const double n = double(x1 - x0) * (y1 - y0);
          std::vector<double> out;
          for (int y = y0; y < y1; ++y)
            for (int x = x0; x < x1; ++x)
              out.push_back(value(x, y) - s / n - su / uu * (x - xc) - sv / vv * (y - yc));
          return out;
        };
        const std::vector<double> xr = residuals([&](int x, int y) { return luma.at(x, y); });
        const std::vector<double> rr = residuals([&](int x, int y) { return pattern->at(x, y); });
        double xrr = 0, rrr = 0;
        for (size_t i = 0; i < xr.size(); ++i) xrr += xr[i] * rr[i], rrr += rr[i] * rr[i];
        const CellMark& m = marks[size_t(cy) * size_t(kGrid) + size_t(cx)];
        BOOST_REQUIRE(m.usable);
        worst = std::max(worst, std::fabs(m.share - xrr / rrr));
        ++checked;
      }
    }
    BOOST_TEST(checked == 121);
    BOOST_TEST(worst < 2e-3, w << "x" << h << ": a share differs by " << worst);
  }
}

BOOST_AUTO_TEST_CASE(encoding_round_trips_and_refuses_foreign_bytes) {
  const ContentFingerprint fp = Fingerprint(Photo("chelsea.png"));
  const Bytes enc = fp.Encode();
  BOOST_TEST(enc.size() == 2061u);
  BOOST_TEST(enc[0] == 2);
  Result<ContentFingerprint> back = ContentFingerprint::Decode(enc);
  BOOST_REQUIRE(back.ok());
  BOOST_TEST(back->Encode() == enc);
  BOOST_TEST(back->width() == 451);
  BOOST_TEST(back->height() == 300);
  BOOST_REQUIRE(back->has_colour());
  // The cat's mean colour, each channel rounded.
  const std::array<double, 3> colour = MeanColour(Photo("chelsea.png"));
  for (size_t c = 0; c < 3; ++c) BOOST_TEST(back->colour()[c] == std::lround(colour[c]));
  BOOST_TEST(colour[0] > colour[2] + 10);  // a ginger cat: more red than blue
  // The layout before colours, as records made before it carry: read, without a colour, and
  // written back the same.
  const Bytes old(enc.begin(), enc.end() - 3);
  Bytes v1 = old;
  v1[0] = 1;
  Result<ContentFingerprint> older = ContentFingerprint::Decode(v1);
  BOOST_REQUIRE(older.ok());
  BOOST_TEST(!older->has_colour());
  BOOST_TEST(older->Encode() == v1);
  BOOST_TEST(older->mean(7, 9) == back->mean(7, 9));
  BOOST_TEST((ContentFingerprint::Decode(old).status().code() == StatusCode::kBadInput));
  BOOST_TEST(IsFingerprintAlgorithm(kAlgorithm));
  BOOST_TEST(IsFingerprintAlgorithm(kAlgorithmWithoutColour));
  BOOST_TEST(!IsFingerprintAlgorithm("hallmark.blockstats/3"));
  Bytes bad = enc;
  bad[0] = 9;
  BOOST_TEST((ContentFingerprint::Decode(bad).status().code() == StatusCode::kBadInput));
  bad = enc;
  bad.pop_back();
  BOOST_TEST((ContentFingerprint::Decode(bad).status().code() == StatusCode::kBadInput));
  // A recorded size no image of that shape could have (2^30 x 16) is refused before a comparison
  // sizes its working frame by it.
  bad = enc;
  bad[2] = 0x40, bad[3] = 0, bad[4] = 0, bad[5] = 0;
  bad[6] = 0, bad[7] = 0, bad[8] = 0, bad[9] = 16;
  BOOST_TEST((ContentFingerprint::Decode(bad).status().code() == StatusCode::kBadInput));
  BOOST_TEST(!ContentFingerprint::Compute(*Image::Create(8, 8, 3)).ok());
}

BOOST_AUTO_TEST_CASE(the_same_picture_under_attack_is_the_same_content) {
  for (const char* name : kNames) {
    const Image marked = Marked(Photo(name));
    const ContentFingerprint recorded = Fingerprint(marked);
    BOOST_TEST(recorded.structure() > 1.0, name);
    std::vector<watermark::attacks::Attack> suite = watermark::attacks::StandardSuite();
    namespace wa = watermark::attacks;
    suite.push_back(
        {"rotation 5 deg", [](const Image& i) { return Result<Image>(wa::Rotate(i, 5)); }});
    suite.push_back(
        {"rotation -5 deg", [](const Image& i) { return Result<Image>(wa::Rotate(i, -5)); }});
    suite.push_back(
        {"horizontal flip", [](const Image& i) { return Result<Image>(wa::FlipHorizontal(i)); }});
    // Raising contrast clips at black and white at once, which the refit must leave out.
    suite.push_back(
        {"contrast x1.2", [](const Image& i) { return Result<Image>(wa::Contrast(i, 1.2)); }});
    suite.push_back(
        {"contrast x1.5", [](const Image& i) { return Result<Image>(wa::Contrast(i, 1.5)); }});
    // A curves adjustment bends the tone map: a line fitted to it leaves the bend looking
    // changed (coffee's gamma 1.4 copy had 62 cells so).
    suite.push_back({"gamma 0.7", [](const Image& i) { return Result<Image>(wa::Gamma(i, 0.7)); }});
    suite.push_back({"gamma 1.4", [](const Image& i) { return Result<Image>(wa::Gamma(i, 1.4)); }});
    for (const watermark::attacks::Attack& attack : suite) {
      Result<Image> attacked = attack.apply(marked);
      BOOST_REQUIRE(attacked.ok());
      Result<watermark::Detection> d = watermark::Detect(*attacked, TestKey());
      BOOST_REQUIRE(d.ok());
      // Robustness is the watermark's own test, but the geometric attacks verify relies on must
      // be found here.
      if (attack.name.find("flip") != std::string::npos ||
          attack.name.find("rotation") != std::string::npos) {
        BOOST_TEST(d->found, name << " / " << attack.name << ": not found");
      }
      if (!d->found) continue;
      const std::string what = std::string(name) + " / " + attack.name;
      const ContentComparison c = CompareAsVerify(recorded, *attacked, what);
      BOOST_TEST((c.match == ContentMatch::kSame), what << ": " << ContentMatchName(c.match));
    }
  }
}

BOOST_AUTO_TEST_CASE(other_pictures_are_different_content) {
  for (const char* a : kNames) {
    const ContentFingerprint recorded = Fingerprint(Photo(a));
    for (const char* b : kNames) {
      if (std::string(a) == b) continue;
      Result<ContentComparison> c = CompareContent(recorded, Photo(b), Alignment{});
      BOOST_REQUIRE(c.ok());
      BOOST_TEST_MESSAGE(a << " vs " << b << ": similarity " << c->similarity);
      BOOST_TEST((c->match == ContentMatch::kDifferent), a << " vs " << b);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_pasted_patch_is_an_alteration_and_located) {
  const Image donor = Photo("camera.png");
  for (const char* name : {"chelsea.png", "coffee.png", "rocket.jpg"}) {
    const Image marked = Marked(Photo(name));
    const ContentFingerprint recorded = Fingerprint(marked);
    // A tenth of the area, away from the corners.
    const int w = marked.width() / 3, h = marked.height() * 3 / 10;
    const int x = marked.width() / 2, y = marked.height() / 3;
    const Image edited = Pasted(marked, donor, x, y, w, h);
    const ContentComparison c = CompareAsVerify(recorded, edited, std::string(name) + " pasted");
    BOOST_TEST((c.match == ContentMatch::kAltered), name);
    BOOST_REQUIRE(!c.changed_regions.empty());
    const ChangedRegion& r = c.changed_regions.front();
    // The reported region overlaps the patch.
    BOOST_TEST(r.x < x + w);
    BOOST_TEST(r.x + r.width > x);
    BOOST_TEST(r.y < y + h);
    BOOST_TEST(r.y + r.height > y);
  }
}

// The w x h window of `img` whose luma varies least, searched on a grid of w / 4 steps.
struct Window {
  int x = 0, y = 0, w = 0, h = 0;
};
Window SmoothestWindow(const Image& img, int w, int h) {
  const image::Plane luma = watermark::Luma(img);
  Window best{0, 0, w, h};
  double best_spread = 1e30;
  for (int y = 0; y + h <= img.height(); y += h / 4) {
    for (int x = 0; x + w <= img.width(); x += w / 4) {
      double s = 0, s2 = 0;
      for (int j = 0; j < h; ++j)
        for (int i = 0; i < w; ++i)
          s += luma.at(x + i, y + j), s2 += luma.at(x + i, y + j) * luma.at(x + i, y + j);
      const double n = double(w) * h, spread = s2 / n - (s / n) * (s / n);
      if (spread < best_spread) best_spread = spread, best = {x, y, w, h};
    }
  }
  return best;
}

// The window repainted as the bilinear blend of its four corners' colours: what an inpainting
// tool leaves where it removes something from a plain background.
Image SmoothlyFilled(const Image& img, const Window& r) {
  Image out = img;
  for (int c = 0; c < img.channels(); ++c) {
    const double c00 = img.sample(r.x, r.y, c), c10 = img.sample(r.x + r.w - 1, r.y, c);
    const double c01 = img.sample(r.x, r.y + r.h - 1, c);
    const double c11 = img.sample(r.x + r.w - 1, r.y + r.h - 1, c);
    for (int j = 0; j < r.h; ++j) {
      const double v = double(j) / (r.h - 1);
      for (int i = 0; i < r.w; ++i) {
        const double u = double(i) / (r.w - 1);
        const double value = (1 - v) * ((1 - u) * c00 + u * c10) + v * ((1 - u) * c01 + u * c11);
        out.set_sample(r.x + i, r.y + j, c, int(std::lround(value)));
      }
    }
  }
  return out;
}

// A smooth fill over a plain area changes the cells' tone and detail too little to see, but it
// takes the mark away: verify must report an alteration there, not the asset as delivered.
BOOST_AUTO_TEST_CASE(a_smooth_fill_is_found_where_the_mark_was_lost) {
  int same_by_content = 0;
  for (const char* name : kNames) {
    const Image marked = Marked(Photo(name));
    const ContentFingerprint recorded = Fingerprint(marked);
    // A twentieth of the area, where the picture is plainest.
    const int side = int(std::sqrt(0.05 * marked.width() * marked.height()));
    const Window r = SmoothestWindow(marked, side, side);
    const Image edited = SmoothlyFilled(marked, r);
    Result<ContentComparison> by_content = CompareContent(recorded, edited, Alignment{});
    BOOST_REQUIRE(by_content.ok());
    BOOST_TEST_MESSAGE(name << " smooth fill, content alone: "
                            << ContentMatchName(by_content->match));
    same_by_content += by_content->match == ContentMatch::kSame ? 1 : 0;
    const ContentComparison c = CompareAsVerify(recorded, edited, std::string(name) + " fill");
    BOOST_TEST((c.match == ContentMatch::kAltered), name);
    BOOST_REQUIRE(!c.changed_regions.empty());
    const ChangedRegion& region = c.changed_regions.front();
    BOOST_TEST(region.x < r.x + r.w);
    BOOST_TEST(region.x + region.width > r.x);
    BOOST_TEST(region.y < r.y + r.h);
    BOOST_TEST(region.y + region.height > r.y);
  }
  // The case this test is for: fills that the content alone does not see (camera.png and
  // rocket.jpg's sky).
  BOOST_TEST(same_by_content >= 1);
}

// A whole, unmoved copy in the record's own tone is held to a tighter floor than a resampled or
// re-toned one: a patch lifted by 7 grey levels where the picture is plainest is an alteration
// of it (a high-contrast picture's floor was 10 levels), while its JPEG 75 copy is not. A
// brightened black-and-white drawing keeps its tone fit at the identity (its black and white
// cells cannot move), but its anti-aliased edges moved by tens of levels: it keeps the loose
// floor, and is the same picture (with only the fit to go by, its grey block was altered).
BOOST_AUTO_TEST_CASE(a_faint_patch_on_a_still_copy_is_an_alteration) {
  for (const char* name : {"chelsea.png", "coffee.png", "rocket.jpg"}) {
    const Image marked = Marked(Photo(name));
    const ContentFingerprint recorded = Fingerprint(marked);
    const int side = int(std::sqrt(0.05 * marked.width() * marked.height()));
    const Window r = SmoothestWindow(marked, side, side);
    Image lifted = marked;
    for (int y = r.y; y < r.y + r.h; ++y)
      for (int x = r.x; x < r.x + r.w; ++x)
        for (int c = 0; c < std::min(3, lifted.channels()); ++c)
          lifted.set_sample(x, y, c, std::min(255, lifted.sample(x, y, c) + 7));
    Result<ContentComparison> c = CompareContent(recorded, lifted, Alignment{});
    BOOST_REQUIRE(c.ok());
    BOOST_TEST_MESSAGE(name << " lifted by 7: " << ContentMatchName(c->match) << ", "
                            << c->cells_changed << " cells changed");
    BOOST_TEST((c->match == ContentMatch::kAltered), name);
    Result<Image> jpeg = watermark::attacks::Jpeg(marked, 75);
    BOOST_REQUIRE(jpeg.ok());
    Result<ContentComparison> same = CompareContent(recorded, *jpeg, Alignment{});
    BOOST_REQUIRE(same.ok());
    BOOST_TEST((same->match == ContentMatch::kSame), name << " JPEG 75");
  }
  // Black bars on white, with a dark grey block (value 35, 40 cells): a brightened copy's black
  // and white cells stay put, so the tone fit stays the identity, while the grey cells move by 7.
  Result<Image> made = Image::Create(256, 256, 3);
  BOOST_REQUIRE(made.ok());
  Image drawing = *made;
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) {
      int v = (x / 32) % 2 == 0 && y < 192 ? 0 : 255;
      if (x >= 160 && x < 224 && y >= 200 && y < 240) v = 35;
      for (int c = 0; c < 3; ++c) drawing.set_sample(x, y, c, v);
    }
  const ContentFingerprint recorded = Fingerprint(drawing);
  Result<ContentComparison> c =
      CompareContent(recorded, watermark::attacks::Brightness(drawing, 1.2), Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("brightened drawing: " << ContentMatchName(c->match) << ", "
                                            << c->cells_changed << " cells changed");
  BOOST_TEST((c->match == ContentMatch::kSame));
}

// A figure on white, as a painted portrait whose transparency became white: under +20% the
// backdrop (most of the cells) stays at 255, and light robes drawn with dark lines clip to white
// between their lines, while the hair, hat and grey skirt brighten in full. A fit bent by the
// clipped cells makes the rest look changed. The copy must stay the same picture, and a patch
// pasted on it must still be found.
BOOST_AUTO_TEST_CASE(a_brightened_copy_that_clips_is_the_same_picture) {
  Result<Image> made = Image::Create(256, 256, 3);
  BOOST_REQUIRE(made.ok());
  Image figure = *made;
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) {
      const double dx = (x - 128) / 80.0, dy = (y - 150) / 95.0;
      int v = 255;  // the white backdrop
      if (dx * dx + dy * dy < 1.0) {
        const bool line = (x + y / 3) % 6 < 2;
        if (y < 90) {
          v = x < 128 ? 35 + (x * 5 + y * 3) % 11 : (line ? 40 : 110);  // dark hair, grey hat
        } else if (y < 130) {
          v = line ? 60 : 240;  // light robes drawn with dark lines
        } else {
          v = 180 + (x * 3 + y) % 9;  // a grey skirt, which brightens without clipping
        }
      }
      for (int c = 0; c < 3; ++c) figure.set_sample(x, y, c, v);
    }
  const ContentFingerprint recorded = Fingerprint(figure);
  const Image brighter = watermark::attacks::Brightness(figure, 1.2);
  Result<ContentComparison> c = CompareContent(recorded, brighter, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("brightened figure: " << ContentMatchName(c->match) << ", " << c->cells_changed
                                           << " cells changed");
  BOOST_TEST((c->match == ContentMatch::kSame), ContentMatchName(c->match));
  const Image edited = Pasted(brighter, Photo("camera.png"), 150, 120, 64, 64);
  Result<ContentComparison> e = CompareContent(recorded, edited, Alignment{});
  BOOST_REQUIRE(e.ok());
  BOOST_TEST((e->match == ContentMatch::kAltered), ContentMatchName(e->match));
}

// A picture in saturated colours, as an abstract wallpaper: hues that sweep across it keep one
// channel near white or black while the luma stays in the middle tones. Raising the contrast
// clips those channels, so the luma gains less than the tone fit says, cell by cell where the
// colour is strongest. The copy must stay the same picture, and a patch pasted on it must still
// be found.
BOOST_AUTO_TEST_CASE(a_stretched_copy_whose_colours_clip_is_the_same_picture) {
  Result<Image> made = Image::Create(256, 256, 3);
  BOOST_REQUIRE(made.ok());
  Image swirl = *made;
  const double kPi = 3.14159265358979;
  for (int y = 0; y < 256; ++y)
    for (int x = 0; x < 256; ++x) {
      const double hue = 2.0 * kPi * (x + 0.6 * y) / 300.0;
      const double fold = 0.5 + 0.5 * std::sin(x / 7.0) * std::cos(y / 9.0);  // folds
      for (int c = 0; c < 3; ++c) {
        const double v = 128.0 + 140.0 * std::sin(hue + 2.0 * kPi * c / 3.0) * (0.6 + 0.4 * fold);
        swirl.set_sample(x, y, c, int(std::clamp(v, 0.0, 255.0)));
      }
    }
  const ContentFingerprint recorded = Fingerprint(swirl);
  for (const double factor : {1.1, 1.2}) {
    ExpectSameThenPatchAltered(recorded, watermark::attacks::Contrast(swirl, factor),
                               "contrast x" + std::to_string(factor), 150, 120);
  }
}

// A gamma applied to each colour channel moves a saturated cell's luma less than a grey cell's of
// the same luma, so no tone curve of the luma explains the copy: on a picture of greys with a few
// saturated blocks, the saturated cells left over the fitted line made up whole regions (its gamma
// 1.4 and 2 copies had 19 and 48 cells changed). Taken back through the channels' curve, the
// copy's colours give the recorded tones again; a patch on the same copy is still found.
BOOST_AUTO_TEST_CASE(a_gamma_on_each_channel_keeps_a_colourful_picture_the_same) {
  // Blocks of 4 x 4 cells, one in nine a saturated colour and the rest grey, lit from dark at the
  // top to the middle tones at the bottom, with a fine texture.
  const Image painting = Painted([](int x, int y, int c) {
    static constexpr int kHues[4][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 0}};
    const int block = (x / 32) + 8 * (y / 32);
    const double light = 40.0 + 80.0 * y / 255.0 + 8.0 * std::sin(x / 3.0) * std::cos(y / 5.0);
    if (block % 9 != 4) return light;
    return kHues[block / 9 % 4][c] ? 2.3 * light : 0.4 * light;
  });
  const ContentFingerprint recorded = Fingerprint(painting);
  for (const double gamma : {1.4, 2.0, 0.6}) {
    ExpectSameThenPatchAltered(recorded, watermark::attacks::Gamma(painting, gamma),
                               "gamma " + std::to_string(gamma), 100, 90);
  }
}

// A flat line fits a narrow-toned record whatever the copy shows. On a held-out bright picture with
// a dark patch over a quarter of it, the channels' curve came out at alpha = 0.01 and explained the
// patch with the rest, so the copy passed for another picture; on this one only 50 of the patch's
// cells were found. A copy's curve keeps its contrast.
BOOST_AUTO_TEST_CASE(a_dark_patch_on_a_bright_picture_is_not_explained_by_a_flat_curve) {
  // A faint texture at 240 (a band-pass structure of 1.3 levels), slightly green.
  const Image bright = Painted([](int x, int y, int c) {
    static constexpr double kTint[3] = {0.0, -8.0, 6.0};
    return 240.0 + 3.0 * std::sin(x / 4.0) * std::cos(y / 6.0) + 1.8 * std::sin(y / 23.0) +
           kTint[c];
  });
  const ContentFingerprint recorded = Fingerprint(bright);
  BOOST_TEST(recorded.structure() > 1.0);
  const Image edited = Pasted(bright, Photo("coffee.png"), 20, 67, 124, 132);
  Result<ContentComparison> c = CompareContent(recorded, edited, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("a dark quarter on a bright picture: "
                     << ContentMatchName(c->match) << ", " << c->cells_changed << " cells changed");
  BOOST_TEST((c->match == ContentMatch::kAltered), ContentMatchName(c->match));
  // The patch covers 15 x 15 cells whole (8-pixel cells), and more in part: all are found.
  BOOST_TEST(c->cells_changed >= 15 * 15);
}

// The tone fit starts from the darker half of the cells, against a brightened copy's clipping, and
// a patch over a picture's darker side can make up half of them. A painting lit from the right,
// with a dark patch over a quarter of it on the left, drew that fit and then the refit over every
// cell to a = 1.06, b = -28: every cell was off by some 20 levels, and the patch hid in that noise.
// The fit must stay at the identity the untouched three quarters follow.
BOOST_AUTO_TEST_CASE(a_patch_over_the_darker_side_does_not_lead_the_tone_fit) {
  RecordedTones recorded{};
  QueryCells copy;
  std::vector<size_t> all;
  for (int cy = 0; cy < kGrid; ++cy)
    for (int cx = 0; cx < kGrid; ++cx) {
      const size_t i = size_t(cy) * kGrid + size_t(cx);
      const int texture = (cx * 7 + cy * 13) % 31 - 15;
      recorded[i] = float(60 + 150 * cx / (kGrid - 1) + texture);
      const bool patched = cx < kGrid / 2 && cy >= kGrid / 4 && cy < 3 * kGrid / 4;
      copy.stats[i].mean = patched ? float(20 + (cx * 5 + cy * 11) % 60) : recorded[i];
      copy.has[i] = true;
      all.push_back(i);
    }
  copy.count = kCells;
  const auto [a, b] = FitTone(recorded, copy, all, /*flat=*/false);
  BOOST_TEST_MESSAGE("tone fit over a darker-side patch: a = " << a << ", b = " << b);
  BOOST_TEST(std::fabs(a - 1.0) < 0.02);
  BOOST_TEST(std::fabs(b) < 2.0);
}

// An edit over a quarter of the picture changes it; it does not make it another picture.
BOOST_AUTO_TEST_CASE(a_quarter_replaced_is_still_an_alteration) {
  const Image donor = Photo("camera.png");
  for (const char* name : {"chelsea.png", "coffee.png", "rocket.jpg"}) {
    const Image img = Photo(name);
    const ContentFingerprint recorded = Fingerprint(img);
    const Image edited =
        Pasted(img, donor, img.width() / 4, img.height() / 4, img.width() / 2, img.height() / 2);
    Result<ContentComparison> c = CompareContent(recorded, edited, Alignment{});
    BOOST_REQUIRE(c.ok());
    BOOST_TEST_MESSAGE(name << " quarter: " << ContentMatchName(c->match) << " similarity "
                            << c->similarity << " changed " << c->cells_changed);
    BOOST_TEST((c->match == ContentMatch::kAltered), name);
  }
}

// What a copy attack leaves besides the mark: the residual of a denoiser carries the edges of the
// asset it was taken from, a faint ghost that correlates with the asset's fingerprint.
BOOST_AUTO_TEST_CASE(a_faint_ghost_of_the_asset_is_other_content) {
  for (const char* name : {"chelsea.png", "coffee.png", "camera.png", "rocket.jpg"}) {
    const Image img = Photo(name);
    const ContentFingerprint recorded = Fingerprint(img);
    const Image blurred = watermark::attacks::Blur3x3(img);
    Image ghost = *Image::Create(img.width(), img.height(), img.channels());
    for (int y = 0; y < img.height(); ++y)
      for (int x = 0; x < img.width(); ++x)
        for (int c = 0; c < img.channels(); ++c)
          ghost.set_sample(x, y, c, 128 + (img.sample(x, y, c) - blurred.sample(x, y, c)) / 2);
    Result<ContentComparison> c = CompareContent(recorded, ghost, Alignment{});
    BOOST_REQUIRE(c.ok());
    BOOST_TEST_MESSAGE(name << " ghost: " << ContentMatchName(c->match) << " similarity "
                            << c->similarity);
    BOOST_TEST((c->match != ContentMatch::kSame), name);
    BOOST_TEST((c->match != ContentMatch::kAltered), name);
  }
}

// Another picture can share a record's structure by chance (two portraits of one composition):
// the band-pass view then correlates, and no cell stands out against a scatter that spans the
// whole picture. Its tones do not follow the record's through any tone map, a copy's do. Here
// the two share a pattern of cell-sized blocks, under light that falls from the left on one and
// from above on the other.
BOOST_AUTO_TEST_CASE(a_picture_that_shares_only_the_structure_is_other_content) {
  auto blocks = [](int x, int y) {
    const unsigned h = unsigned(x / 8) * 73856093u ^ unsigned(y / 8) * 19349663u;
    return double(int(h % 61u) - 30);
  };
  const Image recorded_img =
      Painted([&](int x, int y, int c) { return 128.0 + blocks(x, y) + 0.55 * (x - 128) + 4 * c; });
  const Image other =
      Painted([&](int x, int y, int c) { return 128.0 + blocks(x, y) + 0.55 * (y - 128) + 4 * c; });
  const ContentFingerprint recorded = Fingerprint(recorded_img);
  Result<ContentComparison> c = CompareContent(recorded, other, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("lit from above: " << ContentMatchName(c->match) << ", similarity "
                                        << c->similarity << ", tone noise " << c->tone_noise);
  BOOST_TEST((c->match == ContentMatch::kDifferent));
  BOOST_TEST(c->tone_noise > c->max_tone_noise);
  BOOST_TEST(c->note.find("tones scatter") != std::string::npos);
  // Without the tones' test, the correlation alone takes it for the record.
  ComparisonThresholds blind;
  blind.max_tone_noise = 1e9;
  Result<ContentComparison> b = CompareContent(recorded, other, Alignment{}, blind);
  BOOST_REQUIRE(b.ok());
  BOOST_TEST((b->match != ContentMatch::kDifferent), ContentMatchName(b->match));
  BOOST_TEST(b->similarity >= blind.min_similarity);
  // A copy of the record under a strong contrast change keeps its tones on a line.
  const Image contrasted = Painted(
      [&](int x, int y, int ch) { return 128.0 + 1.15 * (recorded_img.sample(x, y, ch) - 128.0); });
  Result<ContentComparison> s = CompareContent(recorded, contrasted, Alignment{});
  BOOST_REQUIRE(s.ok());
  BOOST_TEST((s->match == ContentMatch::kSame), ContentMatchName(s->match));
  BOOST_TEST(s->tone_noise < 3.0);
}

// A bright patch over a quarter of a dark picture makes up most of its middle tones and draws the
// tone line fitted over every cell: the cells then scatter about it by far more than a copy's
// (42 levels on a photograph of the night sky). The tones are judged again over the cells left
// unchanged, so the picture stays the record, altered, rather than other content. Here the line's
// scatter is 19.5 levels, judged against a ceiling of 12.
BOOST_AUTO_TEST_CASE(a_bright_patch_over_a_quarter_of_a_dark_picture_is_an_alteration) {
  const Image camera = Photo("camera.png");
  const Image dark = Painted([&](int x, int y, int c) {
    const double v = camera.sample(x * camera.width() / 256, y * camera.height() / 256, 0);
    return v * v * v / (255.0 * 255.0 * 3.0) + c;
  });
  const ContentFingerprint recorded = Fingerprint(dark);
  const Image patched = Pasted(dark, Photo("coffee.png"), 64, 64, 128, 128);
  ComparisonThresholds strict, blind;
  strict.max_tone_noise = 12.0;
  blind.max_tone_noise = 1e9;
  Result<ContentComparison> line = CompareContent(recorded, patched, Alignment{}, blind);
  BOOST_REQUIRE(line.ok());
  BOOST_TEST(line->tone_noise > strict.max_tone_noise);
  Result<ContentComparison> c = CompareContent(recorded, patched, Alignment{}, strict);
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("dark picture, patched: " << ContentMatchName(c->match) << ", "
                                               << c->cells_changed << " cells changed, tone noise "
                                               << c->tone_noise << " (the line's "
                                               << line->tone_noise << ")");
  BOOST_TEST((c->match == ContentMatch::kAltered), ContentMatchName(c->match));
  BOOST_TEST(c->tone_noise <= strict.max_tone_noise);
}

// A crop of a record's plain part (an empty sky) shows nothing to place it by or to correlate.
// That is no evidence of other content: the comparison cannot tell, not "different". A crop of
// another picture that shows structure is still other content.
BOOST_AUTO_TEST_CASE(a_crop_of_a_featureless_part_is_uncomparable_not_other_content) {
  auto blocks = [](int x, int y) {
    const unsigned h = unsigned(x / 8) * 73856093u ^ unsigned(y / 8) * 19349663u;
    return double(int(h % 61u) - 30);
  };
  // Blocks on the left third, one plain colour on the rest.
  const Image recorded_img =
      Painted([&](int x, int y, int c) { return x < 85 ? 128.0 + blocks(x, y) : 150.0 + 5 * c; });
  const ContentFingerprint recorded = Fingerprint(recorded_img);
  // With a camera's noise, which is all the crop shows.
  const Image plain_part = watermark::attacks::GaussianNoise(
      watermark::attacks::CropAt(recorded_img, 120, 40, 128, 180), 3.0, 7);
  Result<ContentComparison> c = CompareContent(recorded, plain_part, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST_MESSAGE("plain part: " << ContentMatchName(c->match) << ": " << c->note);
  BOOST_TEST((c->match == ContentMatch::kUncomparable), ContentMatchName(c->match));
  BOOST_TEST(c->note.find("featureless part") != std::string::npos);
  // Judged as if it showed structure, its low correlation would call it other content.
  ComparisonThresholds as_if_structured;
  as_if_structured.min_structure = 0.0;
  Result<ContentComparison> a = CompareContent(recorded, plain_part, Alignment{}, as_if_structured);
  BOOST_REQUIRE(a.ok());
  BOOST_TEST((a->match == ContentMatch::kDifferent), ContentMatchName(a->match));
  const Image other = watermark::attacks::CropAt(Photo("coffee.png"), 100, 100, 128, 180);
  Result<ContentComparison> o = CompareContent(recorded, other, Alignment{});
  BOOST_REQUIRE(o.ok());
  BOOST_TEST((o->match == ContentMatch::kDifferent), ContentMatchName(o->match));
}

// A smooth 256-px colour gradient with a soft glow: featureless to the fingerprint.
Image Gradient(int seed) {
  Image img = *Image::Create(256, 256, 3);
  const double cx = 60.0 + 40.0 * seed, cy = 90.0 + 25.0 * seed;
  for (int y = 0; y < 256; ++y) {
    for (int x = 0; x < 256; ++x) {
      const double t = (y + 0.3 * x * (seed % 2 ? 1 : -1)) / 330.0;
      const double glow = 30.0 * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 8000.0);
      const double base[3] = {70 + 110 * t, 120 + 90 * t, 190 + 50 * t};
      for (int c = 0; c < 3; ++c)
        img.set_sample(x, y, c, int(std::clamp(base[c] + glow, 0.0, 255.0)));
    }
  }
  return img;
}

// A featureless record has no structure to correlate: a copy of the whole picture is compared
// by tone, so it still verifies under the attacks that keep the whole picture, and a mark copied
// onto a photograph is told apart; a crop of it cannot be placed. A flat record is matched by
// tone and colour.
BOOST_AUTO_TEST_CASE(featureless_records_are_compared_by_tone) {
  const Image flat = *Image::Create(256, 256, 3);
  Result<ContentComparison> c = CompareContent(Fingerprint(flat), flat, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST((c->match == ContentMatch::kSame));
  Image grey = *Image::Create(256, 256, 3);
  std::fill(grey.data(), grey.data() + grey.size_bytes(), uint8_t{128});
  c = CompareContent(Fingerprint(flat), grey, Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST((c->match == ContentMatch::kUncomparable));
  const Image host = Photo("coffee.png");
  const Image photo = watermark::attacks::CropAt(host, 100, 50, 256, 256);
  for (int seed = 0; seed < 3; ++seed) {
    const Image asset = Marked(Gradient(seed));
    const ContentFingerprint recorded = Fingerprint(asset);
    BOOST_TEST(recorded.structure() < ComparisonThresholds{}.min_structure);
    const std::vector<std::pair<std::string, Image>> same = {
        {"JPEG 75", *watermark::attacks::Jpeg(asset, 75)},
        {"noise sigma 10", watermark::attacks::GaussianNoise(asset, 10.0, 3)},
        {"brightness +20%", watermark::attacks::Brightness(asset, 1.2)},
        {"resize x0.5 and back",
         *image::Resize(*image::Resize(asset, 128, 128, image::Filter::kArea), 256, 256,
                        image::Filter::kBilinear)}};
    for (const auto& [name, copy] : same) {
      BOOST_TEST((CompareAsVerify(recorded, copy, name).match == ContentMatch::kSame), name);
    }
    // The mark copied onto a photograph: other content.
    const ContentComparison forged =
        *CompareContent(recorded, photo, AlignmentFromDetection({}, 256, 256, recorded));
    BOOST_TEST((forged.match == ContentMatch::kDifferent));
    // A photograph pasted over a sixth of it: the same picture, changed there.
    const ContentComparison edited =
        CompareAsVerify(recorded, Pasted(asset, photo, 40, 60, 100, 100), "pasted patch");
    BOOST_TEST((edited.match == ContentMatch::kAltered));
    // A smooth fill over a sixteenth of it: the tones barely change, the mark is gone there.
    const ContentComparison filled =
        CompareAsVerify(recorded, SmoothlyFilled(asset, {96, 32, 64, 64}), "smooth fill");
    BOOST_TEST((filled.match == ContentMatch::kAltered), "smooth fill, gradient " << seed);
    // Half of it: nothing to place the crop by.
    const Image crop = watermark::attacks::CentreCrop(asset, 0.5);
    BOOST_TEST((CompareAsVerify(recorded, crop, "50% crop").match == ContentMatch::kUncomparable));
  }
  const ContentFingerprint recorded_photo = Fingerprint(host);
  c = CompareContent(recorded_photo, *Image::Create(12, 12, 3), Alignment{});
  BOOST_REQUIRE(c.ok());
  BOOST_TEST((c->match == ContentMatch::kUncomparable));
  BOOST_TEST(!CompareContent(recorded_photo, flat, Alignment{0.0}).ok());
}

// A plain picture (one colour, a gentle gradient) is matched by any plain picture of its tone and
// colour: a stripped or re-encoded copy is the asset; a brightened one, or another plain picture
// of the same luma in another colour carrying the asset's mark, cannot be told; edits on a
// stripped copy are found; a photograph is not it; and a record made before colours were recorded
// confirms nothing.
BOOST_AUTO_TEST_CASE(a_flat_record_confirms_plain_copies_in_its_tone_and_colour) {
  const Image photo = watermark::attacks::CropAt(Photo("coffee.png"), 100, 50, 256, 256);
  for (int seed = 0; seed < 3; ++seed) {
    Image plain = *Image::Create(256, 256, 3);
    for (int y = 0; y < 256; ++y)
      for (int x = 0; x < 256; ++x)
        for (int c = 0; c < 3; ++c)
          plain.set_sample(x, y, c, 60 + 50 * seed + 30 * c + (x + y) / 128);
    const Image asset = Marked(plain);
    const ContentFingerprint recorded = Fingerprint(asset);
    BOOST_REQUIRE(recorded.structure() < ComparisonThresholds{}.min_structure);
    BOOST_REQUIRE(recorded.has_colour());
    for (const auto& [name, copy] : std::vector<std::pair<std::string, Image>>{
             {"JPEG 90", *watermark::attacks::Jpeg(asset, 90)},
             {"noise sigma 10", watermark::attacks::GaussianNoise(asset, 10.0, 5)}}) {
      const ContentComparison same = CompareAsVerify(recorded, copy, name);
      BOOST_TEST((same.match == ContentMatch::kSame), name << ", plain " << seed);
      BOOST_TEST(same.similarity >= same.min_similarity, name << ", plain " << seed);
    }
    BOOST_TEST(
        (CompareAsVerify(recorded, watermark::attacks::Brightness(asset, 1.2), "brighter").match ==
         ContentMatch::kUncomparable),
        "plain " << seed);
    // Contrast x0.8 moves a plain picture by a fifth of its distance from mid-grey: the asset
    // where that keeps it in its tone and colour, else uncomparable; never another verdict.
    const ContentMatch contrast =
        CompareAsVerify(recorded, watermark::attacks::Contrast(asset, 0.8), "contrast").match;
    BOOST_TEST((contrast == ContentMatch::kSame || contrast == ContentMatch::kUncomparable));
    // The asset's mark on a plain picture of the same luma in another colour (red up 20, blue
    // down 52: 0.299 x 20 = 0.114 x 52): what a forger who copies a plain asset's mark onto
    // another backdrop shows.
    Image recoloured = asset;
    for (int y = 0; y < 256; ++y) {
      for (int x = 0; x < 256; ++x) {
        recoloured.set_sample(x, y, 0, asset.sample(x, y, 0) + 20);
        recoloured.set_sample(x, y, 2, asset.sample(x, y, 2) - 52);
      }
    }
    const ContentComparison other = CompareAsVerify(recorded, recoloured, "other colour");
    BOOST_TEST((other.match == ContentMatch::kUncomparable), "plain " << seed);
    BOOST_TEST(other.note.find("not in its colour") != std::string::npos, other.note);
    // The same record as one made before colours were recorded: nothing to confirm a copy by.
    Bytes v1 = recorded.Encode();
    v1.resize(v1.size() - 3);
    v1[0] = 1;
    const ContentFingerprint old_record = *ContentFingerprint::Decode(v1);
    BOOST_TEST(
        (CompareAsVerify(old_record, asset, "old record").match == ContentMatch::kUncomparable),
        "plain " << seed);
    // A quarter of it pasted over with a photograph: the record's tone elsewhere, changed there.
    const Image edited = Pasted(asset, photo, 64, 96, 128, 128);
    const ContentComparison altered = CompareAsVerify(recorded, edited, "pasted quarter");
    BOOST_TEST((altered.match == ContentMatch::kAltered), "plain " << seed);
    if (!altered.changed_regions.empty()) {
      const ChangedRegion& r = altered.changed_regions.front();
      BOOST_TEST((r.x < 192 && r.x + r.width > 64 && r.y < 224 && r.y + r.height > 96));
    }
    // The same edit on a brightened copy: not the record's tone, so not taken for the asset.
    const ContentComparison brightened =
        CompareAsVerify(recorded, watermark::attacks::Brightness(edited, 1.2), "brightened edit");
    BOOST_TEST((brightened.match != ContentMatch::kAltered), "plain " << seed);
    // The mark copied onto a photograph: other content.
    const ContentComparison forged =
        *CompareContent(recorded, photo, AlignmentFromDetection({}, 256, 256, recorded));
    BOOST_TEST((forged.match == ContentMatch::kDifferent), "plain " << seed);
  }
}

// The index a verifier keeps of recorded fingerprints: a compressed, resized copy finds its own
// asset first; another shape or a featureless image finds nothing.
BOOST_AUTO_TEST_CASE(the_index_finds_the_asset_a_copy_shows) {
  ContentIndex index;
  std::vector<Image> assets;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    const Image photo = Photo(kNames[i]);
    assets.push_back(watermark::attacks::CropAt(photo, (photo.width() - 256) / 2,
                                                (photo.height() - 256) / 2, 256, 256));
    index.Add(watermark::Payload::FromUint64(100 + i, 64), Fingerprint(assets.back()));
  }
  BOOST_TEST(index.size() == std::size(kNames));
  for (size_t i = 0; i < assets.size(); ++i) {
    const Image copy = *watermark::attacks::Scale(*watermark::attacks::Webp(assets[i], 50), 0.75);
    BOOST_REQUIRE(copy.width() == 192);
    const std::vector<watermark::SuspectedMark> s = index.Nearest(Fingerprint(copy), 4);
    BOOST_REQUIRE(!s.empty());
    BOOST_TEST(s.front().payload.ToUint64() == 100 + i, kNames[i]);
    BOOST_TEST(s.front().width == 256);
    BOOST_TEST(s.front().height == 256);
    BOOST_TEST(index.Nearest(Fingerprint(copy), 1).size() == 1u);
  }
  // Another aspect ratio: a crop of an asset is not what the in-place test can read.
  BOOST_TEST(
      index.Nearest(Fingerprint(watermark::attacks::CropAt(assets[0], 0, 0, 256, 200)), 4).empty());
  Image flat = *Image::Create(256, 256, 3);
  std::fill(flat.data(), flat.data() + flat.size_bytes(), uint8_t{128});
  BOOST_TEST(index.Nearest(Fingerprint(flat), 4).empty());
}

// A plain asset has no layout to correlate, so the index tells it by tone: a compressed copy
// finds it, while a plain picture a few grey levels off, or a photograph, does not.
BOOST_AUTO_TEST_CASE(the_index_finds_a_plain_asset_by_its_tone) {
  ContentIndex index;
  const Image photo = watermark::attacks::CropAt(Photo("coffee.png"), 0, 0, 256, 256);
  index.Add(watermark::Payload::FromUint64(1, 64), Fingerprint(photo));
  auto plain = [](int tone) {
    Image img = *Image::Create(256, 256, 3);
    for (int y = 0; y < 256; ++y)
      for (int x = 0; x < 256; ++x)
        for (int c = 0; c < 3; ++c) img.set_sample(x, y, c, tone + 20 * c + (x + y) / 200);
    return img;
  };
  const Image asset = Marked(plain(90));
  index.Add(watermark::Payload::FromUint64(2, 64), Fingerprint(asset));
  const std::vector<watermark::SuspectedMark> s =
      index.Nearest(Fingerprint(*watermark::attacks::Webp(asset, 50)), 4);
  BOOST_REQUIRE(s.size() == 1u);
  BOOST_TEST(s.front().payload.ToUint64() == 2u);
  BOOST_TEST(index.Nearest(Fingerprint(plain(96)), 4).empty());
  BOOST_TEST(index.Nearest(Fingerprint(*watermark::attacks::Scale(plain(89), 0.75)), 4).size() ==
             1u);
  // A copy of the photograph finds the photograph alone, not the plain asset.
  const std::vector<watermark::SuspectedMark> p =
      index.Nearest(Fingerprint(*watermark::attacks::Webp(photo, 50)), 4);
  BOOST_REQUIRE(p.size() == 1u);
  BOOST_TEST(p.front().payload.ToUint64() == 1u);
}
