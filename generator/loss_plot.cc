#include "generator/loss_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace hallmark::generator {
namespace {

std::vector<std::pair<double, double>> Downsample(const std::vector<std::pair<double, double>>& p,
                                                  size_t max_points) {
  if (p.size() <= max_points) return p;
  std::vector<std::pair<double, double>> out;
  const size_t per = (p.size() + max_points - 1) / max_points;
  for (size_t i = 0; i < p.size(); i += per) {
    double sx = 0, sy = 0;
    size_t n = std::min(per, p.size() - i);
    for (size_t j = i; j < i + n; ++j) {
      sx += p[j].first;
      sy += p[j].second;
    }
    out.emplace_back(sx / double(n), sy / double(n));
  }
  return out;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string LossCurveSvg(const std::vector<LossSeries>& series, const std::string& title) {
  static const char* kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  const double W = 720, H = 360, L = 60, R = 20, T = 36, B = 40;
  double x0 = std::numeric_limits<double>::max(), x1 = -x0, y0 = x0, y1 = -x0;
  std::vector<std::vector<std::pair<double, double>>> curves;
  for (const auto& s : series) {
    curves.push_back(Downsample(s.points, 500));
    for (const auto& [x, y] : curves.back()) {
      if (!std::isfinite(y)) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  if (x0 > x1) x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  if (x1 == x0) x1 = x0 + 1;
  if (y1 == y0) y1 = y0 + 1;
  auto px = [&](double x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  auto py = [&](double y) { return H - B - (y - y0) / (y1 - y0) * (H - T - B); };
  char buf[256];
  std::string svg;
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n",
                W, H);
  svg += buf;
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  std::snprintf(buf, sizeof buf, "<text x=\"%.0f\" y=\"22\" font-size=\"14\">", L);
  svg += buf + Escape(title) + "</text>\n";
  std::snprintf(buf, sizeof buf,
                "<path d=\"M%.1f %.1f V%.1f H%.1f\" stroke=\"black\" fill=\"none\"/>\n", L, T,
                H - B, W - R);
  svg += buf;
  for (int i = 0; i <= 4; ++i) {
    double y = y0 + (y1 - y0) * i / 4, x = x0 + (x1 - x0) * i / 4;
    std::snprintf(buf, sizeof buf,
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.3g</text>\n"
                  "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
                  L - 6, py(y) + 4, y, px(x), H - B + 16, x);
    svg += buf;
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">step</text>\n",
                (L + W - R) / 2, H - 6);
  svg += buf;
  for (size_t s = 0; s < curves.size(); ++s) {
    const char* color = kColors[s % 5];
    std::string d;
    for (const auto& [x, y] : curves[s]) {
      if (!std::isfinite(y)) continue;
      std::snprintf(buf, sizeof buf, "%s%.1f %.1f", d.empty() ? "M" : " L", px(x), py(y));
      d += buf;
    }
    svg += "<path d=\"" + d + "\" stroke=\"" + color + "\" fill=\"none\" stroke-width=\"1.5\"/>\n";
    std::snprintf(buf, sizeof buf, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\">", W - R - 90,
                  T + 14 + 16 * double(s), color);
    svg += buf + Escape(series[s].name) + "</text>\n";
  }
  svg += "</svg>\n";
  return svg;
}

}  // namespace hallmark::generator
