#include "generator/dataset_loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>

#include "base/file.h"
#include "base/sha256.h"
#include "base/text.h"
#include "generator/idx_reader.h"
#include "image/codec.h"
#include "image/resample.h"

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
  std::string list = dir + "/classes.txt";
  if (IsFile(list)) {
    std::vector<std::string> names;
    // OpenFile refuses a FIFO or device named classes.txt instead of blocking on it.
    Result<UniqueFile> f = OpenFile(list, "r");
    char line[256];
    while (f.ok() && std::fgets(line, sizeof line, f->get())) {
      std::string s(line);
      while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
      if (!s.empty()) names.push_back(s);
    }
    if (!names.empty()) return names;
  }
  if (AsciiLower(path).find("fashion") != std::string::npos) return FashionMnistClassNames();
  std::vector<std::string> digits;
  for (int i = 0; i < 10; ++i) digits.push_back(std::to_string(i));
  return digits;
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

Result<LabeledImages> LoadImageFolder(const std::string& dir, int channels) {
  std::vector<std::string> classes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory()) classes.push_back(entry.path().filename().string());
  }
  if (ec) return Status::NotFound(dir + ": cannot list the dataset folder: " + ec.message());
  std::sort(classes.begin(), classes.end());
  // classes.txt, when present, fixes the label order (Fashion-MNIST's is not alphabetical).
  if (IsFile(dir + "/classes.txt")) {
    std::vector<std::string> listed = ClassNamesFor(dir, dir);
    std::vector<std::string> sorted_listed = listed;
    std::sort(sorted_listed.begin(), sorted_listed.end());
    if (sorted_listed != classes) {
      return Status::BadInput(dir + "/classes.txt: does not name exactly the class folders");
    }
    classes = listed;
  }
  if (classes.empty()) {
    return Status::BadInput(dir + ": no class sub-folders (expected <data>/<class>/<image>)");
  }
  std::vector<std::pair<std::string, int32_t>> files;
  for (size_t c = 0; c < classes.size(); ++c) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir + "/" + classes[c], ec)) {
      if (entry.is_regular_file() && image::IsImageFileName(entry.path().string())) {
        names.push_back(entry.path().string());
      }
    }
    std::sort(names.begin(), names.end());
    for (auto& n : names) files.emplace_back(std::move(n), int32_t(c));
  }
  if (files.empty()) return Status::BadInput(dir + ": the class folders hold no images");

  std::vector<image::Image> images;
  images.reserve(files.size());
  bool colour = false;
  for (const auto& [path, label] : files) {
    HM_ASSIGN_OR_RETURN(image::Image img, image::ReadImageFile(path));
    if (img.bit_depth() != 8) img = image::ConvertDepth(img, 8);
    colour = colour || img.is_color();
    images.push_back(std::move(img));
  }
  int want = channels > 0 ? channels : (colour ? 3 : 1);
  LabeledImages out;
  out.size = images[0].width();
  out.channels = want;
  out.class_names = classes;
  for (size_t i = 0; i < images.size(); ++i) {
    image::Image& img = images[i];
    if (img.width() != img.height()) {
      int s = std::min(img.width(), img.height());
      img = image::Crop(img, (img.width() - s) / 2, (img.height() - s) / 2, s, s);
    }
    if (img.width() != out.size) {
      HM_ASSIGN_OR_RETURN(img, image::Resize(img, out.size, out.size, image::Filter::kArea));
    }
    if (img.channels() != want) img = image::ConvertChannels(img, want);
    out.Append(img, files[i].second);
  }
  return out;
}

Result<LabeledImages> Reshape(const LabeledImages& in, int size, int channels) {
  if (in.size == size && in.channels == channels) return in;
  LabeledImages out{size, channels, {}, {}, in.class_names};
  out.pixels.reserve(in.count() * out.image_bytes());
  out.labels.reserve(in.count());
  const bool pad = in.size < size && size - in.size <= in.size / 4;
  for (size_t i = 0; i < in.count(); ++i) {
    image::Image img = in.ToImage(i);
    if (img.channels() != channels) img = image::ConvertChannels(img, channels);
    if (pad) {
      image::Image padded = *image::Image::Create(size, size, channels);
      int off = (size - in.size) / 2;
      for (int y = 0; y < in.size; ++y) {
        std::copy(img.row(y), img.row(y) + img.row_bytes(),
                  padded.row(y + off) + size_t(off) * size_t(channels));
      }
      img = std::move(padded);
    } else if (img.width() != size) {
      auto filter = img.width() > size ? image::Filter::kArea : image::Filter::kLanczos3;
      HM_ASSIGN_OR_RETURN(img, image::Resize(img, size, size, filter));
    }
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
    HM_ASSIGN_OR_RETURN(LabeledImages all, LoadImageFolder(data, request.channels));
    SplitHoldOut(std::move(all), &train, &test);
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
  out.source_size = train.size;
  int channels = request.channels > 0 ? request.channels : NativeChannels(train);
  HM_ASSIGN_OR_RETURN(out.train, Reshape(train, request.size, channels));
  HM_ASSIGN_OR_RETURN(out.test, Reshape(test, request.size, channels));
  out.digest = DataDigest(out.train, out.test);
  return out;
}

}  // namespace hallmark::generator
