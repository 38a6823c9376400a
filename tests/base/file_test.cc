#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <boost/test/unit_test.hpp>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "tests/support/subprocess.h"

using namespace hallmark;

BOOST_AUTO_TEST_CASE(atomic_write_then_read_back) {
  testing::TempDir dir;
  const std::string path = dir.File("out.bin");
  Bytes data(100000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 7);
  BOOST_TEST(WriteFileAtomic(path, data, 0600).ok());
  struct stat st {};
  BOOST_TEST(::stat(path.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  Result<Bytes> back = ReadFile(path);
  BOOST_TEST(back.ok());
  BOOST_TEST((*back == data));
  Result<Sha256Digest> digest = Sha256File(path);
  BOOST_TEST(digest.ok());
  BOOST_TEST(HexEncode(ByteView(digest->data(), 32)) == Sha256Hex(data));

  // Overwriting replaces the content entirely and leaves no temporary file behind.
  BOOST_TEST(WriteFileAtomic(path, Bytes{1, 2, 3}).ok());
  BOOST_TEST(ReadFile(path)->size() == 3u);
  BOOST_TEST(std::distance(std::filesystem::directory_iterator(dir.path()),
                           std::filesystem::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(errors_name_the_path) {
  testing::TempDir dir;
  Result<Bytes> missing = ReadFile(dir.File("nope.png"));
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.status().code() == StatusCode::kNotFound);
  BOOST_TEST(missing.status().message().find("nope.png") != std::string::npos);

  Result<Bytes> folder = ReadFile(dir.path());
  BOOST_TEST(!folder.ok());
  BOOST_TEST(folder.status().message().find("is a directory") != std::string::npos);

  BOOST_TEST(WriteFileAtomic(dir.File("out.bin"), Bytes(10)).ok());
  Result<Bytes> too_big = ReadFile(dir.File("out.bin"), 5);
  BOOST_TEST(!too_big.ok());
  BOOST_TEST(too_big.status().message().find("exceeds the limit") != std::string::npos);

  Status unwritable = WriteFileAtomic(dir.File("no/such/folder/x"), Bytes(1));
  BOOST_TEST(!unwritable.ok());
  BOOST_TEST(unwritable.message().find("no/such/folder") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deferred_writes_are_complete_and_flushed_together) {
  testing::TempDir dir;
  for (int i = 0; i < 5; ++i) {
    const Bytes data(1000 + size_t(i), uint8_t(i));
    BOOST_TEST(
        WriteFileAtomic(dir.File("f" + std::to_string(i)), data, 0644, Durability::kLater).ok());
  }
  BOOST_TEST(SyncFileSystem(dir.path()).ok());
  for (int i = 0; i < 5; ++i) {
    BOOST_TEST(
        (*ReadFile(dir.File("f" + std::to_string(i))) == Bytes(1000 + size_t(i), uint8_t(i))));
  }
  Status missing = SyncFileSystem(dir.File("gone"));
  BOOST_TEST(!missing.ok());
  BOOST_TEST(missing.message().find("gone") != std::string::npos);
}

// Reading a FIFO used to block until a writer came; each read below runs under an alarm so a
// regression fails this test (SIGALRM ends the process) instead of hanging the suite.
BOOST_AUTO_TEST_CASE(only_regular_files_are_read) {
  testing::TempDir dir;
  const std::string fifo = dir.File("image.png");
  BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& path : {fifo, std::string("/dev/null"), std::string("/dev/zero")}) {
    BOOST_TEST_CONTEXT(path) {
      ::alarm(10);
      Result<Bytes> read = ReadFile(path);
      ::alarm(0);
      BOOST_REQUIRE(!read.ok());
      BOOST_TEST(read.status().code() == StatusCode::kBadInput);
      BOOST_TEST(read.status().message() == path + ": not a regular file");
    }
  }
  Result<Bytes> folder = ReadFile(dir.path());
  BOOST_REQUIRE(!folder.ok());
  BOOST_TEST(folder.status().code() == StatusCode::kBadInput);
  BOOST_TEST(folder.status().message() == dir.path() + ": is a directory, not a file");

  // A symbolic link to a regular file is read like the file itself.
  BOOST_REQUIRE(WriteFileAtomic(dir.File("real.bin"), Bytes{7, 8, 9}).ok());
  BOOST_REQUIRE(::symlink("real.bin", dir.File("link.bin").c_str()) == 0);
  Result<Bytes> linked = ReadFile(dir.File("link.bin"));
  BOOST_REQUIRE(linked.ok());
  BOOST_TEST((*linked == Bytes{7, 8, 9}));
}
