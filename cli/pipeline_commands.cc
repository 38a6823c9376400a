// verify (and, from pipeline_generate_commands.cc, generate and model register): the journeys
// that join every module. Parsing and printing only; the work is in pipeline/.
#include <cstdio>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "pipeline/service/remote_verify.h"
#include "pipeline/verify_session.h"

namespace hallmark::cli {
namespace {

// verify --remote: each file checked by the studio's server, its receipt checked here.
Result<int> VerifyRemote(Context& ctx, const std::string& url, const std::string& log_key,
                         const std::vector<std::string>& files, int unreadable) {
  HM_ASSIGN_OR_RETURN(pipeline::RemoteVerifier verifier,
                      pipeline::RemoteVerifier::Create(url, log_key));
  int unverified = 0;
  for (const std::string& f : files) {
    Result<pipeline::RemoteVerification> v = verifier.Verify(f);
    if (!v.ok()) {
      // The server being unreachable ends the run: every other file would fail the same way.
      if (v.status().code() == StatusCode::kIoError) return v.status();
      ++unreadable;
      std::fprintf(stderr, "hallmark: %s\n", v.status().message().c_str());
      ctx.EmitJson({{"file", f}, {"error", v.status().message()}});
      continue;
    }
    if (!v->verified) ++unverified;
    nlohmann::json j = v->record;
    j["remote"] = {{"server", url}, {"receipt_checked", v->receipt_checked}, {"ledger", v->ledger}};
    ctx.EmitJson(j);
    ctx.Say(f + ": " + j.value("verdict", "") + (v->verified ? "" : " (not verified)") +
            "\n  server:    " + url + "\n  ledger:    " + v->ledger +
            "\n  why:       " + j.value("reason", ""));
  }
  if (unreadable) return kExitBadInput;
  return unverified ? kExitNegative : kExitOk;
}

void AddVerify(CLI::App& app, Context& ctx) {
  struct Args {
    std::vector<std::string> paths;
    bool recursive = false;
    std::string trust, watermark_key, ledger;
    std::string remote, log_key;
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
  cmd->add_option("--remote", a->remote,
                  "Have a studio's server (hallmark serve) verify them; its receipts are checked "
                  "here against --log-key");
  cmd->add_option("--log-key", a->log_key,
                  "With --remote: the studio's log key to check receipts with (audit log-key)");
  cmd->callback([&ctx, a] {
    ctx.SetAction([&ctx, a]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(pipeline::ImageFileList listed,
                          pipeline::ListImageFiles(a->paths, a->recursive));
      const std::vector<std::string>& files = listed.files;
      // An entry that may hold an image but could not be listed counts as unreadable.
      int skipped = 0;
      for (const pipeline::SkippedPath& s : listed.skipped) {
        std::fprintf(stderr, "skipped: %s: %s\n", s.path.c_str(), s.why.c_str());
        if (s.missed) ++skipped;
      }
      if (!a->remote.empty()) return VerifyRemote(ctx, a->remote, a->log_key, files, skipped);
      pipeline::VerifySources sources;
      sources.trust_dir = a->trust;
      sources.watermark_key = a->watermark_key;
      sources.ledger_file = a->ledger;
      // The home's own ledger is opened without PRAGMA quick_check, which reads the whole file
      // (seconds at a million assets) for each run: verify reads only the records it uses and
      // checks each against a signed checkpoint with an inclusion proof, and SQLite reports a
      // damaged page it reads. Whole-file integrity is `audit verify-log`'s job. A --ledger
      // received from elsewhere is still checked on open, as every foreign ledger is.
      sources.quick_check = !a->ledger.empty();
      sources.max_pixels = ctx.max_pixels;
      HM_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::VerifySession> session,
                          pipeline::VerifySession::Open(ctx.Home(), sources));

      std::map<std::string, int> counts;
      int unreadable = skipped, unverified = 0;
      for (const std::string& f : files) {
        Result<pipeline::AssetVerification> v = session->Verify(f);
        if (!v.ok()) {
          ++unreadable;
          std::fprintf(stderr, "hallmark: %s\n", v.status().message().c_str());
          ctx.EmitJson({{"file", f}, {"error", v.status().message()}});
          continue;
        }
        ++counts[pipeline::VerdictName(v->verdict)];
        if (!pipeline::IsVerified(v->verdict)) ++unverified;
        ctx.Say(pipeline::DescribeVerification(*v));
        ctx.EmitJson(v->ToJson());
      }
      ctx.Say("\nsummary: " + std::to_string(files.size()) + " images");
      for (pipeline::Verdict verdict : pipeline::AllVerdicts()) {
        const char* name = pipeline::VerdictName(verdict);
        char line[96];
        std::snprintf(line, sizeof line, "  %-22s %6d", name, counts[name]);
        ctx.Say(line);
      }
      if (unreadable)
        ctx.Say("  " + std::string("unreadable") + std::string(13, ' ') +
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
