// The watermark benchmarks' photographs: reading a file as 8-bit grey or RGB (watermark_bench's
// fixed lists), and the pool of every distinct picture in a few folders (fingerprint_bench).
#ifndef HALLMARK_BENCH_WATERMARK_PHOTO_SET_H_
#define HALLMARK_BENCH_WATERMARK_PHOTO_SET_H_

#include <string>
#include <utility>
#include <vector>

#include "image/image.h"

namespace hallmark::bench {

using Photos = std::vector<std::pair<std::string, image::Image>>;

// 8-bit grey or RGB: alpha is dropped and 16-bit samples are reduced, so every photograph goes
// through the watermark and the attacks the same way.
image::Image ToRgbOrGrey(image::Image img);

// Reads one photograph into `out` under `name`; an unreadable one is reported on stderr and
// skipped.
void AddPhoto(const std::string& path, const std::string& name, Photos* out);

// One picture of the pool.
struct Picture {
  std::string name;    // the file's name, or the wallpaper folder's
  std::string source;  // the folder it was found in (as given)
  int file_width = 0, file_height = 0;
  image::Image img;  // 8-bit grey or RGB, reduced (area) to the pool's long side
};

struct PoolOptions {
  int min_short_side = 256;    // smaller files are left out
  int max_long_side = 768;     // larger ones are reduced to this
  int preferred_width = 1920;  // which size of a wallpaper folder to take
};

// Every distinct picture in `dirs`, in a fixed order (folder by folder, names sorted):
// - a folder laid out like a wallpaper package (NAME/contents/images/WxH.ext) gives one picture
//   per NAME, the file whose width is closest to preferred_width: the sizes are one picture;
// - image files directly in a folder give one picture each, except that variants of one design
//   (NAME-d/NAME-l, dark and light; NAME_left/NAME_right, a stereo pair) count once, the first
//   in name order: they would otherwise sit on both sides of a split as near-duplicates.
// Files that do not decode or are too small are left out with a line in `skipped`.
std::vector<Picture> LoadPicturePool(const std::vector<std::string>& dirs,
                                     const PoolOptions& options, std::vector<std::string>* skipped);

}  // namespace hallmark::bench

#endif  // HALLMARK_BENCH_WATERMARK_PHOTO_SET_H_
