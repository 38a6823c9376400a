#include "watermark/tile_correlator.h"

#include <cmath>

namespace hallmark::watermark {

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

TileCorrelator::TileCorrelator(const SpreadingPattern& pattern)
    : pattern_(pattern), fft_(pattern.tile()), half_fft_(pattern.tile() / 2) {
  const int t = pattern.tile();
  const size_t n = size_t(t) * size_t(t);
  std::vector<Complex> p(n), m(n);
  for (size_t i = 0; i < n; ++i) {
    const bool pilot = pattern.owner()[i] == SpreadingPattern::kPilot;
    p[i] = Complex(pilot ? float(pattern.signs()[i]) : 0.0f, 0.0f);
    m[i] = Complex(pilot ? 1.0f : 0.0f, 0.0f);
  }
  fft_.Forward(&p);
  fft_.Forward(&m);
  pilot_conj_.resize(n);
  mask_conj_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    pilot_conj_[i] = std::conj(p[i]);
    mask_conj_[i] = std::conj(m[i]);
  }
  // The half-resolution tile's DFT bin (kx, ky) sees the full tile's bin of the same signed
  // frequency (aliases above the half-size Nyquist are dropped).
  const int h = t / 2;
  half_template_.assign(size_t(h) * size_t(h), Complex(0, 0));
  for (int ky = 0; ky < h; ++ky) {
    for (int kx = 0; kx < h; ++kx) {
      const int fx = kx < h / 2 ? kx : kx - h;
      const int fy = ky < h / 2 ? ky : ky - h;
      const size_t src = size_t(((fy + t) % t) * t + (fx + t) % t);
      const float b = pattern.band()[src];
      half_template_[size_t(ky * h + kx)] = pilot_conj_[src] * (b * b);
    }
  }
}

TileMatch TileCorrelator::Match(const std::vector<float>& folded) const {
  const int t = pattern_.tile();
  const size_t n = size_t(t) * size_t(t);
  std::vector<Complex> u(n);
  for (size_t i = 0; i < n; ++i) u[i] = Complex(folded[i], 0.0f);
  fft_.Forward(&u);
  const std::vector<float>& band = pattern_.band();
  for (size_t i = 0; i < n; ++i) u[i] *= band[i];
  std::vector<Complex> corr(n);
  for (size_t i = 0; i < n; ++i) corr[i] = pilot_conj_[i] * u[i];
  fft_.Inverse(&corr);
  fft_.Inverse(&u);  // the band-filtered tile, spatial
  std::vector<float> us(n);
  std::vector<Complex> sq(n);
  for (size_t i = 0; i < n; ++i) {
    us[i] = u[i].real();
    sq[i] = Complex(us[i] * us[i], 0.0f);
  }
  fft_.Forward(&sq);
  for (size_t i = 0; i < n; ++i) sq[i] *= mask_conj_[i];
  fft_.Inverse(&sq);

  TileMatch best;
  for (size_t d = 0; d < n; ++d) {
    const float energy = sq[d].real();
    if (energy <= 1e-12f) continue;
    const double z = double(corr[d].real()) / std::sqrt(double(energy));
    if (z > best.z) {
      best.z = z;
      best.dx = int(d % size_t(t));
      best.dy = int(d / size_t(t));
    }
  }
  // Soft payload bits at the chosen shift, each normalised by its own noise energy.
  const int coded = pattern_.mode().coded_bits();
  std::vector<double> num(size_t(coded), 0.0), den(size_t(coded), 0.0);
  for (int y = 0; y < t; ++y) {
    const int sy = (y + best.dy) % t;
    for (int x = 0; x < t; ++x) {
      const size_t j = size_t(y * t + x);
      const int owner = pattern_.owner()[j];
      if (owner == SpreadingPattern::kPilot) continue;
      const float v = us[size_t(sy * t + (x + best.dx) % t)];
      num[size_t(owner)] += pattern_.signs()[j] * v;
      den[size_t(owner)] += double(v) * v;
    }
  }
  best.soft.resize(size_t(coded));
  for (int b = 0; b < coded; ++b) {
    best.soft[size_t(b)] = den[size_t(b)] > 0 ? float(num[size_t(b)] / std::sqrt(den[size_t(b)])) : 0.0f;
  }
  return best;
}

double TileCorrelator::CoarseScore(const std::vector<float>& folded_half) const {
  const int h = pattern_.tile() / 2;
  const size_t n = size_t(h) * size_t(h);
  std::vector<Complex> u(n);
  for (size_t i = 0; i < n; ++i) u[i] = Complex(folded_half[i], 0.0f);
  half_fft_.Forward(&u);
  for (size_t i = 0; i < n; ++i) u[i] *= half_template_[i];
  half_fft_.Inverse(&u);
  double best = -1e30, sum2 = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double v = u[i].real();
    sum2 += v * v;
    if (v > best) best = v;
  }
  return sum2 > 0 ? best / std::sqrt(sum2 / double(n)) : 0.0;
}

}  // namespace hallmark::watermark
