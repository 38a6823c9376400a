// verify, generate, model register: the journeys that join every module.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "base/file.h"
#include "cli/commands.h"
#include "pipeline/asset_verifier.h"
#include "pipeline/studio.h"

namespace hallmark::cli {
namespace {

bool IsImageFile(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

// Files named on the command line, and the image files inside named folders (their whole tree
// with --recursive), in a stable order.
Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths, bool recursive) {
  std::vector<std::string> files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) return Status::NotFound(p + ": no such file or folder");
    if (!std::filesystem::is_directory(p, ec)) {
      files.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    auto visit = [&](const std::filesystem::directory_entry& e) {
      if (e.is_regular_file() && IsImageFile(e.path()) &&
          e.path().string().find("/.pending/") == std::string::npos) {
        found.push_back(e.path().string());
      }
    };
    if (recursive) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec)) visit(e);
    } else {
      for (const auto& e : std::filesystem::directory_iterator(p, ec)) visit(e);
    }
    if (ec) return Status::IoError(p + ": cannot list: " + ec.message());
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string Describe(const pipeline::AssetVerification& v) {
  std::string s = v.file + ": " + pipeline::VerdictName(v.verdict) + "\n";
  s += "  manifest:  " + v.manifest;
  if (!v.manifest_failure.empty()) s += " (" + v.manifest_failure + ")";
  if (!v.signer.empty()) s += ", signer " + v.signer;
  if (!v.signer_subject.empty()) s += " [" + v.signer_subject + "]";
  s += "\n  binding:   " + v.binding + "\n  watermark: ";
  if (!v.watermark_checked) {
    s += "not checked (no watermark key)";
  } else if (v.watermark_found) {
    char fpp[32];
    std::snprintf(fpp, sizeof fpp, "%.1e", v.watermark_false_positive);
    s += "found, payload " + v.watermark_payload + ", false-positive probability <= " + fpp;
  } else {
    s += "not found";
  }
  s += "\n  ledger:    " + v.ledger;
  if (!v.ledger_asset_id.empty()) {
    s += " " + v.ledger_asset_id + ", model " + v.ledger_model_id.substr(0, 12) +
         "…, inclusion proof " + v.ledger_proof +
         (v.ledger_content_match ? ", file hash matches the record" : "");
  }
  s += "\n  agreement: " + v.agreement + "\n  why:       " + v.reason;
  return s;
}

void AddVerify(CLI::App& app, Context& ctx) {
  struct Args {
    std::vector<std::string> paths;
    bool recursive = false;
    std::string trust, watermark_key, ledger;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "verify", "Say what can be proven about where images came from (exit 0: all verified)");
  cmd->add_option("PATH", a->paths, "Image files or folders")->required();
  cmd->add_flag("-r,--recursive", a->recursive, "Descend into sub-folders");
  cmd->add_option("--trust", a->trust, "Trust anchors folder (default: <home>/trust)");
  cmd->add_option("--watermark-key", a->watermark_key,
                  "Watermark key file (default: <home>/keys/watermark.key when present)");
  cmd->add_option("--ledger", a->ledger,
                  "A ledger file to check records against, opened read-only (default: the home's)");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandPaths(a->paths, a->recursive));
      const std::string home = ctx.Home();
      HM_ASSIGN_OR_RETURN(provenance::TrustStore trust,
                          provenance::TrustStore::LoadDirectory(a->trust.empty() ? home + "/trust"
                                                                                  : a->trust));
      std::optional<watermark::Key> key;
      const std::string key_path =
          a->watermark_key.empty() ? home + "/" + pipeline::kWatermarkKeyFile : a->watermark_key;
      struct stat st {};
      if (!a->watermark_key.empty() || ::stat(key_path.c_str(), &st) == 0) {
        HM_ASSIGN_OR_RETURN(watermark::Key k, watermark::Key::FromFile(key_path));
        key = std::move(k);
      }
      std::unique_ptr<audit::LedgerStore> ledger;
      audit::LedgerOptions lo;
      lo.read_only = true;
      if (!a->ledger.empty()) {
        lo.foreign_file = a->ledger;
      } else {
        lo.home = home;
      }
      if (!a->ledger.empty() ||
          ::stat((home + "/" + audit::kLedgerFileName).c_str(), &st) == 0) {
        HM_ASSIGN_OR_RETURN(ledger, audit::OpenLedger(lo));
      }
      pipeline::AssetVerifier verifier(trust, std::move(key), ledger.get(), ctx.max_pixels);

      std::map<std::string, int> counts;
      int unreadable = 0, unverified = 0;
      for (const std::string& f : files) {
        Result<pipeline::AssetVerification> v = verifier.VerifyFile(f);
        if (!v.ok()) {
          ++unreadable;
          std::fprintf(stderr, "hallmark: %s\n", v.status().message().c_str());
          ctx.EmitJson({{"file", f}, {"error", v.status().message()}});
          continue;
        }
        ++counts[pipeline::VerdictName(v->verdict)];
        if (!pipeline::IsVerified(v->verdict)) ++unverified;
        ctx.Say(Describe(*v));
        ctx.EmitJson(v->ToJson());
      }
      ctx.Say("\nsummary: " + std::to_string(files.size()) + " images");
      for (const char* name : {"VERIFIED", "VERIFIED_BY_WATERMARK", "TAMPERED", "UNTRUSTED_SIGNER",
                               "REVOKED", "NO_PROVENANCE"}) {
        char line[96];
        std::snprintf(line, sizeof line, "  %-22s %6d", name, counts[name]);
        ctx.Say(line);
      }
      if (unreadable) ctx.Say("  " + std::string("unreadable") + std::string(13, ' ') +
                              std::to_string(unreadable));
      if (unreadable) return kExitBadInput;
      return unverified ? kExitNegative : kExitOk;
    });
  });
}

}  // namespace

void AddGenerateCommands(CLI::App& app, Context& ctx);  // pipeline_generate_commands.cc

void RegisterPipelineCommands(CLI::App& app, Context& ctx) {
  AddVerify(app, ctx);
  AddGenerateCommands(app, ctx);
}

}  // namespace hallmark::cli
