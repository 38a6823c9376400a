// dataset add|list|show and audit prove|verify-log|backfill-fingerprints|export|checkpoint:
// argument parsing and printing only; the work is in pipeline/ (dataset_registration.h,
// log_audit.h) and the ledger.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/ledger/ledger_store.h"
#include "base/file.h"
#include "base/hex.h"
#include "base/progress.h"
#include "base/utf8.h"
#include "cli/commands.h"
#include "pipeline/dataset_registration.h"
#include "pipeline/fingerprint_backfill.h"
#include "pipeline/log_audit.h"
#include "pipeline/studio.h"

namespace hallmark::cli {
namespace {

using audit::LedgerStore;

// Read commands open the home ledger read-only, or a foreign file given with --ledger.
Result<pipeline::Studio> OpenForReading(
    const Context& ctx, const std::string& file,
    pipeline::LedgerAccess access = pipeline::LedgerAccess::kReadOnly) {
  pipeline::StudioOptions o;
  o.home = ctx.Home();
  o.ledger_file = file;
  o.ledger = access;
  return pipeline::Studio::Open(o);
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
      std::optional<ProgressBar> bar;
      pipeline::DatasetRequest request{a.dir, a.name, a.licence, a.source, a.attribution, {}};
      request.progress = [&](uint64_t done, uint64_t total) {
        if (!bar) bar.emplace("hashing " + a.name, total, "files", !ctx.quiet && !ctx.json);
        bar->Update(done);
      };
      HM_ASSIGN_OR_RETURN(pipeline::RegisteredDataset added,
                          pipeline::AddDataset(ctx.Home(), request));
      if (bar) bar->Finish();
      for (const audit::SkippedDatasetPath& s : added.skipped) {
        std::fprintf(stderr, "skipped: %s: %s\n", s.path.c_str(), s.why.c_str());
      }
      const audit::DatasetRecord& d = added.record;
      if (!added.folder_warning.empty()) {
        ctx.Say("warning: the dataset's folder was not noted: " + added.folder_warning);
      }
      const uint64_t undecoded = added.undecoded_items;
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
      // A home where nothing was recorded yet simply has no datasets.
      HM_ASSIGN_OR_RETURN(
          pipeline::Studio studio,
          OpenForReading(ctx, *list_ledger, pipeline::LedgerAccess::kReadIfPresent));
      std::vector<audit::DatasetRecord> all;
      if (studio.has_ledger()) {
        HM_ASSIGN_OR_RETURN(all, studio.ledger().ListDatasets());
      }
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
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, OpenForReading(ctx, show_args->ledger));
      LedgerStore& store = studio.ledger();
      HM_ASSIGN_OR_RETURN(std::optional<audit::DatasetRecord> d,
                          store.FindDataset(show_args->which));
      if (!d) return Status::NotFound("dataset " + show_args->which + ": not recorded");
      HM_ASSIGN_OR_RETURN(std::vector<audit::DatasetItem> items, store.DatasetItems(d->id));
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
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, OpenForReading(ctx, prove_args->ledger));
      HM_ASSIGN_OR_RETURN(audit::Receipt r, pipeline::ProveAsset(studio, prove_args->asset));
      nlohmann::json j = audit::ReceiptToJson(r);
      if (!prove_args->out.empty()) {
        HM_RETURN_IF_ERROR(
            WriteFileAtomic(prove_args->out, ByteView(DumpJsonReplacingInvalidUtf8(j, 2) + "\n")));
      }
      ctx.Say("asset " + prove_args->asset + ": log entry " + std::to_string(r.leaf_index) +
              " of " + std::to_string(r.tree_size) + ", inclusion proof of " +
              std::to_string(r.inclusion_path.size()) + " hashes verified" +
              (prove_args->out.empty() ? "" : ", receipt written to " + prove_args->out));
      if (prove_args->out.empty() && !ctx.json && !ctx.quiet)
        ctx.Say(DumpJsonReplacingInvalidUtf8(j, 2));
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
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, OpenForReading(ctx, verify_args->ledger));
      HM_ASSIGN_OR_RETURN(uint64_t total, studio.ledger().TreeSize());
      ProgressBar bar("verifying log", total, "entries", !ctx.quiet && !ctx.json);
      pipeline::LogAuditRequest request;
      request.since_file = verify_args->since;
      request.progress = [&bar](uint64_t done, uint64_t) { bar.Update(done); };
      HM_ASSIGN_OR_RETURN(audit::LogVerification v, pipeline::AuditLog(studio, request));
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

  struct BackfillArgs {
    std::vector<std::string> paths;
    bool recursive = false;
  };
  auto backfill_args = std::make_shared<BackfillArgs>();
  CLI::App* backfill = audit_cmd->add_subcommand(
      "backfill-fingerprints",
      "Record content fingerprints for assets delivered before the ledger kept them");
  backfill->add_option("PATH", backfill_args->paths, "Delivered files, or folders of them")
      ->required();
  backfill->add_flag("-r,--recursive", backfill_args->recursive, "Descend into sub-folders");
  backfill->callback([&ctx, backfill_args]() {
    ctx.SetAction([&ctx, backfill_args]() -> Result<int> {
      pipeline::BackfillRequest request;
      request.paths = backfill_args->paths;
      request.recursive = backfill_args->recursive;
      HM_ASSIGN_OR_RETURN(pipeline::BackfillSummary s,
                          pipeline::BackfillFingerprints(ctx.Home(), request));
      for (const std::string& id : s.recorded) ctx.Say("fingerprinted " + id);
      for (const std::string& f : s.failed) ctx.Say("not fingerprinted: " + f);
      for (const pipeline::SkippedPath& p : s.skipped) ctx.Say("skipped " + p.path + ": " + p.why);
      ctx.Say(std::to_string(s.recorded.size()) + " fingerprint(s) recorded, " +
              std::to_string(s.already_fingerprinted) + " asset(s) had one, " +
              std::to_string(s.unmatched.size()) + " file(s) match no delivered asset, " +
              std::to_string(s.failed.size()) + " failed");
      nlohmann::json skipped = nlohmann::json::array();
      for (const pipeline::SkippedPath& p : s.skipped)
        skipped.push_back({{"path", p.path}, {"why", p.why}});
      ctx.EmitJson({{"recorded", s.recorded},
                    {"already_fingerprinted", s.already_fingerprinted},
                    {"unmatched", s.unmatched},
                    {"failed", s.failed},
                    {"skipped", std::move(skipped)}});
      return s.failed.empty() ? kExitOk : kExitNegative;
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
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, OpenForReading(ctx, export_args->ledger));
      HM_RETURN_IF_ERROR(studio.ledger().ExportSnapshot(export_args->out));
      HM_ASSIGN_OR_RETURN(uint64_t size, studio.ledger().TreeSize());
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
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, OpenForReading(ctx, cp_args->ledger));
      HM_ASSIGN_OR_RETURN(std::optional<audit::StoredCheckpoint> latest,
                          studio.ledger().LatestCheckpoint());
      if (!latest) {
        return Status::NotFound(studio.ledger().path() + ": the log has no checkpoint yet");
      }
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
