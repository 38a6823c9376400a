// The training run's loss curves as a self-contained SVG (no plotting library needed; any browser
// shows it). Long runs are averaged into at most 500 points per curve.
#ifndef HALLMARK_GENERATOR_LOSS_PLOT_H_
#define HALLMARK_GENERATOR_LOSS_PLOT_H_

#include <string>
#include <utility>
#include <vector>

namespace hallmark::generator {

struct LossSeries {
  std::string name;                               // "G", "D", "recon", "kl"
  std::vector<std::pair<double, double>> points;  // (step, loss)
};

std::string LossCurveSvg(const std::vector<LossSeries>& series, const std::string& title);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_LOSS_PLOT_H_
