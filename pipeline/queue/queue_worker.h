// hallmark worker: drains the work queue on one machine. Each claimed task runs as one generate
// batch (one ledger transaction) into this machine's output folder, with the job's generate run
// prepared once per job (PreparedGeneration) rather than once per task; see job_queue.h for why
// a worker that dies at any point leaves neither a duplicate asset nor a record without its task.
#ifndef HALLMARK_PIPELINE_QUEUE_QUEUE_WORKER_H_
#define HALLMARK_PIPELINE_QUEUE_QUEUE_WORKER_H_

#include <functional>
#include <string>

#include "base/result.h"
#include "generator/backend.h"
#include "pipeline/queue/job_queue.h"
#include "pipeline/studio.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::pipeline {

struct WorkerOptions {
  std::string name;  // recorded with each task it finishes; default host:pid
  std::string out_dir = "assets";
  std::string device = "auto";
  int threads = 1;
  std::string passphrase_file;
  const provenance::TimeStamper* time_stamper = nullptr;  // must outlive the run
  // Keep waiting for new jobs once the queue is drained, instead of returning.
  bool follow = false;
  int poll_ms = 500;  // how often an idle worker looks again
};

struct WorkerReport {
  int tasks = 0;            // tasks this worker finished
  int recovered_tasks = 0;  // of them, tasks a dead worker had recorded but not marked done
  int assets = 0;           // images this worker generated
  // Left in the output folder by an earlier run on this machine that was killed: files moved
  // into place (their records were committed) and unrecorded files deleted.
  int settled_files = 0;
  int discarded_files = 0;
};

// "claimed", "done" or "recovered", with the task and the assets it holds.
using WorkerEventFn =
    std::function<void(const std::string& event, const ClaimedTask& task, int assets)>;

// Claims and runs tasks until no task is left unfinished (a task another worker holds counts
// as unfinished, since that worker may die), or forever with `follow`. A task that fails (the
// model file differs from the submitted one, a policy refuses the purpose, the disk is full) is
// released for others and ends the run with its error.
Result<WorkerReport> RunWorker(JobQueue& queue, Studio& studio, generator::Backend& backend,
                               const WorkerOptions& options, const WorkerEventFn& on_event = {});

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_QUEUE_QUEUE_WORKER_H_
