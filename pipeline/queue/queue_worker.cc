#include "pipeline/queue/queue_worker.h"

#include <unistd.h>

#include <chrono>
#include <optional>
#include <thread>

#include "base/hex.h"
#include "base/sha256.h"
#include "pipeline/generate_pipeline.h"
#include "pipeline/pending_outputs.h"
#include "pipeline/queue/job_spec.h"

namespace hallmark::pipeline {
namespace {

std::string DefaultWorkerName() {
  char host[256] = {0};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host) + ":" + std::to_string(::getpid());
}

// The job names its model by path and by hash: every machine must read the same file.
Status CheckModelFile(const ClaimedTask& task) {
  HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(task.job.model_path));
  if (HexEncode(ByteView(digest.data(), digest.size())) != task.job.model_id) {
    return Status::BadInput(task.job.model_path + ": not the model job " +
                            std::to_string(task.job_id) + " was submitted with (" +
                            task.job.model_id.substr(0, 16) + "…)");
  }
  return Status::Ok();
}

// The generate request for one task: the job's options, this worker's machine settings, and the
// task's slice of the job (image i of the job uses the job's seed + i).
Result<GenerateRequest> TaskRequest(const ClaimedTask& task, const WorkerOptions& options) {
  GenerateRequest r;
  HM_RETURN_IF_ERROR(ApplyJobOptions(task.job.options_json, &r));
  r.model_path = task.job.model_path;
  r.seed += uint64_t(task.first_index);
  r.count = task.count;
  r.batch = task.count;  // one ledger transaction: the task's assets are recorded whole or not
  r.out_dir = options.out_dir;
  r.device = options.device;
  r.threads = options.threads;
  r.passphrase_file = options.passphrase_file;
  r.time_stamper = options.time_stamper;
  r.queue_task = task.Key();
  return r;
}

// What one job's tasks share on this worker: its generate run, prepared once (keys, model, purpose
// decision) and reused for each of its tasks.
struct JobRun {
  int64_t job_id = -1;
  PreparedGeneration prepared;
};

// Runs one claimed task; the claim stays open until the caller finishes or releases it.
Result<int> RunTask(const ClaimedTask& task, Studio& studio, generator::Backend& backend,
                    const WorkerOptions& options, std::optional<JobRun>& job_run) {
  HM_RETURN_IF_ERROR(CheckModelFile(task));
  HM_ASSIGN_OR_RETURN(GenerateRequest request, TaskRequest(task, options));
  if (!job_run || job_run->job_id != task.job_id) {
    job_run.reset();
    HM_ASSIGN_OR_RETURN(PreparedGeneration prepared, PrepareGeneration(request, studio, backend));
    job_run = JobRun{task.job_id, std::move(prepared)};
  }
  HM_ASSIGN_OR_RETURN(GenerateSummary summary, Generate(request, studio, job_run->prepared));
  if (summary.refused()) {
    return Status::BadInput("job " + std::to_string(task.job_id) + ": " + request.purpose +
                            " use of the model is refused by " +
                            summary.purpose_check->policy_file);
  }
  return static_cast<int>(summary.assets.size());
}

}  // namespace

Result<WorkerReport> RunWorker(JobQueue& queue, Studio& studio, generator::Backend& backend,
                               const WorkerOptions& options, const WorkerEventFn& on_event) {
  const std::string name = options.name.empty() ? DefaultWorkerName() : options.name;
  auto event = [&](const char* what, const ClaimedTask& task, int assets) {
    if (on_event) on_event(what, task, assets);
  };
  WorkerReport report;
  std::optional<JobRun> job_run;
  // Settle what a run killed here left staged (pending_outputs.h) before anything else: files
  // whose records were committed move into place, the rest are deleted.
  HM_ASSIGN_OR_RETURN(PendingOutputs outputs, PendingOutputs::Open(options.out_dir));
  HM_ASSIGN_OR_RETURN(RecoveryReport settled, outputs.Recover(studio.ledger()));
  report.settled_files = settled.completed;
  report.discarded_files = settled.discarded;
  for (;;) {
    HM_ASSIGN_OR_RETURN(std::optional<ClaimedTask> claimed, queue.Claim(name));
    if (!claimed) {
      if (!options.follow) {
        HM_ASSIGN_OR_RETURN(bool unfinished, queue.HasUnfinishedTasks());
        if (!unfinished) return report;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(options.poll_ms));
      continue;
    }
    const ClaimedTask& task = *claimed;
    event("claimed", task, 0);
    Result<int> recorded = queue.RecordedAssets(task);
    if (!recorded.ok()) {
      queue.Release();
      return recorded.status();
    }
    if (*recorded > 0) {
      // A worker recorded this task and died before marking it done. Its ledger transaction
      // held the whole task, so there is nothing to add, only the mark.
      if (*recorded != task.count) {
        queue.Release();
        return Status::BadInput("task " + task.Key() + ": the ledger holds " +
                                std::to_string(*recorded) + " of its " +
                                std::to_string(task.count) + " assets");
      }
      HM_RETURN_IF_ERROR(queue.Finish(task, *recorded, /*recovered=*/true));
      ++report.tasks;
      ++report.recovered_tasks;
      event("recovered", task, *recorded);
      continue;
    }
    Result<int> made = RunTask(task, studio, backend, options, job_run);
    if (!made.ok()) {
      queue.Release();
      return made.status().WithContext("task " + task.Key());
    }
    HM_RETURN_IF_ERROR(queue.Finish(task, *made, /*recovered=*/false));
    ++report.tasks;
    report.assets += *made;
    event("done", task, *made);
  }
}

}  // namespace hallmark::pipeline
