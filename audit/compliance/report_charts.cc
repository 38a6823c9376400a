#include "audit/compliance/report_charts.h"

#include <algorithm>
#include <map>

namespace hallmark::audit {
namespace {

constexpr const char* kBarColour = "#2f6f9f";

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A "nice" axis maximum: 1, 2 or 5 times a power of ten, at least `v`.
uint64_t NiceMax(uint64_t v) {
  uint64_t p = 1;
  while (true) {
    for (uint64_t m : {1, 2, 5}) {
      if (m * p >= v) return std::max<uint64_t>(m * p, 1);
    }
    p *= 10;
  }
}

}  // namespace

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

ChartSeries BucketDays(const ChartSeries& days, size_t max_points) {
  ChartSeries current = days;
  for (size_t prefix : {size_t{7}, size_t{4}}) {
    if (current.size() <= max_points) break;
    std::map<std::string, uint64_t> merged;
    for (const auto& [label, n] : current) merged[label.substr(0, prefix)] += n;
    current.assign(merged.begin(), merged.end());
  }
  return current;
}

std::string ColumnChartSvg(const std::string& title, const ChartSeries& series) {
  const int width = 720, height = 260, left = 56, right = 12, top = 30, bottom = 48;
  const int plot_w = width - left - right, plot_h = height - top - bottom;
  uint64_t max = 0;
  for (const auto& s : series) max = std::max(max, s.second);
  uint64_t axis = NiceMax(max);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"" + XmlEscape(title) + "\"><title>" +
                    XmlEscape(title) + "</title>";
  svg += "<text x=\"" + std::to_string(left) + "\" y=\"18\" class=\"chart-title\">" +
         XmlEscape(title) + "</text>";
  for (int i = 0; i <= 4; ++i) {
    double y = top + plot_h - plot_h * i / 4.0;
    svg += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + std::to_string(width - right) +
           "\" y1=\"" + Num(y) + "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/>";
    svg += "<text x=\"" + std::to_string(left - 6) + "\" y=\"" + Num(y + 4) +
           "\" text-anchor=\"end\" class=\"tick\">" + std::to_string(axis * i / 4) + "</text>";
  }
  if (series.empty()) {
    svg += "<text x=\"" + std::to_string(left + 10) + "\" y=\"" + std::to_string(top + 20) +
           "\" class=\"tick\">no assets in scope</text></svg>";
    return svg;
  }
  double slot = double(plot_w) / series.size();
  double bar = std::max(1.0, slot * 0.8);
  size_t label_every = std::max<size_t>(1, series.size() / 8);
  for (size_t i = 0; i < series.size(); ++i) {
    double h = plot_h * double(series[i].second) / double(axis);
    double x = left + slot * i + (slot - bar) / 2;
    svg += "<rect x=\"" + Num(x) + "\" y=\"" + Num(top + plot_h - h) + "\" width=\"" + Num(bar) +
           "\" height=\"" + Num(h) + "\" fill=\"" + kBarColour + "\"><title>" +
           XmlEscape(series[i].first) + ": " + std::to_string(series[i].second) + "</title></rect>";
    if (i % label_every == 0) {
      svg += "<text x=\"" + Num(left + slot * i + slot / 2) + "\" y=\"" +
             std::to_string(top + plot_h + 16) + "\" text-anchor=\"middle\" class=\"tick\">" +
             XmlEscape(series[i].first) + "</text>";
    }
  }
  svg += "</svg>";
  return svg;
}

std::string BarChartSvg(const std::string& title, const ChartSeries& series,
                        const std::string& unit) {
  const int width = 720, label_w = 220, right = 70, row = 24, top = 30;
  const int height = top + row * std::max<int>(1, static_cast<int>(series.size())) + 10;
  const int plot_w = width - label_w - right;
  uint64_t max = 1;
  for (const auto& s : series) max = std::max(max, s.second);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " +
                    std::to_string(width) + " " + std::to_string(height) +
                    "\" role=\"img\" aria-label=\"" + XmlEscape(title) + "\"><title>" +
                    XmlEscape(title) + "</title>";
  svg += "<text x=\"0\" y=\"18\" class=\"chart-title\">" + XmlEscape(title) + "</text>";
  for (size_t i = 0; i < series.size(); ++i) {
    double y = top + row * double(i);
    double w = plot_w * double(series[i].second) / double(max);
    std::string label = series[i].first;
    if (label.size() > 34) label = label.substr(0, 32) + "…";
    svg += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + Num(y + 16) +
           "\" text-anchor=\"end\" class=\"label\">" + XmlEscape(label) + "</text>";
    svg += "<rect x=\"" + std::to_string(label_w) + "\" y=\"" + Num(y + 4) + "\" width=\"" +
           Num(std::max(w, 1.0)) + "\" height=\"" + std::to_string(row - 8) + "\" fill=\"" +
           kBarColour + "\"><title>" + XmlEscape(series[i].first) + ": " +
           std::to_string(series[i].second) + unit + "</title></rect>";
    svg += "<text x=\"" + Num(label_w + std::max(w, 1.0) + 6) + "\" y=\"" + Num(y + 16) +
           "\" class=\"tick\">" + std::to_string(series[i].second) + unit + "</text>";
  }
  svg += "</svg>";
  return svg;
}

}  // namespace hallmark::audit
