// hallmark serve: the auditor service. Parses the flags, opens the API over the home and runs
// the server until SIGINT or SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "pipeline/service/auditor_api.h"
#include "pipeline/service/auditor_server.h"
#include "provenance/pki/key_store.h"

namespace hallmark::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string tls_cert, tls_key;
  double max_upload_mb = 25;
  double rate = 20;
  int threads = 8;
  int sessions = 4;
  std::string trust, watermark_key, ledger;
  std::string cors_origin;
  std::string public_url;
  std::string passphrase_file;
  std::string trusted_proxy;
};

// "HOST:PORT", "[V6]:PORT" or ":PORT" (all addresses).
Status ParseListen(const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("--listen " + text + ": expected HOST:PORT");
  }
  *host = text.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  const std::string p = text.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p) > 65535) {
    return Status::InvalidArgument("--listen " + text + ": the port must be 0..65535");
  }
  *port = std::stoi(p);
  return Status::Ok();
}

Result<int> Serve(Context& ctx, const ServeFlags& f) {
  pipeline::ServerOptions server;
  HM_RETURN_IF_ERROR(ParseListen(f.listen, &server.host, &server.port));
  if (!(f.max_upload_mb > 0 && f.max_upload_mb <= 1024)) {
    return Status::InvalidArgument("--max-upload must be 0..1024 MB");
  }
  server.max_upload_bytes = uint64_t(f.max_upload_mb * 1024 * 1024);
  server.rate = f.rate;
  server.threads = f.threads;
  server.tls_cert = f.tls_cert;
  server.tls_key = f.tls_key;
  server.cors_origin = f.cors_origin;
  server.trusted_proxy = f.trusted_proxy;
  if (!ctx.quiet) {
    server.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
  }
  pipeline::ApiOptions api_options;
  api_options.home = ctx.Home();
  api_options.sessions = f.sessions;
  api_options.sources.trust_dir = f.trust;
  api_options.sources.watermark_key = f.watermark_key;
  api_options.sources.ledger_file = f.ledger;
  api_options.sources.max_pixels = ctx.max_pixels;
  // The passphrase unlocks the OCSP responder's key only; without one the responder is off.
  if (!f.passphrase_file.empty() || std::getenv("HALLMARK_PASSPHRASE")) {
    HM_ASSIGN_OR_RETURN(api_options.responder_passphrase,
                        provenance::ReadPassphrase(f.passphrase_file));
  }
  const provenance::KeyStore keys(ctx.Home());
  HM_ASSIGN_OR_RETURN(const std::string recorded_url, keys.PublicUrl());
  if (!f.public_url.empty()) HM_RETURN_IF_ERROR(provenance::CheckPublicUrl(f.public_url));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::AuditorApi> api,
                      pipeline::AuditorApi::Open(api_options));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<pipeline::AuditorServer> srv,
                      pipeline::AuditorServer::Create(*api, server));
  HM_ASSIGN_OR_RETURN(int port, srv->Bind());

  // SIGINT and SIGTERM stop the server. They are blocked in every thread (the server's are
  // started after this) and taken by one thread with sigwait, which may call Stop() safely.
  // SIGUSR1 only wakes that thread when the server stopped on its own.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    srv->Stop();
  });

  const std::string url =
      std::string(srv->tls() ? "https://" : "http://") + server.host + ":" + std::to_string(port);
  ctx.Say("listening on " + url + " (" + std::to_string(f.sessions) + " verify sessions)");
  ctx.Say(api->ocsp_enabled()
              ? "OCSP responder on at /ocsp"
              : "OCSP responder off (give the key passphrase, in a home with a responder key)");
  ctx.Say(api->tsa_enabled() ? "time-stamping authority on at /tsa"
                             : "time-stamping authority off (give the key passphrase, in a home "
                               "with a TSA key)");
  // Certificates already issued name the recorded URL; a server published elsewhere would leave
  // relying parties asking a responder that is not there.
  if (!f.public_url.empty() && f.public_url != recorded_url) {
    ctx.Say("warning: the studio's certificates name " +
            (recorded_url.empty() ? std::string("no revocation URL") : recorded_url) +
            ", not --public-url " + f.public_url + " (run 'hallmark keys rotate --public-url " +
            f.public_url + "')");
  }
  ctx.EmitJson({{"listening", url},
                {"port", port},
                {"ocsp", api->ocsp_enabled()},
                {"tsa", api->tsa_enabled()},
                {"public_url", f.public_url.empty() ? recorded_url : f.public_url}});
  std::fflush(stdout);
  const Status served = srv->Serve();
  pthread_kill(waiter.native_handle(), SIGUSR1);
  waiter.join();
  HM_RETURN_IF_ERROR(served);
  return kExitOk;
}

}  // namespace

void RegisterServeCommands(CLI::App& app, Context& ctx) {
  auto f = std::make_shared<ServeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve the verify page, the JSON API and the public log to auditors");
  cmd->add_option("--listen", f->listen, "HOST:PORT to listen on (port 0: any free port)");
  cmd->add_option("--tls-cert", f->tls_cert, "PEM certificate (chain) for HTTPS");
  cmd->add_option("--tls-key", f->tls_key, "PEM private key for HTTPS");
  cmd->add_option("--max-upload", f->max_upload_mb, "Largest upload, in MB");
  cmd->add_option("--rate", f->rate, "Requests per second per client address (0: no limit)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", f->threads, "Connections served at once")->check(CLI::Range(1, 256));
  cmd->add_option("--sessions", f->sessions, "Verifications run at once")->check(CLI::Range(1, 64));
  cmd->add_option("--trust", f->trust, "Trust anchors folder (default: <home>/trust)");
  cmd->add_option("--watermark-key", f->watermark_key,
                  "Watermark key file (default: <home>/keys/watermark.key when present)");
  cmd->add_option("--ledger", f->ledger, "A ledger file to serve instead of the home's");
  cmd->add_option("--cors-origin", f->cors_origin,
                  "Allow this origin to call the API from a browser (default: none)");
  cmd->add_option("--trusted-proxy", f->trusted_proxy,
                  "Address of a reverse proxy whose X-Forwarded-For names the client");
  cmd->add_option("--public-url", f->public_url,
                  "The URL this server is reached at (checked against the certificates' own)");
  cmd->add_option(
      "--passphrase-file", f->passphrase_file,
      "Unlocks the OCSP responder and TSA keys (default: $HALLMARK_PASSPHRASE; none: both off)");
  cmd->callback([&ctx, f] { ctx.SetAction([&ctx, f]() { return Serve(ctx, *f); }); });
}

}  // namespace hallmark::cli
