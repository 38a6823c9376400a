#include "watermark/ssim_guard.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "watermark/canvas.h"

namespace hallmark::watermark {
namespace {

constexpr int kBlock = 4;  // image::Ssim's stride; its 8x8 window is 2x2 blocks
constexpr double kC1 = (0.01 * 255) * (0.01 * 255);
constexpr double kC2 = (0.03 * 255) * (0.03 * 255);

// Rounds to whole steps of 1 / `steps_per_level`, half away from zero, as the embedder does.
float Rounded(float v, float steps_per_level) {
  const float steps = v * steps_per_level;
  return float(int(steps + (steps >= 0.0f ? 0.5f : -0.5f))) / steps_per_level;
}

}  // namespace

SsimGuard::SsimGuard(const image::Image& img, int width, int height)
    : blocks_x_(width / kBlock),
      blocks_y_(height / kBlock),
      steps_per_level_(img.bit_depth() == 16 ? 257.0f : 1.0f),
      floor_room_(width, height, 255.0f),
      ceil_room_(width, height, 255.0f) {
  const int colour = img.colour_channels();
  for (int c = 0; c < colour; ++c) {
    channels_.push_back(ResampleCanvas(image::ChannelPlane(img, c), width, height));
  }
  for (const image::Plane& ch : channels_) {
    for (size_t i = 0; i < ch.px.size(); ++i) {
      floor_room_.px[i] = std::min(floor_room_.px[i], ch.px[i]);
      ceil_room_.px[i] = std::min(ceil_room_.px[i], 255.0f - ch.px[i]);
    }
    std::vector<Block> blocks(size_t(blocks_x_) * size_t(blocks_y_));
    for (int y = 0; y < blocks_y_ * kBlock; ++y) {
      const float* row = ch.row(y);
      Block* brow = &blocks[size_t(y / kBlock) * size_t(blocks_x_)];
      for (int x = 0; x < blocks_x_ * kBlock; ++x) {
        Block& b = brow[x / kBlock];
        b.a += row[x];
        b.aa += double(row[x]) * row[x];
      }
    }
    host_.push_back(std::move(blocks));
  }
}

double SsimGuard::At(const image::Plane& unit, float amplitude) const {
  if (blocks_x_ < 2 || blocks_y_ < 2) return 1.0;
  // Per block: sums of the offset d, d^2, and per channel a * d. A block's 16 terms add up in
  // float without harm (under 1e-6 of SSIM); blocks are then combined in double.
  const size_t nb = size_t(blocks_x_) * size_t(blocks_y_);
  const size_t colour = channels_.size();
  std::vector<float> d_sum(nb, 0.0f), dd_sum(nb, 0.0f), ad_sum(nb * colour, 0.0f);
  std::vector<float> offset(size_t(blocks_x_) * kBlock);
  for (int y = 0; y < blocks_y_ * kBlock; ++y) {
    const float* u = unit.row(y);
    const float* down = floor_room_.row(y);
    const float* up = ceil_room_.row(y);
    float* d = offset.data();
    for (size_t x = 0; x < offset.size(); ++x) {
      d[x] = Rounded(std::clamp(amplitude * u[x], -down[x], up[x]), steps_per_level_);
    }
    const size_t brow = size_t(y / kBlock) * size_t(blocks_x_);
    for (int bx = 0; bx < blocks_x_; ++bx) {
      const float* db = &d[size_t(bx) * kBlock];
      d_sum[brow + size_t(bx)] += db[0] + db[1] + db[2] + db[3];
      dd_sum[brow + size_t(bx)] += db[0] * db[0] + db[1] * db[1] + db[2] * db[2] + db[3] * db[3];
    }
    for (size_t c = 0; c < colour; ++c) {
      const float* a = channels_[c].row(y);
      for (int bx = 0; bx < blocks_x_; ++bx) {
        const size_t x = size_t(bx) * kBlock;
        ad_sum[(brow + size_t(bx)) * colour + c] +=
            a[x] * d[x] + a[x + 1] * d[x + 1] + a[x + 2] * d[x + 2] + a[x + 3] * d[x + 3];
      }
    }
  }
  // Each window: the four blocks at (bx, by) .. (bx + 1, by + 1).
  constexpr double n = 4.0 * kBlock * kBlock;
  double total = 0.0;
  for (size_t c = 0; c < colour; ++c) {
    const std::vector<Block>& host = host_[c];
    for (int by = 0; by + 1 < blocks_y_; ++by) {
      for (int bx = 0; bx + 1 < blocks_x_; ++bx) {
        double a = 0, aa = 0, d = 0, dd = 0, ad = 0;
        for (int j = 0; j < 2; ++j) {
          for (int i = 0; i < 2; ++i) {
            const size_t b = size_t(by + j) * size_t(blocks_x_) + size_t(bx + i);
            a += host[b].a;
            aa += host[b].aa;
            d += d_sum[b];
            dd += dd_sum[b];
            ad += ad_sum[b * colour + c];
          }
        }
        const double ma = a / n, mb = (a + d) / n;
        const double va = aa / n - ma * ma;
        const double vb = (aa + 2.0 * ad + dd) / n - mb * mb;
        const double cov = (aa + ad) / n - ma * mb;
        total +=
            ((2 * ma * mb + kC1) * (2 * cov + kC2)) / ((ma * ma + mb * mb + kC1) * (va + vb + kC2));
      }
    }
  }
  const double windows = double(blocks_x_ - 1) * double(blocks_y_ - 1) * double(colour);
  return total / windows;
}

float SsimGuard::Fit(const image::Plane& unit, float guess, float cap, double target) const {
  // lo keeps the target (amplitude 0 always does); hi, once found, does not.
  float lo = 0.0f, hi = 0.0f;
  float a = std::clamp(guess, 0.05f * cap, cap);
  for (int it = 0; it < 12; ++it) {
    const double s = At(unit, a);
    if (s >= target) {
      lo = a;
      if (a >= cap) return cap;
    } else {
      hi = a;
    }
    // SSIM's loss grows about as the square of the amplitude: aim a little under the target, so
    // that the step more likely lands on the side that keeps it.
    const double loss = std::max(1e-9, 1.0 - s);
    const float next = float(a * std::sqrt((1.0 - target) / loss)) * 0.997f;
    if (hi == 0.0f) {  // nothing has failed yet: climb, at most to the cap
      if (next <= 1.01f * lo) return lo;
      a = std::min(next, cap);
      continue;
    }
    if (hi - lo <= 0.01f * hi) break;
    a = next > lo && next < hi ? next : 0.5f * (lo + hi);
  }
  return lo;
}

}  // namespace hallmark::watermark
