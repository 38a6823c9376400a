// A minimal ledger writer for the reliability tests, run as a separate process so that it can be
// killed, limited or run several times at once.
//
//   ledger_append_driver init HOME             records a dataset and a model, prints the model id
//   (the ledger is HOME's, or the PostgreSQL one $HALLMARK_LEDGER names, with HOME's log key)
//   ledger_append_driver append HOME MODEL FIRST COUNT BATCH
//       appends assets FIRST .. FIRST+COUNT-1 in transactions of BATCH and prints
//       "acked A B" (inclusive) after each commit returns, so the parent knows what is durable.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/audit/ledger_test_util.h"

using namespace hallmark;
using namespace hallmark::audit;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: ledger_append_driver init|append HOME ...\n");
    return 2;
  }
  std::string mode = argv[1];
  LedgerOptions options;
  options.home = argv[2];
  // A PostgreSQL ledger, as the hallmark CLI takes it; the home still holds the log key.
  if (const char* url = std::getenv("HALLMARK_LEDGER")) options.url = url;
  auto store = OpenLedger(options);
  if (!store.ok()) {
    std::fprintf(stderr, "error: %s\n", store.status().message().c_str());
    return 3;
  }
  if (mode == "init") {
    try {
      std::printf("%s\n", audit::testing::Populate(**store, 0).c_str());
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
      return 3;
    }
    return 0;
  }
  if (mode != "append" || argc != 7) return 2;
  std::string model = argv[3];
  uint64_t first = std::strtoull(argv[4], nullptr, 10);
  uint64_t count = std::strtoull(argv[5], nullptr, 10);
  uint64_t batch = std::strtoull(argv[6], nullptr, 10);
  for (uint64_t i = first; i < first + count; i += batch) {
    std::vector<AssetRecord> assets;
    uint64_t last = std::min(first + count, i + batch) - 1;
    for (uint64_t j = i; j <= last; ++j) assets.push_back(audit::testing::MakeAsset(model, j));
    auto r = (*store)->AppendAssets(std::move(assets));
    if (!r.ok()) {
      std::fprintf(stderr, "error: %s\n", r.status().message().c_str());
      return 3;
    }
    std::printf("acked %llu %llu\n", static_cast<unsigned long long>(i),
                static_cast<unsigned long long>(last));
    std::fflush(stdout);
  }
  return 0;
}
