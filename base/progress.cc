#include "base/progress.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace hallmark {
namespace {

std::string FormatDuration(double seconds) {
  if (seconds < 0 || seconds > 1e7) return "--:--";
  const long s = std::lround(seconds);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit, bool enabled)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      enabled_(enabled && ::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

double ProgressBar::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

double ProgressBar::Rate() const {
  double t = ElapsedSeconds();
  return t > 0 ? double(done_) / t : 0.0;
}

void ProgressBar::Update(uint64_t done, const std::string& status) {
  done_ = done;
  status_ = status;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  Draw(true);
}

void ProgressBar::Draw(bool final_line) {
  if (!enabled_) return;
  constexpr int kWidth = 24;
  double frac = total_ ? double(done_) / double(total_) : 0.0;
  if (frac > 1.0) frac = 1.0;
  int filled = static_cast<int>(frac * kWidth);
  std::string bar(size_t(filled), '#');
  bar.append(size_t(kWidth - filled), '.');
  double rate = Rate();
  double eta = rate > 0 && total_ > done_ ? double(total_ - done_) / rate : 0.0;
  std::fprintf(stderr, "\r\033[K%s [%s] %llu/%llu %s  %.1f %s/s  ETA %s  %s", label_.c_str(),
               bar.c_str(), static_cast<unsigned long long>(done_),
               static_cast<unsigned long long>(total_), unit_.c_str(), rate, unit_.c_str(),
               FormatDuration(eta).c_str(), status_.c_str());
  if (final_line) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace hallmark
