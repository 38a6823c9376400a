// A small demo ledger for the policy and report tests: datasets under permissive, NC, dual and
// unknown licences, three models, and assets with and without the full set of marks. Times are
// fixed so that reports over it are byte-for-byte reproducible.
#ifndef HALLMARK_TESTS_AUDIT_COMPLIANCE_DEMO_H_
#define HALLMARK_TESTS_AUDIT_COMPLIANCE_DEMO_H_

#include <stdexcept>
#include <string>
#include <vector>

#include "audit/ledger/ledger_store.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace hallmark::audit::testing {

inline std::string PoliciesDir() { return std::string(HALLMARK_TEST_DATA) + "/../../policies"; }
inline std::string PolicyPath(const std::string& name) { return PoliciesDir() + "/" + name; }

struct DemoLedger {
  std::string fashion, studio, flickr_nc, dual, mystery;  // dataset ids
  std::string model_ok, model_nc, model_unknown;          // model ids
  std::vector<std::string> marked_assets;                 // all four marks recorded
  std::vector<std::string> unmarked_assets;  // no "marks" object: fallback, iptc unknown
  std::vector<std::string> nc_assets;
};

template <typename T>
T Must(Result<T> r) {
  if (!r.ok()) throw std::runtime_error(r.status().ToString());
  return std::move(*r);
}

inline std::string DemoSha(const std::string& s) { return Sha256Hex(ByteView(s)); }

inline DatasetRecord DemoDataset(LedgerStore& store, const std::string& name,
                                 const std::string& licence, const std::string& attribution,
                                 const std::string& day) {
  DatasetRecord d;
  d.name = name;
  d.source = "https://example.org/" + name;
  d.licence = licence;
  d.attribution = attribution;
  d.recorded_at = day + "T08:00:00Z";
  std::vector<DatasetItem> items;
  for (int i = 0; i < 3; ++i) {
    items.push_back({DemoSha(name + std::to_string(i)), "img/" + std::to_string(i) + ".png",
                     uint64_t(1000 + i), 28, 28});
  }
  return Must(store.RecordDataset(d, items));
}

inline std::string DemoModel(LedgerStore& store, const std::string& name,
                             const std::vector<std::string>& datasets) {
  ModelRecord m;
  m.id = DemoSha("checkpoint " + name);
  m.architecture = "dcgan-28";
  m.hyperparameters_json = R"({"epochs":5})";
  m.dataset_ids = datasets;
  m.training_run = "demo " + name;
  m.recorded_at = "2026-11-02T09:00:00Z";
  return Must(store.RecordModel(m)).id;
}

inline AssetRecord DemoAsset(const std::string& model, uint64_t n, const std::string& marks,
                             const std::string& day) {
  AssetRecord a;
  a.id = "demo-" + std::to_string(n);
  for (int i = 0; i < 8; ++i) a.payload.push_back(static_cast<uint8_t>((n + 1) >> (8 * (7 - i))));
  a.model_id = model;
  a.parameters_json = R"({"seed":)" + std::to_string(n) + (marks.empty() ? "" : ",") + marks + "}";
  a.content_hash = DemoSha("content " + std::to_string(n));
  a.manifest_hash = DemoSha("manifest " + std::to_string(n));
  a.file_name = "demo-" + std::to_string(n) + ".png";
  a.signer_key_id = "studio-key-1";
  a.created_at = day + "T10:" + (n % 60 < 10 ? "0" : "") + std::to_string(n % 60) + ":00Z";
  return a;
}

inline constexpr char kAllMarks[] =
    R"("marks":{"manifest":true,"watermark":true,"iptc":true,"tc260":true})";

inline DemoLedger BuildDemoLedger(LedgerStore& store) {
  DemoLedger d;
  d.fashion =
      DemoDataset(store, "fashion-mnist", "MIT",
                  "Fashion-MNIST, Zalando Research (Xiao, Rasul, Vollgraf 2017)", "2026-11-01")
          .id;
  d.studio = DemoDataset(store, "studio-photos", "CC0-1.0", "", "2026-11-01").id;
  d.flickr_nc =
      DemoDataset(store, "flickr-nc", "CC-BY-NC-4.0", "Flickr contributors", "2026-11-01").id;
  d.dual = DemoDataset(store, "dual-licensed", "CC-BY-NC-4.0 OR CC-BY-4.0",
                       "Dual Corp photographers", "2026-11-01")
               .id;
  d.mystery = DemoDataset(store, "scraped", "NOASSERTION", "", "2026-11-01").id;
  d.model_ok = DemoModel(store, "ok", {d.fashion, d.studio, d.dual});
  d.model_nc = DemoModel(store, "nc", {d.fashion, d.flickr_nc});
  d.model_unknown = DemoModel(store, "unknown", {d.mystery});
  std::vector<AssetRecord> batch;
  uint64_t n = 0;
  for (int i = 0; i < 6; ++i, ++n) {
    batch.push_back(DemoAsset(d.model_ok, n, kAllMarks, i < 3 ? "2026-11-03" : "2026-11-05"));
    d.marked_assets.push_back(batch.back().id);
  }
  for (int i = 0; i < 2; ++i, ++n) {
    batch.push_back(DemoAsset(d.model_ok, n, "", "2026-11-05"));
    d.unmarked_assets.push_back(batch.back().id);
  }
  for (int i = 0; i < 3; ++i, ++n) {
    batch.push_back(DemoAsset(d.model_nc, n, kAllMarks, "2026-11-04"));
    d.nc_assets.push_back(batch.back().id);
  }
  batch.push_back(DemoAsset(d.model_unknown, n++, kAllMarks, "2026-11-06"));
  Must(store.AppendAssets(batch));
  return d;
}

}  // namespace hallmark::audit::testing

#endif  // HALLMARK_TESTS_AUDIT_COMPLIANCE_DEMO_H_
