#include "audit/dataset_scanner.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "image/codec.h"

namespace hallmark::audit {
namespace fs = std::filesystem;

namespace {

bool IsImageFile(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

}  // namespace

Result<std::vector<std::string>> ListDatasetFiles(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return fs::exists(dir, ec) ? Status::BadInput(dir + ": not a folder")
                               : Status::NotFound(dir + ": no such folder");
  }
  std::vector<std::string> files;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) return Status::IoError(dir + ": cannot list the folder: " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) return Status::IoError(dir + ": cannot list the folder: " + ec.message());
    if (it->is_regular_file(ec) && IsImageFile(it->path())) {
      files.push_back(fs::relative(it->path(), dir, ec).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<DatasetItem>> ScanDataset(const std::string& dir, const ScanOptions& options) {
  HM_ASSIGN_OR_RETURN(std::vector<std::string> files, ListDatasetFiles(dir));
  if (files.empty()) {
    return Status::BadInput(dir + ": no image files (.png, .jpg, .jpeg, .webp) in the folder");
  }
  std::vector<DatasetItem> items;
  items.reserve(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    std::string full = (fs::path(dir) / files[i]).string();
    HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(full));
    DatasetItem item;
    item.path = files[i];
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
    items.push_back(std::move(item));
    if (options.progress) options.progress(i + 1, files.size());
  }
  return items;
}

}  // namespace hallmark::audit
