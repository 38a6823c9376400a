// Square 2-D complex FFT (kissfft) with RAII-owned plans. Forward is unnormalised; Inverse divides
// by n*n so Inverse(Forward(x)) == x. An instance keeps scratch space: one per thread.
#ifndef HALLMARK_WATERMARK_FFT2D_H_
#define HALLMARK_WATERMARK_FFT2D_H_

#include <complex>
#include <memory>
#include <vector>

namespace hallmark::watermark {

using Complex = std::complex<float>;

class Fft2d {
 public:
  explicit Fft2d(int n);
  ~Fft2d();
  Fft2d(const Fft2d&) = delete;
  Fft2d& operator=(const Fft2d&) = delete;

  int n() const { return n_; }
  // In place; data has n*n elements, row-major.
  void Forward(std::vector<Complex>* data) const;
  void Inverse(std::vector<Complex>* data) const;

 private:
  struct Plans;
  int n_;
  std::unique_ptr<Plans> plans_;
};

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_FFT2D_H_
