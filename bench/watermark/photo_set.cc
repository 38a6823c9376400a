#include "bench/watermark/photo_set.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "image/codec.h"
#include "image/resample.h"

namespace hallmark::bench {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> SortedEntries(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

bool IsImageFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && image::IsImageFileName(p.string());
}

// The width a wallpaper file's name states ("1920x1080.jpg"), or -1 when it states none.
int WidthFromName(const fs::path& p) {
  const std::string stem = p.stem().string();
  const size_t x = stem.find('x');
  if (x == std::string::npos || x == 0) return -1;
  char* end = nullptr;
  const long w = std::strtol(stem.c_str(), &end, 10);
  return end == stem.c_str() + x ? int(w) : -1;
}

// The file of a wallpaper folder whose width is closest to `preferred` (the sizes of one folder
// are one picture), or an empty path when it has no image.
fs::path PreferredSize(const fs::path& images, int preferred) {
  fs::path best;
  long best_distance = -1;
  for (const fs::path& p : SortedEntries(images)) {
    if (!IsImageFile(p)) continue;
    const int w = WidthFromName(p);
    const long distance = w < 0 ? (1L << 30) : std::labs(long(w) - preferred);
    if (best_distance < 0 || distance < best_distance) best = p, best_distance = distance;
  }
  return best;
}

// The design a file name belongs to: dark/light and stereo variants share one.
std::string DesignOf(const fs::path& p) {
  std::string stem = p.stem().string();
  for (const char* suffix : {"-d", "-l", "_left", "_right"}) {
    const std::string s = suffix;
    if (stem.size() > s.size() && stem.compare(stem.size() - s.size(), s.size(), s) == 0)
      return stem.substr(0, stem.size() - s.size());
  }
  return stem;
}

// (name, file) for every distinct picture of one folder.
std::vector<std::pair<std::string, fs::path>> PicturesIn(const fs::path& dir, int preferred) {
  std::vector<std::pair<std::string, fs::path>> out;
  std::set<std::string> designs;
  for (const fs::path& p : SortedEntries(dir)) {
    std::error_code ec;
    if (fs::is_directory(p / "contents" / "images", ec)) {
      const fs::path file = PreferredSize(p / "contents" / "images", preferred);
      if (!file.empty()) out.emplace_back(p.filename().string(), file);
    } else if (IsImageFile(p) && designs.insert(DesignOf(p)).second) {
      out.emplace_back(p.filename().string(), p);
    }
  }
  return out;
}

// Reduces `img` (area) so that its long side is at most `max_long`.
image::Image Reduced(const image::Image& img, int max_long) {
  const int long_side = std::max(img.width(), img.height());
  if (long_side <= max_long) return img;
  const double k = double(max_long) / long_side;
  const int w = std::max(1, int(std::lround(img.width() * k)));
  const int h = std::max(1, int(std::lround(img.height() * k)));
  return *image::Resize(img, w, h, image::Filter::kArea);
}

}  // namespace

image::Image ToRgbOrGrey(image::Image img) {
  if (img.has_alpha()) img = image::ConvertChannels(img, img.channels() - 1);
  if (img.bit_depth() != 8) img = image::ConvertDepth(img, 8);
  return img;
}

void AddPhoto(const std::string& path, const std::string& name, Photos* out) {
  Result<image::Image> img = image::ReadImageFile(path);
  if (!img.ok()) {
    std::fprintf(stderr, "skipping %s: %s\n", name.c_str(), img.status().ToString().c_str());
    return;
  }
  out->emplace_back(name, ToRgbOrGrey(*img));
}

std::vector<Picture> LoadPicturePool(const std::vector<std::string>& dirs,
                                     const PoolOptions& options,
                                     std::vector<std::string>* skipped) {
  std::vector<Picture> pool;
  for (const std::string& dir : dirs) {
    for (const auto& [name, path] : PicturesIn(dir, options.preferred_width)) {
      Result<image::Image> img = image::ReadImageFile(path.string());
      if (!img.ok()) {
        skipped->push_back(path.string() + ": " + img.status().ToString());
        continue;
      }
      if (std::min(img->width(), img->height()) < options.min_short_side) {
        skipped->push_back(path.string() + ": " + std::to_string(img->width()) + "x" +
                           std::to_string(img->height()) + ", short side under " +
                           std::to_string(options.min_short_side));
        continue;
      }
      Picture pic{name, dir, img->width(), img->height(),
                  Reduced(ToRgbOrGrey(std::move(*img)), options.max_long_side)};
      if (std::min(pic.img.width(), pic.img.height()) < options.min_short_side) {
        skipped->push_back(path.string() + ": too elongated to keep a " +
                           std::to_string(options.min_short_side) + "-px short side");
        continue;
      }
      // A picture whose colour channels equal another's is one picture (wallpapers that draw
      // their design in the alpha channel, which ToRgbOrGrey drops, are plain white).
      const auto same = std::find_if(pool.begin(), pool.end(), [&](const Picture& p) {
        return p.img.width() == pic.img.width() && p.img.height() == pic.img.height() &&
               p.img.channels() == pic.img.channels() &&
               std::equal(p.img.data(), p.img.data() + p.img.size_bytes(), pic.img.data());
      });
      if (same != pool.end()) {
        skipped->push_back(path.string() + ": the same pixels as " + same->name);
        continue;
      }
      pool.push_back(std::move(pic));
    }
  }
  return pool;
}

}  // namespace hallmark::bench
