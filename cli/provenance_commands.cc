// `hallmark keys ...` and `hallmark provenance ...`: argument parsing only; the work is in
// provenance/ (KeyStore, SignImage, VerifyImage).
#include <ctime>
#include <iostream>

#include "base/file.h"
#include "base/utc_time.h"
#include "base/utf8.h"
#include "cli/commands.h"
#include "cli/time_stamp_flags.h"
#include "cli/version.h"
#include "image/codec.h"
#include "pipeline/content_signing.h"
#include "pipeline/service/remote_time_stamper.h"
#include "pipeline/studio.h"
#include "pipeline/studio_keys.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/manifest_spec.h"
#include "provenance/c2pa/manifest_validator.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/trust_store.h"

namespace hallmark::cli {
namespace {

namespace pv = hallmark::provenance;

std::string Date(std::time_t t) { return FormatUtc(t, UtcFormat::kDate); }
std::string Time(std::time_t t) { return FormatUtc(t, UtcFormat::kRfc3339); }

// "YYYY-MM-DD" (midnight) or "YYYY-MM-DDTHH:MM:SSZ", UTC.
Result<std::time_t> ParseUtcTime(const std::string& text, const std::string& flag) {
  for (const char* format : {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"}) {
    struct tm tm {};
    const char* end = strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') return timegm(&tm);
  }
  return Status::InvalidArgument(flag + " " + text +
                                 ": expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)");
}

nlohmann::json KeyJson(const pv::KeyInfo& k) {
  return {{"id", k.id},
          {"algorithm", k.algorithm},
          {"subject", k.subject},
          {"issuer", k.issuer},
          {"serial", k.serial},
          {"not_before", Date(k.not_before)},
          {"not_after", Date(k.not_after)},
          {"active", k.active},
          {"revoked", k.revoked},
          {"ca", k.is_ca},
          {"ocsp_url", k.ocsp_url}};
}

std::string KeyLine(const pv::KeyInfo& k) {
  std::string status = k.is_ca ? "ca" : k.revoked ? "revoked" : k.active ? "active" : "retired";
  return k.id + "  " + k.algorithm + "  " + status + "  until " + Date(k.not_after) + "  " +
         k.subject;
}

struct KeyFlags {
  std::string passphrase_file;
  std::string algorithm = "es256";
  std::string organization = "Hallmark Studio";
  int days = 397;
  std::string public_url;
};

Result<pv::KeyOptions> ToOptions(const KeyFlags& f) {
  pv::KeyOptions o;
  HM_ASSIGN_OR_RETURN(o.algorithm, pv::ParseKeyAlgorithm(f.algorithm));
  o.organization = f.organization;
  if (f.days < 1) return Status::InvalidArgument("--days must be at least 1");
  o.signing_days = f.days;
  o.public_url = f.public_url;
  return o;
}

void RegisterKeys(CLI::App& app, Context& ctx) {
  CLI::App* keys = app.add_subcommand("keys", "Studio signing keys, certificates and revocation");
  keys->require_subcommand(1);

  auto flags = std::make_shared<KeyFlags>();
  auto add_pass = [flags](CLI::App* sub) {
    sub->add_option("--passphrase-file", flags->passphrase_file,
                    "File holding the key passphrase (default: $HALLMARK_PASSPHRASE)");
  };

  CLI::App* init = keys->add_subcommand("init", "Create the studio CA and a first signing key");
  add_pass(init);
  init->add_option("--alg", flags->algorithm, "Signing key algorithm: es256 or ed25519");
  init->add_option("--org", flags->organization, "Organisation named in the certificates");
  init->add_option("--days", flags->days, "Validity of the signing certificate in days");
  init->add_option("--public-url", flags->public_url,
                   "Where 'hallmark serve' is reached: certificates name its /ocsp and /crl");
  init->callback([&ctx, flags] {
    ctx.SetAction([&ctx, flags]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(pv::KeyOptions options, ToOptions(*flags));
      HM_ASSIGN_OR_RETURN(std::string pass, pv::ReadPassphrase(flags->passphrase_file));
      HM_ASSIGN_OR_RETURN(pipeline::StudioKeys made,
                          pipeline::InitStudioKeys(ctx.Home(), options, pass));
      const pv::KeyInfo& info = made.signing_key;
      ctx.Say("created studio CA and signing key " + info.id + " (" + info.algorithm + ") in " +
              made.keys_dir);
      ctx.Say("trust anchor: " + made.trust_anchor);
      ctx.Say("watermark key " + made.watermark_fingerprint + " in " + made.watermark_key_file);
      ctx.EmitJson(KeyJson(info));
      return kExitOk;
    });
  });

  CLI::App* list = keys->add_subcommand("list", "List the CA and signing keys");
  list->callback([&ctx] {
    ctx.SetAction([&ctx]() -> Result<int> {
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(auto keys_list, store.List());
      if (keys_list.empty())
        ctx.Say("no keys in " + store.keys_dir() + " (run 'hallmark keys init')");
      for (const auto& k : keys_list) {
        ctx.Say(KeyLine(k));
        ctx.EmitJson(KeyJson(k));
      }
      return kExitOk;
    });
  });

  auto show_id = std::make_shared<std::string>();
  CLI::App* show =
      keys->add_subcommand("show", "Show a key's certificate (default: the active key)");
  show->add_option("id", *show_id, "Key id, or 'ca'");
  show->callback([&ctx, show_id] {
    ctx.SetAction([&ctx, show_id]() -> Result<int> {
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(pv::KeyInfo k, store.Show(*show_id));
      ctx.Say(KeyLine(k));
      ctx.Say("issuer " + k.issuer + "\nserial " + k.serial + "\nvalid  " + Date(k.not_before) +
              " .. " + Date(k.not_after));
      if (!k.ocsp_url.empty()) ctx.Say("ocsp   " + k.ocsp_url);
      ctx.Say(k.certificate_pem);
      nlohmann::json j = KeyJson(k);
      j["certificate_pem"] = k.certificate_pem;
      ctx.EmitJson(j);
      return kExitOk;
    });
  });

  CLI::App* rotate = keys->add_subcommand("rotate", "Issue a new signing key and make it active");
  add_pass(rotate);
  rotate->add_option("--alg", flags->algorithm, "Signing key algorithm: es256 or ed25519");
  rotate->add_option("--org", flags->organization, "Organisation named in the certificate");
  rotate->add_option("--days", flags->days, "Validity of the signing certificate in days");
  rotate->add_option("--public-url", flags->public_url,
                     "Where 'hallmark serve' is reached: certificates name its /ocsp and /crl");
  rotate->callback([&ctx, flags] {
    ctx.SetAction([&ctx, flags]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(pv::KeyOptions options, ToOptions(*flags));
      HM_ASSIGN_OR_RETURN(std::string pass, pv::ReadPassphrase(flags->passphrase_file));
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(pv::KeyInfo info, store.Rotate(options, pass));
      ctx.Say("new active signing key " + info.id + " (" + info.algorithm + ")");
      ctx.EmitJson(KeyJson(info));
      return kExitOk;
    });
  });

  CLI::App* renew = keys->add_subcommand(
      "renew-services",
      "Renew the OCSP responder and TSA keys and re-sign the revocation list; signing keys stay");
  add_pass(renew);
  renew->add_option("--days", flags->days, "Validity of the TSA certificate in days");
  renew->callback([&ctx, flags] {
    ctx.SetAction([&ctx, flags]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(pv::KeyOptions options, ToOptions(*flags));
      HM_ASSIGN_OR_RETURN(std::string pass, pv::ReadPassphrase(flags->passphrase_file));
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(pv::RenewedServices renewed, store.RenewServices(options, pass));
      ctx.Say("OCSP responder certificate valid until " + Time(renewed.responder_not_after));
      ctx.Say("TSA certificate valid until " + Time(renewed.tsa_not_after));
      ctx.Say("revocation list re-signed (" + std::to_string(renewed.revoked_certificates) +
              " revoked), next update " + Time(renewed.revocation_list_next_update) + "; " +
              store.trust_dir() + "/studio-revoked.crl");
      ctx.EmitJson({{"responder_not_after", Time(renewed.responder_not_after)},
                    {"tsa_not_after", Time(renewed.tsa_not_after)},
                    {"revocation_list_next_update", Time(renewed.revocation_list_next_update)},
                    {"revoked_certificates", renewed.revoked_certificates}});
      return kExitOk;
    });
  });

  auto revoke_id = std::make_shared<std::string>();
  auto revoke_since = std::make_shared<std::string>();
  CLI::App* revoke = keys->add_subcommand("revoke", "Put a signing key on the revocation list");
  revoke->add_option("id", *revoke_id, "Key id")->required();
  revoke->add_option("--since", *revoke_since,
                     "Revoked from this UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; default: "
                     "now); after a compromise, when the key may first have been exposed");
  add_pass(revoke);
  revoke->callback([&ctx, flags, revoke_id, revoke_since] {
    ctx.SetAction([&ctx, flags, revoke_id, revoke_since]() -> Result<int> {
      std::time_t since = 0;
      if (!revoke_since->empty()) {
        HM_ASSIGN_OR_RETURN(since, ParseUtcTime(*revoke_since, "--since"));
      }
      HM_ASSIGN_OR_RETURN(std::string pass, pv::ReadPassphrase(flags->passphrase_file));
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(pv::KeyInfo info, store.Revoke(*revoke_id, pass, since));
      ctx.Say("revoked " + info.id + "; revocation list: " + store.trust_dir() +
              "/studio-revoked.crl");
      ctx.EmitJson(KeyJson(info));
      return kExitOk;
    });
  });

  struct ExportFlags {
    std::string id;
    std::string out;
  };
  auto ex = std::make_shared<ExportFlags>();
  CLI::App* exp = keys->add_subcommand(
      "export", "Write a key's public certificate chain as PEM ('ca': the trust anchor)");
  exp->add_option("id", ex->id, "Key id or 'ca' (default: the active key)");
  exp->add_option("--out", ex->out, "Output file (default: standard output)");
  exp->callback([&ctx, ex] {
    ctx.SetAction([&ctx, ex]() -> Result<int> {
      pv::KeyStore store(ctx.Home());
      HM_ASSIGN_OR_RETURN(pv::KeyInfo k, store.Show(ex->id));
      if (ex->out.empty()) {
        std::cout << k.certificate_pem;
      } else {
        HM_RETURN_IF_ERROR(WriteFileAtomic(ex->out, ByteView(k.certificate_pem)));
        ctx.Say("wrote the certificate chain of " + k.id + " to " + ex->out);
      }
      return kExitOk;
    });
  });

  struct ImportFlags {
    std::string cert;
    std::string key;
    std::string anchor;
  };
  auto im = std::make_shared<ImportFlags>();
  CLI::App* imp = keys->add_subcommand("import", "Bring in a key and chain from an outside CA");
  imp->add_option("--cert", im->cert, "PEM certificate chain, leaf first")->required();
  imp->add_option("--key", im->key, "PEM private key of the leaf")->required();
  imp->add_option("--anchor", im->anchor, "Also trust this root certificate (PEM)");
  add_pass(imp);
  imp->callback([&ctx, flags, im] {
    ctx.SetAction([&ctx, flags, im]() -> Result<int> {
      HM_ASSIGN_OR_RETURN(std::string home, ctx.EnsureHome());
      HM_ASSIGN_OR_RETURN(std::string pass, pv::ReadPassphrase(flags->passphrase_file));
      pv::KeyStore store(home);
      HM_ASSIGN_OR_RETURN(pv::KeyInfo info, store.Import(im->cert, im->key, pass));
      if (!im->anchor.empty()) {
        HM_ASSIGN_OR_RETURN(Bytes pem, ReadFile(im->anchor, 1 << 20));
        pv::TrustStore check;
        HM_RETURN_IF_ERROR(check.AddPem(pem, im->anchor));
        HM_RETURN_IF_ERROR(
            WriteFileAtomic(store.trust_dir() + "/imported-" + info.id + ".pem", pem));
      }
      ctx.Say("imported signing key " + info.id + " (" + info.algorithm + "), now active");
      ctx.EmitJson(KeyJson(info));
      return kExitOk;
    });
  });
}

void PrintReport(const Context& ctx, const std::string& file, const pv::VerificationReport& r,
                 bool details) {
  ctx.Say(file + ": " + pv::ValidationStateName(r.state) + " (" + pv::VerdictName(r.verdict) + ")");
  if (!r.active_manifest.empty()) {
    ctx.Say("  manifest   " + r.active_manifest + " (claim v" + std::to_string(r.claim_version) +
            ")");
    ctx.Say("  generator  " + r.claim_generator);
    ctx.Say("  signer     " + r.signer_subject + " [" + r.signature_algorithm + "], issued by " +
            r.signer_issuer);
    if (!r.digital_source_type.empty()) ctx.Say("  source     " + r.digital_source_type);
    if (!r.asset_id.empty()) ctx.Say("  asset id   " + r.asset_id);
    if (!r.watermark_algorithm.empty()) {
      ctx.Say("  watermark  " + r.watermark_algorithm + " payload " +
              r.ToJson()["watermark"]["payload"].get<std::string>());
    }
    for (const auto& i : r.ingredients) ctx.Say("  ingredient " + i);
  }
  for (const auto& e : r.success) ctx.Say("  ok    " + e.code + "  " + e.explanation);
  for (const auto& e : r.informational) ctx.Say("  info  " + e.code + "  " + e.explanation);
  for (const auto& e : r.failure) ctx.Say("  FAIL  " + e.code + "  " + e.explanation);
  if (details) {
    for (auto it = r.assertions.begin(); it != r.assertions.end(); ++it) {
      ctx.Say("  assertion " + it.key() + ": " + DumpJsonReplacingInvalidUtf8(it.value()));
    }
  }
}

// A folder the user named must exist; the home's own trust folder may not yet.
Result<pv::TrustStore> LoadTrust(const Context& ctx, const std::string& dir) {
  if (!dir.empty()) return pv::TrustStore::LoadDirectory(dir, /*must_exist=*/true);
  pipeline::StudioOptions options;
  options.home = ctx.Home();
  options.ledger = pipeline::LedgerAccess::kNone;
  HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(options));
  return studio.LoadTrust();
}

void RegisterProvenance(CLI::App& app, Context& ctx) {
  CLI::App* prov = app.add_subcommand("provenance", "C2PA Content Credentials: show, verify, sign");
  prov->require_subcommand(1);

  struct VerifyFlags {
    std::string file;
    std::string trust;
    bool json = false;
  };
  auto vf = std::make_shared<VerifyFlags>();
  for (const bool verify : {false, true}) {
    CLI::App* sub = verify ? prov->add_subcommand("verify", "Validate the C2PA manifest of a file")
                           : prov->add_subcommand("show", "Print the C2PA manifest of a file");
    sub->add_option("file", vf->file, "PNG or JPEG file")->required();
    sub->add_option("--trust", vf->trust,
                    "Folder (or PEM file) of trust anchors and revocation lists "
                    "(default: <home>/trust)");
    sub->add_flag("--json", vf->json, "Machine-readable output");
    sub->callback([&ctx, vf, verify] {
      ctx.SetAction([&ctx, vf, verify]() -> Result<int> {
        if (vf->json) ctx.json = true;
        HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(vf->file));
        HM_ASSIGN_OR_RETURN(pv::TrustStore trust, LoadTrust(ctx, vf->trust));
        auto report = pv::VerifyImage(data, trust);
        if (!report.ok()) return report.status().WithContext(vf->file);
        nlohmann::json j = report->ToJson();
        j["file"] = vf->file;
        ctx.EmitJson(j);
        PrintReport(ctx, vf->file, *report, !verify);
        if (!verify)
          return report->state == pv::ValidationState::kNoManifest ? kExitNegative : kExitOk;
        return report->state == pv::ValidationState::kTrusted ? kExitOk : kExitNegative;
      });
    });
  }

  struct SignFlags {
    pipeline::ContentSigningRequest request;
    std::string tsa_url;
    bool no_time_stamp = false;
    bool no_ocsp_staple = false;
  };
  auto sf = std::make_shared<SignFlags>();
  pipeline::ContentSigningRequest& rq = sf->request;
  CLI::App* sign = prov->add_subcommand("sign", "Add IPTC/XMP labels and a signed C2PA manifest");
  sign->add_option("file", rq.file, "PNG or JPEG file")->required();
  sign->add_option("--manifest", rq.manifest_path,
                   "JSON manifest: Hallmark's schema or a c2patool manifest definition "
                   "(docs/provenance.md)")
      ->required();
  sign->add_option("--source-type", rq.source_type,
                   "IPTC digital source type of the image (e.g. digitalCapture, "
                   "trainedAlgorithmicMedia), unless the manifest names it");
  sign->add_option("--out", rq.out, "Output file")->required();
  sign->add_option("--parent", rq.parent, "Signed image this one was derived from");
  sign->add_option("--key", rq.key_id, "Signing key id (default: the active key)");
  sign->add_option("--passphrase-file", rq.passphrase_file,
                   "File holding the key passphrase (default: $HALLMARK_PASSPHRASE)");
  AddTimeStampFlags(sign, &sf->tsa_url, &sf->no_time_stamp);
  sign->add_flag("--no-ocsp-staple", sf->no_ocsp_staple,
                 "Do not staple the signer's OCSP status from the studio's responder (validators "
                 "then ask the responder the certificate names)");
  sign->add_flag("--watermark", rq.watermark,
                 "Embed the studio's watermark with a fresh payload and record the asset in the "
                 "ledger, so verify names it after the metadata is stripped (the pixels change; "
                 "a JPEG is re-encoded)");
  sign->add_option("--strength", rq.watermark_strength, "Watermark strength with --watermark")
      ->check(CLI::Range(0.25, 10.0));
  sign->add_option("--quality", rq.jpeg_quality, "JPEG quality of a marked JPEG (--watermark)")
      ->check(CLI::Range(1, 100));
  sign->callback([&ctx, sf] {
    ctx.SetAction([&ctx, sf]() -> Result<int> {
      pipeline::ContentSigningRequest request = sf->request;
      request.software_version = kVersion;
      request.ocsp_staple = !sf->no_ocsp_staple;
      std::string home = ctx.Home();
      pipeline::StudioOptions options;
      options.home = home;
      options.ledger = pipeline::LedgerAccess::kNone;
      if (request.watermark) {
        HM_ASSIGN_OR_RETURN(home, ctx.EnsureHome());
        options.home = home;
        options.ledger = pipeline::LedgerAccess::kReadWrite;
      }
      HM_ASSIGN_OR_RETURN(pipeline::Studio studio, pipeline::Studio::Open(options));
      HM_ASSIGN_OR_RETURN(std::unique_ptr<pv::TimeStamper> stamper,
                          pipeline::OpenTimeStamper(TimeStampChoice(sf->tsa_url, sf->no_time_stamp),
                                                    home, request.passphrase_file));
      request.time_stamper = stamper.get();
      HM_ASSIGN_OR_RETURN(pipeline::SignedContent done, pipeline::SignContent(request, studio));
      if (!ctx.quiet) {
        for (const std::string& note : done.notes) {
          std::cerr << request.manifest_path << ": " << note << "\n";
        }
      }
      nlohmann::json j = {{"file", request.file}, {"out", done.out}, {"bytes", done.bytes}};
      if (done.asset_id.empty()) {
        ctx.Say("signed " + request.file + " -> " + done.out);
      } else {
        ctx.Say("signed and watermarked " + request.file + " -> " + done.out + ": asset " +
                done.asset_id + ", payload " + done.payload_hex + ", log entry " +
                std::to_string(done.log_index));
        j["asset_id"] = done.asset_id;
        j["payload"] = done.payload_hex;
        j["log_index"] = done.log_index;
        j["watermark_read_back"] = done.watermark_read_back;
      }
      ctx.EmitJson(j);
      return kExitOk;
    });
  });
}

}  // namespace

void RegisterProvenanceCommands(CLI::App& app, Context& ctx) {
  RegisterKeys(app, ctx);
  RegisterProvenance(app, ctx);
}

}  // namespace hallmark::cli
