#include "pipeline/verify_session.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "image/codec.h"

namespace hallmark::pipeline {
namespace {

namespace fs = std::filesystem;

bool IsStaged(const std::string& path) { return path.find("/.pending/") != std::string::npos; }

// Lists one folder (and, when recursive, its sub-folders) without following symbolic links to
// folders and without throwing: every std::filesystem call takes an error_code, and a failure
// is recorded against the entry it concerns. Sub-folders are kept on an explicit stack, so a
// deeply nested tree cannot exhaust the call stack.
class FolderLister {
 public:
  FolderLister(bool recursive, ImageFileList* out) : recursive_(recursive), out_(out) {}

  Status List(const std::string& root) {
    std::error_code ec;
    fs::directory_iterator it(root, ec);
    if (ec) return Status::IoError(root + ": cannot list: " + ec.message());
    ListEntries(it, root);
    while (!pending_.empty()) {
      const fs::path dir = std::move(pending_.back());
      pending_.pop_back();
      fs::directory_iterator sub(dir, ec);
      if (ec) {
        Skip(dir, "cannot list: " + ec.message());
        continue;
      }
      ListEntries(sub, dir);
    }
    return Status::Ok();
  }

 private:
  void ListEntries(fs::directory_iterator& it, const fs::path& dir) {
    std::error_code ec;
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
      if (ec) break;
      Consider(*it);
    }
    // A failed increment ends the iterator: the rest of this folder is lost, so say so.
    if (ec) Skip(dir, "listing stopped: " + ec.message());
  }

  void Consider(const fs::directory_entry& e) {
    std::error_code ec;
    const fs::file_status own = e.symlink_status(ec);
    if (ec) return Skip(e.path(), "cannot inspect: " + ec.message());
    if (fs::is_directory(own)) {
      if (recursive_) pending_.push_back(e.path());
      return;
    }
    const bool named_as_image = image::FormatFromExtension(e.path().string()).ok();
    if (fs::is_symlink(own)) {
      const fs::file_status target = e.status(ec);
      if (ec) {
        if (named_as_image) Skip(e.path(), "broken or looping symbolic link: " + ec.message());
        return;
      }
      if (fs::is_directory(target)) {
        if (recursive_) Skip(e.path(), "symbolic link to a folder, not followed", false);
        return;
      }
      return ConsiderFile(e.path(), target, named_as_image);
    }
    ConsiderFile(e.path(), own, named_as_image);
  }

  void ConsiderFile(const fs::path& path, const fs::file_status& status, bool named_as_image) {
    if (!named_as_image || IsStaged(path.string())) return;
    if (!fs::is_regular_file(status)) return Skip(path, "not a regular file");
    out_->files.push_back(path.string());
  }

  void Skip(const fs::path& path, std::string why, bool missed = true) {
    out_->skipped.push_back(SkippedPath{path.string(), std::move(why), missed});
  }

  bool recursive_;
  ImageFileList* out_;
  std::vector<fs::path> pending_;
};

}  // namespace

Result<ImageFileList> ListImageFiles(const std::vector<std::string>& paths, bool recursive) {
  ImageFileList list;
  for (const std::string& p : paths) {
    std::error_code ec;
    const fs::file_status st = fs::status(p, ec);
    if (st.type() == fs::file_type::not_found) {
      return Status::NotFound(p + ": no such file or folder");
    }
    if (!fs::is_directory(st)) {
      list.files.push_back(p);
      continue;
    }
    ImageFileList found;
    HM_RETURN_IF_ERROR(FolderLister(recursive, &found).List(p));
    std::sort(found.files.begin(), found.files.end());
    std::sort(found.skipped.begin(), found.skipped.end(),
              [](const SkippedPath& a, const SkippedPath& b) { return a.path < b.path; });
    list.files.insert(list.files.end(), found.files.begin(), found.files.end());
    list.skipped.insert(list.skipped.end(), found.skipped.begin(), found.skipped.end());
  }
  return list;
}

Result<std::unique_ptr<VerifySession>> VerifySession::Open(const std::string& home,
                                                           const VerifySources& sources) {
  StudioOptions options;
  options.home = home;
  options.ledger = LedgerAccess::kReadIfPresent;
  options.ledger_file = sources.ledger_file;
  options.quick_check = sources.quick_check;
  HM_ASSIGN_OR_RETURN(Studio studio, Studio::Open(options));
  HM_ASSIGN_OR_RETURN(provenance::TrustStore trust, studio.LoadTrust(sources.trust_dir));
  HM_ASSIGN_OR_RETURN(std::optional<watermark::Key> key,
                      studio.FindWatermarkKey(sources.watermark_key));
  std::unique_ptr<VerifySession> session(new VerifySession(std::move(studio), std::move(trust)));
  session->verifier_ = std::make_unique<AssetVerifier>(
      session->trust_, std::move(key), session->studio_.ledger_or_null(), sources.max_pixels);
  return session;
}

}  // namespace hallmark::pipeline
