// Class-folder datasets: <data>/<class>/**/*.png|jpg|jpeg|webp, read straight to the model's
// geometry.
//
// Each top-level folder is a class; its images may sit in sub-folders at any depth (clip-art
// packages nest themes). A symbolic link to a file counts once, however many names lead to it;
// links to folders are not followed. classes.txt, when present, fixes the label order and must
// name exactly the class folders.
//
// Every image is decoded, brought to size x size and released before the next is read, so memory
// holds the model-size set only, whatever the sources' sizes. The way to square depends on what
// the picture is:
//   - with alpha (clip art, icons): composited onto white and padded to square with white, so a
//     flag or a playing card keeps its whole outline and dark line art stays visible;
//   - opaque: centre-cropped to square, as photographs are usually framed.
// An image that cannot be read (corrupt, or over the decoder's 100 MP limit) is left out and named
// in `skipped`; the load fails only when no image is left.
#ifndef HALLMARK_GENERATOR_IMAGE_FOLDER_H_
#define HALLMARK_GENERATOR_IMAGE_FOLDER_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "generator/labeled_images.h"
#include "image/image.h"

namespace hallmark::generator {

struct FolderImages {
  LabeledImages images;              // at the model's size
  int source_size = 0;               // the first image's longer side, before fitting
  std::vector<std::string> skipped;  // "<path>: <why>", one per image left out
};

// channels: 1 or 3, or 0 for the data's own (grey unless a colour image is present).
Result<FolderImages> LoadImageFolder(const std::string& dir, int size, int channels);

// The class names listed in <dir>/classes.txt, one a line; empty when there is no such file.
std::vector<std::string> ReadClassesFile(const std::string& dir);

// Brings a square image to size x size: a size slightly below (28 for 32) is padded with black,
// larger differences are resampled (area down, Lanczos up). Shared with Reshape, so a set that is
// already square gives the same pixels whichever path it takes.
Result<image::Image> FitSquare(const image::Image& square, int size);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_IMAGE_FOLDER_H_
