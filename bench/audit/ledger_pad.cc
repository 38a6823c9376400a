// Pads a studio home's ledger with synthetic assets, so that verify and the auditor service can be
// measured against a ledger of the size a busy studio reaches (bench/service/run.sh does so when
// HALLMARK_BENCH_PAD is set).
//
//   ledger_pad [--home HOME] --assets N [--model ID] [--batch 1000]
//
// The assets are appended as generate appends real ones, only without images: through the home's
// Studio, in transactions of --batch, each with one checkpoint signed with the home's log key (so
// `hallmark audit verify-log` passes on the padded ledger). Payloads come from the studio's own
// PayloadAllocator: random and checked against the ledger, so a payload the studio allocates later
// cannot collide with a synthetic one, and ids are hm-<payload> like real ids, so look-ups and
// KnownPayloads treat them alike. Each asset copies the model's first recorded asset (parameters,
// signer key id, content fingerprint, payload size) so that rows and log entries have realistic
// sizes; its parameters get "seed": its number and "synthetic": "ledger_pad", which tells padding
// from delivered assets in the ledger. --home defaults as for hallmark ($HALLMARK_HOME, else
// ./.hallmark), --model to the ledger's only model.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/utf8.h"
#include "pipeline/asset_identity.h"
#include "pipeline/studio.h"
#include "watermark/mode.h"

namespace {

using namespace hallmark;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string home, model;
  uint64_t assets = 0, batch = 1000;
};

// The model's first recorded asset, or nullopt. ForEachAsset ends at the first non-OK status,
// which is how the scan stops there instead of reading the whole ledger.
Result<std::optional<audit::AssetRecord>> FirstAssetOf(audit::LedgerStore& ledger,
                                                       const std::string& model_id) {
  std::optional<audit::AssetRecord> first;
  Status scan = ledger.ForEachAsset([&](const audit::AssetRecord& a) {
    if (a.model_id != model_id) return Status::Ok();
    first = a;
    return Status::NotFound("stop");
  });
  if (!scan.ok() && !first) return scan;
  return first;
}

Result<std::string> ChooseModel(audit::LedgerStore& ledger, const std::string& wanted) {
  if (!wanted.empty()) {
    HM_ASSIGN_OR_RETURN(std::optional<audit::ModelRecord> m, ledger.FindModel(wanted));
    if (!m) return Status::NotFound(ledger.path() + ": no model " + wanted + " is recorded");
    return m->id;
  }
  HM_ASSIGN_OR_RETURN(std::vector<audit::ModelRecord> models, ledger.ListModels());
  if (models.size() != 1) {
    return Status::InvalidArgument(ledger.path() + " records " + std::to_string(models.size()) +
                                   " models: name one with --model");
  }
  return models[0].id;
}

// A synthetic asset like `like` (when the model has one), under `payload`.
audit::AssetRecord MakeAsset(const std::string& model_id,
                             const std::optional<audit::AssetRecord>& like,
                             const watermark::Payload& payload, uint64_t n) {
  audit::AssetRecord a;
  a.id = pipeline::AssetIdForPayload(payload);
  a.payload = pipeline::LedgerPayloadBytes(payload);
  a.model_id = model_id;
  nlohmann::json params = nlohmann::json::object();
  if (like) {
    params = nlohmann::json::parse(like->parameters_json, nullptr, false);
    if (!params.is_object()) params = nlohmann::json::object();
    a.signer_key_id = like->signer_key_id;
    if (like->fingerprint) {
      audit::FingerprintRecord fp = *like->fingerprint;
      fp.asset_id = a.id;
      fp.recorded_at.clear();
      fp.log_index = audit::kNoLogIndex;
      a.fingerprint = std::move(fp);
    }
  }
  params["seed"] = n;
  params["synthetic"] = "ledger_pad";
  a.parameters_json = DumpJsonReplacingInvalidUtf8(params);
  a.content_hash = Sha256Hex(ByteView("content " + a.id));
  a.manifest_hash = Sha256Hex(ByteView("manifest " + a.id));
  a.file_name = a.id + ".jpg";
  return a;
}

Status Pad(const Flags& f) {
  pipeline::StudioOptions options;
  options.home = f.home;
  options.ledger = pipeline::LedgerAccess::kWriteExisting;
  HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(options));
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(std::string model_id, ChooseModel(ledger, f.model));
  HM_ASSIGN_OR_RETURN(std::optional<audit::AssetRecord> like, FirstAssetOf(ledger, model_id));
  // The payload size of the model's assets; without one, the standard mode's (256 px and more).
  int bits = watermark::kStandardMode.data_bits;
  if (like) {
    HM_ASSIGN_OR_RETURN(watermark::Payload p, pipeline::PayloadForAssetId(like->id));
    bits = p.size();
  }
  std::fprintf(stderr, "ledger_pad: %llu assets of model %.12s, %d-bit payloads, shaped like %s\n",
               static_cast<unsigned long long>(f.assets), model_id.c_str(), bits,
               like ? like->id.c_str() : "nothing (the model has no asset yet)");

  pipeline::PayloadAllocator allocator(ledger);
  const auto t0 = Clock::now();
  for (uint64_t i = 0; i < f.assets; i += f.batch) {
    std::vector<audit::AssetRecord> batch;
    for (uint64_t n = i; n < std::min(f.assets, i + f.batch); ++n) {
      HM_ASSIGN_OR_RETURN(watermark::Payload payload, allocator.Allocate(bits));
      batch.push_back(MakeAsset(model_id, like, payload, n));
    }
    HM_RETURN_IF_ERROR(ledger.AppendAssets(std::move(batch)).status());
    if ((i / f.batch) % 20 == 0) {
      const double s = std::chrono::duration<double>(Clock::now() - t0).count();
      std::fprintf(stderr, "\r  appended %llu (%.0f assets/s)", static_cast<unsigned long long>(i),
                   double(i) / std::max(s, 1e-9));
    }
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  HM_ASSIGN_OR_RETURN(uint64_t count, ledger.CountAssets());
  HM_ASSIGN_OR_RETURN(uint64_t size, ledger.TreeSize());
  std::fprintf(stderr,
               "\nledger_pad: %.1f s; the ledger now records %llu assets, %llu log entries\n", s,
               static_cast<unsigned long long>(count), static_cast<unsigned long long>(size));
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  const char* usage = "usage: ledger_pad [--home HOME] --assets N [--model ID] [--batch B]\n";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) {
      std::fprintf(stderr, "%s", usage);
      return 2;
    }
    const char* v = argv[++i];
    if (a == "--home") {
      f.home = v;
    } else if (a == "--assets") {
      f.assets = std::strtoull(v, nullptr, 10);
    } else if (a == "--model") {
      f.model = v;
    } else if (a == "--batch") {
      f.batch = std::strtoull(v, nullptr, 10);
    } else {
      std::fprintf(stderr, "%s", usage);
      return 2;
    }
  }
  f.home = pipeline::Studio::ResolveHome(f.home);
  if (f.batch == 0) {
    std::fprintf(stderr, "%s", usage);
    return 2;
  }
  Status s = Pad(f);
  if (!s.ok()) {
    std::fprintf(stderr, "ledger_pad: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
