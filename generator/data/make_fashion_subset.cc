// Writes the bundled Fashion-MNIST subset: the first 100 training images of each class of
// Debian's dataset-fashion-mnist as 8-bit grey PNGs, <out>/<class>/<index in train set>.png,
// and <out>/classes.txt with the classes in Fashion-MNIST's label order.
// Build and run:  ninja -C build hallmark_make_fashion_subset &&
//                 build/generator/hallmark_make_fashion_subset generator/data/fashion-mnist-1k
#include <cstdio>
#include <filesystem>

#include "base/file.h"
#include "generator/dataset_loader.h"
#include "generator/idx_reader.h"
#include "image/codec.h"

int main(int argc, char** argv) {
  using namespace hallmark::generator;
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = kDefaultDatasetDir;
  auto train = ReadIdxPair(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz",
                           FashionMnistClassNames());
  if (!train.ok()) {
    std::fprintf(stderr, "%s\n", train.status().message().c_str());
    return 1;
  }
  std::vector<int> written(10, 0);
  for (size_t i = 0; i < train->count(); ++i) {
    int label = train->labels[i];
    if (written[size_t(label)] == 100) continue;
    std::string folder = std::string(argv[1]) + "/" + FashionMnistClassNames()[size_t(label)];
    std::filesystem::create_directories(folder);
    char name[32];
    std::snprintf(name, sizeof name, "/%05zu.png", i);
    hallmark::image::PngOptions png;
    png.compression_level = 9;
    hallmark::image::EncodeOptions options;
    options.png = png;
    auto status = hallmark::image::WriteImageFile(folder + name, train->ToImage(i), options);
    if (!status.ok()) {
      std::fprintf(stderr, "%s\n", status.message().c_str());
      return 1;
    }
    ++written[size_t(label)];
  }
  std::string list;
  for (const auto& name : FashionMnistClassNames()) list += name + "\n";
  auto status = hallmark::WriteFileAtomic(std::string(argv[1]) + "/classes.txt",
                                          hallmark::ByteView(std::string_view(list)));
  return status.ok() ? 0 : 1;
}
