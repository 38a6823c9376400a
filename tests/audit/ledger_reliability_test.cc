// Fault behaviour of the ledger with real processes: writers killed with SIGKILL mid-append,
// concurrent writers, a full disk, a locked or read-only database, corrupted files, and tampering
// done in SQL, checked through the hallmark CLI; on PostgreSQL also a server restart mid-batch.
#define BOOST_TEST_MODULE audit_ledger_reliability
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "audit/ledger/log_verifier.h"
#include "tests/audit/ledger_test_util.h"

using namespace hallmark;
using namespace hallmark::audit;
using namespace hallmark::audit::testing;

namespace {

struct Child {
  pid_t pid = -1;
  int out_fd = -1;
  int err_fd = -1;
};

// Starts argv[0] with stdout and stderr on pipes; `fsize_limit` > 0 sets RLIMIT_FSIZE.
Child Spawn(const std::vector<std::string>& args, rlim_t fsize_limit = 0) {
  int out[2], err[2];
  BOOST_TEST_REQUIRE(pipe(out) == 0);
  BOOST_TEST_REQUIRE(pipe(err) == 0);
  Child c;
  c.pid = fork();
  if (c.pid == 0) {
    dup2(out[1], 1);
    dup2(err[1], 2);
    close(out[0]);
    close(err[0]);
    if (fsize_limit > 0) {
      struct rlimit rl {
        fsize_limit, fsize_limit
      };
      setrlimit(RLIMIT_FSIZE, &rl);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err[1]);
  c.out_fd = out[0];
  c.err_fd = err[0];
  return c;
}

std::string ReadAll(int fd) {
  std::string s;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  close(fd);
  return s;
}

struct Finished {
  int status = 0;
  std::string out, err;
  int exit_code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
};

Finished Wait(Child c) {
  Finished f;
  // Drain stderr in a thread so neither pipe can fill and block the child.
  std::thread t([&] { f.err = ReadAll(c.err_fd); });
  f.out = ReadAll(c.out_fd);
  t.join();
  waitpid(c.pid, &f.status, 0);
  return f;
}

Finished Run(const std::vector<std::string>& args, rlim_t fsize_limit = 0) {
  return Wait(Spawn(args, fsize_limit));
}

const std::string kDriver = LEDGER_DRIVER;
const std::string kHallmark = HALLMARK_BINARY;

// The driver and the hallmark CLI find a PostgreSQL ledger through $HALLMARK_LEDGER, which the
// children inherit; on SQLite they use the home's file.
void UseLedgerOf(const TempHome& home) {
  if (OnPostgres()) {
    ::setenv("HALLMARK_LEDGER", home.url().c_str(), 1);
  } else {
    ::unsetenv("HALLMARK_LEDGER");
  }
}

std::string Init(const TempHome& home) {
  UseLedgerOf(home);
  Finished f = Run({kDriver, "init", home.path()});
  BOOST_TEST_REQUIRE(f.exit_code() == 0, f.err);
  std::string model = f.out;
  while (!model.empty() && model.back() == '\n') model.pop_back();
  return model;
}

// Acked asset numbers from the driver's "acked A B" lines.
std::vector<uint64_t> Acked(const std::string& out) {
  std::vector<uint64_t> ids;
  std::istringstream in(out);
  std::string word;
  unsigned long long a, b;
  std::string line;
  while (std::getline(in, line)) {
    if (std::sscanf(line.c_str(), "acked %llu %llu", &a, &b) == 2) {
      for (auto i = a; i <= b; ++i) ids.push_back(i);
    }
  }
  return ids;
}

void ExpectConsistent(const TempHome& home, const std::string& when) {
  auto store = OpenLedger(Options(home));
  BOOST_TEST_REQUIRE(store.ok(), when << ": " << store.status().ToString());
  BOOST_TEST((*store)->CheckIntegrity().ok(), when);
  auto v = VerifyLog(**store, {});
  BOOST_TEST_REQUIRE(v.ok(), when);
  std::string problems;
  for (const auto& p : v->problems) problems += p + "\n";
  BOOST_TEST(v->intact(), when << ":\n" << problems);
  auto latest = *(*store)->LatestCheckpoint();
  BOOST_TEST_REQUIRE(latest.has_value());
  BOOST_TEST(latest->size == v->tree_size, when << ": latest checkpoint does not cover the log");
}

}  // namespace

BOOST_AUTO_TEST_CASE(kill_9_during_appends_loses_no_acknowledged_record) {
  TempHome home;
  std::string model = Init(home);
  std::mt19937 rng(12345);
  std::set<uint64_t> acked_all;
  // Kills land 30-150 ms after the start. On a loaded machine (sanitizers, both cores busy) a
  // driver may not have acknowledged anything by then in all 20 trials; further trials then wait
  // ten times longer, so the test always kills writers that have acknowledged records.
  for (int trial = 0; trial < 20 || (acked_all.empty() && trial < 40); ++trial) {
    uint64_t first = uint64_t(trial) * 1000000;
    Child c = Spawn({kDriver, "append", home.path(), model, std::to_string(first), "100000", "7"});
    const int delay_ms = int(30 + rng() % 120) * (trial < 20 ? 1 : 10);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(c.pid, SIGKILL);
    Finished f = Wait(c);
    BOOST_TEST(WIFSIGNALED(f.status), "trial " << trial << " finished before the kill");
    for (uint64_t id : Acked(f.out)) acked_all.insert(id);

    auto store = OpenLedger(Options(home));
    BOOST_TEST_REQUIRE(store.ok(), store.status().ToString());
    for (uint64_t id : Acked(f.out)) {
      BOOST_TEST_REQUIRE((*store)->FindAsset("asset-" + std::to_string(id))->has_value(),
                         "trial " << trial << ": acknowledged asset " << id << " was lost");
    }
  }
  BOOST_TEST_MESSAGE("acknowledged before the kills: " << acked_all.size() << " assets");
  BOOST_TEST(acked_all.size() > 0u);
  auto store = *OpenLedger(Options(home));
  BOOST_TEST(*store->CountAssets() >= acked_all.size());
  ExpectConsistent(home, "after the kills");
}

BOOST_AUTO_TEST_CASE(four_concurrent_writers_lose_nothing) {
  TempHome home;
  std::string model = Init(home);
  std::vector<Child> children;
  for (int w = 0; w < 4; ++w) {
    children.push_back(Spawn({kDriver, "append", home.path(), model,
                              std::to_string(uint64_t(w + 1) * 1000000), "150", "3"}));
  }
  for (int w = 0; w < 4; ++w) {
    Finished f = Wait(children[w]);
    BOOST_TEST(f.exit_code() == 0, "writer " << w << ": " << f.err);
    BOOST_TEST(f.err.find("locked") == std::string::npos, f.err);
    BOOST_TEST(f.err.find("busy") == std::string::npos, f.err);
    BOOST_TEST(Acked(f.out).size() == 150u);
  }
  auto store = *OpenLedger(Options(home));
  BOOST_TEST(*store->CountAssets() == 600u);
  ExpectConsistent(home, "after 4 concurrent writers");
}

BOOST_AUTO_TEST_CASE(disk_full_is_a_clear_error_and_the_next_run_recovers,
                     *boost::unit_test::label("sqlite")) {
  ::unsetenv("HALLMARK_LEDGER");
  TempHome home;
  std::string model;
  int64_t pages = 0;
  {
    auto store = *OpenLedger(Options(home));
    model = Populate(*store, 20, 10);
  }
  RawSql(home.ledger(), "PRAGMA wal_checkpoint(TRUNCATE)");
  {
    LedgerOptions o = Options(home);
    sqlite3* db = nullptr;
    sqlite3_open(home.ledger().c_str(), &db);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &st, nullptr);
    sqlite3_step(st);
    pages = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    o.max_page_count = pages + 3;
    auto store = *OpenLedger(o);
    Status failure;
    for (uint64_t i = 100; i < 2000 && failure.ok(); i += 50) {
      std::vector<AssetRecord> batch;
      for (uint64_t j = i; j < i + 50; ++j) batch.push_back(MakeAsset(model, j));
      failure = store->AppendAssets(batch).status();
    }
    BOOST_TEST_REQUIRE(!failure.ok(), "the page cap was never reached");
    BOOST_TEST((failure.code() == StatusCode::kIoError), failure.ToString());
    BOOST_TEST(failure.message().find("disk full") != std::string::npos, failure.message());
  }
  // A real file-size limit (RLIMIT_FSIZE) on a separate writer process: EFBIG, not SIGXFSZ.
  Finished f = Run({kDriver, "append", home.path(), model, "500000", "4000", "500"},
                   static_cast<rlim_t>(pages + 8) * 4096);
  BOOST_TEST(f.exit_code() == 3, "exit " << f.exit_code() << " " << f.err);
  BOOST_TEST(f.err.find(home.ledger()) != std::string::npos, f.err);
  ExpectConsistent(home, "after disk full");
  Finished again = Run({kDriver, "append", home.path(), model, "900000", "20", "10"});
  BOOST_TEST(again.exit_code() == 0, again.err);
  ExpectConsistent(home, "after recovery");
}

BOOST_AUTO_TEST_CASE(locked_database_reports_busy_then_recovers,
                     *boost::unit_test::label("sqlite")) {
  ::unsetenv("HALLMARK_LEDGER");
  TempHome home;
  std::string model;
  {
    auto store = *OpenLedger(Options(home));
    model = Populate(*store, 2, 2);
  }
  sqlite3* holder = nullptr;
  sqlite3_open(home.ledger().c_str(), &holder);
  BOOST_TEST_REQUIRE(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) ==
                     SQLITE_OK);
  LedgerOptions o = Options(home);
  o.busy_timeout_ms = 200;
  o.quick_check = false;
  auto store = *OpenLedger(o);
  auto r = store->AppendAssets({MakeAsset(model, 77)});
  BOOST_TEST((r.status().code() == StatusCode::kBusy), r.status().ToString());
  BOOST_TEST(r.status().message().rfind("ledger is busy: ", 0) == 0u, r.status().message());
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  BOOST_TEST(store->AppendAssets({MakeAsset(model, 77)}).ok());
  ExpectConsistent(home, "after the lock was released");
}

BOOST_AUTO_TEST_CASE(read_only_and_corrupted_files_fail_cleanly,
                     *boost::unit_test::label("sqlite")) {
  ::unsetenv("HALLMARK_LEDGER");
  TempHome home;
  {
    auto store = *OpenLedger(Options(home));
    Populate(*store, 5, 5);
  }
  RawSql(home.ledger(), "PRAGMA wal_checkpoint(TRUNCATE)");
  std::string backup = home.path() + "/backup.sqlite";
  {
    LedgerOptions ro = Options(home);
    ro.read_only = true;
    auto store = *OpenLedger(ro);
    BOOST_TEST(store->AppendAssets({MakeAsset("m", 1)}).status().code() ==
               StatusCode::kInvalidArgument);
    BOOST_TEST(store->ExportSnapshot(backup).ok());
  }
  // A file the process may not write: chmod for ordinary users; root ignores modes, so it needs
  // the immutable attribute (skipped where chattr is not permitted).
  std::string protect =
      geteuid() != 0 ? "chmod 444 " + home.ledger() : "chattr +i " + home.ledger() + " 2>/dev/null";
  std::string unprotect =
      geteuid() != 0 ? "chmod 644 " + home.ledger() : "chattr -i " + home.ledger() + " 2>/dev/null";
  if (std::system(protect.c_str()) == 0) {
    Finished denied =
        Run({kDriver, "append", home.path(), HexSha("checkpoint 0"), "700", "5", "5"});
    BOOST_TEST(denied.exit_code() == 3, denied.err);
    BOOST_TEST(denied.err.find(home.ledger()) != std::string::npos, denied.err);
    BOOST_TEST(std::count(denied.err.begin(), denied.err.end(), '\n') == 1, denied.err);
    BOOST_TEST(std::system(unprotect.c_str()) == 0);
    ExpectConsistent(home, "after a read-only file");
    Finished allowed =
        Run({kDriver, "append", home.path(), HexSha("checkpoint 0"), "700", "5", "5"});
    BOOST_TEST(allowed.exit_code() == 0, allowed.err);
    RawSql(home.ledger(), "PRAGMA wal_checkpoint(TRUNCATE)");
  } else {
    BOOST_TEST_MESSAGE(
        "cannot make the ledger file read-only here (no chattr permission); skipped");
  }

  // A page in the middle overwritten: quick_check on open refuses, naming the file.
  std::string middle = home.path() + "/middle.sqlite";
  std::filesystem::copy_file(backup, middle);
  {
    std::fstream f(middle, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 * 3 + 200);
    std::string junk(3000, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  LedgerOptions foreign;
  foreign.foreign_file = middle;
  auto bad = OpenLedger(foreign);
  BOOST_TEST(!bad.ok());
  BOOST_TEST(bad.status().message().find(middle) != std::string::npos, bad.status().message());

  // The header overwritten: one line from the CLI, exit 3, no crash.
  {
    std::fstream f(home.ledger(), std::ios::in | std::ios::out | std::ios::binary);
    f.write("this is not sqlite", 18);
  }
  Finished cli = Run({kHallmark, "--home", home.path(), "audit", "verify-log"});
  BOOST_TEST(cli.exit_code() == 3, cli.err);
  BOOST_TEST(cli.err.find("corrupt") != std::string::npos, cli.err);
  BOOST_TEST(std::count(cli.err.begin(), cli.err.end(), '\n') == 1);
  // Nothing recorded is lost: the snapshot taken before still verifies.
  Finished ok = Run({kHallmark, "audit", "verify-log", "--ledger", backup});
  BOOST_TEST(ok.exit_code() == 0, ok.out << ok.err);
}

// Tampering done directly in SQL, with the database's own shell: sqlite3 on the file, psql as the
// PostgreSQL superuser (who can drop the append-only triggers).
BOOST_AUTO_TEST_CASE(cli_verify_log_names_a_row_altered_in_sql) {
  // The setup script installs the sqlite3 shell; a missing one is a failure, not a skip.
  BOOST_REQUIRE_MESSAGE(std::system("sqlite3 -version >/dev/null 2>&1") == 0,
                        "the sqlite3 shell is missing (scripts/setup.sh installs it)");
  TempHome home;
  std::string model = Init(home);
  BOOST_TEST_REQUIRE(Run({kDriver, "append", home.path(), model, "0", "30", "10"}).exit_code() ==
                     0);
  std::string cp = home.path() + "/kept-checkpoint.txt";
  BOOST_TEST_REQUIRE(
      Run({kHallmark, "--home", home.path(), "audit", "checkpoint", "--out", cp}).exit_code() == 0);
  Finished good =
      Run({kHallmark, "--home", home.path(), "--json", "audit", "verify-log", "--since", cp});
  BOOST_TEST(good.exit_code() == 0, good.out << good.err);
  BOOST_TEST(good.out.find("\"since_proven\":true") != std::string::npos, good.out);

  Finished receipt = Run({kHallmark, "--home", home.path(), "audit", "prove", "asset-12", "--out",
                          home.path() + "/r.json"});
  BOOST_TEST(receipt.exit_code() == 0, receipt.err);

  if (OnPostgres()) {
    Cluster().Sql(home.database(),
                  "DROP TRIGGER assets_no_update ON hallmark.assets; UPDATE hallmark.assets SET "
                  "file_name = 'other.png' WHERE id = 'asset-17'");
  } else {
    std::string sql = "sqlite3 " + home.ledger() +
                      " \"DROP TRIGGER assets_no_update; UPDATE assets SET model_id = model_id, "
                      "file_name = 'other.png' WHERE id = 'asset-17';\"";
    BOOST_TEST_REQUIRE(std::system(sql.c_str()) == 0);
  }
  Finished bad = Run({kHallmark, "--home", home.path(), "audit", "verify-log"});
  BOOST_TEST(bad.exit_code() == 1, bad.out << bad.err);
  BOOST_TEST(bad.out.find("asset asset-17") != std::string::npos, bad.out);
  BOOST_TEST(bad.out.find("tampered") != std::string::npos, bad.out);
}

// A server restart while a writer appends batches: each batch is in the ledger whole or not at
// all, every acknowledged one is there, and the writer reports the failure in one line.
BOOST_AUTO_TEST_CASE(server_restart_during_a_batch_commits_it_whole_or_not_at_all,
                     *boost::unit_test::label("postgres")) {
  TempHome home;
  std::string model = Init(home);
  const uint64_t batch = 400;
  Child writer = Spawn({kDriver, "append", home.path(), model, "0", "400000", "400"});
  // Restart once the writer has committed some batches and is in the middle of others.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Cluster().Restart();
  Finished f = Wait(writer);
  BOOST_TEST(f.exit_code() == 3, "exit " << f.exit_code() << ": " << f.err);
  BOOST_TEST(std::count(f.err.begin(), f.err.end(), '\n') == 1, f.err);
  BOOST_TEST(f.err.find("connection") != std::string::npos, f.err);
  std::vector<uint64_t> acked = Acked(f.out);
  BOOST_TEST_MESSAGE("acknowledged before the restart: " << acked.size() << " assets");
  BOOST_TEST_REQUIRE(!acked.empty());

  auto store = *OpenLedger(Options(home));
  uint64_t count = *store->CountAssets();
  BOOST_TEST(count % batch == 0u, count << " assets: a batch was split");
  BOOST_TEST(count >= acked.size());
  // At most the batch whose commit the restart cut off: its outcome was unknown to the writer.
  BOOST_TEST(count <= acked.size() + batch);
  for (uint64_t id : acked) {
    BOOST_TEST_REQUIRE(store->FindAsset("asset-" + std::to_string(id))->has_value(),
                       "acknowledged asset " << id << " was lost");
  }
  ExpectConsistent(home, "after the restart");
  // The next writer carries on.
  Finished again = Run({kDriver, "append", home.path(), model, "900000", "20", "10"});
  BOOST_TEST(again.exit_code() == 0, again.err);
  ExpectConsistent(home, "after the writer carried on");
}

// A server that is not there: one line naming the ledger (without its password), exit 3, no hang.
BOOST_AUTO_TEST_CASE(unreachable_server_is_one_clear_line, *boost::unit_test::label("postgres")) {
  TempHome home;
  const std::string url = "postgresql://writer:s3cret@127.0.0.1:1/ledger";
  ::setenv("HALLMARK_LEDGER", url.c_str(), 1);
  Finished f = Run({kHallmark, "--home", home.path(), "audit", "verify-log"});
  BOOST_TEST(f.exit_code() == 3, "exit " << f.exit_code() << ": " << f.err);
  BOOST_TEST(std::count(f.err.begin(), f.err.end(), '\n') == 1, f.err);
  BOOST_TEST(f.err.find("127.0.0.1:1") != std::string::npos, f.err);
  BOOST_TEST(f.err.find("s3cret") == std::string::npos, f.err);
  Finished flag =
      Run({kHallmark, "--home", home.path(), "--ledger", "/not/a/url", "audit", "verify-log"});
  ::unsetenv("HALLMARK_LEDGER");
  BOOST_TEST(flag.exit_code() != 0);
}
