// Inline SVG charts for reports: plain shapes and text, no script, no external resources, so a
// report renders the same in any browser, offline, and prints.
#ifndef HALLMARK_AUDIT_COMPLIANCE_REPORT_CHARTS_H_
#define HALLMARK_AUDIT_COMPLIANCE_REPORT_CHARTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace hallmark::audit {

using ChartSeries = std::vector<std::pair<std::string, uint64_t>>;

// Vertical bars in order (a time series); labels thinned out to fit.
std::string ColumnChartSvg(const std::string& title, const ChartSeries& series);
// One labelled horizontal bar per entry (a breakdown), longest first as given.
std::string BarChartSvg(const std::string& title, const ChartSeries& series,
                        const std::string& unit = "");

// Series longer than `max_points` merged into months ("2026-11"), then years.
ChartSeries BucketDays(const ChartSeries& days, size_t max_points = 90);

std::string XmlEscape(const std::string& text);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_REPORT_CHARTS_H_
