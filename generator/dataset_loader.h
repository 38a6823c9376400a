// Resolves what `hallmark train --data` names into TrainingData at the model's geometry.
//
//   ""  or "fashion-mnist"      Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist)
//   a folder of IDX files        train-images-idx3-ubyte[.gz] + labels (+ t10k-* as the test part)
//   an IDX images file           ...-images-idx3-ubyte[.gz]; the labels file is found by name
//   a folder of class folders    <data>/<class>/**/*.png|jpg|jpeg|webp; labels in the order of
//                                <data>/classes.txt (one name a line) if present, else by name;
//                                see image_folder.h for alpha, non-square and unreadable images
//
// Without a separate test part, every tenth image of each class (in file-name order) is held out
// as the test part, so evaluation never scores the classifier on what it was trained on.
// Images are converted to the requested channel count; a size slightly below the model's (28 for
// 32) is padded with black, larger differences are resampled (area down, Lanczos up).
//
// The digest is the SHA-256 of the canonical content: a version tag, the class names, then every
// image's label (u32 LE) and pixels, train part then test part. It identifies the data the model
// saw, whatever container (IDX, PNG folder) carried it.
#ifndef HALLMARK_GENERATOR_DATASET_LOADER_H_
#define HALLMARK_GENERATOR_DATASET_LOADER_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "generator/labeled_images.h"

namespace hallmark::generator {

constexpr char kDefaultDatasetDir[] = "/usr/share/datasets/fashion-mnist";

// Whether `data` names the default dataset ("" or "fashion-mnist") rather than a path.
bool IsDefaultDataset(const std::string& data);

// The ten Fashion-MNIST classes, spelled as folder names ("T-shirt_top", ... "Ankle_boot").
const std::vector<std::string>& FashionMnistClassNames();

struct DataRequest {
  std::string data;  // see above
  int size = 32;     // the model's image size
  int channels = 0;  // 0 = the data's own (grey unless a colour image is present)
};

Result<TrainingData> LoadTrainingData(const DataRequest& request);

// Pads or resamples every image of `in` to size x size with `channels` channels.
Result<LabeledImages> Reshape(const LabeledImages& in, int size, int channels);

std::string DataDigest(const LabeledImages& train, const LabeledImages& test);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_DATASET_LOADER_H_
