#include "watermark/tile_correlator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <utility>

namespace hallmark::watermark {
namespace {

constexpr double kTwoPi = 6.283185307179586;

std::vector<int> Radii(int t) {
  std::vector<int> r(size_t(t) * size_t(t));
  for (int ky = 0; ky < t; ++ky) {
    for (int kx = 0; kx < t; ++kx) {
      const int fx = kx < t / 2 ? kx : kx - t, fy = ky < t / 2 ? ky : ky - t;
      r[size_t(ky) * size_t(t) + size_t(kx)] =
          int(std::lround(std::sqrt(double(fx * fx + fy * fy))));
    }
  }
  return r;
}

// Divides each bin by the RMS amplitude of the bins at about the same radial frequency.
void WhitenSpectrum(std::vector<Complex>* u, const std::vector<int>& radius, int t) {
  const size_t nr = size_t(t) + 2;
  std::vector<double> power(nr, 0.0), count(nr, 0.0);
  for (size_t i = 0; i < u->size(); ++i) {
    power[size_t(radius[i])] += std::norm((*u)[i]);
    count[size_t(radius[i])] += 1.0;
  }
  std::vector<float> inv(nr, 0.0f);
  for (size_t r = 0; r + 1 < nr; ++r) {
    double p = 0.0, c = 0.0;
    for (size_t k = r > 0 ? r - 1 : 0; k <= r + 1; ++k) {
      p += power[k];
      c += count[k];
    }
    inv[r] = (c > 0 && p > 0) ? float(1.0 / std::sqrt(p / c)) : 0.0f;
  }
  for (size_t i = 0; i < u->size(); ++i) (*u)[i] *= inv[size_t(radius[i])];
}

}  // namespace

std::vector<float> Fold(const image::Plane& canvas, int t) {
  std::vector<float> tile(size_t(t) * size_t(t), 0.0f);
  for (int y = 0; y < canvas.height; ++y) {
    float* trow = &tile[size_t(y % t) * size_t(t)];
    const float* row = canvas.row(y);
    int tx = 0;
    for (int x = 0; x < canvas.width; ++x) {
      trow[tx] += row[x];
      if (++tx == t) tx = 0;
    }
  }
  return tile;
}

TileCorrelator::TileCorrelator(PatternVariants variants)
    : variants_(std::move(variants)),
      fft_(variants_.front()->tile()),
      radius_(Radii(variants_.front()->tile())) {}

TileCorrelator TileCorrelator::Decimated(int factor) const {
  PatternVariants d;
  for (const auto& p : variants_)
    d.push_back(std::make_shared<SpreadingPattern>(p->Decimated(factor)));
  return TileCorrelator(std::move(d));
}

const SpreadingPattern& TileCorrelator::Variant(const TileMatch& m) const {
  for (const auto& p : variants_) {
    if (p->variant() == m.variant) return *p;
  }
  return pattern();
}

std::vector<Complex> TileCorrelator::Spectrum(const std::vector<float>& folded) const {
  std::vector<Complex> u(folded.size());
  for (size_t i = 0; i < folded.size(); ++i) u[i] = Complex(folded[i], 0.0f);
  fft_.Forward(&u);
  WhitenSpectrum(&u, radius_, tile());
  return u;
}

void TileCorrelator::SoftBits(const std::vector<Complex>& v, TileMatch* m) const {
  const SpreadingPattern& pattern = Variant(*m);
  const int t = pattern.tile();
  const int coded = pattern.mode().coded_bits();
  // Channel estimate from the pilot: per radial band, the mean pilot projection (how much mark
  // survived there) over the projection noise variance. Payload bins are weighted by it, so the
  // Viterbi decoder trusts the bands an attack left alone (JPEG and WebP empty the upper ones)
  // and treats the rest as near-erasures. The pilot's own z is never weighted: that would break
  // its calibration. The payload's CRC check is unaffected: its bins' signs are independent of
  // the pilot's.
  constexpr int kBands = 6;
  const double band_width = double(t) / 4.0 / kBands;  // radii up to t/4 cycles per tile
  auto band_of = [&](const PatternBin& b) {
    const double r = std::sqrt(double(b.fx * b.fx + b.fy * b.fy));
    return std::min(kBands - 1, int(r / band_width));
  };
  std::vector<double> proj(pattern.bins().size());
  std::array<double, kBands> sig{}, sig_n{}, noise{}, noise_n{};
  double pnum = 0.0, pden = 0.0;
  for (size_t i = 0; i < pattern.bins().size(); ++i) {
    const PatternBin& b = pattern.bins()[i];
    const double phase = kTwoPi * double(b.fx * m->dx + b.fy * m->dy) / double(t);
    const Complex rot =
        v[size_t(b.index)] * Complex(float(std::cos(phase)), float(std::sin(phase)));
    proj[i] = b.gain * (b.sign_re * rot.real() + b.sign_im * rot.imag());
    const double energy = double(b.gain) * b.gain * std::norm(rot);
    const int band = band_of(b);
    noise[size_t(band)] += energy;
    noise_n[size_t(band)] += 2.0;
    if (b.owner == SpreadingPattern::kPilot) {
      pnum += proj[i];
      pden += energy;
      sig[size_t(band)] += proj[i];
      sig_n[size_t(band)] += 1.0;
    }
  }
  std::array<double, kBands> weight{};
  for (int k = 0; k < kBands; ++k) {
    const double mu = sig_n[size_t(k)] > 0 ? sig[size_t(k)] / sig_n[size_t(k)] : 0.0;
    const double var = noise_n[size_t(k)] > 0 ? noise[size_t(k)] / noise_n[size_t(k)] : 0.0;
    weight[size_t(k)] = var > 0 ? std::max(mu, 0.0) / var : 0.0;
  }
  std::vector<double> num(static_cast<size_t>(coded), 0.0);
  double scale = 0.0;
  for (size_t i = 0; i < pattern.bins().size(); ++i) {
    const PatternBin& b = pattern.bins()[i];
    if (b.owner == SpreadingPattern::kPilot) continue;
    const double w = weight[size_t(band_of(b))];
    num[size_t(b.owner)] += w * proj[i];
    scale = std::max(scale, std::fabs(w));
  }
  m->soft.resize(size_t(coded));
  for (int b = 0; b < coded; ++b) {
    m->soft[size_t(b)] = scale > 0 ? float(num[size_t(b)] / scale) : 0.0f;
  }
  m->z = pden > 0 ? pnum / std::sqrt(pden) : 0.0;
}

TileMatch TileCorrelator::AtShift(const std::vector<float>& folded, int dx, int dy) const {
  return AtShift(folded, dx, dy, pattern().variant());
}

TileMatch TileCorrelator::AtShift(const std::vector<float>& folded, int dx, int dy,
                                  int variant) const {
  TileMatch m;
  m.dx = dx;
  m.dy = dy;
  m.variant = variant;
  m.variant = Variant(m).variant();
  SoftBits(Spectrum(folded), &m);
  return m;
}

KnownMarkScores TileCorrelator::ScoreKnownMark(const std::vector<Complex>& v, int dx, int dy,
                                               int variant,
                                               const std::vector<uint8_t>& coded) const {
  TileMatch at;
  at.variant = variant;
  const SpreadingPattern& pattern = Variant(at);
  const int t = pattern.tile();
  // Sums of projections and energies: [weighting][0 all bins, 1 the codeword's].
  double num[2][2] = {}, den[2][2] = {};
  for (const PatternBin& b : pattern.bins()) {
    const bool pilot = b.owner == SpreadingPattern::kPilot;
    if (!pilot && size_t(b.owner) >= coded.size()) continue;
    const double phase = kTwoPi * double(b.fx * dx + b.fy * dy) / double(t);
    const Complex rot =
        v[size_t(b.index)] * Complex(float(std::cos(phase)), float(std::sin(phase)));
    const double sign = pilot || !coded[size_t(b.owner)] ? 1.0 : -1.0;
    const double proj = sign * b.gain * (b.sign_re * rot.real() + b.sign_im * rot.imag());
    const double energy = double(b.gain) * b.gain * std::norm(rot);
    const double low_pass = 1.0 / std::sqrt(double(b.fx * b.fx + b.fy * b.fy));
    for (int w = 0; w < 2; ++w) {
      const double weight = w == 0 ? 1.0 : low_pass;
      for (int part = 0; part < (pilot ? 1 : 2); ++part) {
        num[w][part] += weight * proj;
        den[w][part] += weight * weight * energy;
      }
    }
  }
  auto z = [&](int w, int part) {
    return den[w][part] > 0 ? num[w][part] / std::sqrt(den[w][part]) : 0.0;
  };
  KnownMarkScores s;
  s.flat = {z(0, 0), z(0, 1)};
  s.low_pass = {z(1, 0), z(1, 1)};
  return s;
}

double LogRandomSignTail(double t) {
  // c = 1 / (4 * 0.5 * erfc(1)): P(N(0, 1) >= sqrt 2) is 0.5 * erfc(1).
  const double log_c = -std::log(2.0 * std::erfc(1.0));
  if (t <= 0.0) return 0.0;
  constexpr double kLogSqrtTwoPi = 0.91893853320467274;
  // erfc underflows past t of about 37; there the Gaussian tail's asymptotic form (Mills' ratio)
  // is exact to a part in 1e3 and errs on the high side.
  const double log_gaussian = t < 30.0 ? std::log(0.5 * std::erfc(t / std::sqrt(2.0)))
                                       : -0.5 * t * t - std::log(t) - kLogSqrtTwoPi;
  return std::min(0.0, log_c + log_gaussian);
}

double RandomSignTail(double t) { return std::exp(LogRandomSignTail(t)); }

TileMatch TileCorrelator::BestShift(const std::vector<Complex>& v) const {
  const int t = tile();
  const size_t n = size_t(t) * size_t(t);
  static_assert(kPilotGroups % 2 == 0, "groups are read in pairs");
  // S_g(d) = Re sum_k conj(P_k) V_k e^{2 pi i k.d / t} over group g's half-plane pilot bins,
  // with variant 0's signs. Placed with its conjugate mirror, a group's spectrum transforms to
  // a real surface (2 S_g), so one complex transform reads two groups: one as its real part,
  // the other as its imaginary part.
  std::array<std::vector<float>, kPilotGroups> surface;
  double den = 0.0;  // the variants share their bins, so the normaliser is theirs too
  std::vector<Complex> y(n);
  for (int pair = 0; pair < kPilotGroups; pair += 2) {
    std::fill(y.begin(), y.end(), Complex(0, 0));
    for (const PatternBin& b : pattern().bins()) {
      if (b.owner != SpreadingPattern::kPilot || b.group / 2 != pair / 2) continue;
      const Complex p(b.gain * b.sign_re, b.gain * b.sign_im);
      Complex c = std::conj(p) * v[size_t(b.index)];
      if (b.group != pair) c *= Complex(0, 1);
      y[size_t(b.index)] += c;
      // The mirror of i*c is conj(i*c) = -i*conj(c): the imaginary group stays imaginary.
      y[size_t(b.mirror)] += b.group == pair ? std::conj(c) : -std::conj(c);
      den += double(b.gain) * b.gain * std::norm(v[size_t(b.index)]);
    }
    fft_.Inverse(&y);  // normalised by 1/n: undone by `scale`
    surface[size_t(pair)].resize(n);
    surface[size_t(pair) + 1].resize(n);
    for (size_t d = 0; d < n; ++d) {
      surface[size_t(pair)][d] = 0.5f * y[d].real();
      surface[size_t(pair) + 1][d] = 0.5f * y[d].imag();
    }
  }
  TileMatch best;
  if (den <= 0) return best;
  // At each shift the best variant flips exactly the groups that correlate negatively, and
  // scores the sum of the groups' absolute correlations.
  const double scale = double(n) / std::sqrt(den);
  size_t best_d = 0;
  float best_sum = -1.0f;
  for (size_t d = 0; d < n; ++d) {
    float sum = 0.0f;
    for (int g = 0; g < kPilotGroups; ++g) sum += std::fabs(surface[size_t(g)][d]);
    if (sum > best_sum) {
      best_sum = sum;
      best_d = d;
    }
  }
  best.z = double(best_sum) * scale;
  best.dx = int(best_d % size_t(t));
  best.dy = int(best_d / size_t(t));
  best.variant = 0;
  for (int g = 0; g < kPilotGroups; ++g) {
    if (surface[size_t(g)][best_d] < 0) best.variant |= 1 << g;
  }
  return best;
}

TileMatch TileCorrelator::Score(const std::vector<float>& folded) const {
  return BestShift(Spectrum(folded));
}

TileMatch TileCorrelator::Match(const std::vector<float>& folded) const {
  const std::vector<Complex> v = Spectrum(folded);
  TileMatch best = BestShift(v);
  if (best.z > -1e8) SoftBits(v, &best);  // recomputes z at the chosen shift directly: the same
  return best;
}

}  // namespace hallmark::watermark
