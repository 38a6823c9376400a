// Hostile ledgers, homes, keys, dataset folders and policy files, handed to the real binary under
// a 10 s timeout and a 4 GB address-space limit: every case must end in time with exit 0-3 (never
// 4, never a signal), and an error must be one line naming the file at fault.
//   - a ledger with Hallmark's header but no tables, or tables without the expected columns;
//   - a log entry or checkpoint claiming index 2^40 or 2^62;
//   - a home that cannot be written, read as another user;
//   - a passphrase with a NUL byte given to 'keys init';
//   - a log key others can read, or a symbolic link in its place;
//   - a dataset folder with links leading out of it and a sub-folder that cannot be listed;
//   - policy TOML with 50,000 dotted-key parts, deep nesting, or more than 1 MiB.
#define BOOST_TEST_MODULE hostile_ledger_and_home
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include "audit/compliance/toml_fields.h"
#include "base/file.h"
#include "image/codec.h"
#include "image/test_pattern.h"
#include "tests/hostile/confined_run.h"
#include "tests/support/subprocess.h"

namespace fs = std::filesystem;
using hallmark::ByteView;
using hallmark::testing::ProcessResult;
using hallmark::testing::RunConfined;
using hallmark::testing::TempDir;
using hallmark::testing::Timed;

namespace {

constexpr int kTimeoutSeconds = hallmark::testing::kConfinedSeconds;

size_t LinesNaming(const std::string& text, const std::string& what) {
  size_t lines = 0;
  size_t at = 0;
  while (at < text.size()) {
    const size_t end = text.find('\n', at);
    const std::string line = text.substr(at, end == std::string::npos ? end : end - at);
    if (line.find(what) != std::string::npos) ++lines;
    at = end == std::string::npos ? text.size() : end + 1;
  }
  return lines;
}

// Ended in time with an exit code a script can act on.
void ExpectEnded(const Timed& t) {
  BOOST_TEST(t.result.exit_code >= 0);
  BOOST_TEST(t.result.exit_code <= 3,
             "exit " << t.result.exit_code << ", stderr: " << t.result.err);
  BOOST_TEST(t.seconds < kTimeoutSeconds);
}

// Refused as bad input (exit 3) in one line naming `file`.
void ExpectRefused(const Timed& t, const std::string& file) {
  ExpectEnded(t);
  BOOST_TEST(t.result.exit_code == 3, "stdout: " << t.result.out << " stderr: " << t.result.err);
  BOOST_TEST(LinesNaming(t.result.err, file) == 1u, "stderr: " << t.result.err);
}

void Sql(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  BOOST_REQUIRE(sqlite3_open(db_path.c_str(), &db) == SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  const std::string message = err ? err : "";
  sqlite3_free(err);
  sqlite3_close(db);
  BOOST_REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

std::string SqlInt(uint64_t v) { return std::to_string(v); }

struct Workspace {
  TempDir dir;
  std::string home = dir.File("home");
  std::vector<std::string> env = {"HALLMARK_HOME=" + home, "HALLMARK_PASSPHRASE=hostile secret"};

  Timed Run(const std::vector<std::string>& args) { return RunConfined(args, env); }

  std::string ImageFolder(const std::string& name, int images) {
    const std::string folder = dir.File(name);
    fs::create_directories(folder);
    for (int i = 0; i < images; ++i) {
      BOOST_REQUIRE(hallmark::image::WriteImageFile(folder + "/img" + std::to_string(i) + ".png",
                                                    hallmark::image::MakeTestPattern(40 + i, 30))
                        .ok());
    }
    return folder;
  }
  std::string WriteText(const std::string& name, const std::string& text) {
    const std::string path = dir.File(name);
    BOOST_REQUIRE(hallmark::WriteFileAtomic(path, ByteView(text)).ok());
    return path;
  }
  // A home with one recorded dataset (one log entry), made by the binary itself.
  void RecordDataset(const std::string& name = "d1") {
    const std::string folder = ImageFolder("images-" + name, 2);
    Timed t = Run({"dataset", "add", folder, "--name", name, "--licence", "MIT", "--source",
                   "https://example.org/" + name});
    BOOST_REQUIRE_MESSAGE(t.result.exit_code == 0, t.result.err);
  }
};

constexpr const char* kTables[] = {
    "log_meta",         "entries",       "tree_nodes",  "checkpoints",
    "datasets",         "dataset_items", "models",      "model_datasets",
    "assets",           "keys",          "revocations", "policy_evaluations",
    "dataset_locations"};

// Hallmark's application id and schema version, and `tables` as given.
std::string ForgedLedger(const std::string& path, const std::string& tables) {
  // The throw-away table makes SQLite write the header page; the schema is then empty again.
  Sql(path, std::string("PRAGMA application_id=1213025351; PRAGMA user_version=2; ") +
                "CREATE TABLE z(x); DROP TABLE z; " + tables);
  BOOST_REQUIRE(fs::file_size(path) > 0);
  return path;
}

std::vector<std::vector<std::string>> ReadCommands(const std::string& ledger,
                                                   const std::string& export_to) {
  return {{"audit", "verify-log", "--ledger", ledger},
          {"dataset", "list", "--ledger", ledger},
          {"audit", "checkpoint", "--ledger", ledger},
          {"audit", "export", export_to, "--ledger", ledger}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_ledger_with_the_header_but_no_tables_is_bad_input) {
  Workspace w;
  const std::string hollow = ForgedLedger(w.dir.File("hollow.sqlite"), "");
  for (const auto& args : ReadCommands(hollow, w.dir.File("export.sqlite"))) {
    BOOST_TEST_CONTEXT(args[0] + " " + args[1]) {
      Timed t = w.Run(args);
      ExpectRefused(t, hollow);
      BOOST_TEST(t.result.err.find("no 'log_meta' table") != std::string::npos, t.result.err);
    }
  }
  // The same file as the home's ledger, read and written.
  fs::create_directories(w.home);
  const std::string home_ledger = w.home + "/ledger.sqlite";
  fs::copy_file(hollow, home_ledger);
  ExpectRefused(w.Run({"dataset", "list"}), home_ledger);
  const std::string images = w.ImageFolder("images", 1);
  ExpectRefused(w.Run({"dataset", "add", images, "--name", "x", "--licence", "MIT", "--source",
                       "https://example.org"}),
                home_ledger);
}

BOOST_AUTO_TEST_CASE(a_ledger_whose_tables_lack_their_columns_is_bad_input) {
  Workspace w;
  std::string tables;
  for (const char* t : kTables) tables += std::string("CREATE TABLE ") + t + "(x); ";
  const std::string ledger = ForgedLedger(w.dir.File("columnless.sqlite"), tables);
  for (const auto& args : ReadCommands(ledger, w.dir.File("export.sqlite"))) {
    if (args[1] == "export") continue;  // copies the file without reading a column
    BOOST_TEST_CONTEXT(args[0] + " " + args[1]) {
      Timed t = w.Run(args);
      ExpectRefused(t, ledger);
      BOOST_TEST(t.result.err.find("not a usable Hallmark ledger") != std::string::npos,
                 t.result.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(log_indices_of_2_to_the_40_and_62_allocate_nothing) {
  Workspace origin;
  origin.RecordDataset();
  for (uint64_t index : {uint64_t{1} << 40, uint64_t{1} << 62}) {
    BOOST_TEST_CONTEXT("index " << index) {
      Workspace w;
      fs::copy(origin.home, w.home, fs::copy_options::recursive);
      const std::string ledger = w.home + "/ledger.sqlite";
      Sql(ledger, "INSERT INTO entries(idx, kind, body, leaf_hash) VALUES (" + SqlInt(index) +
                      ", 'dataset', x'00', zeroblob(32)); "
                      "INSERT INTO checkpoints(tree_size, root_hash, note) VALUES (" +
                      SqlInt(index + 1) + ", zeroblob(32), 'forged');");

      // verify-log finds the gap and the forged checkpoint: a negative result, not a crash.
      Timed verified = w.Run({"audit", "verify-log"});
      ExpectEnded(verified);
      BOOST_TEST(verified.result.exit_code == 1, verified.result.out + verified.result.err);
      BOOST_TEST(verified.result.out.find("is missing (the next stored entry is " +
                                          std::to_string(index) + ")") != std::string::npos,
                 verified.result.out);
      BOOST_TEST(verified.seconds < 3.0);

      Timed checkpoint = w.Run({"audit", "checkpoint"});
      ExpectEnded(checkpoint);

      // A write must rebuild the log's right border from nodes that do not exist.
      const std::string images = w.ImageFolder("more", 1);
      Timed write = w.Run({"dataset", "add", images, "--name", "d2", "--licence", "MIT", "--source",
                           "https://example.org/d2"});
      ExpectRefused(write, ledger);
    }
  }
}

// Root reads and writes any folder whatever its mode, so "a home this user cannot write" is made
// real for root by running the binary as nobody (setpriv(1), util-linux, drops the ids before
// exec) on a home owned by root with mode 0755; without root, chmod 0555 on the home does it.
// chattr +i was not chosen: it needs CAP_LINUX_IMMUTABLE and a file system that supports it.
BOOST_AUTO_TEST_CASE(a_home_that_cannot_be_written_can_still_be_read) {
  const std::vector<std::string> runner = hallmark::testing::UnprivilegedRunner();
  Workspace w;
  BOOST_REQUIRE(::chmod(w.dir.path().c_str(), 0755) == 0);  // mkdtemp made it 0700
  w.RecordDataset();
  const std::string ledger = w.home + "/ledger.sqlite";
  BOOST_REQUIRE(!fs::exists(ledger + "-shm"));  // the writer closed cleanly and removed it
  BOOST_REQUIRE(::chmod(ledger.c_str(), 0644) == 0);
  BOOST_REQUIRE(::chmod(w.home.c_str(), runner.empty() ? 0555 : 0755) == 0);

  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--home", w.home, "dataset", "list"},
        std::vector<std::string>{"--home", w.home, "audit", "verify-log"}}) {
    BOOST_TEST_CONTEXT(args[2] + " " + args[3]) {
      Timed t = RunConfined(args, {}, runner);
      BOOST_TEST(t.result.exit_code == 0, t.result.out + t.result.err);
      BOOST_TEST(t.seconds < kTimeoutSeconds);
    }
  }
  Timed listed = RunConfined({"--home", w.home, "dataset", "list"}, {}, runner);
  BOOST_TEST(listed.result.out.find("d1") != std::string::npos, listed.result.out);
  BOOST_TEST(!fs::exists(ledger + "-shm"));
  ::chmod(w.home.c_str(), 0700);
}

BOOST_AUTO_TEST_CASE(keys_init_refuses_a_passphrase_with_a_nul_byte_before_writing) {
  Workspace w;
  const std::string pass = w.WriteText("pass.txt", std::string("abc\0def\n", 8));
  Timed t = RunConfined({"--home", w.home, "keys", "init", "--passphrase-file", pass}, {});
  ExpectEnded(t);
  BOOST_TEST(t.result.exit_code == 2, t.result.err);
  BOOST_TEST(LinesNaming(t.result.err, pass) == 1u, t.result.err);
  BOOST_TEST(t.result.err.find("NUL byte") != std::string::npos, t.result.err);
  BOOST_TEST(!fs::exists(w.home + "/keys/ca.key"));
  BOOST_TEST(!fs::exists(w.home + "/keys"));

  // The same home then initialises normally.
  const std::string good = w.WriteText("good.txt", "a proper passphrase\n");
  Timed init = RunConfined({"--home", w.home, "keys", "init", "--passphrase-file", good}, {});
  BOOST_TEST(init.result.exit_code == 0, init.result.err);
}

BOOST_AUTO_TEST_CASE(the_log_key_is_created_private_and_refused_when_others_can_read_it) {
  Workspace w;
  w.RecordDataset();
  const std::string key = w.home + "/log-key.pem";
  struct stat st {};
  BOOST_REQUIRE(::stat(key.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);

  const std::string images = w.ImageFolder("more", 1);
  const std::vector<std::string> add = {"dataset", "add",      images,
                                        "--name",  "d2",       "--licence",
                                        "MIT",     "--source", "https://example.org/d2"};
  BOOST_REQUIRE(::chmod(key.c_str(), 0644) == 0);
  Timed readable = w.Run(add);
  ExpectRefused(readable, key);
  BOOST_TEST(readable.result.err.find("chmod 600 it") != std::string::npos, readable.result.err);

  // A link in the key's place is refused even when its target is private.
  const std::string real = w.dir.File("elsewhere.pem");
  fs::rename(key, real);
  BOOST_REQUIRE(::chmod(real.c_str(), 0600) == 0);
  BOOST_REQUIRE(::symlink(real.c_str(), key.c_str()) == 0);
  Timed linked = w.Run(add);
  ExpectRefused(linked, key);
  BOOST_TEST(linked.result.err.find("not a regular file") != std::string::npos, linked.result.err);

  fs::remove(key);
  fs::rename(real, key);
  Timed fixed = w.Run(add);
  BOOST_TEST(fixed.result.exit_code == 0, fixed.result.err);
}

BOOST_AUTO_TEST_CASE(dataset_add_never_leaves_the_folder_and_says_what_it_skipped) {
  Workspace w;
  const std::string folder = w.ImageFolder("data", 2);
  const std::string outside = w.ImageFolder("outside", 1);
  fs::create_symlink(outside + "/img0.png", folder + "/stolen.png");
  fs::create_symlink(outside, folder + "/elsewhere");
  fs::create_symlink("img0.png", folder + "/alias.png");  // inside: recorded like the file
  fs::create_symlink("loop.png", folder + "/loop.png");

  Timed t = w.Run({"--json", "dataset", "add", folder, "--name", "linked", "--licence", "MIT",
                   "--source", "https://example.org"});
  ExpectEnded(t);
  BOOST_REQUIRE_MESSAGE(t.result.exit_code == 0, t.result.err);
  BOOST_TEST(t.result.err.find("skipped: " + folder +
                               "/stolen.png: symbolic link to a file outside the dataset "
                               "folder") != std::string::npos,
             t.result.err);
  BOOST_TEST(
      t.result.err.find("skipped: " + folder +
                        "/elsewhere: symbolic link to a folder, not followed") != std::string::npos,
      t.result.err);
  BOOST_TEST(
      t.result.err.find("skipped: " + folder + "/loop.png: broken or looping") != std::string::npos,
      t.result.err);
  nlohmann::json record = nlohmann::json::parse(t.result.out.substr(0, t.result.out.find('\n')));
  BOOST_TEST(record["item_count"] == 3);  // img0, img1 and the alias inside the folder
}

// An unreadable sub-folder is made real for root as in a_home_that_cannot_be_written_can_still_
// be_read: the binary runs as nobody (setpriv), the locked folder is root's with mode 0.
BOOST_AUTO_TEST_CASE(dataset_add_refuses_a_folder_with_a_sub_folder_it_cannot_list) {
  const std::vector<std::string> runner = hallmark::testing::UnprivilegedRunner();
  Workspace w;
  BOOST_REQUIRE(::chmod(w.dir.path().c_str(), 0755) == 0);
  const std::string folder = w.ImageFolder("data", 1);
  const std::string locked = folder + "/locked";
  fs::create_directories(locked);
  BOOST_REQUIRE(hallmark::image::WriteImageFile(locked + "/hidden.png",
                                                hallmark::image::MakeTestPattern(40, 30))
                    .ok());
  BOOST_REQUIRE(::chmod(locked.c_str(), 0) == 0);
  const std::string home = w.dir.File("open-home");
  fs::create_directories(home);
  BOOST_REQUIRE(::chmod(home.c_str(), 0777) == 0);

  Timed t = RunConfined({"--home", home, "dataset", "add", folder, "--name", "partial", "--licence",
                         "MIT", "--source", "https://example.org"},
                        {}, runner);
  ::chmod(locked.c_str(), 0755);  // so TempDir can remove it
  ExpectRefused(t, locked);
  BOOST_TEST(t.result.err.find("cannot list") != std::string::npos, t.result.err);
  BOOST_TEST(!fs::exists(home + "/ledger.sqlite"));
}

BOOST_AUTO_TEST_CASE(policy_toml_beyond_the_nesting_and_size_limits_is_refused_unparsed) {
  Workspace w;
  const std::string header =
      "schema = 1\nname = \"hostile\"\nversion = \"1\"\npurpose = \"research\"\n"
      "description = \"x\"\n";
  std::string dotted = "a";
  for (int i = 1; i < 50000; ++i) dotted += ".a";
  std::string arrays = "x = " + std::string(20000, '[') + std::string(20000, ']') + "\n";
  std::string tables = "x = ";
  for (int i = 0; i < 20000; ++i) tables += "{a = ";
  tables += "1" + std::string(20000, '}') + "\n";
  const std::string big = header + "# " + std::string(size_t{1} << 21, 'x') + "\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"dotted.toml", header + dotted + " = 1\n"},
      {"header.toml", header + "[" + dotted + "]\n"},
      {"arrays.toml", header + arrays},
      {"tables.toml", header + tables},
      {"big.toml", big}};
  for (const auto& [name, text] : cases) {
    BOOST_TEST_CONTEXT(name) {
      const std::string policy = w.WriteText(name, text);
      Timed t = w.Run({"policy", "check", "--policy", policy, "--dataset", "any", "--no-record"});
      ExpectRefused(t, policy);
      BOOST_TEST(t.result.err.find("limit") != std::string::npos, t.result.err);
    }
  }
}

BOOST_AUTO_TEST_CASE(toml_limits_count_only_what_the_parser_recurses_on) {
  using hallmark::audit::CheckTomlLimits;
  using hallmark::audit::kMaxTomlNesting;
  auto dotted = [](int dots) {
    std::string key = "a";
    for (int i = 0; i < dots; ++i) key += ".a";
    return key + " = 1\n";
  };
  BOOST_TEST(CheckTomlLimits(dotted(kMaxTomlNesting), "p.toml").ok());
  hallmark::Status over = CheckTomlLimits(dotted(kMaxTomlNesting + 1), "p.toml");
  BOOST_TEST(over.code() == hallmark::StatusCode::kBadInput);
  BOOST_TEST(over.message().rfind("p.toml:1: ", 0) == 0u, over.message());

  const std::string nested = std::string(kMaxTomlNesting, '[') + std::string(kMaxTomlNesting, ']');
  BOOST_TEST(CheckTomlLimits("x = " + nested + "\n", "p.toml").ok());
  BOOST_TEST(!CheckTomlLimits("x = [" + nested + "]\n", "p.toml").ok());

  // Dots and brackets inside strings and comments, and one dot per float, are not nesting.
  const std::string dots(200, '.');
  const std::string brackets(200, '[');
  BOOST_TEST(CheckTomlLimits("a = \"" + dots + brackets + "\"\n", "p.toml").ok());
  BOOST_TEST(CheckTomlLimits("a = '" + dots + "'\n\"" + dots + "\" = 1\n", "p.toml").ok());
  BOOST_TEST(CheckTomlLimits("a = \"\"\"\n" + dots + "\n\"\"\"\n", "p.toml").ok());
  BOOST_TEST(CheckTomlLimits("# " + dots + brackets + "\n", "p.toml").ok());
  std::string floats = "a = [";
  for (int i = 0; i < 100; ++i) floats += "1.5, ";
  BOOST_TEST(CheckTomlLimits(floats + "2.5]\n", "p.toml").ok());
  // An escaped quote does not end a string early.
  BOOST_TEST(CheckTomlLimits("a = \"\\\"" + dots + "\"\n", "p.toml").ok());

  BOOST_TEST(CheckTomlLimits(std::string(hallmark::audit::kMaxTomlBytes, '\n'), "p.toml").ok());
  BOOST_TEST(
      !CheckTomlLimits(std::string(hallmark::audit::kMaxTomlBytes + 1, '\n'), "p.toml").ok());
}
