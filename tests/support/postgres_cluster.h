// A throw-away PostgreSQL server for tests: initdb in a fresh temporary folder, started with
// pg_ctl on a free loopback port, stopped and removed with the object. Nothing is mocked: the
// tests talk to the real server Debian's postgresql package installs. When the server cannot be
// created or started, the constructor throws, so the test fails instead of passing silently.
//
// initdb refuses to run as root, so a root test runs the server as the `postgres` user that the
// package creates (runuser); an unprivileged test runs it as itself.
#ifndef HALLMARK_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
#define HALLMARK_TESTS_SUPPORT_POSTGRES_CLUSTER_H_

#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace hallmark::testing {

class PostgresCluster {
 public:
  // The superuser initdb creates; it logs in without a password (trust, loopback only).
  static constexpr char kSuperuser[] = "admin";

  PostgresCluster();
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  int port() const { return port_; }
  // A libpq URL for `database` as `user`.
  std::string Url(const std::string& database, const std::string& user = kSuperuser) const;
  // Creates `database` and returns its superuser URL.
  std::string CreateDatabase(const std::string& database);
  // Runs `sql` in `database` with psql as the superuser (ON_ERROR_STOP) and returns what it
  // printed (unaligned, tuples only); throws on failure. TrySql returns the result instead.
  std::string Sql(const std::string& database, const std::string& sql) const;
  ProcessResult TrySql(const std::string& database, const std::string& sql,
                       const std::string& user = kSuperuser) const;

  // Stops the server the fast way (in-flight transactions are rolled back) and starts it again
  // on the same port: what a restart during a batch looks like to a client.
  void Restart();
  void Stop();
  void Start();

 private:
  std::vector<std::string> AsServerUser(std::vector<std::string> argv) const;
  void Run(const std::vector<std::string>& argv, const std::string& what) const;

  std::string bin_;  // folder of initdb, pg_ctl, postgres
  TempDir dir_;      // holds data/ and the server log
  int port_ = 0;
  bool running_ = false;
};

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_SUPPORT_POSTGRES_CLUSTER_H_
