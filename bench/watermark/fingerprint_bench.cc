// fingerprint_bench: whether the content fingerprint (watermark/fingerprint) turns a watermark hit
// into evidence, and what it costs. Prints a Markdown report; progress goes to stderr.
//
//   fingerprint_bench [--photos DIR...] [--quick] [--only SECTION...]
//
// A watermark can be estimated from delivered images without the key (denoise, keep the residual)
// and added to unrelated photographs: a copy attack. `hallmark verify` therefore compares every
// watermark hit with the content fingerprint the ledger holds for the asset the payload names.
// The report measures, on a pool of pictures split into STUDIO pictures (assets are made from
// them) and HOST pictures (forgery hosts, pasted patches), so that no picture is on both sides of
// a forgery or an edit; the different-content pairs take crops of both halves, never two of one
// picture:
// 1. copy attacks from 1, 10 and 100 assets with three denoisers, at 38-50 dB, plain and JPEG 75;
// 2. genuine assets under the attack suite (false alterations, same-content similarities);
// 3. local edits (pasted patch, smooth fill, text overlay) on stripped copies;
// 4. the different-content similarity distribution and a ROC table;
// 5. the cost of the comparison next to the detection it follows;
// 6. removal by averaging 10 and 100 assets, with one shared pattern and with per-payload
//    variants.
// Every random draw comes from fixed seeds: two runs print the same tables (times aside).
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "base/allocator_tuning.h"
#include "bench/watermark/photo_set.h"
#include "image/codec.h"
#include "image/metrics.h"
#include "image/plane.h"
#include "image/resample.h"
#include "watermark/attacks.h"
#include "watermark/fingerprint/alignment.h"
#include "watermark/fingerprint/content_comparison.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/fingerprint/content_index.h"
#include "watermark/watermark.h"

using namespace hallmark;
using bench::Picture;
using image::Image;
using image::Plane;
namespace attacks = watermark::attacks;
namespace fp = fingerprint;

namespace {

// ---------------------------------------------------------------------------------------------
// Set-up: options, randomness, clocks.

const char* const kDefaultDirs[] = {"/usr/lib/python3/dist-packages/skimage/data",
                                    "/usr/share/wallpapers", "/usr/share/backgrounds/gnome"};

struct Config {
  std::vector<std::string> dirs;
  bool quick = false;
  std::vector<std::string> only;  // sections to run (--only); empty: all
  bool Runs(const char* section) const {
    return only.empty() || std::find(only.begin(), only.end(), section) != only.end();
  }
  int assets = 100;       // 256-px delivered assets (every fourth one generated-size)
  int photo_assets = 20;  // assets at their picture's own size
  int hosts = 50;         // forgery hosts: 256-px crops of HOST pictures
  int estimate_sizes[3] = {1, 10, 100};
  int roc_images = 420;    // distinct crops whose fingerprints make the different-content pairs
  int roc_pairs = 100000;  // different-content comparisons
  double roc_crop_share = 0.01;  // of those, with the query cropped (the translation search runs)
  int edit_stride = 2;  // local edits on every second asset (both kinds), which bounds the time
  int cost_images = 30;
  int removal_sizes[2] = {10, 100};  // assets averaged for a removal estimate
  int cost_rounds = 25;
};

// --quick: every section on a handful of images, for smoke tests.
void MakeQuick(Config* c) {
  c->quick = true;
  c->assets = 24;
  c->photo_assets = 4;
  c->hosts = 10;
  c->estimate_sizes[1] = 5;
  c->estimate_sizes[2] = 20;
  c->roc_images = 60;
  c->roc_pairs = 3000;
  c->edit_stride = 1;
  c->cost_images = 8;
  c->cost_rounds = 3;
  c->removal_sizes[0] = 5;
  c->removal_sizes[1] = 20;
}

Config ParseArgs(int argc, char** argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--quick") {
      MakeQuick(&c);
    } else if (flag == "--only") {
      while (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) c.only.push_back(argv[++i]);
    } else if (flag == "--photos") {
      // Every following argument up to the next flag is a folder.
      while (i + 1 < argc && std::strncmp(argv[i + 1], "--", 2) != 0) c.dirs.push_back(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "unknown argument %s (usage: fingerprint_bench [--photos DIR...] "
                   "[--quick] [--only forgery|genuine|edits|roc|cost|removal...])\n",
                   argv[i]);
      std::exit(2);
    }
  }
  if (c.dirs.empty()) c.dirs.assign(std::begin(kDefaultDirs), std::end(kDefaultDirs));
  return c;
}

// Draws that do not depend on the standard library's distributions, whose algorithms differ
// between implementations; mt19937_64 itself is fully specified.
class Rng {
 public:
  explicit Rng(uint64_t seed) : g_(seed) {}
  uint64_t Bits() { return g_(); }
  double Uniform() { return double(g_() >> 11) * 0x1.0p-53; }
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // lo..hi inclusive.
  int Int(int lo, int hi) { return std::min(hi, lo + int(Uniform() * (hi - lo + 1))); }

 private:
  std::mt19937_64 g_;
};

// Process CPU time: the benchmark is single-threaded, and on a shared machine CPU time is what one
// core spends on the work.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double WallSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

watermark::Key TestKey() {
  return *watermark::Key::FromHex(
      "f1a9e2b7f1a9e2b7c0ffee00c0ffee0011223344556677889900aabbccddeeff");
}

std::string Percent(int n, int d) {
  if (d == 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * n / d);
  return buf;
}

std::string Number(double v, const char* format = "%.3f") {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ---------------------------------------------------------------------------------------------
// The pool, its split, crops and assets.

// Indices into the pool.
struct Split {
  std::vector<int> studio, host;
};

// Within each folder a seeded shuffle, then alternate halves (carried across folders), so both
// halves hold photographs, renderings and scientific images in the same proportions.
Split SplitPool(const std::vector<Picture>& pool, uint64_t seed) {
  std::vector<std::pair<std::string, std::vector<int>>> folders;
  for (int i = 0; i < int(pool.size()); ++i) {
    if (folders.empty() || folders.back().first != pool[size_t(i)].source)
      folders.push_back({pool[size_t(i)].source, {}});
    folders.back().second.push_back(i);
  }
  Rng rng(seed);
  Split s;
  int next = 0;
  for (auto& [source, members] : folders) {
    for (int i = int(members.size()) - 1; i > 0; --i)
      std::swap(members[size_t(i)], members[size_t(rng.Int(0, i))]);
    for (int m : members) (next++ % 2 == 0 ? s.studio : s.host).push_back(m);
  }
  return s;
}

// A square of `pic` at a random position and scale (side from `size` to the short side), reduced
// (area) to size x size. A generated-size one is then reduced to 64x64 and enlarged back
// (bicubic), the way a 64-px generator's output is delivered.
Image RandomSquare(const Image& pic, int size, bool generated, Rng& rng) {
  const int short_side = std::min(pic.width(), pic.height());
  const int side = rng.Int(size, short_side);
  Image sq = attacks::CropAt(pic, rng.Int(0, pic.width() - side), rng.Int(0, pic.height() - side),
                             side, side);
  if (side != size) sq = *image::Resize(sq, size, size, image::Filter::kArea);
  if (generated) {
    const Image small = *image::Resize(sq, 64, 64, image::Filter::kArea);
    sq = *image::Resize(small, size, size, image::Filter::kBicubic);
  }
  return sq;
}

struct Asset {
  std::string name;
  std::string kind;  // "256-px crop", "generated-size", "photo-size"
  int picture = 0;   // pool index
  Image marked;      // as delivered
  Image original;    // before marking: the same content without the mark
  uint64_t payload = 0;
  fp::ContentFingerprint fingerprint;  // what the ledger records for it
};

Asset MakeAsset(std::string name, std::string kind, int picture, const Image& img,
                const watermark::Key& key, bool shared_pattern, Rng& rng) {
  Asset a;
  a.name = std::move(name);
  a.kind = std::move(kind);
  a.picture = picture;
  a.original = img;
  a.payload = rng.Bits();
  watermark::EmbedOptions options;
  options.shared_pattern = shared_pattern;
  a.marked = *watermark::Embed(img, key, watermark::Payload::FromUint64(a.payload, 64), options);
  a.fingerprint = *fp::ContentFingerprint::Compute(a.marked);
  return a;
}

// The first `n256` are 256-px crops (every fourth generated-size), then `n_photo` photo-size ones:
// STUDIO pictures in turn. `shared_pattern`: every mark with the one pattern marks had before
// per-payload variants (the same pictures and payloads otherwise).
std::vector<Asset> MakeAssets(const std::vector<Picture>& pool, const Split& split, int n256,
                              int n_photo, const watermark::Key& key, bool shared_pattern = false) {
  Rng rng(11);
  std::vector<Asset> assets;
  for (int i = 0; i < n256; ++i) {
    const int p = split.studio[size_t(i) % split.studio.size()];
    const bool generated = i % 4 == 3;
    const Image img = RandomSquare(pool[size_t(p)].img, 256, generated, rng);
    assets.push_back(MakeAsset(pool[size_t(p)].name + " #" + std::to_string(i),
                               generated ? "generated-size" : "256-px crop", p, img, key,
                               shared_pattern, rng));
  }
  for (int i = 0; i < n_photo; ++i) {
    const int p = split.studio[size_t(i) % split.studio.size()];
    assets.push_back(MakeAsset(pool[size_t(p)].name, "photo-size", p, pool[size_t(p)].img, key,
                               shared_pattern, rng));
  }
  return assets;
}

// ---------------------------------------------------------------------------------------------
// What verify decides for an image with no manifest.

enum class Verdict { kVerified, kAltered, kMismatch, kNoProvenance };

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kVerified:
      return "VERIFIED_BY_WATERMARK";
    case Verdict::kAltered:
      return "ALTERED";
    case Verdict::kMismatch:
      return "WATERMARK_MISMATCH";
    case Verdict::kNoProvenance:
      break;
  }
  return "NO_PROVENANCE";
}

// What verify reads from the ledger: the records by payload, and their fingerprints indexed.
struct Ledger {
  std::map<uint64_t, const Asset*> by_payload;
  fp::ContentIndex content;
};

Ledger MakeLedger(const std::vector<Asset>& assets) {
  Ledger l;
  for (const Asset& a : assets) {
    l.by_payload[a.payload] = &a;
    l.content.Add(watermark::Payload::FromUint64(a.payload, 64), a.fingerprint);
  }
  return l;
}

struct Verification {
  bool found = false;     // the watermark was found
  bool recorded = false;  // ... with a payload the ledger holds
  // ... only by testing the ledger's payloads against an undecoded reading (MatchKnownPayloads):
  // verify's newer path, which the verify before the content check did not have.
  bool matched_known = false;
  // ... only by testing the marks of the assets the image resembles where they would sit
  // (TestSuspectedMarks): verify's newest path, for heavily compressed copies.
  bool suspected_by_content = false;
  bool compared = false;  // CompareContent answered
  const Asset* asset = nullptr;
  fp::Alignment alignment;
  fp::ContentComparison content;
  Verdict verdict = Verdict::kNoProvenance;
};

Verdict VerdictOf(fp::ContentMatch m) {
  switch (m) {
    case fp::ContentMatch::kSame:
      return Verdict::kVerified;
    case fp::ContentMatch::kAltered:
      return Verdict::kAltered;
    case fp::ContentMatch::kDifferent:
      return Verdict::kMismatch;
    case fp::ContentMatch::kUncomparable:
      break;
  }
  return Verdict::kNoProvenance;
}

// The content check verify makes after a watermark hit on a recorded asset.
void CompareWithRecord(const Image& query, const watermark::Detection& d, const watermark::Key& key,
                       Verification* v) {
  const fp::ContentFingerprint& rec = v->asset->fingerprint;
  v->alignment = fp::AlignmentFromDetection(d, query.width(), query.height(), rec);
  const fp::RecordedMark mark{&key, d.payload, &query};
  Result<fp::ContentComparison> c =
      fp::CompareContent(rec, watermark::Luma(query), v->alignment, {}, &mark);
  if (!c.ok()) {
    std::fprintf(stderr, "CompareContent: %s\n", c.status().ToString().c_str());
    return;
  }
  v->compared = true;
  v->content = *c;
  v->verdict = VerdictOf(c->match);
}

Verification Verify(const Image& query, const watermark::Key& key, const Ledger& ledger) {
  Verification v;
  Result<watermark::Detection> d = watermark::Detect(query, key);
  if (!d.ok()) return v;
  if (!d->found && !d->soft_bits.empty()) {
    // What verify does when the payload does not decode: test the payloads the ledger issued.
    std::vector<watermark::Payload> issued;
    for (const auto& [value, asset] : ledger.by_payload)
      issued.push_back(watermark::Payload::FromUint64(value, 64));
    const watermark::KnownPayloadMatch m = watermark::MatchKnownPayloads(*d, key, issued);
    if (m.found) {
      d->found = true;
      d->payload = issued[m.index];
      v.matched_known = true;
    }
  }
  if (!d->found) {
    // Then, as verify does, the marks of the recorded assets the image looks like, in place.
    const image::Plane luma = watermark::Luma(query);
    Result<fp::ContentFingerprint> q = fp::ContentFingerprint::FromLuma(luma);
    if (q.ok()) {
      const std::vector<watermark::SuspectedMark> suspects = ledger.content.Nearest(*q, 4);
      const watermark::KnownPayloadMatch m = watermark::TestSuspectedMarks(luma, key, suspects);
      if (m.found) {
        *d = watermark::Detection{};
        d->found = true;
        d->payload = suspects[m.index].payload;
        v.matched_known = true;
        v.suspected_by_content = true;
      }
    }
  }
  if (!d->found) return v;
  v.found = true;
  const auto it = ledger.by_payload.find(d->payload.ToUint64());
  if (d->payload.size() != 64 || it == ledger.by_payload.end()) return v;
  v.recorded = true;
  v.asset = it->second;
  CompareWithRecord(query, *d, key, &v);
  return v;
}

struct VerdictCounts {
  int images = 0, found = 0, recorded = 0;
  int decoded = 0;     // recorded with a decoded payload: the old verify's VERIFIED_BY_WATERMARK
  int matched = 0;     // recorded through MatchKnownPayloads
  int by_content = 0;  // ... of them, through TestSuspectedMarks
  int verified = 0, altered = 0, mismatch = 0, no_provenance = 0;
  double max_similarity = -2.0, min_similarity = 2.0;  // over the comparisons made

  void Add(const Verification& v) {
    ++images;
    found += v.found;
    recorded += v.recorded;
    decoded += v.recorded && !v.matched_known;
    matched += v.recorded && v.matched_known;
    by_content += v.recorded && v.suspected_by_content;
    verified += v.verdict == Verdict::kVerified;
    altered += v.verdict == Verdict::kAltered;
    mismatch += v.verdict == Verdict::kMismatch;
    no_provenance += v.verdict == Verdict::kNoProvenance;
    if (v.compared && v.content.match != fp::ContentMatch::kUncomparable) {
      max_similarity = std::max(max_similarity, v.content.similarity);
      min_similarity = std::min(min_similarity, v.content.similarity);
    }
  }
  void Add(const VerdictCounts& o) {
    images += o.images, found += o.found, recorded += o.recorded;
    decoded += o.decoded, matched += o.matched, by_content += o.by_content;
    verified += o.verified, altered += o.altered, mismatch += o.mismatch;
    no_provenance += o.no_provenance;
    max_similarity = std::max(max_similarity, o.max_similarity);
    min_similarity = std::min(min_similarity, o.min_similarity);
  }
  std::string MaxSimilarity() const { return max_similarity < -1.5 ? "-" : Number(max_similarity); }
  std::string MinSimilarity() const { return min_similarity > 1.5 ? "-" : Number(min_similarity); }
};

// A one-line account of a verification, for the lists of notable cases.
std::string Describe(const Verification& v) {
  char buf[256];
  const fp::ContentComparison& c = v.content;
  std::string region = "-";
  if (!c.changed_regions.empty()) {
    const fp::ChangedRegion& r = c.changed_regions.front();
    region = std::to_string(r.width) + "x" + std::to_string(r.height) + "+" + std::to_string(r.x) +
             "+" + std::to_string(r.y);
  }
  std::snprintf(buf, sizeof buf,
                "%s, similarity %.3f, %d of %d cells changed, first region %s, alignment scale "
                "%.3f rotation %.2f%s",
                VerdictName(v.verdict), c.similarity, c.cells_changed, c.cells_compared,
                region.c_str(), v.alignment.scale, v.alignment.rotation_degrees,
                c.note.empty() ? "" : (" (" + c.note + ")").c_str());
  return buf;
}

void PrintCases(const char* title, const std::vector<std::string>& cases, size_t limit) {
  if (cases.empty()) return;
  std::printf("\n%s (%zu):\n\n", title, cases.size());
  for (size_t i = 0; i < cases.size() && i < limit; ++i) std::printf("- %s\n", cases[i].c_str());
  if (cases.size() > limit) std::printf("- ... and %zu more\n", cases.size() - limit);
}

// ---------------------------------------------------------------------------------------------
// 1. Copy attacks.

// BT.601 luma, as the watermark reads it.
Plane Luma(const Image& img) {
  const std::vector<Plane> ch = image::ToPlanes(img);
  if (ch.size() < 3) return ch[0];
  Plane y(img.width(), img.height());
  for (size_t i = 0; i < y.px.size(); ++i)
    y.px[i] = 0.299f * ch[0].px[i] + 0.587f * ch[1].px[i] + 0.114f * ch[2].px[i];
  return y;
}

float Clamped(const Plane& p, int x, int y) {
  return p.at(std::clamp(x, 0, p.width - 1), std::clamp(y, 0, p.height - 1));
}

// The mean and variance of each (2r+1)^2 window, edges replicated.
void LocalMoments(const Plane& p, int r, Plane* mean, Plane* var) {
  *mean = Plane(p.width, p.height);
  *var = Plane(p.width, p.height);
  const float n = float((2 * r + 1) * (2 * r + 1));
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      float s = 0, ss = 0;
      for (int dy = -r; dy <= r; ++dy) {
        for (int dx = -r; dx <= r; ++dx) {
          const float v = Clamped(p, x + dx, y + dy);
          s += v, ss += v * v;
        }
      }
      mean->at(x, y) = s / n;
      var->at(x, y) = std::max(0.0f, ss / n - (s / n) * (s / n));
    }
  }
}

Plane Gaussian3(const Plane& p) {
  Plane out(p.width, p.height);
  const float k[3] = {0.25f, 0.5f, 0.25f};
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      float s = 0;
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) s += k[dy + 1] * k[dx + 1] * Clamped(p, x + dx, y + dy);
      out.at(x, y) = s;
    }
  }
  return out;
}

Plane Median5(const Plane& p) {
  Plane out(p.width, p.height);
  std::array<float, 25> w{};
  for (int y = 0; y < p.height; ++y) {
    for (int x = 0; x < p.width; ++x) {
      size_t n = 0;
      for (int dy = -2; dy <= 2; ++dy)
        for (int dx = -2; dx <= 2; ++dx) w[n++] = Clamped(p, x + dx, y + dy);
      std::nth_element(w.begin(), w.begin() + 12, w.end());
      out.at(x, y) = w[12];
    }
  }
  return out;
}

// Adaptive Wiener filter (Lee; MATLAB's wiener2): the local mean plus the part of the local
// deviation the local variance explains beyond the noise, whose variance is taken as the mean of
// the local variances.
Plane Wiener5(const Plane& p) {
  Plane mean, var;
  LocalMoments(p, 2, &mean, &var);
  double noise = 0;
  for (float v : var.px) noise += v;
  noise /= double(var.px.size());
  Plane out(p.width, p.height);
  for (size_t i = 0; i < out.px.size(); ++i) {
    const double v = var.px[i], gain = v > noise ? (v - noise) / v : 0.0;
    out.px[i] = float(mean.px[i] + gain * (p.px[i] - mean.px[i]));
  }
  return out;
}

struct Denoiser {
  const char* name;
  Plane (*apply)(const Plane&);
};

const Denoiser kDenoisers[] = {
    {"Gaussian 3x3", Gaussian3}, {"median 5x5", Median5}, {"Wiener 5x5", Wiener5}};

// What the attacker keeps of one delivered image: luma minus its denoised self.
Plane Residual(const Image& img, const Denoiser& d) {
  Plane y = Luma(img);
  const Plane smooth = d.apply(y);
  for (size_t i = 0; i < y.px.size(); ++i) y.px[i] -= smooth.px[i];
  return y;
}

// The mean residual of `count` assets from `start`, cyclically.
Plane MeanResidual(const std::vector<Plane>& residuals, int start, int count) {
  Plane m(residuals[0].width, residuals[0].height);
  for (int k = 0; k < count; ++k) {
    const Plane& r = residuals[size_t(start + k) % residuals.size()];
    for (size_t i = 0; i < m.px.size(); ++i) m.px[i] += r.px[i];
  }
  for (float& v : m.px) v /= float(count);
  return m;
}

// The estimate, times `gain`, added to every channel of the host.
Image AddEstimate(const Image& host, const Plane& e, double gain) {
  Image out = host;
  for (int y = 0; y < host.height(); ++y) {
    for (int x = 0; x < host.width(); ++x) {
      const double d = gain * e.at(x, y);
      for (int c = 0; c < host.channels(); ++c)
        out.set_sample(x, y, c, int(std::lround(host.sample(x, y, c) + d)));
    }
  }
  return out;
}

// The forgery at the gain that gives `psnr` dB against the host: the first guess from the
// estimate's power, then corrected for clipping and rounding.
Image ForgeAtPsnr(const Image& host, const Plane& e, double psnr, double* achieved) {
  double power = 0;
  for (float v : e.px) power += double(v) * v;
  power /= double(e.px.size());
  double gain = std::sqrt(255.0 * 255.0 / std::pow(10.0, psnr / 10.0) / std::max(power, 1e-12));
  Image forged;
  for (int pass = 0; pass < 3; ++pass) {
    forged = AddEstimate(host, e, gain);
    *achieved = *image::Psnr(host, forged);
    if (std::fabs(*achieved - psnr) < 0.05) break;
    gain *= std::pow(10.0, (*achieved - psnr) / 20.0);
  }
  return forged;
}

double StructureOf(const Image& img) {
  Result<fp::ContentFingerprint> f = fp::ContentFingerprint::Compute(img);
  return f.ok() ? f->structure() : 0.0;
}

// 256-px crops of HOST pictures, two per picture at different places and scales.
std::vector<std::pair<std::string, Image>> MakeHosts(const std::vector<Picture>& pool,
                                                     const Split& split, int n) {
  Rng rng(23);
  std::vector<std::pair<std::string, Image>> hosts;
  for (int i = 0; i < n; ++i) {
    const Picture& p = pool[size_t(split.host[size_t(i) % split.host.size()])];
    hosts.emplace_back(p.name, RandomSquare(p.img, 256, false, rng));
  }
  return hosts;
}

constexpr double kForgeryPsnr[] = {38, 41, 44, 47, 50};

struct ForgeryResults {
  // [size index][denoiser]
  VerdictCounts rows[3][3];
  VerdictCounts by_psnr[5][2];  // [psnr][plain, JPEG 75]
  double psnr_sum[5] = {}, psnr_n[5] = {};
  std::vector<std::string> verified, altered;
};

// The estimates of one denoiser, one per window of `count` assets, cached by start.
struct EstimateCache {
  const std::vector<Plane>* residuals;
  int count;
  std::map<int, Plane> by_start;
  const Plane& Get(int start) {
    auto it = by_start.find(start);
    if (it == by_start.end())
      it = by_start.emplace(start, MeanResidual(*residuals, start, count)).first;
    return it->second;
  }
};

void ForgeOneHost(const std::string& host_name, const Image& host, const Plane& estimate,
                  const std::string& what, const watermark::Key& key, const Ledger& ledger,
                  VerdictCounts* row, ForgeryResults* r) {
  for (int p = 0; p < 5; ++p) {
    double achieved = 0;
    const Image forged = ForgeAtPsnr(host, estimate, kForgeryPsnr[p], &achieved);
    r->psnr_sum[p] += achieved, r->psnr_n[p] += 1;
    for (int jpeg = 0; jpeg < 2; ++jpeg) {
      const Image q = jpeg ? *attacks::Jpeg(forged, 75) : forged;
      const Verification v = Verify(q, key, ledger);
      row->Add(v);
      r->by_psnr[p][jpeg].Add(v);
      if (v.verdict != Verdict::kVerified && v.verdict != Verdict::kAltered) continue;
      // The fingerprints' structure (content_fingerprint.h) says whether the host had any
      // layout of its own for the copied mark to compete with.
      const std::string line = host_name + " forged with " + what + " at " +
                               Number(kForgeryPsnr[p], "%.0f") + " dB" +
                               (jpeg ? " + JPEG 75" : "") + ", names " + v.asset->name +
                               (v.matched_known ? " (ledger-matched)" : "") + ": " + Describe(v) +
                               "; structure of the host " + Number(StructureOf(host), "%.2f") +
                               ", the forgery " + Number(StructureOf(q), "%.2f") + ", the record " +
                               Number(v.asset->fingerprint.structure(), "%.2f");
      (v.verdict == Verdict::kVerified ? r->verified : r->altered).push_back(line);
    }
  }
}

ForgeryResults RunForgeries(const Config& cfg, const std::vector<Asset>& assets,
                            const std::vector<std::pair<std::string, Image>>& hosts,
                            const watermark::Key& key, const Ledger& ledger) {
  ForgeryResults r;
  for (int d = 0; d < 3; ++d) {
    std::vector<Plane> residuals;
    for (int i = 0; i < cfg.assets; ++i)
      residuals.push_back(Residual(assets[size_t(i)].marked, kDenoisers[d]));
    for (int s = 0; s < 3; ++s) {
      const int k = cfg.estimate_sizes[s];
      EstimateCache cache{&residuals, k, {}};
      const std::string what = std::string("the ") + kDenoisers[d].name + " estimate of " +
                               std::to_string(k) + " asset(s)";
      for (size_t j = 0; j < hosts.size(); ++j) {
        // Each host gets the estimate of another window of assets, so that many are tried.
        const int start = int((j * size_t(k)) % residuals.size());
        ForgeOneHost(hosts[j].first, hosts[j].second, cache.Get(start), what, key, ledger,
                     &r.rows[s][d], &r);
      }
      std::fprintf(stderr,
                   "forgeries: %s, %d asset(s): %d forged, %d before, %d matched, %d verified\n",
                   kDenoisers[d].name, k, r.rows[s][d].images, r.rows[s][d].decoded,
                   r.rows[s][d].matched, r.rows[s][d].verified);
    }
  }
  return r;
}

void PrintForgeryRow(const std::string& label, const VerdictCounts& c) {
  std::printf("| %s | %d | %d | %d | **%d** | %d | %d | %d | %s |\n", label.c_str(), c.images,
              c.decoded, c.matched, c.verified, c.mismatch, c.altered, c.no_provenance,
              c.MaxSimilarity().c_str());
}

void PrintForgeries(const Config& cfg, const ForgeryResults& r, size_t n_hosts) {
  std::printf("\n### 1. Forgery suite (copy attack)\n\n");
  std::printf(
      "Estimate = mean luma residual (asset minus denoised asset) of 1, %d or %d delivered "
      "256-px assets, added to every channel of %zu HOST crops (256x256) at %s-%s dB PSNR, each "
      "also re-encoded as JPEG 75; every host gets the estimate of another window of assets. "
      "\"before\": the watermark was found and its payload decoded to one the ledger holds (the "
      "verdict was VERIFIED_BY_WATERMARK before the content check). \"ledger-matched\": the "
      "payload did not decode but verify's test of the ledger's payloads against the reading "
      "(MatchKnownPayloads) named an asset; these go through the content check too. \"after\": "
      "the verdicts of the current verify logic, VERIFIED_BY_WATERMARK the goal being 0. Max "
      "similarity: the highest CompareContent similarity any forgery reached.\n\n",
      cfg.estimate_sizes[1], cfg.estimate_sizes[2], n_hosts, "38", "50");
  std::printf(
      "| estimate | forged | before | ledger-matched | after: VERIFIED | WATERMARK_MISMATCH | "
      "ALTERED | NO_PROVENANCE | max similarity |\n|---|---|---|---|---|---|---|---|---|\n");
  VerdictCounts all;
  for (int s = 0; s < 3; ++s) {
    for (int d = 0; d < 3; ++d) {
      PrintForgeryRow(std::to_string(cfg.estimate_sizes[s]) + " asset(s), " + kDenoisers[d].name,
                      r.rows[s][d]);
      all.Add(r.rows[s][d]);
    }
  }
  PrintForgeryRow("**all**", all);
  std::printf(
      "\nBy strength (all estimates together; achieved PSNR is the mean over forgeries):\n\n");
  std::printf(
      "| target PSNR | achieved | plain: before / ledger-matched / after VERIFIED | JPEG 75: "
      "before / ledger-matched / after VERIFIED |\n|---|---|---|---|\n");
  for (int p = 0; p < 5; ++p) {
    const VerdictCounts &plain = r.by_psnr[p][0], &jpeg = r.by_psnr[p][1];
    std::printf("| %.0f dB | %.2f | %d / %d / %d of %d | %d / %d / %d of %d |\n", kForgeryPsnr[p],
                r.psnr_sum[p] / std::max(1.0, r.psnr_n[p]), plain.decoded, plain.matched,
                plain.verified, plain.images, jpeg.decoded, jpeg.matched, jpeg.verified,
                jpeg.images);
  }
  PrintCases("Forgeries VERIFIED_BY_WATERMARK", r.verified, 50);
  PrintCases("Forgeries called ALTERED (a mark on other content taken for an edited asset)",
             r.altered, 50);
}

// ---------------------------------------------------------------------------------------------
// 2. Genuine assets under attack.

std::vector<attacks::Attack> GenuineAttacks() {
  std::vector<attacks::Attack> s = attacks::StandardSuite();
  auto ok = [](Image i) -> Result<Image> { return i; };
  s.push_back({"rotation +5 deg", [=](const Image& i) { return ok(attacks::Rotate(i, 5.0)); }});
  s.push_back({"rotation -5 deg", [=](const Image& i) { return ok(attacks::Rotate(i, -5.0)); }});
  // Off the centre: a fifth of the spare width from the left, seven tenths of the spare height
  // from the top.
  s.push_back({"crop 50% area at an offset", [=](const Image& i) {
                 const int w = int(std::lround(i.width() * std::sqrt(0.5)));
                 const int h = int(std::lround(i.height() * std::sqrt(0.5)));
                 return ok(
                     attacks::CropAt(i, (i.width() - w) / 5, (i.height() - h) * 7 / 10, w, h));
               }});
  // The suite lowers contrast only; raising it clips at black as well as at white.
  s.push_back({"contrast x1.2", [=](const Image& i) { return ok(attacks::Contrast(i, 1.2)); }});
  // A curves adjustment: the tone map is no longer a line.
  s.push_back({"gamma 0.7", [=](const Image& i) { return ok(attacks::Gamma(i, 0.7)); }});
  s.push_back({"gamma 1.4", [=](const Image& i) { return ok(attacks::Gamma(i, 1.4)); }});
  return s;
}

struct GenuineResults {
  std::vector<VerdictCounts> by_attack;
  std::map<std::string, VerdictCounts> by_kind;
  int wrong_payload = 0;
  std::vector<double> same_similarities;  // every comparison of an asset with itself
  // ... and the tone scatter of those against a record with structure, with what they were.
  std::vector<std::pair<double, std::string>> same_tone_noise;
  std::vector<std::string> cases;  // found, recorded, not VERIFIED
  std::vector<std::string> not_found_intact;
  std::map<std::string, std::vector<std::string>> not_found;  // attack -> assets missed
  std::map<std::string, int> uncomparable;                    // asset and reason -> attacks
  // The unmarked originals under the same attacks: the content the ledger describes, no mark.
  int originals = 0, originals_found = 0;
  std::vector<std::string> originals_cases;
};

void RecordGenuine(const Asset& a, const std::string& attack, const Verification& v,
                   GenuineResults* r) {
  if (attack == "none" && !v.found) r->not_found_intact.push_back(a.name + " (" + a.kind + ")");
  if (!v.found)
    r->not_found[attack].push_back(a.name + (a.kind == "generated-size" ? " (generated)" : ""));
  if (v.recorded && v.asset != &a) {
    ++r->wrong_payload;
    r->cases.push_back(a.name + " (" + a.kind + "), " + attack + ": the watermark named " +
                       v.asset->name);
    return;
  }
  if (v.compared && v.content.match != fp::ContentMatch::kUncomparable) {
    r->same_similarities.push_back(v.content.similarity);
    if (v.content.max_tone_noise > 0.0)
      r->same_tone_noise.emplace_back(v.content.tone_noise,
                                      a.name + " (" + a.kind + "), " + attack);
  }
  if (!v.recorded || v.verdict == Verdict::kVerified) return;
  if (v.compared && v.content.match == fp::ContentMatch::kUncomparable) {
    // One line per asset: a featureless record is uncomparable under every attack.
    ++r->uncomparable[a.name + " (" + a.kind + "): " + v.content.note];
    return;
  }
  r->cases.push_back(a.name + " (" + a.kind + "), " + attack + ": " + Describe(v));
}

GenuineResults RunGenuine(const std::vector<Asset>& assets,
                          const std::vector<attacks::Attack>& suite, const watermark::Key& key,
                          const Ledger& ledger) {
  GenuineResults r;
  r.by_attack.resize(suite.size());
  for (size_t i = 0; i < assets.size(); ++i) {
    const Asset& a = assets[i];
    for (size_t k = 0; k < suite.size(); ++k) {
      Result<Image> attacked = suite[k].apply(a.marked);
      if (!attacked.ok()) {
        std::fprintf(stderr, "%s, %s: %s\n", a.name.c_str(), suite[k].name.c_str(),
                     attacked.status().ToString().c_str());
        continue;
      }
      const Verification v = Verify(*attacked, key, ledger);
      r.by_attack[k].Add(v);
      r.by_kind[a.kind].Add(v);
      RecordGenuine(a, suite[k].name, v, &r);
      Result<Image> unmarked = suite[k].apply(a.original);
      if (!unmarked.ok()) continue;
      ++r.originals;
      if (Verify(*unmarked, key, ledger).found) {
        ++r.originals_found;
        r.originals_cases.push_back(a.name + " (" + a.kind + "), " + suite[k].name);
      }
    }
    if (i % 10 == 9) std::fprintf(stderr, "genuine: %zu of %zu assets\n", i + 1, assets.size());
  }
  return r;
}

void PrintGenuineRow(const std::string& label, const VerdictCounts& c) {
  std::printf("| %s | %d | %s | %d | %s | %s | %s | %s | %s |\n", label.c_str(), c.images,
              Percent(c.found, c.images).c_str(), c.by_content,
              Percent(c.verified, c.found).c_str(), Percent(c.altered, c.found).c_str(),
              Percent(c.mismatch, c.found).c_str(),
              Percent(c.found - c.verified - c.altered - c.mismatch, c.found).c_str(),
              c.MinSimilarity().c_str());
}

void PrintGenuine(const std::vector<Asset>& assets, const std::vector<attacks::Attack>& suite,
                  const GenuineResults& r) {
  std::map<std::string, int> kinds;
  for (const Asset& a : assets) ++kinds[a.kind];
  std::printf("\n### 2. Genuine assets under attack\n\n");
  std::printf("%zu genuine assets from STUDIO pictures:", assets.size());
  for (const auto& [kind, n] : kinds) std::printf(" %d %s;", n, kind.c_str());
  std::printf(
      " photo-size ones are whole pictures (long side <= 768). Each attacked copy goes through "
      "verify (detection with the full search, and the ledger's payloads tested when none decodes; "
      "then the marks of the recorded assets it looks like, in place; the ledger; CompareContent "
      "aligned by the detection, with the recorded mark looked for cell by cell in a whole, "
      "unmoved copy). \"by content\": images whose mark only the last test found. "
      "Shares of VERIFIED (kSame), ALTERED "
      "(a false alteration), MISMATCH and "
      "NO_PROVENANCE (uncomparable) are among the images where the watermark was found.\n\n");
  std::printf(
      "| attack | images | watermark found | by content | VERIFIED | ALTERED | MISMATCH | "
      "NO_PROVENANCE | min similarity |\n|---|---|---|---|---|---|---|---|---|\n");
  VerdictCounts all;
  for (size_t k = 0; k < suite.size(); ++k) {
    PrintGenuineRow(suite[k].name, r.by_attack[k]);
    all.Add(r.by_attack[k]);
  }
  PrintGenuineRow("**all attacks**", all);
  for (const auto& [kind, c] : r.by_kind) PrintGenuineRow("all, " + kind + " assets", c);
  std::printf("\nWatermark found with another asset's payload: %d.\n", r.wrong_payload);
  std::printf(
      "\nThe unmarked originals of the same assets (the content the ledger's fingerprints "
      "describe, without a mark) under the same attacks: **%d of %d** found by any of verify's "
      "tests.\n",
      r.originals_found, r.originals);
  PrintCases("Unmarked originals found", r.originals_cases, 40);
  PrintCases("Watermark not found even without an attack", r.not_found_intact, 40);
  std::printf("\nWatermark not found, by attack:\n\n");
  for (const attacks::Attack& attack : suite) {
    const auto it = r.not_found.find(attack.name);
    if (it == r.not_found.end()) continue;
    std::string names;
    for (const std::string& n : it->second) names += (names.empty() ? "" : ", ") + n;
    std::printf("- %s (%zu): %s\n", attack.name.c_str(), it->second.size(), names.c_str());
  }
  PrintCases("Found but called ALTERED or WATERMARK_MISMATCH", r.cases, 80);
  std::vector<std::string> uncomparable;
  for (const auto& [what, n] : r.uncomparable)
    uncomparable.push_back(what + ", under " + std::to_string(n) + " attacks");
  PrintCases("Found but uncomparable (NO_PROVENANCE)", uncomparable, 40);
}

// ---------------------------------------------------------------------------------------------
// 3. Local edits on stripped copies.

struct Rect {
  int x = 0, y = 0, w = 0, h = 0;
};

bool Overlaps(const Rect& a, const fp::ChangedRegion& b) {
  return a.x < b.x + b.width && b.x < a.x + a.w && a.y < b.y + b.height && b.y < a.y + a.h;
}

// A rectangle of `fraction` of the image's area, aspect ratio 0.6-1.6, at a random position.
Rect RandomRect(int width, int height, double fraction, Rng& rng) {
  const double area = fraction * width * height, aspect = rng.Uniform(0.6, 1.6);
  Rect r;
  r.w = std::clamp(int(std::lround(std::sqrt(area * aspect))), 4, width);
  r.h = std::clamp(int(std::lround(area / r.w)), 4, height);
  r.x = rng.Int(0, width - r.w);
  r.y = rng.Int(0, height - r.h);
  return r;
}

// A patch of another picture pasted over the rectangle (resized when the picture is smaller).
Image PastePatch(const Image& img, const Rect& r, const Image& from, Rng& rng) {
  const int w = std::min(r.w, from.width()), h = std::min(r.h, from.height());
  Image patch =
      attacks::CropAt(from, rng.Int(0, from.width() - w), rng.Int(0, from.height() - h), w, h);
  if (w != r.w || h != r.h) patch = *image::Resize(patch, r.w, r.h, image::Filter::kBicubic);
  if (patch.channels() != img.channels()) patch = image::ConvertChannels(patch, img.channels());
  Image out = img;
  for (int y = 0; y < r.h; ++y) {
    std::memcpy(out.row(r.y + y) + size_t(r.x) * size_t(out.channels()), patch.row(y),
                patch.row_bytes());
  }
  return out;
}

// A moving average of radius `radius` along a border line, so the fill does not streak the
// border's texture across the region.
std::vector<double> Smoothed(const std::vector<double>& v, int radius) {
  std::vector<double> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    double s = 0;
    int n = 0;
    for (int d = -radius; d <= radius; ++d) {
      const long j = long(i) + d;
      if (j >= 0 && j < long(v.size())) s += v[size_t(j)], ++n;
    }
    out[i] = s / n;
  }
  return out;
}

// The rectangle filled by transfinite (Coons) interpolation of the pixels just outside its four
// sides: the smooth blend a content-aware fill leaves where it removed something from a plain
// area.
Image InpaintFill(const Image& img, const Rect& r) {
  Image out = img;
  const int top = std::max(r.y - 1, 0), bottom = std::min(r.y + r.h, img.height() - 1);
  const int left = std::max(r.x - 1, 0), right = std::min(r.x + r.w, img.width() - 1);
  for (int c = 0; c < img.channels(); ++c) {
    std::vector<double> t(size_t(r.w)), b(size_t(r.w)), l(size_t(r.h)), rt(size_t(r.h));
    for (int u = 0; u < r.w; ++u) {
      t[size_t(u)] = img.sample(r.x + u, top, c);
      b[size_t(u)] = img.sample(r.x + u, bottom, c);
    }
    for (int v = 0; v < r.h; ++v) {
      l[size_t(v)] = img.sample(left, r.y + v, c);
      rt[size_t(v)] = img.sample(right, r.y + v, c);
    }
    t = Smoothed(t, 4), b = Smoothed(b, 4), l = Smoothed(l, 4), rt = Smoothed(rt, 4);
    const double c00 = (t.front() + l.front()) / 2, c10 = (t.back() + rt.front()) / 2;
    const double c01 = (b.front() + l.back()) / 2, c11 = (b.back() + rt.back()) / 2;
    for (int v = 0; v < r.h; ++v) {
      const double tv = (v + 1.0) / (r.h + 1.0);
      for (int u = 0; u < r.w; ++u) {
        const double su = (u + 1.0) / (r.w + 1.0);
        const double value =
            (1 - tv) * t[size_t(u)] + tv * b[size_t(u)] + (1 - su) * l[size_t(v)] +
            su * rt[size_t(v)] -
            ((1 - su) * (1 - tv) * c00 + su * (1 - tv) * c10 + (1 - su) * tv * c01 + su * tv * c11);
        out.set_sample(r.x + u, r.y + v, c, int(std::lround(value)));
      }
    }
  }
  return out;
}

// Text-like marks: 0 untouched, 1 outline, 2 ink, over the region's pixels.
struct GlyphMask {
  int w = 0, h = 0;
  std::vector<uint8_t> m;
  // A filled box of ink with an outline ring `outline` px wide (not over earlier ink).
  void Box(int x0, int y0, int x1, int y1, int outline) {
    for (int y = std::max(0, y0 - outline); y < std::min(h, y1 + outline); ++y)
      for (int x = std::max(0, x0 - outline); x < std::min(w, x1 + outline); ++x) {
        uint8_t& v = m[size_t(y) * size_t(w) + size_t(x)];
        v = (x >= x0 && x < x1 && y >= y0 && y < y1) ? 2 : std::max<uint8_t>(v, 1);
      }
  }
  // Clears a box back to the picture, keeping an outline ring `outline` px wide inside it.
  void Hollow(int x0, int y0, int x1, int y1, int outline) {
    for (int y = std::max(0, y0); y < std::min(h, y1); ++y)
      for (int x = std::max(0, x0); x < std::min(w, x1); ++x) {
        const bool ring =
            x < x0 + outline || x >= x1 - outline || y < y0 + outline || y >= y1 - outline;
        m[size_t(y) * size_t(w) + size_t(x)] = ring ? 1 : 0;
      }
  }
};

// One glyph of width gw and cap height `cap` at (x, top): a thick bar, a hollow or filled
// rectangle, or a pair of stems, like the strokes of bold lettering.
void DrawGlyph(GlyphMask* g, int x, int top, int gw, int cap, int outline, Rng& rng) {
  const int stroke = std::max(3, gw / 2);
  switch (rng.Int(0, 4)) {
    case 0:  // a stem
      g->Box(x, top, x + gw, top + cap, outline);
      break;
    case 1:  // a bar at x-height with a stem
      g->Box(x, top + cap / 3, x + gw, top + cap / 3 + stroke, outline);
      g->Box(x, top + cap / 3, x + stroke, top + cap, outline);
      break;
    case 2: {  // a hollow box (an "o" or "d"): its counter shows the picture, inside an outline
      const int y0 = top + (rng.Int(0, 1) ? 0 : cap / 3);
      g->Box(x, y0, x + gw, top + cap, outline);
      g->Hollow(x + stroke, y0 + stroke, x + gw - stroke, top + cap - stroke, outline);
      break;
    }
    case 3:  // a filled block at x-height
      g->Box(x, top + cap / 3, x + gw, top + cap, outline);
      break;
    default:  // two stems joined at the top (an "n")
      g->Box(x, top + cap / 3, x + stroke, top + cap, outline);
      g->Box(x + gw - stroke, top + cap / 3, x + gw, top + cap, outline);
      g->Box(x, top + cap / 3, x + gw, top + cap / 3 + stroke, outline);
      break;
  }
}

// Rows of glyph-like strokes over the region, in dark ink with a light outline or the reverse,
// like a caption or a stamped label. `ink` gets the share of the region's pixels inked.
Image TextOverlay(const Image& img, const Rect& r, Rng& rng, double* ink) {
  GlyphMask g{r.w, r.h, std::vector<uint8_t>(size_t(r.w) * size_t(r.h), 0)};
  const int outline = rng.Int(1, 2), pitch = rng.Int(12, 18), cap = pitch * 4 / 5;
  for (int top = outline; top + cap + outline <= r.h; top += pitch) {
    int x = outline + rng.Int(0, 3);
    for (;;) {
      const int gw = rng.Int(5, 10);
      if (x + gw + outline > r.w) break;
      DrawGlyph(&g, x, top, gw, cap, outline, rng);
      x += gw + 2 * outline + rng.Int(0, 2);
      if (rng.Uniform() < 0.12) x += rng.Int(4, 8);  // a word space
    }
  }
  const bool dark = rng.Uniform() < 0.5;
  const int ink_value = dark ? 25 : 235, edge_value = dark ? 235 : 25;
  Image out = img;
  int inked = 0;
  for (int y = 0; y < r.h; ++y) {
    for (int x = 0; x < r.w; ++x) {
      const uint8_t v = g.m[size_t(y) * size_t(r.w) + size_t(x)];
      inked += v == 2;
      if (v == 0) continue;
      for (int c = 0; c < out.channels(); ++c)
        out.set_sample(r.x + x, r.y + y, c, v == 2 ? ink_value : edge_value);
    }
  }
  *ink = double(inked) / (double(r.w) * r.h);
  return out;
}

constexpr double kEditFractions[] = {0.05, 0.10, 0.15, 0.25};
const char* const kEditKinds[] = {"pasted HOST patch", "smooth fill (inpainted)",
                                  "text-like overlay"};
const char* const kStrips[] = {"PNG round trip", "JPEG 90"};

struct EditCell {
  VerdictCounts counts;
  int overlaps = 0;  // ALTERED with the first reported region over the edit
};

struct EditResults {
  EditCell cells[3][4][2];  // [kind][size][strip]
  double ink_sum = 0;
  int ink_n = 0;
  int assets = 0;                        // edited
  std::vector<std::string> verified[3];  // per kind
  // ... of which the edit left its rectangle no further from the unmarked original than the mark
  // did: it took the mark away and changed no content
  int verified_mark_only[3] = {0, 0, 0};
  std::vector<std::string> neither[3];  // ... neither ALTERED nor VERIFIED_BY_WATERMARK
  // MeanChange and LumaChange per kind, of all edits and of the VERIFIED ones.
  std::vector<double> change[3], luma_change[3], verified_change[3], verified_luma[3];
};

Image ApplyEdit(int kind, const Image& img, const Rect& rect, const std::vector<Picture>& pool,
                const Split& split, Rng& rng, EditResults* r) {
  if (kind == 0) {
    const Picture& from = pool[size_t(split.host[size_t(rng.Int(0, int(split.host.size()) - 1))])];
    return PastePatch(img, rect, from.img, rng);
  }
  if (kind == 1) return InpaintFill(img, rect);
  double ink = 0;
  Image out = TextOverlay(img, rect, rng, &ink);
  r->ink_sum += ink, ++r->ink_n;
  return out;
}

// How much an edit changed its rectangle: the mean absolute difference over its samples, in grey
// levels (a fill over a plain area changes little).
double MeanChange(const Image& before, const Image& after, const Rect& r) {
  double sum = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x)
      for (int c = 0; c < before.channels(); ++c)
        sum += std::abs(before.sample(x, y, c) - after.sample(x, y, c));
  return sum / (double(r.w) * r.h * before.channels());
}

// The same on luma alone, which is all the fingerprint sees: an edit that keeps the brightness
// and changes the colour changes nothing here.
double LumaChange(const Image& before, const Image& after, const Rect& r) {
  const Plane a = Luma(before), b = Luma(after);
  double sum = 0;
  for (int y = r.y; y < r.y + r.h; ++y)
    for (int x = r.x; x < r.x + r.w; ++x) sum += std::fabs(a.at(x, y) - b.at(x, y));
  return sum / (double(r.w) * r.h);
}

void VerifyEdit(const Asset& a, int kind, int size, const Image& edited, const Rect& rect,
                const watermark::Key& key, const Ledger& ledger, EditResults* r) {
  const double change = MeanChange(a.marked, edited, rect);
  const double luma = LumaChange(a.marked, edited, rect);
  // The yardstick: how far the mark itself moved the rectangle from the unmarked original.
  const double from_original = MeanChange(a.original, edited, rect);
  const double mark_change = MeanChange(a.original, a.marked, rect);
  r->change[kind].push_back(change);
  r->luma_change[kind].push_back(luma);
  for (int s = 0; s < 2; ++s) {
    const Image q = s == 0 ? *attacks::PngRoundTrip(edited) : *attacks::Jpeg(edited, 90);
    const Verification v = Verify(q, key, ledger);
    EditCell& cell = r->cells[kind][size][s];
    cell.counts.Add(v);
    if (v.verdict == Verdict::kAltered && Overlaps(rect, v.content.changed_regions.front()))
      ++cell.overlaps;
    const std::string what =
        a.name + " (" + a.kind + "), " + kEditKinds[kind] + " " +
        Number(100 * kEditFractions[size], "%.0f") + "% at " + std::to_string(rect.w) + "x" +
        std::to_string(rect.h) + "+" + std::to_string(rect.x) + "+" + std::to_string(rect.y) +
        " (mean change " + Number(change, "%.1f") + " grey levels, luma " + Number(luma, "%.1f") +
        "; from the unmarked original " + Number(from_original, "%.1f") + ", the mark's own " +
        Number(mark_change, "%.1f") + "), " + kStrips[s] + ": " + Describe(v);
    if (v.verdict == Verdict::kVerified) {
      r->verified_change[kind].push_back(change);
      r->verified_luma[kind].push_back(luma);
      r->verified[kind].push_back(what);
      if (from_original <= mark_change) ++r->verified_mark_only[kind];
    } else if (v.found && v.verdict != Verdict::kAltered) {
      r->neither[kind].push_back(what);
    }
  }
}

EditResults RunEdits(const std::vector<Asset>& assets, int stride, const std::vector<Picture>& pool,
                     const Split& split, const watermark::Key& key, const Ledger& ledger) {
  EditResults r;
  Rng rng(31);
  for (size_t i = 0; i < assets.size(); i += size_t(stride)) {
    const Asset& a = assets[i];
    ++r.assets;
    for (int kind = 0; kind < 3; ++kind) {
      for (int size = 0; size < 4; ++size) {
        const Rect rect =
            RandomRect(a.marked.width(), a.marked.height(), kEditFractions[size], rng);
        const Image edited = ApplyEdit(kind, a.marked, rect, pool, split, rng, &r);
        VerifyEdit(a, kind, size, edited, rect, key, ledger, &r);
      }
    }
    if (r.assets % 10 == 0) std::fprintf(stderr, "edits: %d assets\n", r.assets);
  }
  return r;
}

// "median all / median luma (max all / max luma)".
std::string ChangeSummary(const std::vector<double>& all, const std::vector<double>& luma) {
  if (all.empty()) return "-";
  return Number(Median(all), "%.1f") + " / " + Number(Median(luma), "%.1f") + " (" +
         Number(*std::max_element(all.begin(), all.end()), "%.1f") + " / " +
         Number(*std::max_element(luma.begin(), luma.end()), "%.1f") + ")";
}

void PrintEdits(const EditResults& r, int stride) {
  std::printf("\n### 3. Local edits on stripped copies\n\n");
  std::printf(
      "%d genuine assets (%s of section 2's list) get each edit once per size, at a random "
      "position (rectangle of aspect 0.6-1.6); each edited copy is stripped (PNG round trip, or "
      "JPEG 90) and "
      "verified. Text-like overlays ink %.0f%% of their region on average (plus the outline). "
      "ALTERED is the share of images where the watermark was found (goal >= 90%%); \"region "
      "over the edit\": the first reported changed region overlaps the edited rectangle, among "
      "the ALTERED.\n\n",
      r.assets, stride == 1 ? "all" : "every second one",
      r.ink_n ? 100.0 * r.ink_sum / r.ink_n : 0.0);
  std::printf(
      "| edit | area | stripped by | images | found | **ALTERED** | VERIFIED | MISMATCH | "
      "NO_PROVENANCE | region over the edit |\n|---|---|---|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < 3; ++k) {
    for (int s = 0; s < 4; ++s) {
      for (int st = 0; st < 2; ++st) {
        const EditCell& e = r.cells[k][s][st];
        const VerdictCounts& c = e.counts;
        std::printf("| %s | %.0f%% | %s | %d | %d | %s | %d | %d | %d | %s |\n", kEditKinds[k],
                    100 * kEditFractions[s], kStrips[st], c.images, c.found,
                    Percent(c.altered, c.found).c_str(), c.verified, c.mismatch, c.no_provenance,
                    Percent(e.overlaps, c.altered).c_str());
      }
    }
  }
  std::printf(
      "\nHow much the edits changed their rectangle: mean absolute difference over its samples "
      "(all channels / luma alone, grey levels). The fingerprint sees luma only; a smooth fill "
      "over a plain area changes little. The last column counts the verified edits that left their "
      "rectangle no further from the unmarked original than the mark itself had moved it (all "
      "channels): they took the mark away and changed no content.\n\n"
      "| edit | all edits: median (max) | VERIFIED_BY_WATERMARK: images, median (max) | "
      "... of which the mark alone |\n"
      "|---|---|---|---|\n");
  for (int k = 0; k < 3; ++k) {
    std::printf("| %s | %s | %zu, %s | %d |\n", kEditKinds[k],
                ChangeSummary(r.change[k], r.luma_change[k]).c_str(), r.verified_change[k].size(),
                ChangeSummary(r.verified_change[k], r.verified_luma[k]).c_str(),
                r.verified_mark_only[k]);
  }
  for (int k = 0; k < 3; ++k) {
    const std::string title = std::string("Edited copies VERIFIED_BY_WATERMARK, ") + kEditKinds[k];
    PrintCases(title.c_str(), r.verified[k], 40);
  }
  for (int k = 0; k < 3; ++k) {
    const std::string title =
        std::string("Edited copies WATERMARK_MISMATCH or NO_PROVENANCE, ") + kEditKinds[k];
    PrintCases(title.c_str(), r.neither[k], 40);
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Different-content similarities and the ROC.

struct RocImage {
  int picture = 0;
  Image img;
  fp::ContentFingerprint fingerprint;
};

// `n` 256-px crops spread over every picture of the pool (both halves), every fourth one
// generated-size like the assets.
std::vector<RocImage> MakeRocImages(const std::vector<Picture>& pool, int n) {
  Rng rng(41);
  std::vector<RocImage> out;
  for (int i = 0; i < n; ++i) {
    RocImage r;
    r.picture = i % int(pool.size());
    r.img = RandomSquare(pool[size_t(r.picture)].img, 256, i % 4 == 3, rng);
    r.fingerprint = *fp::ContentFingerprint::Compute(r.img);
    out.push_back(std::move(r));
  }
  return out;
}

// A different-content pair the comparison accepted (pool indices).
struct AcceptedPair {
  int record = 0, query = 0;
  std::string what;
};

struct DifferentResults {
  std::vector<double> similarities;
  // The tone scatter of the pairs with structure whose similarity reaches the default threshold:
  // the ones the correlation alone would take for the record.
  std::vector<double> correlated_tone_noise;
  int tones_decided = 0;  // ... of them kDifferent by their tone scatter alone
  int pairs = 0, cropped = 0, uncomparable = 0, same = 0, altered = 0;
  std::vector<AcceptedPair> accepted;  // kSame or kAltered
  double max_full = -2, max_cropped = -2;
};

// The query cropped to 50-75% of its area at a random place, at its true size.
Image RandomCrop(const Image& img, Rng& rng) {
  const double f = rng.Uniform(0.5, 0.75), aspect = rng.Uniform(0.8, 1.25);
  const int w = std::min(img.width(), int(std::lround(img.width() * std::sqrt(f * aspect))));
  const int h = std::min(img.height(), int(std::lround(img.height() * std::sqrt(f / aspect))));
  return attacks::CropAt(img, rng.Int(0, img.width() - w), rng.Int(0, img.height() - h), w, h);
}

void CompareDifferent(const RocImage& rec, const RocImage& query, bool crop, Rng& rng,
                      DifferentResults* r) {
  const Image q = crop ? RandomCrop(query.img, rng) : query.img;
  Result<fp::ContentComparison> c = fp::CompareContent(rec.fingerprint, q, fp::Alignment{});
  ++r->pairs;
  r->cropped += crop;
  if (!c.ok() || c->match == fp::ContentMatch::kUncomparable) {
    ++r->uncomparable;
    return;
  }
  r->similarities.push_back(c->similarity);
  if (c->max_tone_noise > 0.0 && c->similarity >= c->min_similarity) {
    r->correlated_tone_noise.push_back(c->tone_noise);
    r->tones_decided +=
        c->match == fp::ContentMatch::kDifferent && c->tone_noise > c->max_tone_noise;
  }
  r->same += c->match == fp::ContentMatch::kSame;
  r->altered += c->match == fp::ContentMatch::kAltered;
  if (c->match == fp::ContentMatch::kSame || c->match == fp::ContentMatch::kAltered) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "%s, similarity %.3f, %s", crop ? "query cropped" : "full size",
                  c->similarity, fp::ContentMatchName(c->match));
    r->accepted.push_back({rec.picture, query.picture, buf});
  }
  double& max = crop ? r->max_cropped : r->max_full;
  max = std::max(max, c->similarity);
}

DifferentResults RunDifferent(const Config& cfg, const std::vector<RocImage>& images) {
  DifferentResults r;
  Rng rng(43);
  const int per_record = (cfg.roc_pairs + int(images.size()) - 1) / int(images.size());
  for (size_t i = 0; i < images.size(); ++i) {
    std::vector<size_t> others;
    for (size_t j = 0; j < images.size(); ++j)
      if (images[j].picture != images[i].picture) others.push_back(j);
    // A partial shuffle draws the queries without replacement: no pair is compared twice.
    const size_t n = std::min(size_t(per_record), others.size());
    for (size_t k = 0; k < n; ++k) {
      std::swap(others[k], others[size_t(rng.Int(int(k), int(others.size()) - 1))]);
      CompareDifferent(images[i], images[others[k]], rng.Uniform() < cfg.roc_crop_share, rng, &r);
    }
    if (i % 50 == 49) std::fprintf(stderr, "different pairs: %d\n", r.pairs);
  }
  return r;
}

double ShareAtLeast(const std::vector<double>& v, double t) {
  if (v.empty()) return 0;
  return double(std::count_if(v.begin(), v.end(), [&](double s) { return s >= t; })) / v.size();
}

// The accepted different-content pairs with the pictures named.
std::vector<std::string> NameAccepted(const std::vector<AcceptedPair>& accepted,
                                      const std::vector<Picture>& pool) {
  std::vector<std::string> out;
  for (const AcceptedPair& a : accepted) {
    out.push_back("record from " + pool[size_t(a.record)].name + ", query from " +
                  pool[size_t(a.query)].name + ": " + a.what);
  }
  return out;
}

// The value at quantile q (0..1) of v, by the nearest rank.
double Quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, size_t(q * double(v.size())))];
}

// The tone scatter (ComparisonThresholds::max_tone_noise) of copies against that of other
// pictures whose structure correlates with the record.
void PrintToneNoise(const DifferentResults& d, const GenuineResults& genuine) {
  const double limit = fp::ComparisonThresholds{}.max_tone_noise;
  std::vector<std::pair<double, std::string>> copies = genuine.same_tone_noise;
  std::sort(copies.begin(), copies.end(), std::greater<>());
  std::vector<double> same;
  for (const auto& [noise, what] : copies) same.push_back(noise);
  const auto over = std::count_if(same.begin(), same.end(), [&](double n) { return n > limit; });
  std::printf(
      "\nTone scatter (robust sigma of the cell means about the tone map, grey levels; "
      "max_tone_noise %.0f), against records with structure: the %zu copies of section 2 median "
      "%.2f, 99th percentile %.2f, max **%.2f** (%ld over the threshold); the %zu different pairs "
      "whose similarity reaches %.2f: min **%.2f**, 10th percentile %.2f, median %.2f; %d of them "
      "kDifferent by their tone scatter alone.\n",
      limit, same.size(), Quantile(same, 0.5), Quantile(same, 0.99), Quantile(same, 1.0),
      long(over), d.correlated_tone_noise.size(), fp::ComparisonThresholds{}.min_similarity,
      Quantile(d.correlated_tone_noise, 0.0), Quantile(d.correlated_tone_noise, 0.1),
      Quantile(d.correlated_tone_noise, 0.5), d.tones_decided);
  std::vector<std::string> top;
  for (size_t i = 0; i < std::min<size_t>(5, copies.size()); ++i)
    top.push_back(Number(copies[i].first, "%.2f") + ": " + copies[i].second);
  PrintCases("The copies that scatter most", top, 5);
}

void PrintRoc(const std::vector<RocImage>& images, const std::vector<Picture>& pool,
              const DifferentResults& d, const GenuineResults& genuine) {
  const std::vector<double>& same = genuine.same_similarities;
  const size_t n_pictures = pool.size();
  std::printf("\n### 4. Similarity distributions and ROC\n\n");
  std::printf(
      "Different content: %d CompareContent calls, each a distinct (record, query) pair, between "
      "%zu distinct 256-px crops (every fourth generated-size) of all %zu pictures, only between "
      "different pictures, under the "
      "identity alignment; %d of them with the query cropped to 50-75%% of its area (true size, "
      "so the translation search runs). %d were uncomparable (a featureless record) and are left "
      "out. Same content: the %zu comparisons of section 2 (genuine assets under attack, "
      "aligned by the detection).\n\n",
      d.pairs, images.size(), n_pictures, d.cropped, d.uncomparable, same.size());
  std::printf(
      "| threshold | false acceptance (different >= t) | false rejection (same < t) |\n"
      "|---|---|---|\n");
  const double def = fp::ComparisonThresholds{}.min_similarity;
  for (int i = 0; i <= 14; ++i) {
    const double t = 0.2 + 0.05 * i;
    std::printf("| %.2f%s | %.5f%% | %.3f%% |\n", t, std::fabs(t - def) < 1e-9 ? " (default)" : "",
                100 * ShareAtLeast(d.similarities, t), 100 * (1 - ShareAtLeast(same, t)));
  }
  const double max_diff =
      d.similarities.empty() ? 0 : *std::max_element(d.similarities.begin(), d.similarities.end());
  const double min_same = same.empty() ? 0 : *std::min_element(same.begin(), same.end());
  std::printf(
      "\nMaximum different-content similarity: **%.3f** (full-size pairs %.3f, cropped %.3f); "
      "minimum same-content similarity: **%.3f**. At the library's default min_similarity %.2f: "
      "false acceptance %.5f%% (%d pairs), of which kSame %d and kAltered %d; false rejection "
      "%.3f%%.\n",
      max_diff, d.max_full, d.max_cropped, min_same, def, 100 * ShareAtLeast(d.similarities, def),
      d.same + d.altered, d.same, d.altered, 100 * (1 - ShareAtLeast(same, def)));
  std::printf(
      "\nDecisions on the different-content pairs (CompareContent also weighs changed cells and "
      "the structure's amplitude, not the similarity alone): kDifferent %zu, kAltered %d, "
      "**kSame %d**, kUncomparable %d.\n",
      d.similarities.size() - size_t(d.same + d.altered), d.altered, d.same, d.uncomparable);
  PrintCases("Different-content pairs at or above the default threshold",
             NameAccepted(d.accepted, pool), 40);
  PrintToneNoise(d, genuine);
}

// ---------------------------------------------------------------------------------------------
// 6. Removal by averaging: the shared pattern marks had before, against per-payload variants.

constexpr double kRemovalPsnr[] = {44, 40, 36};

struct RemovalCell {
  int images = 0, found = 0, verified = 0;
  double psnr = 0;  // summed: attacked against delivered
};

// [estimate size][denoiser][strength][shared pattern, variants]
struct RemovalResults {
  RemovalCell cells[2][3][3][2];
  RemovalCell untouched[2];
};

// An attacker who holds k delivered 256-px assets averages their residuals (the mark plus what
// the denoiser left of the pictures) and subtracts the mean from each of them, scaled to remove
// a signal of the given PSNR. With one pattern for every image the mean converges on it; with
// variants each image's own pattern is a small share of the mean.
RemovalResults RunRemoval(const Config& cfg, const std::vector<Asset>* sets[2],
                          const watermark::Key& key) {
  RemovalResults r;
  for (int s = 0; s < 2; ++s) {
    const std::vector<Asset>& assets = *sets[s];
    const Ledger ledger = MakeLedger(assets);
    for (int i = 0; i < cfg.removal_sizes[1]; ++i) {
      const Verification v = Verify(assets[size_t(i)].marked, key, ledger);
      ++r.untouched[s].images;
      r.untouched[s].found += v.recorded && v.asset == &assets[size_t(i)];
      r.untouched[s].verified += v.verdict == Verdict::kVerified;
    }
    for (int d = 0; d < 3; ++d) {
      std::vector<Plane> residuals;
      for (int i = 0; i < cfg.removal_sizes[1]; ++i)
        residuals.push_back(Residual(assets[size_t(i)].marked, kDenoisers[d]));
      for (int k = 0; k < 2; ++k) {
        const int n = cfg.removal_sizes[k];
        Plane estimate = MeanResidual(residuals, 0, n);
        for (float& e : estimate.px) e = -e;
        for (int m = 0; m < 3; ++m) {
          RemovalCell& cell = r.cells[k][d][m][s];
          for (int i = 0; i < n; ++i) {
            const Asset& a = assets[size_t(i)];
            double achieved = 0;
            const Image q = ForgeAtPsnr(a.marked, estimate, kRemovalPsnr[m], &achieved);
            const Verification v = Verify(q, key, ledger);
            ++cell.images;
            cell.found += v.recorded && v.asset == &a;
            cell.verified += v.verdict == Verdict::kVerified;
            cell.psnr += achieved;
          }
        }
      }
      std::fprintf(stderr, "removal: %s, %s done\n", s ? "variants" : "shared pattern",
                   kDenoisers[d].name);
    }
  }
  return r;
}

void PrintRemoval(const Config& cfg, const RemovalResults& r) {
  std::printf(
      "\n### 6. Removal by averaging\n\n"
      "The first %d 256-px assets, marked twice from the same pictures and payloads: with the one "
      "pattern every mark shared before per-payload variants (\"shared\"), and as delivered now "
      "(\"variants\"). The attacker averages the residuals (asset minus denoised asset) of the "
      "first k assets and subtracts the mean from each of those k, scaled so the subtracted "
      "signal has the given PSNR. Found: verify names the right asset (payload decoded, or matched "
      "among the ledger's); VERIFIED: and the content check passes.\n\n",
      cfg.removal_sizes[1]);
  std::printf("Untouched: shared %s found, variants %s found.\n\n",
              Percent(r.untouched[0].found, r.untouched[0].images).c_str(),
              Percent(r.untouched[1].found, r.untouched[1].images).c_str());
  std::printf(
      "| estimate from | denoiser | removed at | images | PSNR after | shared: found / VERIFIED | "
      "**variants: found / VERIFIED** |\n|---|---|---|---|---|---|---|\n");
  for (int k = 0; k < 2; ++k) {
    for (int d = 0; d < 3; ++d) {
      for (int m = 0; m < 3; ++m) {
        const RemovalCell& a = r.cells[k][d][m][0];
        const RemovalCell& b = r.cells[k][d][m][1];
        std::printf("| %d assets | %s | %s dB | %d | %s dB | %s / %s | %s / %s |\n",
                    cfg.removal_sizes[k], kDenoisers[d].name,
                    Number(kRemovalPsnr[m], "%.0f").c_str(), a.images,
                    Number(b.psnr / std::max(1, b.images), "%.1f").c_str(),
                    Percent(a.found, a.images).c_str(), Percent(a.verified, a.images).c_str(),
                    Percent(b.found, b.images).c_str(), Percent(b.verified, b.images).c_str());
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// 5. Cost.

struct CostImage {
  const Asset* asset = nullptr;
  Image img;
  bool geometry = false;  // the attack changed the size or turned the image
};

// Genuine assets each under the next attack of the suite, where the watermark is found.
std::vector<CostImage> CostImages(const std::vector<Asset>& assets,
                                  const std::vector<attacks::Attack>& suite,
                                  const watermark::Key& key, int n) {
  std::vector<CostImage> out;
  for (size_t i = 0; i < assets.size() && int(out.size()) < n; ++i) {
    // A stride of 5 through the list reaches the photo-size assets at its end early.
    const Asset& a = assets[(i * 5) % assets.size()];
    const attacks::Attack& attack = suite[i % suite.size()];
    Result<Image> img = attack.apply(a.marked);
    if (!img.ok()) continue;
    Result<watermark::Detection> d = watermark::Detect(*img, key);
    if (!d.ok() || !d->found) continue;
    const bool geometry = img->width() != a.marked.width() || img->height() != a.marked.height() ||
                          attack.name.find("rotation") != std::string::npos;
    out.push_back({&a, std::move(*img), geometry});
  }
  return out;
}

struct CostSample {
  bool photo_size = false, geometry = false;
  double detect = 0, both = 0, compare = 0;  // medians over the rounds, seconds
};

// Detect alone, then Detect + CompareContent, alternately, so both see the same machine.
CostSample TimeOne(const CostImage& ci, const watermark::Key& key, int rounds) {
  const fp::ContentFingerprint& rec = ci.asset->fingerprint;
  std::vector<double> d_runs, b_runs, c_runs;
  for (int round = 0; round < rounds; ++round) {
    const double t0 = CpuSeconds();
    Result<watermark::Detection> d = watermark::Detect(ci.img, key);
    const double t1 = CpuSeconds();
    // As verify does it: the luma is computed once, for the detection and the comparison.
    image::Plane luma = watermark::Luma(ci.img);
    Result<watermark::Detection> d2 = watermark::DetectLuma(luma, key);
    const double t2 = CpuSeconds();
    const fp::Alignment a = fp::AlignmentFromDetection(*d2, ci.img.width(), ci.img.height(), rec);
    const fp::RecordedMark mark{&key, d2->payload, &ci.img};
    Result<fp::ContentComparison> c = fp::CompareContent(rec, std::move(luma), a, {}, &mark);
    const double t3 = CpuSeconds();
    (void)d, (void)c;
    d_runs.push_back(t1 - t0);
    b_runs.push_back(t3 - t1);
    c_runs.push_back(t3 - t2);
  }
  return {ci.asset->kind == "photo-size", ci.geometry, Median(d_runs), Median(b_runs),
          Median(c_runs)};
}

template <typename Keep>
void PrintCostRow(const char* label, const std::vector<CostSample>& samples, Keep keep) {
  std::vector<double> d, b, c;
  double sum_d = 0, sum_b = 0;
  for (const CostSample& s : samples) {
    if (!keep(s)) continue;
    d.push_back(s.detect), b.push_back(s.both), c.push_back(s.compare);
    sum_d += s.detect, sum_b += s.both;
  }
  const double md = Median(d), mb = Median(b), mc = Median(c);
  std::printf("| %s | %zu | %.2f | %.2f | %.2f | **%.2f** | %.2f |\n", label, d.size(), 1e3 * md,
              1e3 * mb, 1e3 * mc, md > 0 ? mb / md : 0.0, sum_d > 0 ? sum_b / sum_d : 0.0);
}

void RunCost(const Config& cfg, const std::vector<Asset>& assets,
             const std::vector<attacks::Attack>& suite, const watermark::Key& key) {
  std::vector<CostSample> samples;
  for (const CostImage& ci : CostImages(assets, suite, key, cfg.cost_images))
    samples.push_back(TimeOne(ci, key, cfg.cost_rounds));
  std::printf("\n### 5. Cost\n\n");
  std::printf(
      "%zu genuine assets (a stride of 5 through the asset list), each under the next attack of "
      "section 2's list (where the watermark is found), %d interleaved rounds of Detect alone "
      "and Detect + CompareContent (for a whole, unmoved copy, with the cell-by-cell search for "
      "where it lost the recorded mark); per image the median of its rounds, then the median over "
      "the images (\"ratio\"), and the ratio of the sums. Process CPU time, one core.\n\n",
      samples.size(), cfg.cost_rounds);
  std::printf(
      "| images | n | Detect alone, ms (baseline) | Detect + CompareContent, ms | "
      "CompareContent, ms | ratio of medians | ratio of sums |\n|---|---|---|---|---|---|---|\n");
  PrintCostRow("all", samples, [](const CostSample&) { return true; });
  PrintCostRow("size and angle kept (translation search)", samples,
               [](const CostSample& s) { return !s.geometry; });
  PrintCostRow("rescaled, cropped or turned (scale/rotation search)", samples,
               [](const CostSample& s) { return s.geometry; });
  PrintCostRow("256-px assets", samples, [](const CostSample& s) { return !s.photo_size; });
  PrintCostRow("photo-size assets", samples, [](const CostSample& s) { return s.photo_size; });
}

// ---------------------------------------------------------------------------------------------

void PrintPool(const Config& cfg, const std::vector<Picture>& pool,
               const std::vector<std::string>& skipped, const Split& split) {
  std::printf("## Content fingerprint and forgery%s\n\n", cfg.quick ? " (--quick)" : "");
  std::printf(
      "Photo pool: %zu distinct pictures (grey or colour, short side >= 256, reduced by area "
      "averaging to a long side <= 768; one file per wallpaper folder, the one closest to 1920 "
      "px wide; dark/light and stereo variants count once):\n\n| folder | pictures |\n|---|---|\n",
      pool.size());
  std::vector<std::pair<std::string, int>> by_source;
  for (const Picture& p : pool) {
    if (by_source.empty() || by_source.back().first != p.source) by_source.push_back({p.source, 0});
    ++by_source.back().second;
  }
  for (const auto& [source, n] : by_source) std::printf("| %s | %d |\n", source.c_str(), n);
  PrintCases("Left out", skipped, 40);
  auto names = [&](const std::vector<int>& idx) {
    std::string s;
    for (int i : idx) s += (s.empty() ? "" : ", ") + pool[size_t(i)].name;
    return s;
  };
  std::printf(
      "\nSplit by picture (seeded): **STUDIO** %zu pictures (assets are made from them): %s.\n\n"
      "**HOST** %zu pictures (forgery hosts, pasted patches): %s.\n",
      split.studio.size(), names(split.studio).c_str(), split.host.size(),
      names(split.host).c_str());
}

}  // namespace

// CPU seconds per section, for stderr and the report's last line.
struct SectionTimer {
  double start = CpuSeconds();
  std::string line;
  void Lap(const char* section) {
    const double now = CpuSeconds();
    line += (line.empty() ? "" : ", ") + std::string(section) + " " + Number(now - start, "%.0f") +
            " s";
    std::fprintf(stderr, "[%s: %.1f s CPU]\n", section, now - start);
    start = now;
  }
};

int main(int argc, char** argv) {
  // As the hallmark binary does, so the costs below are the ones users see.
  hallmark::KeepFreedMemoryForReuse();
  const Config cfg = ParseArgs(argc, argv);
  const double wall0 = WallSeconds(), cpu0 = CpuSeconds();
  SectionTimer timer;
  std::vector<std::string> skipped;
  const std::vector<Picture> pool = bench::LoadPicturePool(cfg.dirs, {}, &skipped);
  std::fprintf(stderr, "pool: %zu pictures\n", pool.size());
  if (pool.size() < 50) {
    std::fprintf(stderr, "only %zu pictures (need 50): run bench/watermark/setup.sh\n",
                 pool.size());
    return 1;
  }
  const Split split = SplitPool(pool, 7);
  PrintPool(cfg, pool, skipped, split);
  const watermark::Key key = TestKey();
  const std::vector<Asset> assets = MakeAssets(pool, split, cfg.assets, cfg.photo_assets, key);
  const Ledger ledger = MakeLedger(assets);
  const auto hosts = MakeHosts(pool, split, cfg.hosts);
  timer.Lap("pool and assets");

  if (cfg.Runs("forgery")) {
    PrintForgeries(cfg, RunForgeries(cfg, assets, hosts, key, ledger), hosts.size());
    std::fflush(stdout);
    timer.Lap("forgeries");
  }

  const auto suite = GenuineAttacks();
  if (cfg.Runs("genuine") || cfg.Runs("roc")) {
    const GenuineResults genuine = RunGenuine(assets, suite, key, ledger);
    PrintGenuine(assets, suite, genuine);
    std::fflush(stdout);
    timer.Lap("genuine");
    if (cfg.Runs("roc")) {
      const std::vector<RocImage> roc = MakeRocImages(pool, cfg.roc_images);
      PrintRoc(roc, pool, RunDifferent(cfg, roc), genuine);
      std::fflush(stdout);
      timer.Lap("ROC");
    }
  }

  if (cfg.Runs("edits")) {
    PrintEdits(RunEdits(assets, cfg.edit_stride, pool, split, key, ledger), cfg.edit_stride);
    std::fflush(stdout);
    timer.Lap("edits");
  }

  if (cfg.Runs("cost")) {
    RunCost(cfg, assets, suite, key);
    timer.Lap("cost");
  }

  if (cfg.Runs("removal")) {
    const std::vector<Asset> shared =
        MakeAssets(pool, split, cfg.assets, cfg.photo_assets, key, /*shared_pattern=*/true);
    const std::vector<Asset>* sets[2] = {&shared, &assets};
    PrintRemoval(cfg, RunRemoval(cfg, sets, key));
    timer.Lap("removal");
  }
  std::printf("\nRun time: %.0f s wall, %.0f s CPU on one thread (%s).\n", WallSeconds() - wall0,
              CpuSeconds() - cpu0, timer.line.c_str());
  return 0;
}
