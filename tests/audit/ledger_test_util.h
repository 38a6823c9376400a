// Shared helpers for the audit tests: a temporary Hallmark home (with its ledger on the backend
// under test) and a small populated ledger.
#ifndef HALLMARK_TESTS_AUDIT_LEDGER_TEST_UTIL_H_
#define HALLMARK_TESTS_AUDIT_LEDGER_TEST_UTIL_H_

#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "audit/ledger/ledger_store.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "tests/support/postgres_cluster.h"

namespace hallmark {
// Lets Boost.Test print status codes in failed comparisons.
}  // namespace hallmark

namespace hallmark::audit::testing {

// The backend the ledger tests run against. CTest runs each store test twice
// (tests/audit/CMakeLists.txt): as it is, on SQLite, and with HALLMARK_TEST_LEDGER_BACKEND=postgres
// on a throw-away PostgreSQL server. Cases that only make sense for one backend carry the label
// "sqlite" or "postgres", and each run excludes the other's label.
inline bool OnPostgres() {
  const char* env = std::getenv("HALLMARK_TEST_LEDGER_BACKEND");
  return env && std::string(env) == "postgres";
}

// One server for the whole test process, started on first use; a test that cannot start it fails.
inline hallmark::testing::PostgresCluster& Cluster() {
  static hallmark::testing::PostgresCluster cluster;
  return cluster;
}

// A temporary Hallmark home, and on PostgreSQL a fresh database for its ledger.
class TempHome {
 public:
  TempHome() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "hallmark-audit-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
    if (OnPostgres()) {
      static int databases = 0;
      database_ = "ledger_" + std::to_string(::getpid()) + "_" + std::to_string(++databases);
      url_ = Cluster().CreateDatabase(database_);
    }
  }
  ~TempHome() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string ledger() const { return path_ + "/ledger.sqlite"; }
  // The PostgreSQL ledger's URL and database; empty on SQLite.
  const std::string& url() const { return url_; }
  const std::string& database() const { return database_; }

 private:
  std::string path_;
  std::string database_;
  std::string url_;
};

inline std::string HexSha(const std::string& s) { return Sha256Hex(ByteView(s)); }

inline LedgerOptions Options(const TempHome& home) {
  LedgerOptions o;
  o.home = home.path();
  o.url = home.url();
  return o;
}

inline AssetRecord MakeAsset(const std::string& model, uint64_t n) {
  AssetRecord a;
  a.id = "asset-" + std::to_string(n);
  for (int i = 0; i < 8; ++i) a.payload.push_back(static_cast<uint8_t>(n >> (8 * (7 - i))));
  a.model_id = model;
  a.parameters_json = R"({"seed":)" + std::to_string(n) + "}";
  a.content_hash = HexSha("content " + std::to_string(n));
  a.manifest_hash = HexSha("manifest " + std::to_string(n));
  a.file_name = "img-" + std::to_string(n) + ".png";
  a.signer_key_id = "studio-key-1";
  return a;
}

// A fingerprint for asset n (the store fills asset_id, source and time when they are left empty).
inline FingerprintRecord MakeFingerprint(uint64_t n) {
  FingerprintRecord f;
  f.algorithm = "hallmark.blockmean/1";
  for (int i = 0; i < 16; ++i) f.value.push_back(static_cast<uint8_t>(n * 16 + i));
  return f;
}

// One dataset, one model and `assets` assets in batches of `batch`. Returns the model id.
inline std::string Populate(LedgerStore& store, uint64_t assets, uint64_t batch = 10,
                            uint64_t first = 0) {
  std::string model = HexSha("checkpoint " + std::to_string(first));
  DatasetRecord d;
  d.name = "faces-" + std::to_string(first);
  d.source = "https://example.org/faces";
  d.licence = "CC-BY-4.0";
  d.attribution = "Example contributors";
  std::vector<DatasetItem> items;
  for (int i = 0; i < 5; ++i) {
    items.push_back({HexSha("item " + std::to_string(i) + std::to_string(first)),
                     "img/" + std::to_string(i) + ".png", uint64_t(100 + i), 64, 64});
  }
  auto ds = store.RecordDataset(d, items);
  if (!ds.ok()) throw std::runtime_error(ds.status().ToString());
  ModelRecord m;
  m.id = model;
  m.architecture = "dcgan-64";
  m.hyperparameters_json = R"({"lr":0.0002})";
  m.dataset_ids = {ds->id};
  m.training_run = "run-1";
  auto mr = store.RecordModel(m);
  if (!mr.ok()) throw std::runtime_error(mr.status().ToString());
  for (uint64_t i = 0; i < assets; i += batch) {
    std::vector<AssetRecord> b;
    for (uint64_t j = i; j < std::min(assets, i + batch); ++j)
      b.push_back(MakeAsset(model, first + j));
    auto r = store.AppendAssets(b);
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
  }
  return model;
}

// A raw connection that bypasses Hallmark, as someone with the sqlite3 shell would.
inline void RawSql(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  std::string msg = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("raw SQL failed: " + msg);
}

// Edits the ledger behind Hallmark's back, as someone with the sqlite3 shell or psql (as the
// database superuser) would: `sqlite_sql` on SQLite, `postgres_sql` (with the ledger's schema on
// the search path) on PostgreSQL.
inline void Tamper(const TempHome& home, const std::string& sqlite_sql,
                   const std::string& postgres_sql) {
  if (OnPostgres()) {
    Cluster().Sql(home.database(), "SET search_path TO hallmark; " + postgres_sql);
  } else {
    RawSql(home.ledger(), sqlite_sql);
  }
}

// Turns a ledger of this Hallmark, with no fingerprints recorded, into one as schema 2 wrote it:
// no fingerprints table (its triggers go with it).
inline void DowngradeToSchema2(const std::string& path) {
  RawSql(path, "DROP TABLE fingerprints; PRAGMA user_version = 2");
}

}  // namespace hallmark::audit::testing

#endif  // HALLMARK_TESTS_AUDIT_LEDGER_TEST_UTIL_H_
