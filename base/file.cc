#include "base/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hallmark {
namespace {

Status ErrnoStatus(const std::string& path, const char* action, int err) {
  std::string msg = path + ": " + action + " failed: " + std::strerror(err);
  if (err == ENOENT) return Status::NotFound(path + ": no such file");
  return Status::IoError(msg);
}

// Closes a file descriptor on every path out of WriteFileAtomic.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace

Result<UniqueFile> OpenFile(const std::string& path, const char* mode) {
  std::FILE* f = std::fopen(path.c_str(), mode);
  if (!f) return ErrnoStatus(path, "open", errno);
  return UniqueFile(f);
}

Result<Bytes> ReadFile(const std::string& path, size_t max_bytes) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(path, "stat", errno);
  if (S_ISDIR(st.st_mode)) return Status::BadInput(path + ": is a directory, not a file");
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) {
    return Status::BadInput(path + ": file of " + std::to_string(st.st_size) +
                            " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  HM_ASSIGN_OR_RETURN(UniqueFile file, OpenFile(path, "rb"));
  Bytes data(static_cast<size_t>(st.st_size));
  size_t n = data.empty() ? 0 : std::fread(data.data(), 1, data.size(), file.get());
  if (n != data.size()) return ErrnoStatus(path, "read", errno ? errno : EIO);
  return data;
}

Status WriteFileAtomic(const std::string& path, ByteView data, unsigned mode,
                       Durability durability) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FdGuard fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (fd.get() < 0) return ErrnoStatus(tmp, "create", errno);
  size_t done = 0;
  while (done < data.size()) {
    ssize_t w = ::write(fd.get(), data.data() + done, data.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::unlink(tmp.c_str());
      return ErrnoStatus(path, "write", err);
    }
    done += static_cast<size_t>(w);
  }
  if (::fchmod(fd.get(), mode) != 0 ||
      (durability == Durability::kSynced && ::fsync(fd.get()) != 0)) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(path, "sync", err);
  }
  if (::close(fd.Release()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(path, "close", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return ErrnoStatus(path, "rename", err);
  }
  return Status::Ok();
}

Status SyncFileSystem(const std::string& dir) {
  FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return ErrnoStatus(dir, "open", errno);
  if (::syncfs(fd.get()) != 0) return ErrnoStatus(dir, "sync", errno);
  return Status::Ok();
}

}  // namespace hallmark
