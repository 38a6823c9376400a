#include "tests/support/postgres_cluster.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hallmark::testing {
namespace {

// The newest installed server's programs; HALLMARK_PG_BINDIR overrides.
std::string FindServerBin() {
  if (const char* env = std::getenv("HALLMARK_PG_BINDIR"); env && *env) return env;
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec)) {
    if (std::filesystem::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
  }
  if (found.empty()) {
    throw std::runtime_error(
        "no PostgreSQL server installed (/usr/lib/postgresql/*/bin/initdb): run scripts/setup.sh");
  }
  std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
    return std::stoi(std::filesystem::path(a).parent_path().filename().string()) <
           std::stoi(std::filesystem::path(b).parent_path().filename().string());
  });
  return found.back();
}

// `name` found on $PATH (or in /usr/sbin and /sbin, which a non-login root shell may lack): the
// spawner runs programs by path.
std::string Program(const std::string& name) {
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "/usr/bin:/bin";
  path += ":/usr/sbin:/sbin";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    std::string candidate = dir;
    candidate.append("/").append(name);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  throw std::runtime_error("PostgreSQL test server: no '" + name +
                           "' program found (scripts/setup.sh installs it)");
}

// A loopback port nobody listens on now. The server binds it a moment later; Start() retries on
// another port when something took it meanwhile.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

PostgresCluster::PostgresCluster() : bin_(FindServerBin()) {
  if (::geteuid() == 0) {
    const passwd* pw = ::getpwnam("postgres");
    if (!pw) throw std::runtime_error("running as root but there is no 'postgres' user for initdb");
    if (::chown(dir_.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      throw std::runtime_error("cannot hand " + dir_.path() + " to the postgres user");
    }
  }
  Run({bin_ + "/initdb", "-D", dir_.File("data"), "-A", "trust", "-U", kSuperuser, "-E", "UTF8",
       "--no-sync"},
      "initdb");
  Start();
}

PostgresCluster::~PostgresCluster() {
  if (running_) {
    (void)RunProcess(
        AsServerUser({bin_ + "/pg_ctl", "-D", dir_.File("data"), "-m", "immediate", "-w", "stop"}));
  }
}

std::vector<std::string> PostgresCluster::AsServerUser(std::vector<std::string> argv) const {
  if (::geteuid() != 0) return argv;
  argv.insert(argv.begin(), {Program("runuser"), "-u", "postgres", "--"});
  return argv;
}

void PostgresCluster::Run(const std::vector<std::string>& argv, const std::string& what) const {
  ProcessResult r = RunProcess(AsServerUser(argv));
  if (r.exit_code != 0) {
    throw std::runtime_error("PostgreSQL test server: " + what + " failed (exit " +
                             std::to_string(r.exit_code) + "): " + r.err + r.out);
  }
}

void PostgresCluster::Start() {
  std::string last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (port_ == 0 || attempt > 0) port_ = FreePort();
    // The socket folder is the temporary folder, so nothing lands in /var/run/postgresql.
    std::string opts = "-p " + std::to_string(port_) + " -k " + dir_.path() +
                       " -c listen_addresses=127.0.0.1 -c max_connections=60";
    ProcessResult r =
        RunProcess(AsServerUser({bin_ + "/pg_ctl", "-D", dir_.File("data"), "-l",
                                 dir_.File("server.log"), "-o", opts, "-w", "-t", "60", "start"}));
    if (r.exit_code == 0) {
      running_ = true;
      return;
    }
    last_error = r.err + r.out + ReadFile(dir_.File("server.log"));
  }
  throw std::runtime_error("PostgreSQL test server: pg_ctl start failed: " + last_error);
}

void PostgresCluster::Stop() {
  Run({bin_ + "/pg_ctl", "-D", dir_.File("data"), "-m", "fast", "-w", "stop"}, "pg_ctl stop");
  running_ = false;
}

void PostgresCluster::Restart() {
  Stop();
  Start();
}

std::string PostgresCluster::Url(const std::string& database, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresCluster::CreateDatabase(const std::string& database) {
  Sql("postgres", "CREATE DATABASE \"" + database + "\"");
  return Url(database);
}

ProcessResult PostgresCluster::TrySql(const std::string& database, const std::string& sql,
                                      const std::string& user) const {
  return RunProcess({Program("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d",
                     Url(database, user), "-c", sql});
}

std::string PostgresCluster::Sql(const std::string& database, const std::string& sql) const {
  ProcessResult r = TrySql(database, sql);
  if (r.exit_code != 0) {
    throw std::runtime_error("psql failed on '" + sql + "': " + r.err);
  }
  return r.out;
}

}  // namespace hallmark::testing
