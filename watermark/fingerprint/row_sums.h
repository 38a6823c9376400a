// Whole-row accumulations, the inner loops of the one-pass cell statistics (MeasureWholeGrid) and
// of the lost-mark check (MarkShares). Eight elements a step through non-aliasing pointers, which
// -O2's straight-line vectoriser turns into vector arithmetic (its loop vectoriser would need a
// trip count known to be a multiple of the vector width); a conditional in the same loop would
// keep it scalar.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_
#define HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_

#include <cstddef>
#include <cstring>

namespace hallmark::fingerprint {

// acc[i] += a[i] for i < n.
inline void AddRow(const float* __restrict a, size_t n, float* __restrict acc) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) acc[i + k] += a[i + k];
  }
  for (size_t i = whole; i < n; ++i) acc[i] += a[i];
}

// acc[i] += a[i] * s for i < n.
inline void AddScaled(const float* __restrict a, float s, size_t n, float* __restrict acc) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) acc[i + k] += a[i + k] * s;
  }
  for (size_t i = whole; i < n; ++i) acc[i] += a[i] * s;
}

// acc[i] += a[i] * b[i] for i < n.
inline void AddProducts(const float* __restrict a, const float* __restrict b, size_t n,
                        float* __restrict acc) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) acc[i + k] += a[i + k] * b[i + k];
  }
  for (size_t i = whole; i < n; ++i) acc[i] += a[i] * b[i];
}

// The four sums of the lost-mark check over `rows` rows, column by column: x_rows[j] is row j's
// samples, r_rows[j] the pattern's row there (repeating every r_period columns, a multiple of 4
// when under n) and v[j] the row's offset, and for each column
// acc_x = sum x, acc_xr = sum x * r, acc_xx = sum x * x, acc_xv = sum x * v (written, not added
// to). Eight columns at a time, down every row, so that the sums stay in registers and are stored
// once: adding row by row into the column arrays loads and stores them at every row (measured
// 60 -> 50 us for a 256-px copy). The lanes are spelled as GCC/Clang vectors of four: as local
// arrays the straight-line vectoriser kept them in memory, and vectors of eight, wider than the
// baseline's registers, were split through memory too. Each column adds its rows in order.
inline void SumMoments(const float* const* x_rows, const float* const* r_rows, size_t r_period,
                       const float* v, size_t rows, size_t n, float* __restrict acc_x,
                       float* __restrict acc_xr, float* __restrict acc_xx,
                       float* __restrict acc_xv) {
  typedef float Lanes __attribute__((vector_size(16)));
  auto load = [](const float* p) {
    Lanes l;
    std::memcpy(&l, p, sizeof l);
    return l;
  };
  auto store = [](const Lanes& l, float* p) { std::memcpy(p, &l, sizeof l); };
  const size_t whole = n & ~size_t{7};
  size_t r0 = 0;  // i % r_period, kept without a division per step
  for (size_t i = 0; i < whole; i += 8) {
    const size_t r1 = r0 + 4 == r_period ? 0 : r0 + 4;
    Lanes sx0 = {}, sxr0 = {}, sxx0 = {}, sxv0 = {}, sx1 = {}, sxr1 = {}, sxx1 = {}, sxv1 = {};
    for (size_t j = 0; j < rows; ++j) {
      const Lanes s0 = load(x_rows[j] + i), s1 = load(x_rows[j] + i + 4);
      sx0 += s0, sx1 += s1;
      sxr0 += s0 * load(r_rows[j] + r0), sxr1 += s1 * load(r_rows[j] + r1);
      sxx0 += s0 * s0, sxx1 += s1 * s1;
      sxv0 += s0 * v[j], sxv1 += s1 * v[j];
    }
    store(sx0, acc_x + i), store(sxr0, acc_xr + i), store(sxx0, acc_xx + i),
        store(sxv0, acc_xv + i);
    store(sx1, acc_x + i + 4), store(sxr1, acc_xr + i + 4), store(sxx1, acc_xx + i + 4),
        store(sxv1, acc_xv + i + 4);
    r0 = r1 + 4 == r_period ? 0 : r1 + 4;
  }
  for (size_t i = whole; i < n; ++i) {
    float sx = 0, sxr = 0, sxx = 0, sxv = 0;
    for (size_t j = 0; j < rows; ++j) {
      const float s = x_rows[j][i];
      sx += s, sxr += s * r_rows[j][i % r_period], sxx += s * s, sxv += s * v[j];
    }
    acc_x[i] = sx, acc_xr[i] = sxr, acc_xx[i] = sxx, acc_xv[i] = sxv;
  }
}

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_
