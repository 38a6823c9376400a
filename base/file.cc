#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "base/file_internal.h"
#include "base/hex.h"

namespace hallmark {
namespace {

Status ErrnoStatus(const std::string& path, const char* action, int err) {
  std::string msg = path + ": " + action + " failed: " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(path + ": no such file");
  return Status::IoError(msg);
}

// Closes a file descriptor on every path out of the function that opened it.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(FdGuard&& other) noexcept : fd_(other.Release()) {}
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  FdGuard& operator=(FdGuard&&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

std::atomic<internal::FsyncFunction> g_fsync_for_testing{nullptr};

std::atomic<internal::UnlinkFunction> g_unlink_for_testing{nullptr};

int CallUnlink(const char* path) {
  internal::UnlinkFunction replacement = g_unlink_for_testing.load();
  return replacement ? replacement(path) : ::unlink(path);
}

int CallFsync(int fd, const char* path) {
  internal::FsyncFunction replacement = g_fsync_for_testing.load();
  return replacement ? replacement(fd, path) : ::fsync(fd);
}

// "photos" for "photos/a.png", "." for "a.png", "/" for "/a.png".
std::string ParentFolder(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

struct TempFile {
  std::string path;
  FdGuard fd;
};

// A name nobody can predict, so another user of a shared folder cannot plant a symlink there
// first; O_EXCL | O_NOFOLLOW refuses one anyway. Created 0600 so nothing can read the data before
// WriteFileAtomic sets the final mode. The ".tmp." marker is what PendingOutputs::Recover looks
// for to clear temporaries a crash left behind.
Result<TempFile> CreateTempBeside(const std::string& path) {
  constexpr int kAttempts = 8;
  int err = EEXIST;
  for (int attempt = 0; attempt < kAttempts && err == EEXIST; ++attempt) {
    uint8_t random[8];
    if (RAND_bytes(random, sizeof random) != 1) {
      return Status::Internal(path + ": no randomness for a temporary file name");
    }
    std::string tmp = path + ".tmp." + HexEncode(ByteView(random, sizeof random));
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) return TempFile{std::move(tmp), FdGuard(fd)};
    err = errno;
  }
  return ErrnoStatus(path, "temporary file creation", err);
}

Status WriteAll(int fd, ByteView data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd, data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write", errno);
    }
    done += static_cast<size_t>(w);
  }
  return Status::Ok();
}

// Writes `data` into the temporary file, sets its mode, syncs it when asked, closes it and renames
// it over `path`. The caller removes the temporary file when this fails.
Status FillAndRename(TempFile& tmp, const std::string& path, ByteView data, unsigned mode,
                     Durability durability) {
  HM_RETURN_IF_ERROR(WriteAll(tmp.fd.get(), data, path));
  if (::fchmod(tmp.fd.get(), mode) != 0) return ErrnoStatus(path, "chmod", errno);
  if (durability == Durability::kSynced && CallFsync(tmp.fd.get(), tmp.path.c_str()) != 0) {
    return ErrnoStatus(path, "sync", errno);
  }
  if (::close(tmp.fd.Release()) != 0) return ErrnoStatus(path, "close", errno);
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) return ErrnoStatus(path, "rename", errno);
  return Status::Ok();
}

// Removes the temporary file after `cause`; a temporary that cannot be removed is worth knowing
// about, so it is added to the message rather than dropped.
Status WithTempRemoved(const Status& cause, const std::string& tmp) {
  Status removed = RemoveFile(tmp);
  if (removed.ok()) return cause;
  return Status::IoError(cause.message() + "; also " + removed.message());
}

// Only regular files are read: a FIFO, socket or device named where a file was expected would
// block the reader or never end.
Status RequireRegularFile(const std::string& path, const struct stat& st) {
  if (S_ISREG(st.st_mode)) return Status::Ok();
  if (S_ISDIR(st.st_mode)) return Status::BadInput(path + ": is a directory, not a file");
  return Status::BadInput(path + ": not a regular file");
}

// Fills `data` from `fd`; a file that ends early (it shrank since fstat) is an IoError.
Status ReadExactly(int fd, Bytes& data, const std::string& path) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::read(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "read", errno);
    }
    if (n == 0) return Status::IoError(path + ": file shrank while being read");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

FsyncFunction SetFsyncForTesting(FsyncFunction fn) { return g_fsync_for_testing.exchange(fn); }
UnlinkFunction SetUnlinkForTesting(UnlinkFunction fn) { return g_unlink_for_testing.exchange(fn); }

}  // namespace internal

Result<UniqueFile> OpenFile(const std::string& path, const char* mode) {
  const bool read_only = mode[0] == 'r' && std::strchr(mode, '+') == nullptr;
  if (!read_only) {
    std::FILE* f = std::fopen(path.c_str(), mode);
    if (!f) return ErrnoStatus(path, "open", errno);
    return UniqueFile(f);
  }
  // Reading: as ReadFile does, open without blocking and judge the descriptor, so a FIFO or a
  // device given as a file is refused instead of read forever.
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(path, "open", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "stat", errno);
  HM_RETURN_IF_ERROR(RequireRegularFile(path, st));
  const int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    return ErrnoStatus(path, "open", errno);
  }
  std::FILE* f = ::fdopen(fd.get(), mode);
  if (!f) return ErrnoStatus(path, "open", errno);
  fd.Release();
  return UniqueFile(f);
}

Result<Bytes> ReadFile(const std::string& path, size_t max_bytes) {
  // Open first, then judge the descriptor: a stat-then-open pair can be raced, and O_NONBLOCK
  // keeps the open of a FIFO from waiting forever for a writer that never comes.
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(path, "open", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoStatus(path, "stat", errno);
  HM_RETURN_IF_ERROR(RequireRegularFile(path, st));
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return Status::BadInput(path + ": file of " + std::to_string(st.st_size) +
                            " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  Bytes data(static_cast<size_t>(st.st_size));
  HM_RETURN_IF_ERROR(ReadExactly(fd.get(), data, path));
  return data;
}

Status WriteFileAtomic(const std::string& path, ByteView data, unsigned mode,
                       Durability durability) {
  HM_ASSIGN_OR_RETURN(TempFile tmp, CreateTempBeside(path));
  Status moved = FillAndRename(tmp, path, data, mode, durability);
  if (!moved.ok()) return WithTempRemoved(moved, tmp.path);
  // The rename is only durable once the folder holding both names is synced.
  if (durability == Durability::kSynced) return SyncDir(ParentFolder(path));
  return Status::Ok();
}

Status SyncFileSystem(const std::string& dir) {
  FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(dir, "open", errno);
  if (::syncfs(fd.get()) != 0) return ErrnoStatus(dir, "sync", errno);
  return Status::Ok();
}

Status SyncDir(const std::string& dir) {
  FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    return Status::IoError(dir + ": cannot open folder to sync it: " + std::strerror(errno));
  }
  if (CallFsync(fd.get(), dir.c_str()) != 0) {
    return Status::IoError(dir + ": folder sync failed: " + std::strerror(errno));
  }
  return Status::Ok();
}

Status RemoveFile(const std::string& path) {
  if (CallUnlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::IoError(path + ": cannot remove: " + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace hallmark
