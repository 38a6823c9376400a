// What WriteFileAtomic syncs and what it leaves behind, observed through the fsync seam in
// base/file_internal.h.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "base/file.h"
#include "base/file_internal.h"
#include "tests/support/subprocess.h"

using namespace hallmark;

namespace {

// Every path handed to fsync, in order; a sync of a path containing `g_fail_on` fails with EIO.
std::vector<std::string> g_synced;
std::string g_fail_on;

int RecordingFsync(int fd, const char* path) {
  g_synced.emplace_back(path);
  if (!g_fail_on.empty() && std::string(path).find(g_fail_on) != std::string::npos) {
    errno = EIO;
    return -1;
  }
  return ::fsync(fd);
}

// Installs RecordingFsync for one test case and restores the real fsync afterwards.
struct FsyncRecorder {
  FsyncRecorder() {
    g_synced.clear();
    g_fail_on.clear();
    internal::SetFsyncForTesting(&RecordingFsync);
  }
  ~FsyncRecorder() { internal::SetFsyncForTesting(nullptr); }
};

std::vector<std::string> FolderEntries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.push_back(e.path().filename().string());
  }
  return names;
}

bool StartsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(file_durability, FsyncRecorder)

BOOST_AUTO_TEST_CASE(synced_write_fsyncs_the_file_then_its_folder) {
  testing::TempDir dir;
  const std::string path = dir.File("out.bin");
  BOOST_REQUIRE(WriteFileAtomic(path, Bytes{1, 2, 3}, 0644, Durability::kSynced).ok());
  BOOST_REQUIRE(g_synced.size() == 2u);
  // First the temporary file beside the target, before the rename...
  BOOST_TEST(StartsWith(g_synced[0], path + ".tmp."), g_synced[0]);
  // ...then the folder, after the rename: the file is in place by the time its folder is synced.
  BOOST_TEST(g_synced[1] == dir.path());
  BOOST_TEST((*ReadFile(path) == Bytes{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(a_bare_file_name_syncs_the_current_folder) {
  testing::TempDir dir;
  const std::string old_cwd = std::filesystem::current_path().string();
  std::filesystem::current_path(dir.path());
  Status written = WriteFileAtomic("bare.bin", Bytes{9});
  std::filesystem::current_path(old_cwd);
  BOOST_REQUIRE_MESSAGE(written.ok(), written.ToString());
  BOOST_REQUIRE(g_synced.size() == 2u);
  BOOST_TEST(g_synced[1] == ".");
}

BOOST_AUTO_TEST_CASE(deferred_write_fsyncs_nothing) {
  testing::TempDir dir;
  BOOST_REQUIRE(WriteFileAtomic(dir.File("later.bin"), Bytes{1}, 0644, Durability::kLater).ok());
  BOOST_TEST(g_synced.empty());
  BOOST_TEST(std::filesystem::exists(dir.File("later.bin")));
}

BOOST_AUTO_TEST_CASE(a_failed_file_sync_is_reported_and_leaves_no_temporary) {
  testing::TempDir dir;
  const std::string path = dir.File("keep.bin");
  BOOST_REQUIRE(WriteFileAtomic(path, Bytes{1}).ok());
  g_synced.clear();
  g_fail_on = ".tmp.";
  Status s = WriteFileAtomic(path, Bytes{2, 2});
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.code() == StatusCode::kIoError);
  BOOST_TEST(s.message().find(path) != std::string::npos, s.message());
  BOOST_TEST(s.message().find("sync") != std::string::npos, s.message());
  // The folder is never synced: nothing was renamed. The old file is untouched and alone.
  BOOST_TEST(g_synced.size() == 1u);
  BOOST_TEST((*ReadFile(path) == Bytes{1}));
  BOOST_TEST((FolderEntries(dir.path()) == std::vector<std::string>{"keep.bin"}));
}

BOOST_AUTO_TEST_CASE(a_failed_folder_sync_is_reported_naming_the_folder) {
  testing::TempDir dir;
  // The temporary's name contains the folder's too, so fail only paths without ".tmp.".
  internal::SetFsyncForTesting([](int fd, const char* path) {
    g_synced.emplace_back(path);
    if (std::string(path).find(".tmp.") == std::string::npos) {
      errno = EIO;
      return -1;
    }
    return ::fsync(fd);
  });
  Status s = WriteFileAtomic(dir.File("x.bin"), Bytes{5});
  BOOST_TEST(!s.ok());
  BOOST_TEST(s.code() == StatusCode::kIoError);
  BOOST_TEST(s.message() == dir.path() + ": folder sync failed: " + std::strerror(EIO));
  BOOST_TEST((FolderEntries(dir.path()) == std::vector<std::string>{"x.bin"}));
}

BOOST_AUTO_TEST_CASE(temporary_names_are_not_predictable) {
  testing::TempDir dir;
  const std::string path = dir.File("same.bin");
  std::set<std::string> temporaries;
  for (int i = 0; i < 4; ++i) {
    BOOST_REQUIRE(WriteFileAtomic(path, Bytes{uint8_t(i)}).ok());
    BOOST_REQUIRE(!g_synced.empty());
    temporaries.insert(g_synced.front());
    g_synced.clear();
  }
  // Same process, same target: the old scheme (".tmp.<pid>") used one name for all four.
  BOOST_TEST(temporaries.size() == 4u);
  for (const std::string& t : temporaries) {
    BOOST_TEST(t.size() > (path + ".tmp.").size() + 8, t);
    BOOST_TEST(t.find(std::to_string(::getpid())) == std::string::npos, t);
  }
}

BOOST_AUTO_TEST_CASE(a_symlink_planted_at_the_old_temporary_name_is_not_followed) {
  testing::TempDir dir;
  const std::string path = dir.File("target.bin");
  const std::string victim = dir.File("victim");
  BOOST_REQUIRE(WriteFileAtomic(victim, Bytes{7, 7}).ok());
  const std::string guessed = path + ".tmp." + std::to_string(::getpid());
  BOOST_REQUIRE(::symlink(victim.c_str(), guessed.c_str()) == 0);
  BOOST_REQUIRE(WriteFileAtomic(path, Bytes{1, 2}).ok());
  BOOST_TEST((*ReadFile(victim) == Bytes{7, 7}));
  BOOST_TEST((*ReadFile(path) == Bytes{1, 2}));
  struct stat st {};
  BOOST_TEST(::lstat(path.c_str(), &st) == 0);
  BOOST_TEST(S_ISREG(st.st_mode));
}

BOOST_AUTO_TEST_CASE(sync_dir_and_remove_file_report_failures_naming_the_path) {
  testing::TempDir dir;
  BOOST_TEST(SyncDir(dir.path()).ok());
  BOOST_TEST((g_synced == std::vector<std::string>{dir.path()}));
  Status missing = SyncDir(dir.File("gone"));
  BOOST_TEST(missing.code() == StatusCode::kIoError);
  BOOST_TEST(missing.message().find(dir.File("gone")) != std::string::npos, missing.message());

  // Removing what is already gone is fine; removing a folder is refused (even for root).
  BOOST_TEST(RemoveFile(dir.File("never-was")).ok());
  std::filesystem::create_directory(dir.File("sub"));
  Status refused = RemoveFile(dir.File("sub"));
  BOOST_TEST(refused.code() == StatusCode::kIoError);
  BOOST_TEST(refused.message().find(dir.File("sub")) != std::string::npos, refused.message());
}

BOOST_AUTO_TEST_SUITE_END()
