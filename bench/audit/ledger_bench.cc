// Audit ledger benchmark: appends N assets in batched transactions (each batch one signed
// checkpoint), then measures lookups by watermark payload, inclusion proofs, a full verify-log,
// and the bytes the ledger takes per asset. The peer is plain SQLite in the same run: the same
// asset rows, indexes and durability settings (WAL, synchronous=FULL, same batches), but no
// transparency log, so the ratio is the cost of the log.
//
//   build/bench/audit/ledger_bench [--assets 1000000] [--batch 1000] [--dir /tmp]
#include <sys/stat.h>
#include <unistd.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "audit/ledger/ledger_store.h"
#include "audit/ledger/log_verifier.h"
#include "audit/ledger/merkle_proof.h"
#include "audit/ledger/receipt.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "bench/audit/synthetic_asset.h"

using namespace hallmark;
using namespace hallmark::audit;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU time of this thread: on a shared, loaded machine wall time includes waiting for a core.
double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double LoadAverage() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

AssetRecord MakeAsset(const std::string& model, uint64_t n) {
  return bench::SyntheticAsset(model, n);
}

struct Percentiles {
  double p50, p99, max;
};

Percentiles Stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v[v.size() * 99 / 100], v.back()};
}

uint64_t FileBytes(const std::string& path) {
  uint64_t total = 0;
  for (const char* suffix : {"", "-wal"}) {
    struct stat st {};
    if (::stat((path + suffix).c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
  }
  return total;
}

void Check(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

// The peer: the assets table alone, same settings, same batches.
double PlainSqliteRate(const std::string& path, const std::string& model, uint64_t n,
                       uint64_t batch) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db,
               "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
               "CREATE TABLE assets(log_index INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
               " payload BLOB NOT NULL, model_id TEXT NOT NULL, parameters TEXT NOT NULL,"
               " content_hash TEXT NOT NULL, manifest_hash TEXT NOT NULL, file_name TEXT NOT NULL,"
               " signer_key_id TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;"
               "CREATE UNIQUE INDEX assets_by_payload ON assets(payload);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO assets VALUES (?,?,?,?,?,?,?,?,?,?)", -1, &st, nullptr);
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; i += batch) {
    sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (uint64_t j = i; j < std::min(n, i + batch); ++j) {
      AssetRecord a = MakeAsset(model, j);
      sqlite3_bind_int64(st, 1, static_cast<int64_t>(j));
      sqlite3_bind_text(st, 2, a.id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_blob(st, 3, a.payload.data(), static_cast<int>(a.payload.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 4, a.model_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 5, a.parameters_json.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 6, a.content_hash.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 7, a.manifest_hash.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 8, a.file_name.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 9, a.signer_key_id.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(st, 10, "2026-11-24T05:00:00Z", -1, SQLITE_TRANSIENT);
      sqlite3_step(st);
      sqlite3_reset(st);
    }
    sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  }
  double secs = Seconds(t0, Clock::now());
  sqlite3_finalize(st);
  sqlite3_close(db);
  return double(n) / secs;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 1000000, batch = 1000;
  std::string dir = std::filesystem::temp_directory_path().string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--assets") n = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--batch") batch = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--dir") dir = argv[i + 1];
  }
  std::string tmpl = dir + "/hallmark-ledger-bench-XXXXXX";
  std::string home = mkdtemp(tmpl.data());
  std::printf("ledger_bench: %llu assets, batches of %llu, in %s\n",
              static_cast<unsigned long long>(n), static_cast<unsigned long long>(batch),
              home.c_str());

  LedgerOptions options;
  options.home = home;
  auto opened = OpenLedger(options);
  Check(opened.status(), "open");
  auto store = std::move(*opened);

  // Setup: one dataset and one model.
  std::vector<DatasetItem> items{{Sha256Hex(ByteView("item")), "a.png", 1, 1, 1}};
  DatasetRecord ds;
  ds.name = "bench";
  ds.licence = "CC0-1.0";
  auto d = store->RecordDataset(ds, items);
  Check(d.status(), "dataset");
  ModelRecord m;
  m.id = Sha256Hex(ByteView("bench model"));
  m.architecture = "dcgan-64";
  m.dataset_ids = {d->id};
  Check(store->RecordModel(m).status(), "model");

  // 1. Appends.
  std::printf("load average at start: %.1f\n", LoadAverage());
  double cpu0 = ThreadCpuSeconds();
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; i += batch) {
    std::vector<AssetRecord> b;
    b.reserve(batch);
    for (uint64_t j = i; j < std::min(n, i + batch); ++j) b.push_back(MakeAsset(m.id, j));
    Check(store->AppendAssets(std::move(b)).status(), "append");
    if ((i / batch) % 100 == 0) {
      std::fprintf(stderr, "\r  appended %llu", static_cast<unsigned long long>(i));
    }
  }
  double append_s = Seconds(t0, Clock::now());
  double append_cpu = ThreadCpuSeconds() - cpu0;
  double append_rate = double(n) / append_s;
  std::fprintf(stderr, "\n");
  std::printf("append: %.1f s wall (%.1f s CPU), %.0f assets/s, %.0f assets per CPU-second\n",
              append_s, append_cpu, append_rate, double(n) / append_cpu);

  std::string peer_path = home + "/plain.sqlite";
  double peer_rate = PlainSqliteRate(peer_path, m.id, n, batch);
  std::printf("plain sqlite3 (no log): %.0f assets/s; ledger/plain = %.2f\n", peer_rate,
              append_rate / peer_rate);

  // Size, after folding the WAL into the main file.
  sqlite3* raw = nullptr;
  sqlite3_open((home + "/ledger.sqlite").c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  sqlite3_open(peer_path.c_str(), &raw);
  sqlite3_exec(raw, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  uint64_t bytes = FileBytes(home + "/ledger.sqlite");
  uint64_t peer_bytes = FileBytes(peer_path);
  std::printf("size: %.1f MB, %.0f bytes/asset (plain sqlite3: %.0f bytes/asset)\n", bytes / 1e6,
              double(bytes) / n, double(peer_bytes) / n);

  // Reopen as a command would (quick_check included).
  store.reset();
  auto t1 = Clock::now();
  opened = OpenLedger(options);
  Check(opened.status(), "reopen");
  store = std::move(*opened);
  std::printf("open with quick_check: %.2f s\n", Seconds(t1, Clock::now()));

  // 2. Lookups by payload.
  std::mt19937_64 rng(1);
  std::vector<double> lookup_us, lookup_cpu_us;
  for (int i = 0; i < 20000; ++i) {
    AssetRecord want = MakeAsset(m.id, rng() % n);
    auto s = Clock::now();
    double c = ThreadCpuSeconds();
    auto found = store->FindAssetByPayload(want.payload);
    lookup_cpu_us.push_back((ThreadCpuSeconds() - c) * 1e6);
    lookup_us.push_back(Seconds(s, Clock::now()) * 1e6);
    if (!found.ok() || !found->has_value() || (*found)->id != want.id) {
      std::fprintf(stderr, "lookup failed for %s\n", want.id.c_str());
      return 1;
    }
  }
  Percentiles lp = Stats(lookup_us), lc = Stats(lookup_cpu_us);
  std::printf("lookup by payload: p50 %.1f us, p99 %.1f us, max %.1f us; CPU p99 %.1f us\n", lp.p50,
              lp.p99, lp.max, lc.p99);

  // 3. Receipts as 'audit prove' makes them: a snapshot, the entry, the inclusion path from
  // stored subtree hashes and the latest checkpoint; then checked as an auditor would.
  uint64_t size = *store->TreeSize();
  CheckpointVerifier key = **store->LogVerifier();
  std::vector<double> proof_us, proof_cpu_us;
  for (int i = 0; i < 2000; ++i) {
    uint64_t index = rng() % size;
    auto s = Clock::now();
    double c = ThreadCpuSeconds();
    auto receipt = ProveEntry(*store, index);
    Check(receipt.status(), "proof");
    Check(VerifyReceipt(*receipt, key), "verify");
    proof_cpu_us.push_back((ThreadCpuSeconds() - c) * 1e6);
    proof_us.push_back(Seconds(s, Clock::now()) * 1e6);
  }
  Percentiles pp = Stats(proof_us), pc = Stats(proof_cpu_us);
  std::printf("receipt (prove + verify): p50 %.1f us, p99 %.1f us; CPU p99 %.1f us\n", pp.p50,
              pp.p99, pc.p99);

  // 4. Full verify-log.
  auto t2 = Clock::now();
  double cpu2 = ThreadCpuSeconds();
  auto v = VerifyLog(*store, {});
  Check(v.status(), "verify-log");
  double verify_s = Seconds(t2, Clock::now());
  double verify_cpu = ThreadCpuSeconds() - cpu2;
  std::printf("verify-log: %.1f s wall (%.1f s CPU), %s, %llu entries, %llu checkpoints\n",
              verify_s, verify_cpu, v->intact() ? "intact" : "TAMPERED",
              static_cast<unsigned long long>(v->tree_size),
              static_cast<unsigned long long>(v->checkpoints_checked));

  std::printf("load average at end: %.1f\n", LoadAverage());
  std::printf("\n| metric | result | goal |\n|---|---|---|\n");
  std::printf("| append, batches of %llu | %.0f assets/s (%.0f per CPU-second) | >= 20000 |\n",
              static_cast<unsigned long long>(batch), append_rate, double(n) / append_cpu);
  std::printf("| plain sqlite3, same rows, no log | %.0f assets/s (ledger = %.2fx) | peer |\n",
              peer_rate, append_rate / peer_rate);
  std::printf("| lookup by payload p99 | %.1f us (CPU %.1f us) | < 1 ms |\n", lp.p99, lc.p99);
  std::printf("| inclusion receipt p99 (prove + verify) | %.1f us (CPU %.1f us) | < 5 ms |\n",
              pp.p99, pc.p99);
  std::printf("| verify-log, full | %.1f s (CPU %.1f s) | < 60 s |\n", verify_s, verify_cpu);
  std::printf("| ledger bytes per asset | %.0f (plain sqlite3 %.0f) | recorded |\n",
              double(bytes) / n, double(peer_bytes) / n);

  std::error_code ec;
  std::filesystem::remove_all(home, ec);
  return v->intact() ? 0 : 1;
}
