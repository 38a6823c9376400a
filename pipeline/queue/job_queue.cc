#include "pipeline/queue/job_queue.h"

#include <algorithm>
#include <map>

namespace hallmark::pipeline {
namespace {

using audit::PgConnection;
using audit::PgParams;
using audit::PgResult;

// Serialises schema creation between submitters (an arbitrary constant: "HMQUEUE").
constexpr char kSchemaLock[] = "SELECT pg_advisory_xact_lock(4844815155455545)";

// The queue's tables, beside the ledger's in its schema. Unlike the ledger these rows change:
// a task goes from pending to done. The index on the ledger's assets finds the assets a task
// recorded (its "queue_task" parameter) without scanning the table; it is partial, so assets made
// outside the queue do not grow it.
constexpr char kQueueSchema[] = R"sql(
CREATE TABLE IF NOT EXISTS hallmark.queue_jobs(
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  submitted_at timestamptz NOT NULL DEFAULT now(),
  submitted_by text NOT NULL DEFAULT current_user,
  model_path text NOT NULL,
  model_id text NOT NULL,
  count integer NOT NULL CHECK (count >= 1),
  chunk integer NOT NULL CHECK (chunk >= 1),
  options jsonb NOT NULL
);
CREATE TABLE IF NOT EXISTS hallmark.queue_tasks(
  job_id bigint NOT NULL REFERENCES hallmark.queue_jobs(id),
  task integer NOT NULL CHECK (task >= 0),
  first_index integer NOT NULL,
  count integer NOT NULL CHECK (count >= 1),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done')),
  worker text,
  finished_at timestamptz,
  assets integer,
  recovered boolean,
  PRIMARY KEY (job_id, task)
);
CREATE INDEX IF NOT EXISTS queue_tasks_pending ON hallmark.queue_tasks(job_id, task)
  WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS assets_by_queue_task
  ON hallmark.assets ((substring(parameters from '"queue_task":"([^"]*)"')))
  WHERE parameters LIKE '%"queue_task"%';
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hallmark_writer') THEN
    GRANT SELECT, INSERT, UPDATE ON hallmark.queue_jobs, hallmark.queue_tasks TO hallmark_writer;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hallmark_reader') THEN
    GRANT SELECT ON hallmark.queue_jobs, hallmark.queue_tasks TO hallmark_reader;
  END IF;
END $$;
)sql";

int IntAt(const PgResult& r, int row, int col) { return static_cast<int>(r.Int(row, col)); }

// Whether the database has `table` ("hallmark.assets").
Result<bool> HasTable(PgConnection& conn, const std::string& table) {
  HM_ASSIGN_OR_RETURN(
      PgResult r, conn.ExecParams("SELECT to_regclass($1) IS NOT NULL", PgParams().Text(table)));
  return r.Text(0, 0) == "t";
}

}  // namespace

Result<JobQueue> JobQueue::Open(const std::string& url) {
  HM_ASSIGN_OR_RETURN(PgConnection conn, PgConnection::Connect(url, 10000));
  // The claim's transaction stays open while the worker generates: it must not be timed out as
  // idle, and a worker machine that vanishes must be noticed in about a minute, not the
  // operating system's two hours, so its task is released (server-side keepalives).
  HM_RETURN_IF_ERROR(conn.AddSessionSetting(
      "SET idle_in_transaction_session_timeout = 0; SET tcp_keepalives_idle = 30; "
      "SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3"));
  return JobQueue(std::move(conn));
}

Status JobQueue::EnsureSchema() {
  HM_ASSIGN_OR_RETURN(bool ledger, HasTable(conn_, "hallmark.assets"));
  if (!ledger) {
    return Status::BadInput("ledger " + conn_.redacted_url() +
                            ": no Hallmark ledger in this database yet (record the model first: "
                            "hallmark model register)");
  }
  HM_ASSIGN_OR_RETURN(bool present, HasTable(conn_, "hallmark.queue_tasks"));
  if (present) return Status::Ok();
  HM_RETURN_IF_ERROR(conn_.Exec("BEGIN").status());
  Status st = [&]() -> Status {
    HM_RETURN_IF_ERROR(conn_.Exec(kSchemaLock).status());
    HM_RETURN_IF_ERROR(conn_.Exec(kQueueSchema).status());
    return conn_.Commit();
  }();
  if (!st.ok()) {
    conn_.Rollback();
    return st.WithContext(
        "creating the work queue (the ledger's owner role creates it with the "
        "first 'hallmark queue submit')");
  }
  return Status::Ok();
}

Status JobQueue::RequireSchema() {
  HM_ASSIGN_OR_RETURN(bool present, HasTable(conn_, "hallmark.queue_tasks"));
  if (!present) {
    return Status::NotFound("ledger " + conn_.redacted_url() +
                            ": no work queue here yet ('hallmark queue submit' creates it)");
  }
  return Status::Ok();
}

Result<int64_t> JobQueue::Submit(const JobSpec& job) {
  if (job.count < 1 || job.chunk < 1) {
    return Status::InvalidArgument("a job needs at least one image and one image per task");
  }
  HM_RETURN_IF_ERROR(EnsureSchema());
  HM_RETURN_IF_ERROR(conn_.Exec("BEGIN").status());
  Result<int64_t> id = [&]() -> Result<int64_t> {
    HM_ASSIGN_OR_RETURN(
        PgResult r,
        conn_.ExecParams("INSERT INTO hallmark.queue_jobs(model_path, model_id, count, chunk, "
                         "options) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id",
                         PgParams()
                             .Text(job.model_path)
                             .Text(job.model_id)
                             .Int(job.count)
                             .Int(job.chunk)
                             .Text(job.options_json)));
    const int64_t job_id = r.Int(0, 0);
    HM_RETURN_IF_ERROR(
        conn_
            .ExecParams("INSERT INTO hallmark.queue_tasks(job_id, task, first_index, count) "
                        "SELECT $1, t, t * $2, least($2, $3 - t * $2) "
                        "FROM generate_series(0, ($3 - 1) / $2) AS t",
                        PgParams().Int(job_id).Int(job.chunk).Int(job.count))
            .status());
    HM_RETURN_IF_ERROR(conn_.Commit());
    return job_id;
  }();
  if (!id.ok()) conn_.Rollback();
  return id;
}

Result<std::optional<ClaimedTask>> JobQueue::Claim(const std::string& worker) {
  HM_RETURN_IF_ERROR(RequireSchema());
  worker_ = worker;
  HM_RETURN_IF_ERROR(conn_.Exec("BEGIN").status());
  Result<PgResult> row = conn_.Exec(
      "SELECT t.job_id, t.task, t.first_index, t.count, j.model_path, j.model_id, j.count, "
      "j.chunk, j.options::text FROM hallmark.queue_tasks t JOIN hallmark.queue_jobs j ON "
      "j.id = t.job_id WHERE t.state = 'pending' ORDER BY t.job_id, t.task "
      "LIMIT 1 FOR UPDATE OF t SKIP LOCKED");
  if (!row.ok() || row->rows() == 0) {
    conn_.Rollback();
    if (!row.ok()) return row.status();
    return std::optional<ClaimedTask>();
  }
  ClaimedTask t;
  t.job_id = row->Int(0, 0);
  t.task = IntAt(*row, 0, 1);
  t.first_index = IntAt(*row, 0, 2);
  t.count = IntAt(*row, 0, 3);
  t.job.model_path = row->Text(0, 4);
  t.job.model_id = row->Text(0, 5);
  t.job.count = IntAt(*row, 0, 6);
  t.job.chunk = IntAt(*row, 0, 7);
  t.job.options_json = row->Text(0, 8);
  return std::optional<ClaimedTask>(std::move(t));
}

Result<int> JobQueue::RecordedAssets(const ClaimedTask& task) {
  HM_ASSIGN_OR_RETURN(PgResult r,
                      conn_.ExecParams("SELECT count(*) FROM hallmark.assets WHERE parameters LIKE "
                                       "'%\"queue_task\"%' AND substring(parameters from "
                                       "'\"queue_task\":\"([^\"]*)\"') = $1",
                                       PgParams().Text(task.Key())));
  return IntAt(r, 0, 0);
}

Status JobQueue::Finish(const ClaimedTask& task, int assets, bool recovered) {
  Status st = conn_
                  .ExecParams(
                      "UPDATE hallmark.queue_tasks SET state = 'done', worker = $3, "
                      "finished_at = now(), assets = $4, recovered = $5 "
                      "WHERE job_id = $1 AND task = $2 AND state = 'pending'",
                      PgParams()
                          .Int(task.job_id)
                          .Int(task.task)
                          .Text(worker_)
                          .Int(assets)
                          .Text(recovered ? "true" : "false"))
                  .status();
  if (st.ok()) st = conn_.Commit();
  if (!st.ok()) conn_.Rollback();
  return st;
}

void JobQueue::Release() { conn_.Rollback(); }

Result<bool> JobQueue::HasUnfinishedTasks() {
  HM_RETURN_IF_ERROR(RequireSchema());
  HM_ASSIGN_OR_RETURN(
      PgResult r,
      conn_.Exec("SELECT EXISTS (SELECT 1 FROM hallmark.queue_tasks WHERE state = 'pending')"));
  return r.Text(0, 0) == "t";
}

Result<std::vector<JobProgress>> JobQueue::Progress() {
  HM_RETURN_IF_ERROR(RequireSchema());
  HM_ASSIGN_OR_RETURN(
      PgResult jobs,
      conn_.Exec("SELECT j.id, to_char(j.submitted_at AT TIME ZONE 'UTC', "
                 "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), j.model_id, j.count, count(t.task), "
                 "count(t.task) FILTER (WHERE t.state = 'done'), "
                 "coalesce(sum(t.assets) FILTER (WHERE t.state = 'done'), 0) "
                 "FROM hallmark.queue_jobs j JOIN hallmark.queue_tasks t ON t.job_id = j.id "
                 "GROUP BY j.id ORDER BY j.id"));
  std::vector<JobProgress> out;
  std::map<int64_t, size_t> by_id;
  for (int i = 0; i < jobs.rows(); ++i) {
    JobProgress p;
    p.job_id = jobs.Int(i, 0);
    p.submitted_at = jobs.Text(i, 1);
    p.model_id = jobs.Text(i, 2);
    p.count = IntAt(jobs, i, 3);
    p.tasks = IntAt(jobs, i, 4);
    p.done = IntAt(jobs, i, 5);
    p.assets = IntAt(jobs, i, 6);
    by_id[p.job_id] = out.size();
    out.push_back(p);
  }
  // A pending task a worker holds is row-locked: the free ones are those a lock-skipping read
  // can take, and the rest are running. The read takes no lock that outlives it.
  HM_RETURN_IF_ERROR(conn_.Exec("BEGIN").status());
  Result<PgResult> free_tasks = conn_.Exec(
      "SELECT job_id, task FROM hallmark.queue_tasks WHERE state = 'pending' "
      "FOR KEY SHARE SKIP LOCKED");
  Result<PgResult> pending = free_tasks.ok()
                                 ? conn_.Exec(
                                       "SELECT job_id, count(*) FROM hallmark.queue_tasks WHERE "
                                       "state = 'pending' GROUP BY job_id")
                                 : free_tasks.status();
  conn_.Rollback();
  if (!free_tasks.ok()) return free_tasks.status();
  if (!pending.ok()) return pending.status();
  for (int i = 0; i < pending->rows(); ++i) {
    auto it = by_id.find(pending->Int(i, 0));
    if (it != by_id.end()) out[it->second].running += IntAt(*pending, i, 1);
  }
  for (int i = 0; i < free_tasks->rows(); ++i) {
    auto it = by_id.find(free_tasks->Int(i, 0));
    if (it != by_id.end()) out[it->second].running -= 1;
  }
  return out;
}

}  // namespace hallmark::pipeline
