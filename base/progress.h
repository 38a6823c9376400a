// ProgressBar: one self-rewriting line on stderr for long loops ("dataset add", "train",
// "generate"): done/total, rate, ETA and a caller-supplied status text (losses, say). It draws only
// when stderr is a terminal and stays silent otherwise, so logs and pipes stay clean.
#ifndef HALLMARK_BASE_PROGRESS_H_
#define HALLMARK_BASE_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace hallmark {

class ProgressBar {
 public:
  // `unit` names what is counted ("images", "steps"). `enabled` = false silences the bar
  // (--quiet, --json).
  ProgressBar(std::string label, uint64_t total, std::string unit, bool enabled = true);
  ~ProgressBar();  // finishes the line
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Sets the count of finished units and redraws at most ten times a second.
  void Update(uint64_t done, const std::string& status = "");
  // For work whose size is known only once it has started.
  void SetTotal(uint64_t total) { total_ = total; }
  void Finish();

  double ElapsedSeconds() const;
  double Rate() const;  // units per second so far

 private:
  void Draw(bool final_line);

  std::string label_;
  uint64_t total_;
  std::string unit_;
  bool enabled_;
  bool finished_ = false;
  uint64_t done_ = 0;
  std::string status_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace hallmark

#endif  // HALLMARK_BASE_PROGRESS_H_
