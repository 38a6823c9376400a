// Generation across machines through the work queue, on a throw-away PostgreSQL server: a job is
// submitted, two workers run at once and one is killed with SIGKILL in the middle of a task while
// the other drains the queue, and the job ends with exactly its count of assets, each recorded
// once, delivered and verifiable. A task recorded by a worker that died before marking it done is
// recovered without generating it again.
#define BOOST_TEST_MODULE queue
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>

#include "audit/ledger/ledger_store.h"
#include "tests/support/json_lines.h"
#include "tests/support/postgres_cluster.h"
#include "tests/support/subprocess.h"

using hallmark::testing::JsonLines;
using hallmark::testing::PostgresCluster;
using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::TempDir;

namespace {

// A studio whose ledger is on the test's PostgreSQL server, with a registered model.
struct Studio {
  PostgresCluster cluster;
  TempDir dir;
  std::string url;
  std::vector<std::string> env;

  Studio() {
    // Roles before the ledger: its tables are granted to the group roles that exist when the
    // first writer creates them.
    cluster.Sql("postgres",
                "CREATE ROLE hallmark_reader NOLOGIN; CREATE ROLE auditor LOGIN IN ROLE "
                "hallmark_reader");
    url = cluster.CreateDatabase("studio");
    env = {"HALLMARK_HOME=" + dir.File("home"), "HALLMARK_PASSPHRASE=queue test passphrase",
           "HALLMARK_LEDGER=" + url};
    Must({"keys", "init", "--org", "Queue Test Studio"});
    Must({"dataset", "add", HALLMARK_BUNDLED_DATA, "--name", "fashion-mnist-1k", "--licence", "MIT",
          "--source", "https://github.com/zalandoresearch/fashion-mnist"});
    Must({"train", "--arch", "dcgan", "--data", "fashion-mnist-1k", "--size", "32", "--steps", "4",
          "--batch", "16", "--sample-every", "0", "--out", dir.File("run")});
    Must({"model", "register", Model()});
  }
  ProcessResult Run(const std::vector<std::string>& args) const { return RunHallmark(args, env); }
  ProcessResult Must(const std::vector<std::string>& args) const {
    ProcessResult r = Run(args);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, args[0] + " failed: " + r.err + r.out);
    return r;
  }
  std::string Model() const { return dir.File("run/model.hmk"); }

  // Every asset the ledger holds for `job`, by task.
  std::map<std::string, std::vector<hallmark::audit::AssetRecord>> AssetsByTask(int64_t job) {
    hallmark::audit::LedgerOptions o;
    o.url = url;
    o.read_only = true;
    auto store = hallmark::audit::OpenLedger(o);
    BOOST_REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    std::map<std::string, std::vector<hallmark::audit::AssetRecord>> by_task;
    auto st = (*store)->ForEachAsset([&](const hallmark::audit::AssetRecord& a) {
      auto params = nlohmann::json::parse(a.parameters_json);
      std::string task = params.value("queue_task", "");
      if (task.rfind(std::to_string(job) + "/", 0) == 0) by_task[task].push_back(a);
      return hallmark::Status::Ok();
    });
    BOOST_REQUIRE(st.ok());
    return by_task;
  }
};

Studio& TheStudio() {
  static Studio studio;
  return studio;
}

int64_t Submit(Studio& s, int count, int batch) {
  ProcessResult r =
      s.Must({"--json", "queue", "submit", "--model", s.Model(), "--count", std::to_string(count),
              "--batch", std::to_string(batch), "--seed", "5"});
  return nlohmann::json::parse(r.out)["job"].get<int64_t>();
}

// Starts a worker with its stdout on a pipe; returns its pid and the read end.
std::pair<pid_t, FILE*> StartWorker(const Studio& s, const std::string& out,
                                    const std::string& name) {
  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    for (const std::string& e : s.env) ::putenv(const_cast<char*>(e.c_str()));
    ::execl(HALLMARK_BINARY, "hallmark", "--json", "worker", "--out", out.c_str(), "--name",
            name.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  return {pid, ::fdopen(fds[0], "r")};
}

nlohmann::json JobStatus(const Studio& s, int64_t job) {
  for (const auto& d : JsonLines(s.Must({"--json", "queue", "status"}).out)) {
    if (d["job"].get<int64_t>() == job) return d;
  }
  BOOST_FAIL("job " << job << " missing from queue status");
  return {};
}

std::vector<std::string> DeliveredFiles(const std::string& dir) {
  std::vector<std::string> files;
  if (!std::filesystem::exists(dir)) return files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  return files;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_worker_killed_mid_task_leaves_exactly_n_verifiable_assets) {
  Studio& s = TheStudio();
  const int count = 24, batch = 4;
  const int64_t job = Submit(s, count, batch);
  BOOST_TEST(JobStatus(s, job)["tasks"].get<int>() == count / batch);

  // Workers A and B run at once; A is killed while it generates its first task.
  auto [a_pid, a_out] = StartWorker(s, s.dir.File("out-a"), "A");
  auto [b_pid, b_out] = StartWorker(s, s.dir.File("out-b"), "B");
  char line[4096];
  bool claimed = false;
  while (!claimed && std::fgets(line, sizeof line, a_out)) {
    claimed = std::string(line).find("\"event\":\"claimed\"") != std::string::npos;
  }
  BOOST_REQUIRE_MESSAGE(claimed, "worker A never claimed a task");
  ::kill(a_pid, SIGKILL);
  int status = 0;
  ::waitpid(a_pid, &status, 0);
  std::fclose(a_out);
  BOOST_TEST(WIFSIGNALED(status));

  // B drains the queue, A's released task included.
  std::string b_lines;
  while (std::fgets(line, sizeof line, b_out)) b_lines += line;
  std::fclose(b_out);
  ::waitpid(b_pid, &status, 0);
  BOOST_TEST_REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0), b_lines);
  BOOST_TEST(b_lines.find("\"event\":\"finished\"") != std::string::npos, b_lines);

  nlohmann::json st = JobStatus(s, job);
  BOOST_TEST(st["state"].get<std::string>() == "done", st.dump());
  BOOST_TEST(st["assets"].get<int>() == count, st.dump());
  BOOST_TEST(st["running"].get<int>() == 0);

  // Exactly `count` assets, each task's once, none twice.
  auto by_task = s.AssetsByTask(job);
  BOOST_TEST(by_task.size() == size_t(count / batch));
  std::set<std::string> ids;
  for (const auto& [task, assets] : by_task) {
    BOOST_TEST(assets.size() == size_t(batch), task);
    for (const auto& a : assets) ids.insert(a.id);
  }
  BOOST_TEST(ids.size() == size_t(count));

  // A restarted worker A settles what the kill left in its .pending folder: nothing unrecorded
  // stays, and there is nothing left to claim.
  ProcessResult again = s.Run({"--json", "worker", "--out", s.dir.File("out-a"), "--name", "A2"});
  BOOST_TEST_REQUIRE(again.exit_code == 0, again.err + again.out);
  const std::string pending = s.dir.File("out-a/.pending");
  BOOST_TEST((!std::filesystem::exists(pending) || std::filesystem::is_empty(pending)));

  // Every recorded asset was delivered by one of the workers, and verifies.
  std::vector<std::string> files = DeliveredFiles(s.dir.File("out-a"));
  for (const std::string& f : DeliveredFiles(s.dir.File("out-b"))) files.push_back(f);
  BOOST_TEST(files.size() == size_t(count));
  std::vector<std::string> verify = {"--json", "verify"};
  verify.insert(verify.end(), files.begin(), files.end());
  ProcessResult v = s.Run(verify);
  BOOST_TEST(v.exit_code == 0, v.err);
  std::set<std::string> verified;
  for (const auto& d : JsonLines(v.out)) {
    if (!d.contains("file")) continue;  // the closing summary
    BOOST_TEST(d["verdict"].get<std::string>() == "VERIFIED", d.dump());
    verified.insert(d["ledger"]["asset_id"].get<std::string>());
  }
  BOOST_TEST((verified == ids));
}

BOOST_AUTO_TEST_CASE(a_task_recorded_but_not_marked_done_is_recovered_not_repeated) {
  Studio& s = TheStudio();
  const int64_t job = Submit(s, 8, 4);
  s.Must({"worker", "--out", s.dir.File("out-c")});
  BOOST_TEST(s.AssetsByTask(job).size() == 2u);
  // As if the worker of task 1 had died between its ledger commit and marking the task done.
  s.cluster.Sql("studio", "UPDATE hallmark.queue_tasks SET state = 'pending' WHERE job_id = " +
                              std::to_string(job) + " AND task = 1");
  BOOST_TEST(JobStatus(s, job)["state"].get<std::string>() == "open");
  ProcessResult r = s.Must({"--json", "worker", "--out", s.dir.File("out-d")});
  bool recovered = false;
  for (const auto& d : JsonLines(r.out)) {
    if (d.value("event", "") == "recovered") recovered = d["task"] == std::to_string(job) + "/1";
  }
  BOOST_TEST(recovered, r.out);
  BOOST_TEST(DeliveredFiles(s.dir.File("out-d")).empty());  // nothing generated again
  auto by_task = s.AssetsByTask(job);
  BOOST_TEST(by_task[std::to_string(job) + "/1"].size() == 4u);
  BOOST_TEST(JobStatus(s, job)["assets"].get<int>() == 8);
}

BOOST_AUTO_TEST_CASE(a_worker_refuses_a_model_file_that_changed) {
  Studio& s = TheStudio();
  const std::string copy = s.dir.File("copy.hmk");
  std::filesystem::copy_file(s.Model(), copy);
  ProcessResult sub = s.Must({"--json", "queue", "submit", "--model", copy, "--count", "2"});
  const int64_t job = nlohmann::json::parse(sub.out)["job"].get<int64_t>();
  {
    std::FILE* f = std::fopen(copy.c_str(), "ab");
    std::fputs("swapped", f);
    std::fclose(f);
  }
  ProcessResult r = s.Run({"worker", "--out", s.dir.File("out-e")});
  BOOST_TEST(r.exit_code == 3, r.err);
  BOOST_TEST(r.err.find("not the model job " + std::to_string(job)) != std::string::npos, r.err);
  BOOST_TEST(JobStatus(s, job)["done"].get<int>() == 0);  // released for a worker that has it
  // A queue without PostgreSQL is a usage error, one line.
  ProcessResult local = RunHallmark({"--home", s.dir.File("home"), "queue", "status"});
  BOOST_TEST(local.exit_code == 2, local.err);
  // Clean up so later runs of the queue are not blocked by this job.
  s.cluster.Sql("studio", "UPDATE hallmark.queue_tasks SET state = 'done' WHERE job_id = " +
                              std::to_string(job));
}

// The auditor's commands on the shared ledger, and a migration out of PostgreSQL and back in:
// every entry, checkpoint and signature kept, the same root on both sides.
BOOST_AUTO_TEST_CASE(audit_commands_and_migration_work_on_postgres) {
  Studio& s = TheStudio();
  const int64_t job = Submit(s, 4, 4);
  s.Must({"worker", "--out", s.dir.File("out-f")});
  const std::string asset = s.AssetsByTask(job).begin()->second.at(0).id;
  s.Must({"audit", "prove", asset, "--out", s.dir.File("receipt.json")});
  nlohmann::json log = nlohmann::json::parse(s.Must({"--json", "audit", "verify-log"}).out);
  BOOST_TEST(log["verdict"].get<std::string>() == "intact");
  s.Must({"audit", "report", "--policy", std::string(HALLMARK_POLICY_DIR) + "/commercial.toml",
          "--format", "json", "--out", s.dir.File("report.json")});
  BOOST_TEST(std::filesystem::file_size(s.dir.File("report.json")) > 0u);

  const std::string file = s.dir.File("copy.sqlite");
  nlohmann::json out = nlohmann::json::parse(
      s.Must({"--json", "ledger", "migrate", "--from", s.url, "--to", file}).out);
  BOOST_TEST(out["root"] == log["root"]);
  BOOST_TEST(out["tree_size"] == log["tree_size"]);
  BOOST_TEST(out["home_key_matches"].get<bool>());
  nlohmann::json copy =
      nlohmann::json::parse(RunHallmark({"--json", "audit", "verify-log", "--ledger", file}).out);
  BOOST_TEST(copy["verdict"].get<std::string>() == "intact");
  BOOST_TEST(copy["root"] == log["root"]);
  // Never over an existing file, never into a database that already holds a ledger.
  BOOST_TEST(s.Run({"ledger", "migrate", "--from", s.url, "--to", file}).exit_code == 3);
  BOOST_TEST(s.Run({"ledger", "migrate", "--from", file, "--to", s.url}).exit_code == 3);

  const std::string back = s.cluster.CreateDatabase("restored");
  nlohmann::json in = nlohmann::json::parse(
      s.Must({"--json", "ledger", "migrate", "--from", file, "--to", back}).out);
  BOOST_TEST(in["root"] == log["root"]);
  nlohmann::json restored =
      nlohmann::json::parse(s.Must({"--json", "--ledger", back, "audit", "verify-log"}).out);
  BOOST_TEST(restored["verdict"].get<std::string>() == "intact");
  BOOST_TEST(restored["root"] == log["root"]);
  // The restored ledger serves verify like the original.
  ProcessResult v =
      s.Run({"--json", "--ledger", back, "verify", s.dir.File("out-f/" + asset + ".png")});
  BOOST_TEST(v.exit_code == 0, v.err);
  BOOST_TEST(v.out.find("\"verdict\":\"VERIFIED\"") != std::string::npos, v.out);
}

// The auditor service on the shared ledger through a read-only role: it serves the checkpoint and
// verifies an image with an inclusion proof that the client checks against the pinned log key.
BOOST_AUTO_TEST_CASE(serve_reads_the_shared_ledger_with_a_reader_role) {
  Studio& s = TheStudio();
  const int64_t job = Submit(s, 2, 2);
  s.Must({"worker", "--out", s.dir.File("out-g")});
  const std::string asset = s.AssetsByTask(job).begin()->second.at(0).id;
  const std::string log_key =
      nlohmann::json::parse(s.Must({"--json", "audit", "log-key"}).out)["log_key"];

  int fds[2];
  BOOST_REQUIRE(::pipe(fds) == 0);
  const std::string reader = s.cluster.Url("studio", "auditor");
  pid_t server = ::fork();
  if (server == 0) {
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    for (const std::string& e : s.env) ::putenv(const_cast<char*>(e.c_str()));
    ::execl(HALLMARK_BINARY, "hallmark", "--json", "--ledger", reader.c_str(), "serve", "--listen",
            "127.0.0.1:0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  FILE* out = ::fdopen(fds[0], "r");
  char line[4096];
  int port = 0;
  while (port == 0 && std::fgets(line, sizeof line, out)) {
    auto doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_object() && doc.contains("port")) port = doc["port"].get<int>();
  }
  BOOST_REQUIRE_MESSAGE(port > 0, "hallmark serve did not start on the reader role");
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  ProcessResult v = s.Run({"--json", "verify", "--remote", base, "--log-key", log_key,
                           s.dir.File("out-g/" + asset + ".png")});
  ::kill(server, SIGTERM);
  int status = 0;
  ::waitpid(server, &status, 0);
  std::fclose(out);
  BOOST_TEST(v.exit_code == 0, v.err);
  BOOST_TEST(v.out.find("\"verdict\":\"VERIFIED\"") != std::string::npos, v.out);
  BOOST_TEST(v.out.find("\"inclusion_proof\":\"verified\"") != std::string::npos, v.out);
}
