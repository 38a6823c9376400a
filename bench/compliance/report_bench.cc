// Compliance report benchmark: builds a ledger of N assets through the LedgerStore API (batched
// transactions), then times the report on it: the canonical JSON (scan, policy, sign) and each
// rendering. The peer is a plain SQL aggregate over the same assets table in the same file (one
// sqlite3 GROUP BY over every asset row), the floor for any report that reads every asset.
//
//   report_bench [--assets N] [--batch B] [--home DIR] [--policy FILE] [--reuse]
//
// --home keeps the ledger (and reuses it with --reuse); default is a temporary folder.
#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "audit/compliance/compliance_report.h"
#include "audit/compliance/policy.h"
#include "audit/compliance/report_render.h"
#include "audit/compliance/report_signature.h"
#include "audit/ledger/ledger_store.h"
#include "base/sha256.h"

namespace {

using namespace hallmark;
using namespace hallmark::audit;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) {
    std::fprintf(stderr, "report_bench: %s: %s\n", what, r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*r);
}

std::string Hex(const std::string& s) { return Sha256Hex(ByteView(s)); }

struct DemoDataset {
  const char* name;
  const char* licence;
  const char* attribution;
};

constexpr DemoDataset kDatasets[] = {
    {"fashion-mnist", "MIT", "Fashion-MNIST, Zalando Research (Xiao, Rasul, Vollgraf 2017)"},
    {"studio-archive", "LicenseRef-Studio-Owned", ""},
    {"open-images-subset", "CC-BY-4.0", "Open Images contributors, Google LLC"},
    {"wiki-commons-sa", "CC-BY-SA-4.0", "Wikimedia Commons contributors"},
    {"flickr-nc", "CC-BY-NC-4.0", "Flickr photographers (see dataset manifest)"},
    {"public-domain-scans", "CC0-1.0 OR PDDL-1.0", ""},
};

// Ledger with 6 datasets, 4 models, `n` assets over 2026, 3 signer keys; 1 asset in 40 lacks
// the IPTC label and 1 in 200 has no marks recorded.
void Build(LedgerStore& store, uint64_t n, uint64_t batch) {
  std::vector<std::string> ds;
  for (const DemoDataset& d : kDatasets) {
    DatasetRecord r;
    r.name = d.name;
    r.source = std::string("https://example.org/datasets/") + d.name;
    r.licence = d.licence;
    r.attribution = d.attribution;
    r.recorded_at = "2026-01-02T09:00:00Z";
    std::vector<DatasetItem> items;
    for (int i = 0; i < 16; ++i) {
      items.push_back({Hex(std::string(d.name) + std::to_string(i)),
                       "img/" + std::to_string(i) + ".png", uint64_t(4000 + i), 64, 64});
    }
    ds.push_back(Must(store.RecordDataset(r, items), "record dataset").id);
  }
  const std::vector<std::vector<int>> model_data = {{0, 1}, {1, 2, 5}, {2, 3}, {0, 4}};
  std::vector<std::string> models;
  for (size_t m = 0; m < model_data.size(); ++m) {
    ModelRecord r;
    r.id = Hex("checkpoint " + std::to_string(m));
    r.architecture = m % 2 ? "vae-64" : "dcgan-64";
    r.hyperparameters_json = R"({"epochs":20})";
    for (int d : model_data[m]) r.dataset_ids.push_back(ds[d]);
    r.training_run = "bench run " + std::to_string(m);
    r.recorded_at = "2026-01-03T09:00:00Z";
    models.push_back(Must(store.RecordModel(r), "record model").id);
  }
  static const int kMonthDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < n; i += batch) {
    std::vector<AssetRecord> b;
    for (uint64_t j = i; j < std::min(n, i + batch); ++j) {
      AssetRecord a;
      a.id = "asset-" + std::to_string(j);
      for (int k = 0; k < 8; ++k) a.payload.push_back(uint8_t((j + 1) >> (8 * (7 - k))));
      // Weighted towards the first models, so the charts are not flat.
      uint64_t pick = (j * 2654435761u) % 10;
      a.model_id = models[pick < 4 ? 0 : pick < 7 ? 1 : pick < 9 ? 2 : 3];
      std::string marks =
          j % 200 == 7  ? ""
          : j % 40 == 3 ? R"(,"marks":{"manifest":true,"watermark":true,"iptc":false,"tc260":true})"
                        : R"(,"marks":{"manifest":true,"watermark":true,"iptc":true,"tc260":true})";
      a.parameters_json = R"({"seed":)" + std::to_string(j) + R"(,"steps":1)" + marks + "}";
      a.content_hash = Hex("content " + std::to_string(j));
      a.manifest_hash = Hex("manifest " + std::to_string(j));
      a.file_name = a.id + ".png";
      a.signer_key_id = "studio-key-" + std::to_string(1 + j % 3);
      // Spread over the year, growing towards December.
      uint64_t day_of_year = uint64_t(365.0 * std::sqrt(double(j) / double(n)));
      int month = 0;
      while (month < 11 && day_of_year >= uint64_t(kMonthDays[month])) {
        day_of_year -= kMonthDays[month++];
      }
      char t[32];
      std::snprintf(t, sizeof t, "2026-%02d-%02dT%02d:%02d:%02dZ", month + 1, int(day_of_year) + 1,
                    int(j % 24), int(j % 60), int(j / 60 % 60));
      a.created_at = t;
      b.push_back(std::move(a));
    }
    Must(store.AppendAssets(std::move(b)), "append assets");
    if ((i / batch) % 50 == 0) {
      std::fprintf(stderr, "\r  appended %llu (%.0f assets/s)", static_cast<unsigned long long>(i),
                   double(i) / std::max(1e-9, Seconds(t0, Clock::now())));
    }
  }
  std::fprintf(stderr, "\n");
}

// The peer: one SQL aggregate over every asset row of the same file.
double SqlPeer(const std::string& path, uint64_t* rows) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  auto t0 = Clock::now();
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db,
                     "SELECT model_id, signer_key_id, substr(created_at,1,10), count(*), "
                     "sum(instr(parameters,'\"iptc\":true') > 0) FROM assets "
                     "GROUP BY 1, 2, 3",
                     -1, &st, nullptr);
  *rows = 0;
  while (sqlite3_step(st) == SQLITE_ROW) *rows += uint64_t(sqlite3_column_int64(st, 3));
  sqlite3_finalize(st);
  double s = Seconds(t0, Clock::now());
  sqlite3_close(db);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t assets = 100000, batch = 5000;
  std::string home, policy_path = "policies/commercial.toml";
  bool reuse = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "report_bench: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--assets")
      assets = std::stoull(next());
    else if (a == "--batch")
      batch = std::stoull(next());
    else if (a == "--home")
      home = next();
    else if (a == "--policy")
      policy_path = next();
    else if (a == "--reuse")
      reuse = true;
    else {
      std::fprintf(stderr,
                   "usage: report_bench [--assets N] [--batch B] [--home DIR] [--policy FILE] "
                   "[--reuse]\n");
      return 2;
    }
  }
  bool temporary = home.empty();
  if (temporary) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "report-bench-XXXXXX").string();
    home = mkdtemp(tmpl.data());
  }
  std::filesystem::create_directories(home);
  Policy policy = Must(LoadPolicy(policy_path), "policy");
  LedgerOptions lo;
  lo.home = home;
  double build_s = 0;
  {
    auto store = Must(OpenLedger(lo), "open ledger");
    if (!reuse || Must(store->CountAssets(), "count") == 0) {
      auto t0 = Clock::now();
      Build(*store, assets, batch);
      build_s = Seconds(t0, Clock::now());
    }
  }
  lo.read_only = true;
  auto store = Must(OpenLedger(lo), "open ledger");
  uint64_t count = Must(store->CountAssets(), "count");
  auto origin = Must(store->LogVerifier(), "log key")->name();
  auto signer = Must(LoadReportSigner(home, origin), "report key");

  auto t0 = Clock::now();
  ReportOptions options;
  options.tool = "report_bench";
  nlohmann::json report = Must(BuildComplianceReport(policy, *store, options), "report");
  auto t1 = Clock::now();
  SignedReport signed_report = Must(SignReport(report, signer), "sign");
  std::string json = Must(RenderReport("json", report, signed_report), "json");
  auto t2 = Clock::now();
  std::string html = Must(RenderReport("html", report, signed_report), "html");
  auto t3 = Clock::now();
  std::string csv = Must(RenderReport("csv", report, signed_report), "csv");
  std::string md = Must(RenderReport("md", report, signed_report), "md");
  auto t4 = Clock::now();
  uint64_t peer_rows = 0;
  double peer_s = SqlPeer(home + "/" + kLedgerFileName, &peer_rows);

  double scan_s = Seconds(t0, t1), json_s = Seconds(t0, t2),
         html_s = Seconds(t0, t1) + Seconds(t2, t3);
  std::printf("assets in ledger          %llu\n", static_cast<unsigned long long>(count));
  if (build_s > 0) {
    std::printf("build ledger              %.1f s (%.0f assets/s, batches of %llu)\n", build_s,
                double(assets) / build_s, static_cast<unsigned long long>(batch));
  }
  std::printf("report: scan + policy     %.2f s\n", scan_s);
  std::printf("report: JSON, signed      %.2f s total (%zu bytes)\n", json_s, json.size());
  std::printf("report: HTML, signed      %.2f s total (%zu bytes)\n", html_s, html.size());
  std::printf("report: CSV + MD render   %.3f s\n", Seconds(t3, t4));
  std::printf("peer: SQL GROUP BY scan   %.2f s (%llu rows)\n", peer_s,
              static_cast<unsigned long long>(peer_rows));
  std::printf("ratio report JSON / peer  %.2f\n", json_s / peer_s);
  std::printf("verdict %s, assets denied %s\n",
              report["policy_results"]["verdict"].get<std::string>().c_str(),
              report["policy_results"]["assets_denied"].dump().c_str());
  if (temporary) std::filesystem::remove_all(home);
  return 0;
}
