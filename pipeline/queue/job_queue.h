// JobQueue: generation work shared by many machines, kept in the studio's PostgreSQL ledger
// database beside the ledger it feeds (docs/deployment.md).
//
// A job is a model and a count of images, split into tasks of `chunk` images; each task becomes
// one generate batch, that is one ledger transaction. Workers claim a task with
// SELECT ... FOR UPDATE SKIP LOCKED in a transaction they keep open while they generate: the row
// lock is the lease. A worker that dies drops its connection, the server rolls the transaction
// back, and the task is pending again for the next claim. The worker marks it done after its
// assets are recorded; should it die between the two, the next claimant finds the task's assets
// already in the ledger (each asset records its task as "queue_task" in its parameters) and only
// marks it done, so no task is generated twice and no record is left without its task.
#ifndef HALLMARK_PIPELINE_QUEUE_JOB_QUEUE_H_
#define HALLMARK_PIPELINE_QUEUE_JOB_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/ledger/postgres/pg_connection.h"
#include "base/result.h"

namespace hallmark::pipeline {

struct JobSpec {
  std::string model_path;    // where the workers read the model (shared storage)
  std::string model_id;      // its SHA-256: a worker refuses a file that differs
  int count = 0;             // images in the job
  int chunk = 32;            // images per task (and per ledger transaction)
  std::string options_json;  // generate's options for every task (job_spec.h)
};

struct ClaimedTask {
  int64_t job_id = 0;
  int task = 0;
  int first_index = 0;  // the job's image index of the task's first image
  int count = 0;
  JobSpec job;
  // The value each of the task's assets records as "queue_task": "<job>/<task>".
  std::string Key() const { return std::to_string(job_id) + "/" + std::to_string(task); }
};

struct JobProgress {
  int64_t job_id = 0;
  std::string submitted_at;
  std::string model_id;
  int count = 0;
  int tasks = 0;
  int done = 0;     // tasks marked done
  int running = 0;  // pending tasks a live worker holds
  int assets = 0;   // images recorded by the done tasks
  bool finished() const { return done == tasks; }
};

class JobQueue {
 public:
  // Connects to the ledger database at `url` (the work queue lives in its `hallmark` schema).
  static Result<JobQueue> Open(const std::string& url);

  // Creates the queue's tables when missing (the ledger's owner role does this, with the first
  // submit; writers get SELECT, INSERT and UPDATE on them) and records the job with its tasks.
  // Returns the job id.
  Result<int64_t> Submit(const JobSpec& job);

  // The next pending task no live worker holds, claimed until Finish or Release; nullopt when
  // none is free now. Only one claim at a time per queue object. `worker` names the claimant
  // in the task's row once it is done.
  Result<std::optional<ClaimedTask>> Claim(const std::string& worker);
  // How many assets the ledger holds for the claimed task: a former holder that died after
  // recording them left the task pending.
  Result<int> RecordedAssets(const ClaimedTask& task);
  // Marks the claimed task done and ends the claim.
  Status Finish(const ClaimedTask& task, int assets, bool recovered);
  // Ends the claim without finishing the task: it is pending again.
  void Release();
  // Whether any task of any job is still pending (claimed or not).
  Result<bool> HasUnfinishedTasks();

  Result<std::vector<JobProgress>> Progress();

  const std::string& redacted_url() const { return conn_.redacted_url(); }

 private:
  explicit JobQueue(audit::PgConnection conn) : conn_(std::move(conn)) {}
  Status EnsureSchema();
  Status RequireSchema();

  audit::PgConnection conn_;
  std::string worker_;  // of the open claim
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_QUEUE_JOB_QUEUE_H_
