#include "generator/dataset_loader.h"

#include <algorithm>
#include <filesystem>

#include "base/sha256.h"
#include "base/text.h"
#include "generator/idx_reader.h"
#include "generator/image_folder.h"
#include "image/image.h"

namespace hallmark::generator {
namespace {

namespace fs = std::filesystem;

bool IsDir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}
bool IsFile(const std::string& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);
}

// "<dir>/<stem>" or "<dir>/<stem>.gz", whichever exists; empty when neither.
std::string FindMaybeGz(const std::string& dir, const std::string& stem) {
  std::string plain = dir + "/" + stem;
  if (IsFile(plain)) return plain;
  if (IsFile(plain + ".gz")) return plain + ".gz";
  return "";
}

std::vector<std::string> ClassNamesFor(const std::string& path, const std::string& dir) {
  std::vector<std::string> names = ReadClassesFile(dir);
  if (!names.empty()) return names;
  if (AsciiLower(path).find("fashion") != std::string::npos) return FashionMnistClassNames();
  return {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
}

// Moves every tenth image of each class out of `all` into the test part.
void SplitHoldOut(LabeledImages all, LabeledImages* train, LabeledImages* test) {
  *train = LabeledImages{all.size, all.channels, {}, {}, all.class_names};
  *test = *train;
  std::vector<int> seen(all.class_names.size(), 0);
  for (size_t i = 0; i < all.count(); ++i) {
    LabeledImages* dst = (++seen[size_t(all.labels[i])] % 10 == 0) ? test : train;
    dst->pixels.insert(dst->pixels.end(), all.image_data(i), all.image_data(i) + all.image_bytes());
    dst->labels.push_back(all.labels[i]);
  }
}

int NativeChannels(const LabeledImages& a) { return a.channels; }

}  // namespace

const std::vector<std::string>& FashionMnistClassNames() {
  static const std::vector<std::string> kNames = {"T-shirt_top", "Trouser",   "Pullover", "Dress",
                                                  "Coat",        "Sandal",    "Shirt",    "Sneaker",
                                                  "Bag",         "Ankle_boot"};
  return kNames;
}

Result<LabeledImages> Reshape(const LabeledImages& in, int size, int channels) {
  if (in.size == size && in.channels == channels) return in;
  LabeledImages out{size, channels, {}, {}, in.class_names};
  out.pixels.reserve(in.count() * out.image_bytes());
  out.labels.reserve(in.count());
  for (size_t i = 0; i < in.count(); ++i) {
    image::Image img = in.ToImage(i);
    if (img.channels() != channels) img = image::ConvertChannels(img, channels);
    HM_ASSIGN_OR_RETURN(img, FitSquare(img, size));
    out.Append(img, in.labels[i]);
  }
  return out;
}

std::string DataDigest(const LabeledImages& train, const LabeledImages& test) {
  Sha256Hasher h;
  h.Update(ByteView(std::string_view("hallmark-training-data-v1\n")));
  for (const std::string& name : train.class_names) {
    h.Update(ByteView(std::string_view(name)));
    h.Update(ByteView(std::string_view("\n")));
  }
  for (const LabeledImages* part : {&train, &test}) {
    for (size_t i = 0; i < part->count(); ++i) {
      uint32_t l = static_cast<uint32_t>(part->labels[i]);
      uint8_t le[4] = {uint8_t(l), uint8_t(l >> 8), uint8_t(l >> 16), uint8_t(l >> 24)};
      h.Update(ByteView(le, 4));
      h.Update(ByteView(part->image_data(i), part->image_bytes()));
    }
  }
  Sha256Digest d = h.Finish();
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (uint8_t b : d) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return hex;
}

bool IsDefaultDataset(const std::string& data) { return data.empty() || data == "fashion-mnist"; }

Result<TrainingData> LoadTrainingData(const DataRequest& request) {
  std::string data = request.data;
  if (IsDefaultDataset(data)) data = kDefaultDatasetDir;
  TrainingData out;
  std::error_code ec;
  // Recorded in model headers, so `hallmark eval` finds the data from any working directory.
  out.source = fs::exists(data, ec) ? fs::absolute(data, ec).lexically_normal().string() : data;
  LabeledImages train, test;
  int source_size = 0;  // a class folder's images are fitted as they are read
  if (IsDir(data) && !FindMaybeGz(data, "train-images-idx3-ubyte").empty()) {
    auto names = ClassNamesFor(data, data);
    HM_ASSIGN_OR_RETURN(train, ReadIdxPair(FindMaybeGz(data, "train-images-idx3-ubyte"),
                                           FindMaybeGz(data, "train-labels-idx1-ubyte"), names));
    std::string test_images = FindMaybeGz(data, "t10k-images-idx3-ubyte");
    if (!test_images.empty()) {
      HM_ASSIGN_OR_RETURN(
          test, ReadIdxPair(test_images, FindMaybeGz(data, "t10k-labels-idx1-ubyte"), names));
    } else {
      LabeledImages all = std::move(train);
      SplitHoldOut(std::move(all), &train, &test);
    }
  } else if (IsDir(data)) {
    HM_ASSIGN_OR_RETURN(FolderImages folder, LoadImageFolder(data, request.size, request.channels));
    out.skipped = std::move(folder.skipped);
    source_size = folder.source_size;
    SplitHoldOut(std::move(folder.images), &train, &test);
  } else if (IsFile(data) && data.find("images-idx3") != std::string::npos) {
    std::string labels = data;
    labels.replace(labels.find("images-idx3"), 11, "labels-idx1");
    std::string dir = fs::path(data).parent_path().string();
    HM_ASSIGN_OR_RETURN(LabeledImages all, ReadIdxPair(data, labels, ClassNamesFor(data, dir)));
    SplitHoldOut(std::move(all), &train, &test);
  } else if (!IsDir(data) && !IsFile(data)) {
    if (data == kDefaultDatasetDir) {
      return Status::NotFound(data +
                              ": the default dataset is missing (apt-get install "
                              "dataset-fashion-mnist, or pass --data)");
    }
    return Status::NotFound(data + ": no such dataset folder or IDX file");
  } else {
    return Status::InvalidArgument(data +
                                   ": not a dataset (expected a folder of class folders, a "
                                   "folder of IDX files or an ...-images-idx3-ubyte file)");
  }
  if (train.count() == 0) return Status::BadInput(data + ": the dataset has no training images");
  out.source_size = source_size > 0 ? source_size : train.size;
  int channels = request.channels > 0 ? request.channels : NativeChannels(train);
  HM_ASSIGN_OR_RETURN(out.train, Reshape(train, request.size, channels));
  HM_ASSIGN_OR_RETURN(out.test, Reshape(test, request.size, channels));
  out.digest = DataDigest(out.train, out.test);
  return out;
}

}  // namespace hallmark::generator
