// Whole-row accumulations, the inner loops of the one-pass cell statistics (MeasureWholeGrid) and
// of the lost-mark check (MarkShares). Eight elements a step through non-aliasing pointers, which
// -O2's straight-line vectoriser turns into vector arithmetic (its loop vectoriser would need a
// trip count known to be a multiple of the vector width); a conditional in the same loop would
// keep it scalar.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_
#define HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_

#include <cstddef>

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

// The four sums of the lost-mark check in one pass over a row x of samples, r the pattern's row
// and v the row's offset: acc_x += x, acc_xr += x * r, acc_xx += x * x, acc_xv += x * v. The same
// additions as four separate loops, with the row read once.
inline void AddMoments(const float* __restrict x, const float* __restrict r, float v, size_t n,
                       float* __restrict acc_x, float* __restrict acc_xr, float* __restrict acc_xx,
                       float* __restrict acc_xv) {
  const size_t whole = n & ~size_t{7};
  for (size_t i = 0; i < whole; i += 8) {
    for (size_t k = 0; k < 8; ++k) {
      const float s = x[i + k];
      acc_x[i + k] += s;
      acc_xr[i + k] += s * r[i + k];
      acc_xx[i + k] += s * s;
      acc_xv[i + k] += s * v;
    }
  }
  for (size_t i = whole; i < n; ++i) {
    acc_x[i] += x[i];
    acc_xr[i] += x[i] * r[i];
    acc_xx[i] += x[i] * x[i];
    acc_xv[i] += x[i] * v;
  }
}

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_
