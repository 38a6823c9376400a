// queue submit|status and worker: generation shared by many machines through the studio's
// PostgreSQL ledger. Parsing and printing only; the work is in pipeline/queue/.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"

#ifdef HALLMARK_HAVE_GENERATOR
#include "base/hex.h"
#include "base/sha256.h"
#include "cli/generate_flags.h"
#include "generator/backend_loader.h"
#include "generator/imported_model.h"
#include "pipeline/queue/job_queue.h"
#include "pipeline/queue/job_spec.h"
#include "pipeline/queue/queue_worker.h"
#include "pipeline/studio.h"
#endif

namespace hallmark::cli {

#ifdef HALLMARK_HAVE_GENERATOR
namespace {

// The queue lives in the shared ledger's database: --ledger URL or $HALLMARK_LEDGER.
Result<std::string> QueueUrl() {
  HM_ASSIGN_OR_RETURN(std::string url, pipeline::Studio::SharedLedgerUrl());
  if (url.empty()) {
    return Status::InvalidArgument(
        "the work queue lives in a PostgreSQL ledger: give --ledger postgresql://... or set "
        "$HALLMARK_LEDGER");
  }
  return url;
}

nlohmann::json ProgressJson(const pipeline::JobProgress& p) {
  return {{"job", p.job_id},        {"submitted_at", p.submitted_at},
          {"model_id", p.model_id}, {"count", p.count},
          {"tasks", p.tasks},       {"done", p.done},
          {"running", p.running},   {"pending", p.tasks - p.done - p.running},
          {"assets", p.assets},     {"state", p.finished() ? "done" : "open"}};
}

void AddSubmit(CLI::App* queue, Context& ctx) {
  auto a = std::make_shared<GenerateFlags>();
  auto* cmd = queue->add_subcommand(
      "submit", "Record a generate job for the workers: the model, the count, generate's options");
  AddJobFlags(cmd, a.get());
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string url, QueueUrl());
      pipeline::GenerateRequest request = RequestFrom(*a);
      // An imported model named by id or original file: the workers read the studio's copy.
      HM_ASSIGN_OR_RETURN(request.model_path,
                          generator::ResolveModelArgument(ctx.Home(), request.model_path));
      HM_ASSIGN_OR_RETURN(Sha256Digest digest, Sha256File(request.model_path));
      pipeline::JobSpec job;
      job.model_path = request.model_path;
      job.model_id = HexEncode(ByteView(digest.data(), digest.size()));
      job.count = request.count;
      job.chunk = request.batch;
      job.options_json = pipeline::JobOptionsJson(request);
      {
        // Workers would refuse a model the ledger does not know; say so now instead.
        HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
        HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(home));
        HM_ASSIGN_OR_RETURN(auto model, studio.ledger().FindModel(job.model_id));
        if (!model) {
          return Status::BadInput(job.model_path + ": model " + job.model_id.substr(0, 16) +
                                  "… is not in the ledger; record it with 'hallmark model "
                                  "register' first");
        }
      }
      HM_ASSIGN_OR_RETURN(pipeline::JobQueue q, pipeline::JobQueue::Open(url));
      HM_ASSIGN_OR_RETURN(int64_t id, q.Submit(job));
      const int tasks = (job.count + job.chunk - 1) / job.chunk;
      ctx.Say("submitted job " + std::to_string(id) + ": " + std::to_string(job.count) +
              " images in " + std::to_string(tasks) + " tasks of up to " +
              std::to_string(job.chunk));
      ctx.EmitJson(
          {{"job", id}, {"count", job.count}, {"tasks", tasks}, {"model_id", job.model_id}});
      return kExitOk;
    });
  });
}

void AddStatus(CLI::App* queue, Context& ctx) {
  auto* cmd = queue->add_subcommand("status", "Each job's progress: tasks done, running, pending");
  cmd->callback([&ctx] {
    ctx.SetAction([&ctx]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string url, QueueUrl());
      HM_ASSIGN_OR_RETURN(pipeline::JobQueue q, pipeline::JobQueue::Open(url));
      HM_ASSIGN_OR_RETURN(std::vector<pipeline::JobProgress> jobs, q.Progress());
      for (const pipeline::JobProgress& p : jobs) {
        ctx.Say("job " + std::to_string(p.job_id) + " (" + p.submitted_at + ", model " +
                p.model_id.substr(0, 12) + "…): " + std::to_string(p.assets) + "/" +
                std::to_string(p.count) + " images; tasks " + std::to_string(p.done) + " done, " +
                std::to_string(p.running) + " running, " +
                std::to_string(p.tasks - p.done - p.running) + " pending" +
                (p.finished() ? " — done" : ""));
        ctx.EmitJson(ProgressJson(p));
      }
      if (jobs.empty()) ctx.Say("no jobs");
      return kExitOk;
    });
  });
}

void AddWorker(CLI::App& app, Context& ctx) {
  struct Args {
    GenerateFlags flags;
    pipeline::WorkerOptions options;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "worker", "Claim queued generate tasks and run them on this machine until the queue is done");
  cmd->add_option("--out", a->options.out_dir, "This machine's output folder");
  cmd->add_option("--name", a->options.name, "Recorded with each finished task (default host:pid)");
  cmd->add_flag("--follow", a->options.follow, "Keep waiting for new jobs once the queue is done");
  AddMachineFlags(cmd, &a->flags);
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string url, QueueUrl());
      HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(home));
      HM_ASSIGN_OR_RETURN(std::unique_ptr<provenance::TimeStamper> stamper,
                          TimeStamperFrom(a->flags, home));
      pipeline::WorkerOptions options = a->options;
      options.device = a->flags.request.device;
      options.threads = a->flags.request.threads;
      options.passphrase_file = a->flags.request.passphrase_file;
      options.time_stamper = stamper.get();
      HM_ASSIGN_OR_RETURN(generator::Backend * backend, generator::LoadBackend());
      HM_ASSIGN_OR_RETURN(pipeline::JobQueue q, pipeline::JobQueue::Open(url));
      auto on_event = [&ctx](const std::string& event, const pipeline::ClaimedTask& task,
                             int assets) {
        // Printed as it happens (and flushed): an operator, or a test, follows the worker live.
        ctx.Say(event + " task " + task.Key() + " (" + std::to_string(task.count) + " images" +
                (event == "claimed" ? "" : ", " + std::to_string(assets) + " recorded") + ")");
        ctx.EmitJson({{"event", event},
                      {"task", task.Key()},
                      {"job", task.job_id},
                      {"count", task.count},
                      {"assets", assets}});
        std::fflush(stdout);
      };
      HM_ASSIGN_OR_RETURN(pipeline::WorkerReport report,
                          pipeline::RunWorker(q, studio, *backend, options, on_event));
      if (report.settled_files || report.discarded_files) {
        ctx.Say("settled an interrupted run: " + std::to_string(report.settled_files) +
                " files moved into place, " + std::to_string(report.discarded_files) +
                " unrecorded files discarded");
      }
      ctx.Say("worker finished: " + std::to_string(report.tasks) + " tasks, " +
              std::to_string(report.assets) + " images generated in " + options.out_dir +
              (report.recovered_tasks
                   ? ", " + std::to_string(report.recovered_tasks) + " tasks recovered"
                   : ""));
      ctx.EmitJson({{"event", "finished"},
                    {"tasks", report.tasks},
                    {"assets", report.assets},
                    {"recovered_tasks", report.recovered_tasks},
                    {"settled_files", report.settled_files},
                    {"discarded_files", report.discarded_files},
                    {"out", options.out_dir}});
      return kExitOk;
    });
  });
}

}  // namespace
#endif

void RegisterQueueCommands(CLI::App& app, Context& ctx) {
#ifdef HALLMARK_HAVE_GENERATOR
  CLI::App* queue = app.add_subcommand("queue", "Generation work shared by many machines");
  queue->require_subcommand(1);
  AddSubmit(queue, ctx);
  AddStatus(queue, ctx);
  AddWorker(app, ctx);
#else
  (void)app;
  (void)ctx;
#endif
}

}  // namespace hallmark::cli
