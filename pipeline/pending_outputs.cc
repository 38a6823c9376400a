#include "pipeline/pending_outputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>

#include "base/file.h"
#include "base/hex.h"
#include "image/codec.h"
#include "pipeline/asset_identity.h"

namespace hallmark::pipeline {
namespace {

// Pending files are named "<asset id>__<final file name>" so recovery needs no other state.
constexpr char kSeparator[] = "__";
// WriteFileAtomic's temporaries: "<path>.tmp.<hex>".
constexpr char kTemporaryMarker[] = ".tmp.";

enum class MayBeLink { kYes, kNo };

Status MakeDir(const std::string& path, MayBeLink may_be_link) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IoError(path + ": cannot create folder: " + std::strerror(errno));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode)) {
    if (may_be_link == MayBeLink::kNo) {
      return Status::BadInput(path + ": is a symbolic link; generated files are never staged " +
                              "or deleted through one (remove it)");
    }
  }
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::BadInput(path + ": exists and is not a folder");
  }
  return Status::Ok();
}

bool IsCanonicalAssetId(const std::string& id) {
  Result<watermark::Payload> payload = PayloadForAssetId(id);
  return payload.ok() && AssetIdForPayload(*payload) == id;
}

// The final name generate gives an asset's file: its id and the extension of its format.
bool IsAssetFileName(const std::string& asset_id, const std::string& file_name) {
  for (image::Format format : {image::Format::kPng, image::Format::kJpeg, image::Format::kWebp}) {
    if (file_name == asset_id + image::FormatExtension(format)) return true;
  }
  return false;
}

struct StagedName {
  std::string asset_id;
  std::string file_name;
  bool temporary = false;  // a write that never finished
};

// The parts of a name Stage() gives a file, or nullopt for any other name.
std::optional<StagedName> ParseStagedName(const std::string& name) {
  StagedName staged;
  std::string base = name;
  const size_t marker = name.find(kTemporaryMarker);
  if (marker != std::string::npos) {
    if (!IsLowerHex(name.substr(marker + std::strlen(kTemporaryMarker)))) return std::nullopt;
    base = name.substr(0, marker);
    staged.temporary = true;
  }
  const size_t sep = base.find(kSeparator);
  if (sep == std::string::npos) return std::nullopt;
  staged.asset_id = base.substr(0, sep);
  staged.file_name = base.substr(sep + std::strlen(kSeparator));
  if (!IsCanonicalAssetId(staged.asset_id) || !IsAssetFileName(staged.asset_id, staged.file_name)) {
    return std::nullopt;
  }
  return staged;
}

// True when `path` is itself a regular file. Opened with O_NOFOLLOW (and O_NONBLOCK, so a FIFO
// planted under a staged name cannot block), so a link in its place is never followed.
bool IsRegularFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  ::close(fd);
  return regular;
}

}  // namespace

Result<PendingOutputs> PendingOutputs::Open(const std::string& out_dir) {
  HM_RETURN_IF_ERROR(MakeDir(out_dir, MayBeLink::kYes));
  PendingOutputs p(out_dir);
  HM_RETURN_IF_ERROR(MakeDir(p.pending_dir_, MayBeLink::kNo));
  return p;
}

std::string PendingOutputs::PendingPath(const std::string& asset_id,
                                        const std::string& file_name) const {
  return pending_dir_ + "/" + asset_id + kSeparator + file_name;
}

Result<RecoveryReport> PendingOutputs::Recover(audit::LedgerStore& ledger) {
  // Checked again here: the folder may have been swapped for a link since Open().
  HM_RETURN_IF_ERROR(MakeDir(pending_dir_, MayBeLink::kNo));
  RecoveryReport report;
  auto leave = [&report](const std::string& path, const std::string& why) {
    report.left_alone.push_back(path + ": " + why);
  };
  std::error_code ec;
  std::filesystem::directory_iterator it(pending_dir_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string path = it->path().string();
    const std::optional<StagedName> staged = ParseStagedName(it->path().filename().string());
    if (!staged) {
      leave(path, "not a file Hallmark staged");
      continue;
    }
    if (!IsRegularFile(path)) {
      leave(path, "not a regular file");
      continue;
    }
    if (staged->temporary) {
      // A half-written temporary: its batch cannot have committed.
      HM_RETURN_IF_ERROR(RemoveFile(path));
      ++report.discarded;
      continue;
    }
    HM_ASSIGN_OR_RETURN(auto record, ledger.FindAsset(staged->asset_id));
    if (!record) {
      HM_RETURN_IF_ERROR(Discard(staged->asset_id, staged->file_name));
      ++report.discarded;
    } else if (record->file_name != staged->file_name) {
      leave(path, "the ledger records asset " + staged->asset_id + " as " + record->file_name);
    } else {
      HM_RETURN_IF_ERROR(Publish(staged->asset_id, staged->file_name));
      ++report.completed;
    }
  }
  if (ec) return Status::IoError(pending_dir_ + ": cannot list: " + ec.message());
  if (report.completed > 0) HM_RETURN_IF_ERROR(FlushPublished());
  return report;
}

Status PendingOutputs::Stage(const std::string& asset_id, const std::string& file_name,
                             ByteView data) {
  if (!IsCanonicalAssetId(asset_id) || !IsAssetFileName(asset_id, file_name)) {
    return Status::InvalidArgument("cannot stage '" + file_name + "' for asset '" + asset_id +
                                   "': the file name must be the asset id and an image extension");
  }
  return WriteFileAtomic(PendingPath(asset_id, file_name), data, 0644, Durability::kLater);
}

Status PendingOutputs::Flush() { return SyncFileSystem(pending_dir_); }

// Renames are only durable once the folder itself is synced.
Status PendingOutputs::FlushPublished() { return SyncDir(out_dir_); }

Status PendingOutputs::Publish(const std::string& asset_id, const std::string& file_name) {
  const std::string from = PendingPath(asset_id, file_name);
  const std::string to = out_dir_ + "/" + file_name;
  if (::rename(from.c_str(), to.c_str()) != 0) {
    return Status::IoError(to + ": cannot move into place: " + std::strerror(errno));
  }
  return Status::Ok();
}

Status PendingOutputs::Discard(const std::string& asset_id, const std::string& file_name) {
  return RemoveFile(PendingPath(asset_id, file_name));
}

}  // namespace hallmark::pipeline
