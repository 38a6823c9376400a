// Concurrent writers: 1, 2 and 4 processes appending assets at once in batched transactions (one
// signed checkpoint each), to a PostgreSQL ledger and, as the baseline in the same run, to the
// SQLite ledger in a home. Each writer process opens its own store, as separate machines would.
// Then verify-log over the PostgreSQL ledger, timed.
//
//   build/bench/audit/ledger_writers_bench [--per-writer 50000] [--batch 1000]
//       [--url postgresql://...]   use this server's (empty) database instead of starting one
//       [--verify-size 1000000]    after the writer runs, fill a fresh PostgreSQL ledger to this
//                                  many entries with 4 writers and time verify-log over it
//
// Without --url it starts a throw-away PostgreSQL server (initdb, default settings: fsync and
// synchronous_commit on) on a free loopback port and removes it afterwards.
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "audit/ledger/ledger_store.h"
#include "audit/ledger/log_verifier.h"
#include "base/sha256.h"
#include "bench/audit/synthetic_asset.h"
#include "tests/support/postgres_cluster.h"

using namespace hallmark;
using namespace hallmark::audit;
using Clock = std::chrono::steady_clock;

namespace {

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

AssetRecord MakeAsset(const std::string& model, uint64_t n) {
  return bench::SyntheticAsset(model, n);
}

LedgerOptions Options(const std::string& home, const std::string& url) {
  LedgerOptions o;
  o.home = home;
  o.url = url;
  o.quick_check = false;
  o.busy_timeout_ms = 600000;  // writers queue for the lock; none may give up in the benchmark
  return o;
}

// Records the dataset and model the assets refer to; returns the model id.
std::string Prepare(const LedgerOptions& options) {
  auto store = OpenLedger(options);
  Check(store.status(), "open");
  DatasetRecord d;
  d.name = "bench";
  d.source = "synthetic";
  d.licence = "CC0-1.0";
  std::vector<DatasetItem> items = {{Sha256Hex(ByteView("item")), "a.png", 1, 1, 1}};
  Check((*store)->RecordDataset(d, items).status(), "dataset");
  ModelRecord m;
  m.id = Sha256Hex(ByteView("bench model"));
  m.architecture = "dcgan";
  m.dataset_ids = {(*(*store)->ListDatasets())[0].id};
  Check((*store)->RecordModel(m).status(), "model");
  return m.id;
}

// `writers` processes append `per_writer` assets each; returns appends per second overall.
double RunWriters(const LedgerOptions& options, const std::string& model, int writers,
                  uint64_t per_writer, uint64_t batch, uint64_t first) {
  auto t0 = Clock::now();
  std::vector<pid_t> children;
  for (int w = 0; w < writers; ++w) {
    pid_t pid = ::fork();
    if (pid == 0) {
      auto store = OpenLedger(options);
      if (!store.ok()) _exit(2);
      uint64_t base = first + uint64_t(w) * per_writer;
      for (uint64_t i = 0; i < per_writer; i += batch) {
        std::vector<AssetRecord> assets;
        for (uint64_t j = i; j < std::min(per_writer, i + batch); ++j) {
          assets.push_back(MakeAsset(model, base + j));
        }
        auto r = (*store)->AppendAssets(std::move(assets));
        if (!r.ok()) {
          std::fprintf(stderr, "writer %d: %s\n", w, r.status().ToString().c_str());
          _exit(3);
        }
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::fprintf(stderr, "a writer failed\n");
      std::exit(1);
    }
  }
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  return double(writers) * double(per_writer) / secs;
}

std::string TempFolder() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "hallmark-writers-XXXXXX").string();
  return mkdtemp(tmpl.data());
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t per_writer = 50000, batch = 1000, verify_size = 0;
  std::string url;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--per-writer") per_writer = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--batch") batch = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--url") url = argv[i + 1];
    if (flag == "--verify-size") verify_size = std::strtoull(argv[i + 1], nullptr, 10);
  }
  std::unique_ptr<hallmark::testing::PostgresCluster> cluster;
  if (url.empty()) cluster = std::make_unique<hallmark::testing::PostgresCluster>();
  std::printf("ledger_writers_bench: %llu assets per writer, batches of %llu, %ld cores\n",
              static_cast<unsigned long long>(per_writer), static_cast<unsigned long long>(batch),
              ::sysconf(_SC_NPROCESSORS_ONLN));
  std::printf("%-8s %14s %14s %8s\n", "writers", "sqlite/s", "postgres/s", "pg/sqlite");
  int round = 0;
  for (int writers : {1, 2, 4}) {
    std::string home = TempFolder();
    LedgerOptions sqlite = Options(home, "");
    std::string model = Prepare(sqlite);
    double sqlite_rate = RunWriters(sqlite, model, writers, per_writer, batch, 0);

    std::string pg_url = url;
    if (cluster) pg_url = cluster->CreateDatabase("writers_" + std::to_string(++round));
    LedgerOptions pg = Options(home, pg_url);  // the same log key
    Prepare(pg);
    double pg_rate = RunWriters(pg, model, writers, per_writer, batch, 0);
    std::printf("%-8d %14.0f %14.0f %8.2f\n", writers, sqlite_rate, pg_rate, pg_rate / sqlite_rate);
    std::fflush(stdout);
    std::filesystem::remove_all(home);
    if (!url.empty()) break;  // one database given: one run
  }
  if (verify_size > 0 && cluster) {
    std::string home = TempFolder();
    LedgerOptions pg = Options(home, cluster->CreateDatabase("verify"));
    std::string model = Prepare(pg);
    double fill = RunWriters(pg, model, 4, verify_size / 4, batch, 0);
    auto store = OpenLedger(pg);
    Check(store.status(), "open");
    auto t0 = Clock::now();
    auto v = VerifyLog(**store, {});
    Check(v.status(), "verify-log");
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::printf("verify-log on PostgreSQL: %llu entries in %.1f s (%s); filled at %.0f appends/s\n",
                static_cast<unsigned long long>(v->tree_size), secs,
                v->intact() ? "intact" : "TAMPERED", fill);
    std::filesystem::remove_all(home);
  }
  return 0;
}
