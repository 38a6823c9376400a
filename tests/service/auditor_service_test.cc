// The auditor service end to end: a studio made with the hallmark binary (keys, dataset, a short
// training run, three generated assets), served by AuditorServer on an ephemeral port and asked
// over real HTTP for every endpoint, then attacked the way hostile clients do. After each attack
// the server must still answer /healthz.
#define BOOST_TEST_MODULE auditor_service
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "audit/ledger/checkpoint.h"
#include "audit/ledger/merkle_proof.h"
#include "audit/ledger/merkle_tree.h"
#include "audit/ledger/receipt.h"
#include "base/base64.h"
#include "base/file.h"
#include "base/hex.h"
#include "pipeline/service/auditor_api.h"
#include "pipeline/service/auditor_server.h"
#include "tests/support/subprocess.h"

using hallmark::testing::ProcessResult;
using hallmark::testing::RunHallmark;
using hallmark::testing::RunProcess;
using hallmark::testing::TempDir;
namespace hm = hallmark;
namespace pl = hallmark::pipeline;

namespace {

// A home with three delivered assets and the copies an auditor meets: a stripped JPEG, a
// tampered PNG, an unrelated photograph. Built once: training dominates the cost.
struct Studio {
  TempDir dir;
  std::vector<std::string> env;
  std::vector<std::string> assets, asset_ids;
  std::string stripped, tampered, unrelated;

  Studio() {
    env = {"HALLMARK_HOME=" + dir.File("home"), "HALLMARK_PASSPHRASE=service test passphrase"};
    Must({"keys", "init", "--org", "Service Test Studio"});
    Must({"dataset", "add", HALLMARK_BUNDLED_DATA, "--name", "fashion-mnist-1k", "--licence", "MIT",
          "--source", "https://github.com/zalandoresearch/fashion-mnist"});
    Must({"train", "--arch", "dcgan", "--data", "fashion-mnist-1k", "--size", "32", "--steps", "12",
          "--batch", "32", "--sample-every", "0", "--out", dir.File("run")});
    Must({"model", "register", dir.File("run/model.hmk")});
    ProcessResult g = Must({"--json", "generate", "--model", dir.File("run/model.hmk"), "--count",
                            "3", "--seed", "5", "--out", dir.File("assets")});
    std::istringstream lines(g.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const auto j = nlohmann::json::parse(line);
      assets.push_back(j["file"].get<std::string>());
      asset_ids.push_back(j["asset_id"].get<std::string>());
    }
    BOOST_REQUIRE(assets.size() == 3u);
    stripped = dir.File("stripped.jpg");
    Must({"image", "convert", assets[0], stripped, "--quality", "80"});
    tampered = dir.File("tampered.png");
    BOOST_REQUIRE(
        RunProcess({HALLMARK_PIXEL_EDIT, assets[1], tampered, "10", "10", "20", "20"}).exit_code ==
        0);
    unrelated = std::string(HALLMARK_TEST_DATA) + "/photos/rocket.jpg";
  }
  std::string Home() const { return dir.File("home"); }
  ProcessResult Must(const std::vector<std::string>& args) const {
    ProcessResult r = RunHallmark(args, env);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, args[0] + " failed: " + r.err + r.out);
    return r;
  }
};

Studio& TheStudio() {
  static Studio studio;
  return studio;
}

// AuditorServer on an ephemeral port, serving from its own thread until destroyed.
class RunningServer {
 public:
  // `ledger_file`: serve this ledger instead of the home's. `home`: another home than the
  // shared studio's, served with its OCSP responder unlocked by `passphrase`.
  explicit RunningServer(pl::ServerOptions options = {}, const std::string& ledger_file = "",
                         const std::string& home = "", const std::string& passphrase = "") {
    pl::ApiOptions api;
    api.home = home.empty() ? TheStudio().Home() : home;
    api.responder_passphrase = passphrase;
    api.sources.ledger_file = ledger_file;
    api.sessions = 2;
    auto opened = pl::AuditorApi::Open(api);
    BOOST_REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    api_ = std::move(*opened);
    options.port = 0;
    auto created = pl::AuditorServer::Create(*api_, options);
    BOOST_REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    server_ = std::move(*created);
    auto port = server_->Bind();
    BOOST_REQUIRE_MESSAGE(port.ok(), port.status().ToString());
    port_ = *port;
    thread_ = std::thread([this] { (void)server_->Serve(); });
    for (int i = 0; i < 100 && !Client().Get("/healthz"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~RunningServer() {
    server_->Stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30, 0);
    return c;
  }
  bool Healthy() const {
    auto r = Client().Get("/healthz");
    return r && r->status == 200;
  }

 private:
  std::unique_ptr<pl::AuditorApi> api_;
  std::unique_ptr<pl::AuditorServer> server_;
  std::thread thread_;
  int port_ = 0;
};

std::string FileText(const std::string& path) {
  auto b = hm::ReadFile(path);
  BOOST_REQUIRE(b.ok());
  return std::string(b->begin(), b->end());
}

nlohmann::json VerifyUpload(const RunningServer& s, const std::string& path, const char* type) {
  auto r = s.Client().Post("/api/v1/verify", {{"X-Filename", "upload"}}, FileText(path), type);
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 200, r->body);
  return nlohmann::json::parse(r->body);
}

// A raw TCP connection, for clients httplib will not imitate (slow, endless, half-open).
int Connect(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  BOOST_REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

void SendAll(int fd, const std::string& data) {
  BOOST_REQUIRE(send(fd, data.data(), data.size(), MSG_NOSIGNAL) == ssize_t(data.size()));
}

// What the server answered on `fd` (until it closed or 10 s passed).
std::string ReadAnswer(int fd) {
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) {
    out.append(buf, size_t(n));
    if (out.find("\r\n\r\n") != std::string::npos &&
        out.find("Connection: close") == std::string::npos && out.size() > 64) {
      break;
    }
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(the_page_is_served_with_its_security_headers) {
  RunningServer s;
  auto page = s.Client().Get("/");
  BOOST_REQUIRE(page);
  BOOST_TEST(page->status == 200);
  BOOST_TEST(page->get_header_value("Content-Type").rfind("text/html", 0) == 0u);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  BOOST_TEST(csp.find("script-src 'self'") != std::string::npos);
  BOOST_TEST(csp.find("unsafe-inline") == std::string::npos);
  BOOST_TEST(page->get_header_value("X-Content-Type-Options") == "nosniff");
  BOOST_TEST(page->get_header_value("X-Frame-Options") == "DENY");
  BOOST_TEST(!page->has_header("Access-Control-Allow-Origin"));  // CORS off by default
  // No inline script: every <script> names its source.
  BOOST_TEST(page->body.find("<script>") == std::string::npos);
  for (const char* asset : {"/verify.js", "/verify.css"}) {
    auto r = s.Client().Get(asset);
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 200, asset);
  }
}

// CORS is off unless an origin is allowed; then that origin, and only it, is named.
BOOST_AUTO_TEST_CASE(cors_names_the_allowed_origin_only) {
  pl::ServerOptions o;
  o.cors_origin = "https://auditor.example";
  RunningServer s(o);
  auto r = s.Client().Get("/api/v1/checkpoint");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->get_header_value("Access-Control-Allow-Origin") == "https://auditor.example");
  BOOST_TEST(r->get_header_value("Access-Control-Expose-Headers") == "Retry-After");
  BOOST_TEST(!r->has_header("Cross-Origin-Resource-Policy"));
  auto pre = s.Client().Options("/api/v1/verify");
  BOOST_REQUIRE(pre);
  BOOST_TEST(pre->status == 204);
  BOOST_TEST(pre->get_header_value("Access-Control-Allow-Headers").find("X-Filename") !=
             std::string::npos);
  RunningServer closed;
  auto none = closed.Client().Options("/api/v1/verify");
  BOOST_REQUIRE(none);
  BOOST_TEST(none->status == 404);
}

BOOST_AUTO_TEST_CASE(verify_returns_what_the_cli_says) {
  Studio& st = TheStudio();
  RunningServer s;
  struct Case {
    std::string file;
    const char* type;
    const char* verdict;
  };
  const std::vector<Case> cases = {{st.assets[0], "image/png", "VERIFIED"},
                                   {st.stripped, "image/jpeg", "VERIFIED_BY_WATERMARK"},
                                   {st.tampered, "image/png", "TAMPERED"},
                                   {st.unrelated, "image/jpeg", "NO_PROVENANCE"}};
  for (const Case& c : cases) {
    nlohmann::json api = VerifyUpload(s, c.file, c.type);
    BOOST_TEST(api["verdict"].get<std::string>() == c.verdict, c.file);
    ProcessResult cli = RunHallmark({"--json", "verify", c.file}, st.env);
    nlohmann::json local = nlohmann::json::parse(cli.out.substr(0, cli.out.find('\n')));
    // The same record, but for the name the file goes by.
    api.erase("file");
    local.erase("file");
    BOOST_TEST(api.dump() == local.dump(), c.file);
  }
  // With ?summary=1 a manifest's actions and datasets come along.
  auto r = s.Client().Post("/api/v1/verify?summary=1", FileText(st.assets[0]), "image/png");
  BOOST_REQUIRE(r);
  const auto j = nlohmann::json::parse(r->body);
  BOOST_TEST(j["manifest_summary"]["datasets"][0]["licence"].get<std::string>() == "MIT");
  BOOST_TEST(j["manifest_summary"]["actions"].size() >= 1u);
}

BOOST_AUTO_TEST_CASE(public_records_checkpoints_and_proofs_check_out) {
  Studio& st = TheStudio();
  RunningServer s;
  auto asset = s.Client().Get("/api/v1/assets/" + st.asset_ids[0]);
  BOOST_REQUIRE(asset);
  BOOST_TEST(asset->status == 200);
  const auto record = nlohmann::json::parse(asset->body);
  BOOST_TEST(record["datasets"][0]["name"].get<std::string>() == "fashion-mnist-1k");
  BOOST_TEST(record["datasets"][0]["licence"].get<std::string>() == "MIT");
  BOOST_TEST(record["content_hash"].get<std::string>().size() == 64u);
  BOOST_TEST(s.Client().Get("/api/v1/assets/hm-0000000000000000")->status == 404);

  // The receipt verifies against the log key it names, offline.
  auto proof = s.Client().Get("/api/v1/proof/inclusion?asset=" + st.asset_ids[2]);
  BOOST_REQUIRE(proof);
  BOOST_REQUIRE(proof->status == 200);
  auto receipt = hm::audit::ReceiptFromJson(nlohmann::json::parse(proof->body));
  BOOST_REQUIRE(receipt.ok());
  auto key = hm::audit::CheckpointVerifier::FromVerifierKey(receipt->log_key);
  BOOST_REQUIRE(key.ok());
  BOOST_TEST(hm::audit::VerifyReceipt(*receipt, *key).ok());

  // The checkpoint endpoints serve that same signed note.
  auto note = s.Client().Get("/api/v1/checkpoint");
  BOOST_REQUIRE(note);
  BOOST_TEST(note->body == receipt->checkpoint);
  BOOST_TEST(s.Client().Get("/log/checkpoint")->body == receipt->checkpoint);
  auto cp = key->Verify(note->body);
  BOOST_REQUIRE(cp.ok());
  const uint64_t size = cp->size;

  // Consistency from an earlier size to now, checked against the root at that size (the bare
  // inclusion proof at that size carries it).
  const uint64_t old_size = receipt->leaf_index + 1;
  auto at_old = s.Client().Get("/api/v1/proof/inclusion?asset=" + st.asset_ids[2] +
                               "&size=" + std::to_string(old_size));
  BOOST_REQUIRE(at_old);
  BOOST_REQUIRE(at_old->status == 200);
  auto old_root =
      hm::HexDecode(nlohmann::json::parse(at_old->body)["root_hash"].get<std::string>(), "root");
  BOOST_REQUIRE(old_root.ok());
  auto cons = s.Client().Get("/api/v1/proof/consistency?from=" + std::to_string(old_size) +
                             "&to=" + std::to_string(size));
  BOOST_REQUIRE(cons);
  BOOST_REQUIRE(cons->status == 200);
  std::vector<hm::audit::Hash> path;
  const nlohmann::json consistency = nlohmann::json::parse(cons->body);
  for (const auto& h : consistency["consistency"]) {
    auto b = hm::HexDecode(h.get<std::string>(), "hash");
    BOOST_REQUIRE(b.ok());
    hm::audit::Hash x{};
    std::copy(b->begin(), b->end(), x.begin());
    path.push_back(x);
  }
  hm::audit::Hash old_root_hash{};
  std::copy(old_root->begin(), old_root->end(), old_root_hash.begin());
  BOOST_TEST(hm::audit::VerifyConsistency(old_size, size, path, old_root_hash, cp->root).ok());
  BOOST_TEST(s.Client().Get("/api/v1/proof/consistency?from=0&to=1")->status == 400);
  BOOST_TEST(s.Client().Get("/api/v1/proof/consistency?from=1&to=99999999")->status == 400);

  // tlog-tiles: the level-0 tile and the entry bundle rebuild the checkpoint's root.
  BOOST_REQUIRE(size < 256u);
  const std::string width = std::to_string(size);
  auto tile = s.Client().Get("/log/tile/0/000.p/" + width);
  BOOST_REQUIRE(tile);
  BOOST_REQUIRE(tile->status == 200);
  BOOST_TEST(tile->body.size() == 32 * size);
  hm::audit::MemoryMerkleTree tree;
  for (uint64_t i = 0; i < size; ++i) {
    hm::audit::Hash h{};
    std::copy_n(reinterpret_cast<const uint8_t*>(tile->body.data()) + 32 * i, 32, h.begin());
    tree.AppendLeafHash(h);
  }
  BOOST_TEST(tree.Root() == cp->root);
  auto entries = s.Client().Get("/log/tile/entries/000.p/" + width);
  BOOST_REQUIRE(entries);
  BOOST_TEST(entries->status == 200);
  BOOST_TEST(s.Client().Get("/log/tile/0/000")->status == 404);  // no full tile yet
  BOOST_TEST(s.Client().Get("/log/tile/0/000.p/" + std::to_string(size + 1))->status == 404);
  BOOST_TEST(s.Client().Get("/log/tile/0/x1/000")->status == 404);

  // The CA's revocation list, DER.
  auto crl = s.Client().Get("/crl");
  BOOST_REQUIRE(crl);
  BOOST_TEST(crl->status == 200);
  BOOST_TEST(crl->get_header_value("Content-Type") == "application/pkix-crl");
  BOOST_TEST(!crl->body.empty());
  BOOST_TEST(uint8_t(crl->body[0]) == 0x30);  // a DER SEQUENCE
}

BOOST_AUTO_TEST_CASE(hostile_uploads_get_4xx_and_the_server_stays_up) {
  pl::ServerOptions o;
  o.max_upload_bytes = 1 << 20;
  o.request_deadline_s = 2;
  RunningServer s(o);
  auto post = [&](const std::string& body, const char* type) {
    return s.Client().Post("/api/v1/verify", body, type);
  };
  BOOST_TEST(post(std::string(2 << 20, 'x'), "image/png")->status == 413);
  BOOST_TEST(post("GIF89a....", "image/gif")->status == 415);
  BOOST_TEST(post("not an image at all", "image/png")->status == 400);
  BOOST_TEST(post("", "image/png")->status == 400);
  // A PNG claiming 2^31 x 1 pixels: refused by the pixel limit, not decoded.
  const std::string bomb =
      FileText(std::string(HALLMARK_TEST_DATA) + "/broken/huge-dimensions.png");
  auto r = post(bomb, "image/png");
  BOOST_REQUIRE(r);
  BOOST_TEST((r->status >= 400 && r->status < 500), r->status);
  BOOST_TEST(s.Healthy());

  // Paths that no route has, including traversal attempts.
  for (const char* path : {"/..%2f..%2fetc/passwd", "/log/tile/../../keys/ca.key", "/keys/ca.key",
                           "/log/tile/0/abc", "/api/v1/assets/..%2F..%2Fledger.sqlite"}) {
    auto g = s.Client().Get(path);
    BOOST_REQUIRE(g);
    BOOST_TEST((g->status == 400 || g->status == 404), path << " -> " << g->status);
    BOOST_TEST(g->body.find("BEGIN") == std::string::npos, path);
  }

  // A body trickled slower than the deadline allows: 408, and the thread is freed.
  {
    const int fd = Connect(s.port());
    SendAll(fd,
            "POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
            "Content-Length: 1000\r\n\r\n");
    for (int i = 0; i < 4; ++i) {
      SendAll(fd, "x");
      std::this_thread::sleep_for(std::chrono::milliseconds(900));
    }
    SendAll(fd, std::string(100, 'x'));
    const std::string answer = ReadAnswer(fd);
    close(fd);
    BOOST_TEST(answer.find(" 408 ") != std::string::npos, answer.substr(0, 80));
  }
  // A body that stops arriving: after the read timeout the part received is never verified.
  {
    const int fd = Connect(s.port());
    SendAll(fd,
            "POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
            "Content-Length: 5000\r\n\r\n" +
                FileText(TheStudio().assets[0]).substr(0, 1000));
    const std::string answer = ReadAnswer(fd);
    close(fd);
    BOOST_TEST(answer.find(" 400 ") != std::string::npos, answer.substr(0, 80));
    BOOST_TEST(answer.find("cut short") != std::string::npos, answer);
  }
  // A header line that never ends: refused or dropped, never buffered without bound.
  {
    const int fd = Connect(s.port());
    SendAll(fd, "GET /healthz HTTP/1.1\r\nX-Long: ");
    const std::string chunk(64 << 10, 'a');
    for (int i = 0; i < 32; ++i) {
      if (send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) < 0) break;
    }
    close(fd);
  }
  BOOST_TEST(s.Healthy());
}

// What a client sends reaches the request log as one line of printable text, never a forged line.
BOOST_AUTO_TEST_CASE(the_request_log_cannot_be_forged) {
  std::mutex mu;
  std::vector<std::string> lines;
  pl::ServerOptions o;
  o.log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(mu);
    lines.push_back(line);
  };
  RunningServer s(o);
  s.Client().Get("/x%0a2026-01-01T00:00:00Z%20forged%20GET%20/%20200%0d%1b[31m");
  s.Client().Get("/api/v1/assets/%0aevil");
  std::lock_guard<std::mutex> lock(mu);
  BOOST_TEST(lines.size() >= 2u);
  for (const std::string& line : lines) {
    for (char c : line) {
      BOOST_TEST((c >= 0x20 && c < 0x7f), "unprintable byte in log line: " << line);
      if (!(c >= 0x20 && c < 0x7f)) break;
    }
  }
}

BOOST_AUTO_TEST_CASE(too_many_requests_get_429_with_retry_after) {
  pl::ServerOptions o;
  o.rate = 0.5;  // a burst of 1, then one request every 2 s
  RunningServer s(o);
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 12; ++i) {
    auto r = s.Client().Get("/api/v1/checkpoint");
    BOOST_REQUIRE(r);
    if (r->status == 429) {
      ++limited;
      retry_after = r->get_header_value("Retry-After");
    }
  }
  BOOST_TEST(limited >= 9);
  BOOST_TEST(!retry_after.empty());
  BOOST_TEST(std::stoi(retry_after) >= 1);
}

// Behind a trusted proxy each client has its own rate bucket, keyed by the hop the proxy
// appended; a client's own X-Forwarded-For entries do not buy it a fresh bucket, and without a
// trusted proxy the header is not read at all.
BOOST_AUTO_TEST_CASE(a_trusted_proxys_forwarded_address_keys_the_rate_limit) {
  auto status = [](const RunningServer& s, const std::string& forwarded) {
    auto r = s.Client().Get("/api/v1/checkpoint", {{"X-Forwarded-For", forwarded}});
    BOOST_REQUIRE(r);
    return r->status;
  };
  pl::ServerOptions o;
  o.rate = 0.1;  // a burst of 1 per address, then one every 10 s
  o.trusted_proxy = "127.0.0.1";
  {
    RunningServer s(o);  // its start-up health check spent 127.0.0.1's own burst
    BOOST_TEST(status(s, "10.0.0.1") == 200);
    BOOST_TEST(status(s, "10.0.0.2") == 200);
    BOOST_TEST(status(s, "10.0.0.1") == 429);
    BOOST_TEST(status(s, "10.0.0.3, 10.0.0.1") == 429);  // the proxy's hop is the last one
    BOOST_TEST(status(s, "not an address") == 429);      // falls back to the proxy's own
  }
  o.trusted_proxy.clear();
  RunningServer plain(o);
  BOOST_TEST(status(plain, "10.0.0.9") == 429);  // the header is ignored: 127.0.0.1's bucket
}

BOOST_AUTO_TEST_CASE(connections_beyond_the_queue_are_shed_with_503) {
  pl::ServerOptions o;
  o.threads = 1;
  o.max_queued = 0;
  RunningServer s(o);
  // Hold the only worker: a first request answered proves the worker has the connection, and
  // the half-sent second one keeps it there (reading headers, up to the 5 s read timeout). The
  // worker may still be closing the start-up health check's connection on a loaded machine, so
  // a holder that is itself shed (503) tries again.
  int holder = -1;
  std::string first;
  for (int attempt = 0; attempt < 50 && first.find(" 200 ") == std::string::npos; ++attempt) {
    if (holder >= 0) {
      close(holder);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    holder = Connect(s.port());
    SendAll(holder, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    timeval tv{10, 0};
    setsockopt(holder, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    first.clear();
    char buf[1024];
    for (ssize_t n;
         first.find("\r\n\r\n{") == std::string::npos || first.find("}") == std::string::npos;) {
      if ((n = recv(holder, buf, sizeof buf, 0)) <= 0) break;
      first.append(buf, size_t(n));
    }
  }
  BOOST_REQUIRE_MESSAGE(first.find(" 200 ") != std::string::npos, first);
  SendAll(holder, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  auto r = s.Client().Get("/api/v1/checkpoint");
  BOOST_REQUIRE(r);
  BOOST_TEST(r->status == 503);
  BOOST_TEST(!r->get_header_value("Retry-After").empty());
  SendAll(holder, "\r\n");
  close(holder);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  BOOST_TEST(s.Healthy());
}

// audit monitor against the server: the first checkpoint is pinned, an unchanged and a grown log
// pass, and the same state against a server that serves the older ledger (a rollback) fails.
BOOST_AUTO_TEST_CASE(audit_monitor_detects_a_rolled_back_ledger) {
  Studio& st = TheStudio();
  const TempDir work;
  const std::string state = work.File("monitor.json");
  const std::string older = work.File("older.sqlite");
  st.Must({"audit", "export", older});  // the ledger as it is now, to roll back to later
  ProcessResult key = st.Must({"--json", "audit", "log-key"});
  const std::string log_key = nlohmann::json::parse(key.out)["log_key"].get<std::string>();
  auto monitor = [&](const std::string& url, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"--json", "audit", "monitor", url, "--state", state};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunHallmark(args);
  };
  RunningServer s;
  // Without a pinned key the first run refuses; with it the checkpoint becomes the reference.
  BOOST_TEST(monitor(s.Url()).exit_code == 2);
  ProcessResult first = monitor(s.Url(), {"--log-key", log_key});
  BOOST_REQUIRE_MESSAGE(first.exit_code == 0, first.err + first.out);
  BOOST_TEST(nlohmann::json::parse(first.out)["outcome"].get<std::string>() == "first");
  ProcessResult same = monitor(s.Url());
  BOOST_TEST(same.exit_code == 0, same.err);
  BOOST_TEST(nlohmann::json::parse(same.out)["outcome"].get<std::string>() == "unchanged");

  // The studio delivers one more asset: the log grows, provably.
  st.Must({"generate", "--model", st.dir.File("run/model.hmk"), "--count", "1", "--seed", "77",
           "--out", st.dir.File("more")});
  ProcessResult grew = monitor(s.Url());
  BOOST_REQUIRE_MESSAGE(grew.exit_code == 0, grew.err + grew.out);
  const auto g = nlohmann::json::parse(grew.out);
  BOOST_TEST(g["outcome"].get<std::string>() == "grew");
  BOOST_TEST(g["new_size"].get<uint64_t>() > g["old_size"].get<uint64_t>());

  // A server that serves the ledger as it was before: signed, but smaller than what was seen.
  RunningServer rolled_back({}, older);
  ProcessResult rb = monitor(rolled_back.Url());
  BOOST_TEST(rb.exit_code == 1, rb.err + rb.out);
  BOOST_TEST(nlohmann::json::parse(rb.out)["outcome"].get<std::string>() == "rollback");
  // The finding leaves the state alone: the good server still checks out.
  BOOST_TEST(monitor(s.Url()).exit_code == 0);
  // Another key than the pinned one is refused, not silently adopted.
  BOOST_TEST(monitor(s.Url(), {"--log-key", "other+01020304+AQ=="}).exit_code == 3);
  // An unreachable server is an error, not a finding.
  BOOST_TEST(monitor("http://127.0.0.1:1").exit_code != 0);
  BOOST_TEST(monitor("http://127.0.0.1:1").exit_code != 1);
}

// verify --remote: the server's verdict, with each receipt checked on this side against the
// pinned log key, so a server that lies about the ledger is caught.
BOOST_AUTO_TEST_CASE(verify_remote_checks_the_receipts_itself) {
  Studio& st = TheStudio();
  RunningServer s;
  ProcessResult key = st.Must({"--json", "audit", "log-key"});
  const std::string log_key = nlohmann::json::parse(key.out)["log_key"].get<std::string>();
  auto remote = [&](const std::string& file, const std::string& k) {
    return RunHallmark({"--json", "verify", file, "--remote", s.Url(), "--log-key", k});
  };
  ProcessResult original = remote(st.assets[0], log_key);
  BOOST_REQUIRE_MESSAGE(original.exit_code == 0, original.err + original.out);
  auto j = nlohmann::json::parse(original.out);
  BOOST_TEST(j["verdict"].get<std::string>() == "VERIFIED");
  BOOST_TEST(j["remote"]["receipt_checked"].get<bool>());
  BOOST_TEST(j["remote"]["ledger"].get<std::string>().find("matches this file") !=
             std::string::npos);
  ProcessResult stripped = remote(st.stripped, log_key);
  BOOST_TEST(stripped.exit_code == 0, stripped.err + stripped.out);
  j = nlohmann::json::parse(stripped.out);
  BOOST_TEST(j["verdict"].get<std::string>() == "VERIFIED_BY_WATERMARK");
  BOOST_TEST(j["remote"]["receipt_checked"].get<bool>());
  BOOST_TEST(remote(st.unrelated, log_key).exit_code == 1);
  // Another log key than the studio's: the server still says VERIFIED, the receipt does not
  // check out, and the image is not verified.
  const TempDir other;
  const std::vector<std::string> other_env = {"HALLMARK_HOME=" + other.File("home"),
                                              "HALLMARK_PASSPHRASE=other studio"};
  BOOST_REQUIRE(RunHallmark({"dataset", "add", HALLMARK_BUNDLED_DATA, "--name", "d", "--licence",
                             "MIT", "--source", "elsewhere"},
                            other_env)
                    .exit_code == 0);
  ProcessResult other_key = RunHallmark({"--json", "audit", "log-key"}, other_env);
  BOOST_REQUIRE(other_key.exit_code == 0);
  ProcessResult forged =
      remote(st.assets[0], nlohmann::json::parse(other_key.out)["log_key"].get<std::string>());
  BOOST_TEST(forged.exit_code == 1, forged.out);
  BOOST_TEST(!nlohmann::json::parse(forged.out)["remote"]["receipt_checked"].get<bool>());
  // No key: a usage error, nothing sent.
  BOOST_TEST(RunHallmark({"verify", st.assets[0], "--remote", s.Url()}).exit_code == 2);
}

// The page as an auditor uses it, in headless Chromium: four uploads, their verdicts on screen,
// keyboard access and a console free of errors (tests/service/browser/).
BOOST_AUTO_TEST_CASE(the_page_works_in_a_real_browser) {
  Studio& st = TheStudio();
  pl::ServerOptions o;
  o.rate = 0;  // the browser loads the page, its files and the API for each upload
  RunningServer s(o);
  const std::string shot = std::string(HALLMARK_BROWSER_WORK) + "/verify-page.png";
  ProcessResult r =
      RunProcess({"/bin/bash", HALLMARK_BROWSER_TEST,
                  "http://127.0.0.1:" + std::to_string(s.port()), HALLMARK_BROWSER_WORK, shot,
                  st.assets[0] + "=VERIFIED", st.stripped + "=VERIFIED_BY_WATERMARK",
                  st.tampered + "=TAMPERED", st.unrelated + "=NO_PROVENANCE"});
  BOOST_TEST_MESSAGE(r.out);
  BOOST_TEST(r.exit_code == 0, r.out + r.err);
  BOOST_TEST(std::filesystem::exists(shot));
}

// Revocation as tools outside Hallmark see it: `openssl ocsp` against /ocsp (POST, and the GET
// form) and `openssl verify -crl_check` with the CRL from /crl, before and after `keys revoke`.
// Then the server's time-stamping authority used by URL (--tsa-url), as an outside TSA would be.
// A home of its own, so that revoking does not touch the shared studio.
BOOST_AUTO_TEST_CASE(openssl_sees_a_revoked_signer_through_ocsp_and_the_crl) {
  TempDir dir;
  const std::string pass = "ocsp test passphrase";
  const std::vector<std::string> env = {"HALLMARK_HOME=" + dir.File("home"),
                                        "HALLMARK_PASSPHRASE=" + pass};
  auto must = [&](const std::vector<std::string>& args) {
    ProcessResult r = RunHallmark(args, env);
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, args[0] + " failed: " + r.err + r.out);
    return r;
  };
  must({"keys", "init", "--org", "OCSP Test Studio"});
  {
    // Without the passphrase the responder is off and says so in OCSP terms (tryLater).
    RunningServer off({}, "", dir.File("home"));
    auto r = off.Client().Post("/ocsp", "0", "application/ocsp-request");
    BOOST_REQUIRE(r);
    BOOST_TEST(r->status == 503);
    BOOST_TEST(r->body == std::string("\x30\x03\x0a\x01\x03", 5));
  }
  pl::ServerOptions unlimited;
  unlimited.rate = 0;
  RunningServer s(unlimited, "", dir.File("home"), pass);
  // The key that names this server: what a studio does once it knows its public URL.
  must({"keys", "rotate", "--public-url", s.Url()});
  const nlohmann::json key = nlohmann::json::parse(must({"--json", "keys", "show"}).out);
  const std::string id = key["id"], ca = dir.File("home/keys/ca.crt");
  BOOST_TEST(key["ocsp_url"] == s.Url() + "/ocsp/");
  const std::string leaf = dir.File("leaf.pem");
  must({"keys", "export", id, "--out", leaf});
  // The URL comes from the certificate's own AIA, as a relying party finds it.
  ProcessResult uri = RunProcess({HALLMARK_OPENSSL, "x509", "-in", leaf, "-noout", "-ocsp_uri"});
  BOOST_REQUIRE(uri.exit_code == 0);
  const std::string ocsp_url = uri.out.substr(0, uri.out.find('\n'));
  BOOST_TEST(ocsp_url == s.Url() + "/ocsp/");
  auto ask = [&] {
    ProcessResult r = RunProcess(
        {HALLMARK_OPENSSL, "ocsp", "-issuer", ca, "-cert", leaf, "-url", ocsp_url, "-CAfile", ca});
    BOOST_TEST_MESSAGE(r.out + r.err);
    BOOST_TEST(r.err.find("Response verify OK") != std::string::npos, r.err);
    return r.out;
  };
  auto crl_check = [&] {
    auto crl = s.Client().Get("/crl");
    BOOST_REQUIRE(crl);
    BOOST_REQUIRE(crl->status == 200);
    BOOST_REQUIRE(
        hm::WriteFileAtomic(
            dir.File("crl.der"),
            hm::ByteView(reinterpret_cast<const uint8_t*>(crl->body.data()), crl->body.size()))
            .ok());
    BOOST_REQUIRE(RunProcess({HALLMARK_OPENSSL, "crl", "-inform", "DER", "-in", dir.File("crl.der"),
                              "-out", dir.File("crl.pem")})
                      .exit_code == 0);
    return RunProcess({HALLMARK_OPENSSL, "verify", "-crl_check", "-CAfile", ca, "-CRLfile",
                       dir.File("crl.pem"), leaf});
  };
  BOOST_TEST(ask().find(leaf + ": good") != std::string::npos);
  BOOST_TEST(crl_check().exit_code == 0);

  must({"keys", "revoke", id});
  BOOST_TEST(ask().find(leaf + ": revoked") != std::string::npos);
  ProcessResult checked = crl_check();
  BOOST_TEST(checked.exit_code != 0);
  BOOST_TEST((checked.out + checked.err).find("certificate revoked") != std::string::npos);

  // RFC 6960 A.1's GET form carries the same request, base64 in the path.
  BOOST_REQUIRE(RunProcess({HALLMARK_OPENSSL, "ocsp", "-issuer", ca, "-cert", leaf, "-no_nonce",
                            "-reqout", dir.File("req.der")})
                    .exit_code == 0);
  auto req = hm::ReadFile(dir.File("req.der"));
  BOOST_REQUIRE(req.ok());
  auto got = s.Client().Get("/ocsp/" + hm::Base64Encode(hm::ByteView(*req)));
  BOOST_REQUIRE(got);
  BOOST_TEST(got->status == 200);
  BOOST_TEST(got->get_header_value("Content-Type") == "application/ocsp-response");
  BOOST_REQUIRE(hm::WriteFileAtomic(dir.File("resp.der"),
                                    hm::ByteView(reinterpret_cast<const uint8_t*>(got->body.data()),
                                                 got->body.size()))
                    .ok());
  ProcessResult read = RunProcess({HALLMARK_OPENSSL, "ocsp", "-respin", dir.File("resp.der"),
                                   "-issuer", ca, "-cert", leaf, "-CAfile", ca});
  BOOST_TEST(read.out.find(leaf + ": revoked") != std::string::npos, read.out + read.err);

  // The server's TSA, reached by URL as an outside TSA would be (--tsa-url): the signed file's
  // time-stamp checks out against the studio's TSA trust list.
  const std::string photo = std::string(HALLMARK_TEST_DATA) + "/photos/chelsea.png";
  must({"keys", "rotate"});
  must({"provenance", "sign", photo, "--manifest",
        std::string(HALLMARK_TEST_DATA) + "/../provenance/interop/manifest.json", "--out",
        dir.File("stamped.png"), "--tsa-url", s.Url() + "/tsa"});
  const nlohmann::json verified =
      nlohmann::json::parse(must({"--json", "provenance", "verify", dir.File("stamped.png")}).out);
  BOOST_TEST(verified["signature"]["time_stamp"]["trusted"] == true);
  // An unreachable TSA is a clear error, and nothing is written.
  ProcessResult down =
      RunHallmark({"provenance", "sign", photo, "--manifest",
                   std::string(HALLMARK_TEST_DATA) + "/../provenance/interop/manifest.json",
                   "--out", dir.File("never.png"), "--tsa-url", "http://127.0.0.1:1/tsa"},
                  env);
  BOOST_TEST(down.exit_code != 0);
  BOOST_TEST(down.err.find("127.0.0.1:1") != std::string::npos, down.err);
  BOOST_TEST(!std::filesystem::exists(dir.File("never.png")));
  auto bad_tsa = s.Client().Post("/tsa", std::string(50, 'x'), "application/timestamp-query");
  BOOST_REQUIRE(bad_tsa);
  BOOST_TEST(bad_tsa->status == 400);
  auto typed_tsa = s.Client().Post("/tsa", "x", "text/plain");
  BOOST_REQUIRE(typed_tsa);
  BOOST_TEST(typed_tsa->status == 415);

  // Hostile requests: 4xx, and the server stays up.
  auto garbage = s.Client().Post("/ocsp", std::string(200, 'x'), "application/ocsp-request");
  BOOST_REQUIRE(garbage);
  BOOST_TEST(garbage->status == 400);
  auto typed = s.Client().Post("/ocsp", std::string("x"), "text/plain");
  BOOST_REQUIRE(typed);
  BOOST_TEST(typed->status == 415);
  auto large = s.Client().Post("/ocsp", std::string(10000, '0'), "application/ocsp-request");
  BOOST_REQUIRE(large);
  BOOST_TEST(large->status == 413);
  auto not_b64 = s.Client().Get("/ocsp/abc");
  BOOST_REQUIRE(not_b64);
  BOOST_TEST(not_b64->status == 400);
  BOOST_TEST(s.Healthy());
}

BOOST_AUTO_TEST_CASE(the_serve_command_listens_and_stops_on_sigterm) {
  Studio& st = TheStudio();
  // The command prints where it listens; a pipe reads that line.
  int out[2];
  BOOST_REQUIRE(pipe(out) == 0);
  const pid_t pid = fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    setenv("HALLMARK_HOME", st.Home().c_str(), 1);
    execl(HALLMARK_BINARY, HALLMARK_BINARY, "--json", "serve", "--listen", "127.0.0.1:0",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  BOOST_REQUIRE_MESSAGE(!line.empty(), "serve printed nothing");
  const int port = nlohmann::json::parse(line)["port"].get<int>();
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/healthz");
  BOOST_REQUIRE(health);
  BOOST_TEST(health->status == 200);
  kill(pid, SIGTERM);
  int status = 0;
  BOOST_REQUIRE(waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}
