#include "generator/image_folder.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "base/file.h"
#include "image/codec.h"
#include "image/resample.h"

namespace hallmark::generator {
namespace {

namespace fs = std::filesystem;

// Appends the image files below `folder` (any depth) to `out`. Links to files are resolved and
// kept once across the whole dataset (`seen`), so a package's aliases do not weigh a picture
// twice; links to folders are not followed, so a loop cannot hang the walk.
Status CollectImages(const fs::path& folder, std::set<std::string>* seen,
                     std::vector<std::string>* out) {
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::file_status own = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(own)) {
      HM_RETURN_IF_ERROR(CollectImages(it->path(), seen, out));
      continue;
    }
    if (!image::IsImageFileName(it->path().string())) continue;
    if (!fs::is_regular_file(it->path(), ec))
      continue;  // a dangling link, a FIFO, a link to a folder
    const fs::path real = fs::canonical(it->path(), ec);
    if (ec) continue;
    if (seen->insert(real.string()).second) out->push_back(it->path().string());
  }
  if (ec)
    return Status::BadInput(folder.string() + ": cannot list this dataset folder: " + ec.message());
  return Status::Ok();
}

Result<std::vector<std::string>> ClassFolders(const std::string& dir) {
  std::vector<std::string> classes;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) classes.push_back(it->path().filename().string());
  }
  if (ec) return Status::NotFound(dir + ": cannot list the dataset folder: " + ec.message());
  std::sort(classes.begin(), classes.end());
  // classes.txt, when present, fixes the label order (Fashion-MNIST's is not alphabetical).
  std::vector<std::string> listed = ReadClassesFile(dir);
  if (!listed.empty()) {
    std::vector<std::string> sorted_listed = listed;
    std::sort(sorted_listed.begin(), sorted_listed.end());
    if (sorted_listed != classes) {
      return Status::BadInput(dir + "/classes.txt: does not name exactly the class folders");
    }
    classes = std::move(listed);
  }
  if (classes.empty()) {
    return Status::BadInput(dir + ": no class sub-folders (expected <data>/<class>/<image>)");
  }
  return classes;
}

// Grey+alpha or RGBA onto white: out = a * c + (1 - a) * 255, rounded. Alpha is dropped.
image::Image CompositeOnWhite(const image::Image& src) {
  const int colour = src.channels() - 1;
  image::Image dst = *image::Image::Create(src.width(), src.height(), colour);
  for (int y = 0; y < src.height(); ++y) {
    const uint8_t* s = src.row(y);
    uint8_t* d = dst.row(y);
    for (int x = 0; x < src.width(); ++x, s += src.channels(), d += colour) {
      const int a = s[colour];
      for (int c = 0; c < colour; ++c) d[c] = uint8_t((s[c] * a + 255 * (255 - a) + 127) / 255);
    }
  }
  return dst;
}

// `img` centred on a side x side square of `fill` (side at least the image's longer side).
image::Image Centred(const image::Image& img, int side, uint8_t fill) {
  image::Image square = *image::Image::Create(side, side, img.channels());
  std::fill(square.data(), square.data() + square.size_bytes(), fill);
  const int left = (side - img.width()) / 2, top = (side - img.height()) / 2;
  for (int y = 0; y < img.height(); ++y) {
    std::copy(img.row(y), img.row(y) + img.row_bytes(),
              square.row(top + y) + size_t(left) * size_t(img.channels()));
  }
  return square;
}

// The square the image is fitted from: see the header for why alpha decides pad or crop.
image::Image ToSquare(const image::Image& img) {
  if (!img.has_alpha()) {
    if (img.width() == img.height()) return img;
    const int s = std::min(img.width(), img.height());
    return image::Crop(img, (img.width() - s) / 2, (img.height() - s) / 2, s, s);
  }
  image::Image flat = CompositeOnWhite(img);
  if (flat.width() == flat.height()) return flat;
  return Centred(flat, std::max(flat.width(), flat.height()), 255);
}

// One image, decoded and brought to size x size; its own channel count (grey or RGB) unless
// `channels` asks for one.
Result<image::Image> LoadOne(const std::string& path, int size, int channels, int* source) {
  HM_ASSIGN_OR_RETURN(image::Image img, image::ReadImageFile(path));
  if (img.bit_depth() != 8) img = image::ConvertDepth(img, 8);
  *source = std::max(img.width(), img.height());
  img = ToSquare(img);
  if (channels > 0 && img.channels() != channels) img = image::ConvertChannels(img, channels);
  return FitSquare(img, size);
}

}  // namespace

std::vector<std::string> ReadClassesFile(const std::string& dir) {
  std::vector<std::string> names;
  // OpenFile refuses a FIFO or device named classes.txt instead of blocking on it.
  Result<UniqueFile> f = OpenFile(dir + "/classes.txt", "r");
  char line[256];
  while (f.ok() && std::fgets(line, sizeof line, f->get())) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (!s.empty()) names.push_back(s);
  }
  return names;
}

Result<image::Image> FitSquare(const image::Image& square, int size) {
  const int from = square.width();
  if (from == size) return square;
  if (from < size && size - from <= from / 4) return Centred(square, size, 0);
  const auto filter = from > size ? image::Filter::kArea : image::Filter::kLanczos3;
  return image::Resize(square, size, size, filter);
}

Result<FolderImages> LoadImageFolder(const std::string& dir, int size, int channels) {
  HM_ASSIGN_OR_RETURN(std::vector<std::string> classes, ClassFolders(dir));
  std::vector<std::pair<std::string, int32_t>> files;
  std::set<std::string> seen;
  for (size_t c = 0; c < classes.size(); ++c) {
    std::vector<std::string> names;
    HM_RETURN_IF_ERROR(CollectImages(fs::path(dir) / classes[c], &seen, &names));
    std::sort(names.begin(), names.end());
    for (auto& n : names) files.emplace_back(std::move(n), int32_t(c));
  }
  if (files.empty()) return Status::BadInput(dir + ": the class folders hold no images");

  FolderImages out;
  std::vector<image::Image> fitted;
  std::vector<int32_t> labels;
  bool colour = false;
  for (const auto& [path, label] : files) {
    int source = 0;
    Result<image::Image> img = LoadOne(path, size, channels, &source);
    if (!img.ok()) {
      out.skipped.push_back(img.status().message());
      continue;
    }
    if (out.source_size == 0) out.source_size = source;
    colour = colour || img->is_color();
    fitted.push_back(std::move(*img));
    labels.push_back(label);
  }
  if (fitted.empty()) {
    return Status::BadInput(dir + ": none of its " + std::to_string(files.size()) +
                            " images could be read (first: " + out.skipped.front() + ")");
  }
  const int want = channels > 0 ? channels : (colour ? 3 : 1);
  out.images = LabeledImages{size, want, {}, {}, classes};
  out.images.pixels.reserve(fitted.size() * out.images.image_bytes());
  for (size_t i = 0; i < fitted.size(); ++i) {
    if (fitted[i].channels() != want) fitted[i] = image::ConvertChannels(fitted[i], want);
    out.images.Append(fitted[i], labels[i]);
    fitted[i] = image::Image();  // the set is held once, not twice
  }
  return out;
}

}  // namespace hallmark::generator
