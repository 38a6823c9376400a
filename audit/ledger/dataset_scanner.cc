#include "audit/ledger/dataset_scanner.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "image/codec.h"

namespace hallmark::audit {
namespace fs = std::filesystem;
namespace {

// True when `path` (canonical) is `root` (canonical) or lies below it.
bool IsInside(const fs::path& path, const fs::path& root) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

// IDX files ("train-images-idx3-ubyte", gzipped or not) are how MNIST-style datasets ship, Debian's
// Fashion-MNIST among them: one file holds thousands of images, so the file is the item.
bool IsIdxFileName(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) name.resize(name.size() - 3);
  const size_t idx = name.rfind("-idx");
  return idx != std::string::npos && idx + 5 < name.size() && name[idx + 4] >= '1' &&
         name[idx + 4] <= '4' && name.compare(idx + 5, std::string::npos, "-ubyte") == 0;
}

bool IsDatasetFileName(const std::string& path) {
  return image::IsImageFileName(path) || IsIdxFileName(path);
}

// One walk over a dataset folder. Every filesystem call takes an error_code, so nothing throws;
// a failure either skips an entry (recorded with why) or fails the walk naming the path.
class DatasetWalk {
 public:
  DatasetWalk(std::string dir, fs::path root) : dir_(std::move(dir)), root_(std::move(root)) {}

  Status Folder(const fs::path& relative) {
    const fs::path folder = fs::path(dir_) / relative;
    std::error_code ec;
    fs::directory_iterator it(folder, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
      HM_RETURN_IF_ERROR(Entry(*it, relative / it->path().filename()));
    }
    if (ec) {
      return Status::BadInput(folder.string() + ": cannot list this folder of the dataset (" +
                              ec.message() + "); its files would go unrecorded");
    }
    return Status::Ok();
  }

  DatasetListing Take() {
    std::sort(listing_.files.begin(), listing_.files.end(),
              [](const DatasetFile& a, const DatasetFile& b) { return a.path < b.path; });
    return std::move(listing_);
  }

 private:
  Status Entry(const fs::directory_entry& entry, const fs::path& relative) {
    std::error_code ec;
    const fs::file_status own = entry.symlink_status(ec);
    if (ec) return Status::BadInput(entry.path().string() + ": cannot inspect: " + ec.message());
    if (fs::is_directory(own)) return Folder(relative);
    if (fs::is_symlink(own)) return Link(entry.path(), relative);
    if (!IsDatasetFileName(entry.path().string())) return Status::Ok();
    if (!fs::is_regular_file(own)) return Skip(entry.path(), "not a regular file");
    listing_.files.push_back({relative.generic_string(), entry.path().string()});
    return Status::Ok();
  }

  Status Link(const fs::path& link, const fs::path& relative) {
    std::error_code ec;
    const fs::file_status target = fs::status(link, ec);
    if (ec || !fs::exists(target)) return Skip(link, "broken or looping symbolic link");
    if (fs::is_directory(target)) return Skip(link, "symbolic link to a folder, not followed");
    if (!IsDatasetFileName(link.string())) return Status::Ok();
    const fs::path resolved = fs::canonical(link, ec);
    if (ec) return Skip(link, "broken or looping symbolic link");
    if (!IsInside(resolved, root_)) {
      return Skip(link, "symbolic link to a file outside the dataset folder");
    }
    if (!fs::is_regular_file(target)) return Skip(link, "not a regular file");
    listing_.files.push_back({relative.generic_string(), resolved.string()});
    return Status::Ok();
  }

  Status Skip(const fs::path& path, std::string why) {
    listing_.skipped.push_back({path.string(), std::move(why)});
    return Status::Ok();
  }

  std::string dir_;
  fs::path root_;
  DatasetListing listing_;
};

}  // namespace

Result<DatasetListing> ListDatasetFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fs::exists(dir, ec) ? Status::BadInput(dir + ": not a folder")
                               : Status::NotFound(dir + ": no such folder");
  }
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot resolve the folder: " + ec.message());
  DatasetWalk walk(dir, root);
  HM_RETURN_IF_ERROR(walk.Folder(fs::path()));
  return walk.Take();
}

Result<DatasetScan> ScanDatasetFolder(const std::string& dir, const ScanOptions& options) {
  HM_ASSIGN_OR_RETURN(DatasetListing listing, ListDatasetFiles(dir));
  if (listing.files.empty()) {
    return Status::BadInput(dir +
                            ": no image files (.png, .jpg, .jpeg, .webp) or IDX files "
                            "(*-idx3-ubyte[.gz]) in the folder");
  }
  DatasetScan scan;
  scan.skipped = std::move(listing.skipped);
  scan.items.reserve(listing.files.size());
  for (size_t i = 0; i < listing.files.size(); ++i) {
    const DatasetFile& file = listing.files[i];
    HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(file.source));
    DatasetItem item;
    item.path = file.path;
    item.size = data.size();
    Sha256Digest d = Sha256(data);
    item.sha256 = HexEncode(ByteView(d.data(), d.size()));
    if (options.read_dimensions) {
      // Dimensions are descriptive; a file the decoder rejects is still recorded by its hash.
      Result<image::Image> img = image::Decode(data);
      if (img.ok()) {
        item.width = img->width();
        item.height = img->height();
      }
    }
    scan.items.push_back(std::move(item));
    if (options.progress) options.progress(i + 1, listing.files.size());
  }
  return scan;
}

Result<std::vector<DatasetItem>> ScanDataset(const std::string& dir, const ScanOptions& options) {
  HM_ASSIGN_OR_RETURN(DatasetScan scan, ScanDatasetFolder(dir, options));
  return std::move(scan.items);
}

}  // namespace hallmark::audit
