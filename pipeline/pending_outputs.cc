#include "pipeline/pending_outputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/file.h"

namespace hallmark::pipeline {
namespace {

// Pending files are named "<asset id>__<final file name>" so recovery needs no other state.
constexpr char kSeparator[] = "__";

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(path + ": cannot create folder: " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::BadInput(path + ": exists and is not a folder");
  }
  return Status::Ok();
}

// Renames are only durable once the folder itself is synced.
void SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

}  // namespace

Result<PendingOutputs> PendingOutputs::Open(const std::string& out_dir) {
  HM_RETURN_IF_ERROR(MakeDir(out_dir));
  PendingOutputs p(out_dir);
  HM_RETURN_IF_ERROR(MakeDir(p.pending_dir_));
  return p;
}

std::string PendingOutputs::PendingPath(const std::string& asset_id,
                                        const std::string& file_name) const {
  return pending_dir_ + "/" + asset_id + kSeparator + file_name;
}

Result<RecoveryReport> PendingOutputs::Recover(audit::LedgerStore& ledger) {
  RecoveryReport report;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(pending_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const size_t sep = name.find(kSeparator);
    if (sep == std::string::npos || name.find(".tmp.") != std::string::npos) {
      // A half-written temporary: its batch cannot have committed.
      std::filesystem::remove(entry.path(), ec);
      ++report.discarded;
      continue;
    }
    const std::string asset_id = name.substr(0, sep);
    const std::string file_name = name.substr(sep + 2);
    HM_ASSIGN_OR_RETURN(auto record, ledger.FindAsset(asset_id));
    if (record) {
      HM_RETURN_IF_ERROR(Publish(asset_id, file_name));
      ++report.completed;
    } else {
      Discard(asset_id, file_name);
      ++report.discarded;
    }
  }
  if (ec) return Status::IoError(pending_dir_ + ": cannot list: " + ec.message());
  if (report.completed > 0) FlushPublished();
  return report;
}

Status PendingOutputs::Stage(const std::string& asset_id, const std::string& file_name,
                             ByteView data) {
  return WriteFileAtomic(PendingPath(asset_id, file_name), data, 0644, Durability::kLater);
}

Status PendingOutputs::Flush() { return SyncFileSystem(pending_dir_); }

void PendingOutputs::FlushPublished() { SyncDir(out_dir_); }

Status PendingOutputs::Publish(const std::string& asset_id, const std::string& file_name) {
  const std::string from = PendingPath(asset_id, file_name);
  const std::string to = out_dir_ + "/" + file_name;
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IoError(to + ": cannot move into place: " + std::strerror(errno));
  }
  return Status::Ok();
}

void PendingOutputs::Discard(const std::string& asset_id, const std::string& file_name) {
  ::unlink(PendingPath(asset_id, file_name).c_str());
}

}  // namespace hallmark::pipeline
