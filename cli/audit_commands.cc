// dataset add|list|show and audit prove|verify-log|export|checkpoint: argument parsing only; the
// work is in the audit library.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "audit/checkpoint.h"
#include "audit/dataset_scanner.h"
#include "audit/ledger_store.h"
#include "audit/log_verifier.h"
#include "audit/receipt.h"
#include "audit/spdx_expression.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/progress.h"
#include "cli/commands.h"

namespace hallmark::cli {
namespace {

using audit::LedgerStore;

std::string Origin() {
  const char* env = std::getenv("HALLMARK_LEDGER_ORIGIN");
  return env && *env ? env : audit::kDefaultOrigin;
}

// Read commands open the home ledger read-only, or a foreign file given with --ledger.
Result<std::unique_ptr<LedgerStore>> OpenForReading(const Context& ctx, const std::string& file) {
  audit::LedgerOptions o;
  o.home = ctx.Home();
  o.foreign_file = file;
  o.read_only = true;
  o.origin = Origin();
  return audit::OpenLedger(o);
}

Result<std::unique_ptr<LedgerStore>> OpenForWriting(const Context& ctx) {
  HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
  audit::LedgerOptions o;
  o.home = home;
  o.origin = Origin();
  return audit::OpenLedger(o);
}

nlohmann::json DatasetJson(const audit::DatasetRecord& d) {
  return {{"id", d.id},
          {"name", d.name},
          {"source", d.source},
          {"licence", d.licence},
          {"attribution", d.attribution},
          {"item_count", d.item_count},
          {"items_root", d.items_root},
          {"recorded_at", d.recorded_at},
          {"log_index", d.log_index}};
}

void RegisterDataset(CLI::App& app, Context& ctx) {
  CLI::App* dataset = app.add_subcommand("dataset", "Record training datasets and their licences");
  dataset->require_subcommand(1);

  struct AddArgs {
    std::string dir, name, licence, source, attribution;
  };
  auto add_args = std::make_shared<AddArgs>();
  CLI::App* add = dataset->add_subcommand("add", "Hash every image in DIR and record the dataset");
  add->add_option("DIR", add_args->dir, "Folder of images")->required();
  add->add_option("--name", add_args->name, "Unique dataset name")->required();
  add->add_option("--licence,--license", add_args->licence, "SPDX licence expression")->required();
  add->add_option("--source", add_args->source, "Where the data came from (URL)")->required();
  add->add_option("--attribution", add_args->attribution, "Credit line required by the licence");
  add->callback([&ctx, add_args]() {
    ctx.SetAction([&ctx, add_args]() -> Result<int> {
      const AddArgs& a = *add_args;
      // Check the licence before hashing anything: a typo should fail in milliseconds.
      HM_ASSIGN_OR_RETURN(audit::SpdxNode licence, audit::ParseSpdxExpression(a.licence));
      HM_ASSIGN_OR_RETURN(std::vector<std::string> files, audit::ListDatasetFiles(a.dir));
      ProgressBar bar("hashing " + a.name, files.size(), "files", !ctx.quiet && !ctx.json);
      audit::ScanOptions scan;
      scan.progress = [&bar](uint64_t done, uint64_t) { bar.Update(done); };
      HM_ASSIGN_OR_RETURN(std::vector<audit::DatasetItem> items, audit::ScanDataset(a.dir, scan));
      bar.Finish();
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, OpenForWriting(ctx));
      audit::DatasetRecord d;
      d.name = a.name;
      d.source = a.source;
      d.licence = audit::SpdxToString(licence);
      d.attribution = a.attribution;
      HM_ASSIGN_OR_RETURN(d, store->RecordDataset(d, items));
      // So that `train --data NAME` finds the files; the record above stands even if this fails.
      std::error_code ec;
      const std::string folder = std::filesystem::absolute(a.dir, ec).lexically_normal().string();
      Status noted =
          ec ? Status::IoError(a.dir + ": " + ec.message()) : store->SetDatasetFolder(d.id, folder);
      if (!noted.ok()) ctx.Say("warning: the dataset's folder was not noted: " + noted.message());
      uint64_t undecoded = 0;
      for (const auto& item : items) undecoded += item.width == 0;
      ctx.Say("recorded dataset " + d.name + ": " + std::to_string(d.item_count) + " items, " +
              "licence " + d.licence + ", id " + d.id + ", log entry " +
              std::to_string(d.log_index));
      if (undecoded) {
        ctx.Say("note: " + std::to_string(undecoded) +
                " files could not be decoded; recorded without dimensions");
      }
      nlohmann::json j = DatasetJson(d);
      j["undecoded_items"] = undecoded;
      ctx.EmitJson(j);
      return kExitOk;
    });
  });

  auto list_ledger = std::make_shared<std::string>();
  CLI::App* list = dataset->add_subcommand("list", "List recorded datasets");
  list->add_option("--ledger", *list_ledger, "Read this ledger file (read-only) instead");
  list->callback([&ctx, list_ledger]() {
    ctx.SetAction([&ctx, list_ledger]() -> Result<int> {
      auto opened = OpenForReading(ctx, *list_ledger);
      // A home where nothing was recorded yet simply has no datasets.
      if (!opened.ok() && opened.status().code() == StatusCode::kNotFound && list_ledger->empty()) {
        ctx.Say("no datasets recorded");
        ctx.EmitJson({{"datasets", nlohmann::json::array()}});
        return kExitOk;
      }
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, std::move(opened));
      HM_ASSIGN_OR_RETURN(std::vector<audit::DatasetRecord> all, store->ListDatasets());
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& d : all) {
        ctx.Say(d.name + "  " + std::to_string(d.item_count) + " items  " + d.licence + "  " +
                d.id.substr(0, 16));
        arr.push_back(DatasetJson(d));
      }
      if (all.empty()) ctx.Say("no datasets recorded");
      ctx.EmitJson({{"datasets", arr}});
      return kExitOk;
    });
  });

  struct ShowArgs {
    std::string which, ledger;
  };
  auto show_args = std::make_shared<ShowArgs>();
  CLI::App* show = dataset->add_subcommand("show", "Show one dataset and its items");
  show->add_option("DATASET", show_args->which, "Dataset name or id")->required();
  show->add_option("--ledger", show_args->ledger, "Read this ledger file (read-only) instead");
  show->callback([&ctx, show_args]() {
    ctx.SetAction([&ctx, show_args]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store,
                          OpenForReading(ctx, show_args->ledger));
      HM_ASSIGN_OR_RETURN(std::optional<audit::DatasetRecord> d,
                          store->FindDataset(show_args->which));
      if (!d) return Status::NotFound("dataset " + show_args->which + ": not recorded");
      HM_ASSIGN_OR_RETURN(std::vector<audit::DatasetItem> items, store->DatasetItems(d->id));
      ctx.Say("name:        " + d->name);
      ctx.Say("id:          " + d->id);
      ctx.Say("licence:     " + d->licence);
      ctx.Say("source:      " + d->source);
      ctx.Say("attribution: " + d->attribution);
      ctx.Say("recorded:    " + d->recorded_at + " (log entry " + std::to_string(d->log_index) +
              ")");
      ctx.Say("items:       " + std::to_string(d->item_count));
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : items) {
        ctx.Say("  " + item.sha256.substr(0, 16) + "  " + std::to_string(item.width) + "x" +
                std::to_string(item.height) + "  " + std::to_string(item.size) + " B  " +
                item.path);
        arr.push_back({{"sha256", item.sha256},
                       {"path", item.path},
                       {"size", item.size},
                       {"width", item.width},
                       {"height", item.height}});
      }
      nlohmann::json j = DatasetJson(*d);
      j["items"] = arr;
      ctx.EmitJson(j);
      return kExitOk;
    });
  });
}

// --since accepts a signed note, or a receipt JSON whose "checkpoint" field is one.
Result<std::string> ReadCheckpointFile(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(path, 1 << 20));
  std::string text(data.begin(), data.end());
  if (!text.empty() && text[0] == '{') {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("checkpoint") || !j["checkpoint"].is_string()) {
      return Status::BadInput(path + ": a JSON file without a \"checkpoint\" string");
    }
    return j["checkpoint"].get<std::string>();
  }
  return text;
}

void RegisterAudit(CLI::App& app, Context& ctx) {
  CLI::App* audit_cmd = app.add_subcommand("audit", "Prove, verify and export the audit ledger");
  audit_cmd->require_subcommand(1);

  struct ProveArgs {
    std::string asset, out, ledger;
  };
  auto prove_args = std::make_shared<ProveArgs>();
  CLI::App* prove =
      audit_cmd->add_subcommand("prove", "Write an inclusion receipt for an asset's ledger entry");
  prove->add_option("ASSET", prove_args->asset, "Asset id or hex watermark payload")->required();
  prove->add_option("--out", prove_args->out, "Write the receipt JSON here");
  prove->add_option("--ledger", prove_args->ledger, "Read this ledger file (read-only) instead");
  prove->callback([&ctx, prove_args]() {
    ctx.SetAction([&ctx, prove_args]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store,
                          OpenForReading(ctx, prove_args->ledger));
      HM_ASSIGN_OR_RETURN(audit::Receipt r, audit::ProveAsset(*store, prove_args->asset));
      HM_ASSIGN_OR_RETURN(auto key, audit::CheckpointVerifier::FromVerifierKey(r.log_key));
      HM_RETURN_IF_ERROR(audit::VerifyReceipt(r, key));  // never hand out a receipt that fails
      nlohmann::json j = audit::ReceiptToJson(r);
      if (!prove_args->out.empty()) {
        HM_RETURN_IF_ERROR(WriteFileAtomic(prove_args->out, ByteView(j.dump(2) + "\n")));
      }
      ctx.Say("asset " + prove_args->asset + ": log entry " + std::to_string(r.leaf_index) +
              " of " + std::to_string(r.tree_size) + ", inclusion proof of " +
              std::to_string(r.inclusion_path.size()) + " hashes verified" +
              (prove_args->out.empty() ? "" : ", receipt written to " + prove_args->out));
      if (prove_args->out.empty() && !ctx.json && !ctx.quiet) ctx.Say(j.dump(2));
      ctx.EmitJson(j);
      return kExitOk;
    });
  });

  struct VerifyArgs {
    std::string since, ledger;
  };
  auto verify_args = std::make_shared<VerifyArgs>();
  CLI::App* verify = audit_cmd->add_subcommand(
      "verify-log", "Recompute the whole log and check it against its signed checkpoints");
  verify->add_option("--since", verify_args->since,
                     "A checkpoint (note, or receipt JSON) kept earlier: prove the log only grew");
  verify->add_option("--ledger", verify_args->ledger, "Read this ledger file (read-only) instead");
  verify->callback([&ctx, verify_args]() {
    ctx.SetAction([&ctx, verify_args]() -> Result<int> {
      audit::VerifyLogOptions opts;
      if (!verify_args->since.empty()) {
        HM_ASSIGN_OR_RETURN(opts.since_checkpoint, ReadCheckpointFile(verify_args->since));
      }
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store,
                          OpenForReading(ctx, verify_args->ledger));
      // The home's own log key is the trust anchor when it exists; a foreign ledger can only be
      // checked against the key it records (trust on first use) or a --since checkpoint.
      if (verify_args->ledger.empty()) {
        std::string key_path = ctx.Home() + "/" + audit::kLogKeyFileName;
        if (::access(key_path.c_str(), R_OK) == 0) {
          HM_ASSIGN_OR_RETURN(auto signer,
                              audit::CheckpointSigner::LoadOrCreate(key_path, Origin()));
          HM_ASSIGN_OR_RETURN(auto recorded, store->LogVerifier());
          std::string name = recorded ? recorded->name() : Origin();
          opts.trusted_key = audit::CheckpointVerifier(name, signer.public_key());
        }
      }
      uint64_t total = 0;
      HM_ASSIGN_OR_RETURN(total, store->TreeSize());
      ProgressBar bar("verifying log", total, "entries", !ctx.quiet && !ctx.json);
      opts.progress = [&bar](uint64_t done, uint64_t) { bar.Update(done); };
      HM_ASSIGN_OR_RETURN(audit::LogVerification v, audit::VerifyLog(*store, opts));
      bar.Finish();
      std::string root = HexEncode(ByteView(v.root.data(), v.root.size()));
      for (const auto& p : v.problems) ctx.Say("TAMPERED: " + p);
      if (v.truncated_problems) ctx.Say("(more problems not shown)");
      std::string verdict = v.intact() ? "intact" : "tampered";
      ctx.Say("log " + verdict + ": " + std::to_string(v.tree_size) + " entries, " +
              std::to_string(v.rows_checked) + " rows, " + std::to_string(v.checkpoints_checked) +
              " signed checkpoints checked; root " + root);
      if (v.since_given) {
        ctx.Say(v.since_proven ? "consistency from size " + std::to_string(v.since_size) +
                                     ": proven (the log only grew)"
                               : "consistency from the given checkpoint: NOT proven");
      }
      ctx.EmitJson({{"verdict", verdict},
                    {"tree_size", v.tree_size},
                    {"root", root},
                    {"entries_checked", v.entries_checked},
                    {"rows_checked", v.rows_checked},
                    {"nodes_checked", v.nodes_checked},
                    {"checkpoints_checked", v.checkpoints_checked},
                    {"since_given", v.since_given},
                    {"since_size", v.since_size},
                    {"since_proven", v.since_proven},
                    {"problems", v.problems},
                    {"checkpoint", v.latest_checkpoint}});
      return v.intact() ? kExitOk : kExitNegative;
    });
  });

  struct ExportArgs {
    std::string out, ledger;
  };
  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* exp = audit_cmd->add_subcommand(
      "export", "Write a consistent snapshot of the ledger to a new file (VACUUM INTO)");
  exp->add_option("OUT", export_args->out, "New .sqlite file")->required();
  exp->add_option("--ledger", export_args->ledger, "Export this ledger file instead");
  exp->callback([&ctx, export_args]() {
    ctx.SetAction([&ctx, export_args]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store,
                          OpenForReading(ctx, export_args->ledger));
      HM_RETURN_IF_ERROR(store->ExportSnapshot(export_args->out));
      HM_ASSIGN_OR_RETURN(uint64_t size, store->TreeSize());
      ctx.Say("exported " + std::to_string(size) + " log entries to " + export_args->out);
      ctx.EmitJson({{"exported", export_args->out}, {"tree_size", size}});
      return kExitOk;
    });
  });

  struct CheckpointArgs {
    std::string out, ledger;
  };
  auto cp_args = std::make_shared<CheckpointArgs>();
  CLI::App* cp = audit_cmd->add_subcommand(
      "checkpoint", "Print (or save) the latest signed checkpoint, to keep for verify-log --since");
  cp->add_option("--out", cp_args->out, "Write the signed note here");
  cp->add_option("--ledger", cp_args->ledger, "Read this ledger file (read-only) instead");
  cp->callback([&ctx, cp_args]() {
    ctx.SetAction([&ctx, cp_args]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::unique_ptr<LedgerStore> store, OpenForReading(ctx, cp_args->ledger));
      HM_ASSIGN_OR_RETURN(std::optional<audit::StoredCheckpoint> latest, store->LatestCheckpoint());
      if (!latest) return Status::NotFound(store->path() + ": the log has no checkpoint yet");
      if (!cp_args->out.empty()) {
        HM_RETURN_IF_ERROR(WriteFileAtomic(cp_args->out, ByteView(latest->note)));
      }
      if (cp_args->out.empty() && !ctx.json && !ctx.quiet) std::fputs(latest->note.c_str(), stdout);
      ctx.EmitJson({{"tree_size", latest->size}, {"checkpoint", latest->note}});
      return kExitOk;
    });
  });
}

}  // namespace

void RegisterAuditCommands(CLI::App& app, Context& ctx) {
  RegisterDataset(app, ctx);
  RegisterAudit(app, ctx);
}

}  // namespace hallmark::cli
