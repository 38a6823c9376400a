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

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_ROW_SUMS_H_
