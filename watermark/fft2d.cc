#include "watermark/fft2d.h"

#include <kiss_fftnd.h>

#include <cstdlib>

namespace hallmark::watermark {

static_assert(sizeof(kiss_fft_cpx) == sizeof(Complex), "kissfft must use float samples");

struct Fft2d::Plans {
  kiss_fftnd_cfg forward = nullptr;
  kiss_fftnd_cfg inverse = nullptr;
  mutable std::vector<Complex> scratch;
  ~Plans() {
    std::free(forward);
    std::free(inverse);
  }
};

Fft2d::Fft2d(int n) : n_(n), plans_(std::make_unique<Plans>()) {
  const int dims[2] = {n, n};
  plans_->forward = kiss_fftnd_alloc(dims, 2, 0, nullptr, nullptr);
  plans_->inverse = kiss_fftnd_alloc(dims, 2, 1, nullptr, nullptr);
  if (!plans_->forward || !plans_->inverse) std::abort();  // out of memory for a tiny plan
  plans_->scratch.resize(size_t(n) * size_t(n));
}

Fft2d::~Fft2d() = default;

void Fft2d::Forward(std::vector<Complex>* data) const {
  kiss_fftnd(plans_->forward, reinterpret_cast<const kiss_fft_cpx*>(data->data()),
             reinterpret_cast<kiss_fft_cpx*>(plans_->scratch.data()));
  data->swap(plans_->scratch);
}

void Fft2d::Inverse(std::vector<Complex>* data) const {
  kiss_fftnd(plans_->inverse, reinterpret_cast<const kiss_fft_cpx*>(data->data()),
             reinterpret_cast<kiss_fft_cpx*>(plans_->scratch.data()));
  data->swap(plans_->scratch);
  const float scale = 1.0f / float(n_ * n_);
  for (Complex& c : *data) c *= scale;
}

}  // namespace hallmark::watermark
