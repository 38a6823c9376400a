// Reader for the IDX format of MNIST and Fashion-MNIST (http://yann.lecun.com/exdb/mnist/):
// big-endian header (magic 0x00000803 for images, 0x00000801 for labels, then the dimensions)
// followed by unsigned bytes. Files may be gzip-compressed, as Debian ships them.
#ifndef HALLMARK_GENERATOR_IDX_READER_H_
#define HALLMARK_GENERATOR_IDX_READER_H_

#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "generator/labeled_images.h"

namespace hallmark::generator {

// The whole file, gunzipped when it starts with the gzip magic. Errors name the file.
Result<Bytes> ReadMaybeGzip(const std::string& path, size_t max_bytes = size_t{1} << 30);

// Reads an images file and its labels file into 28x28 (the files' size) grey LabeledImages.
// `class_names` must cover every label in the file.
Result<LabeledImages> ReadIdxPair(const std::string& images_path, const std::string& labels_path,
                                  const std::vector<std::string>& class_names);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_IDX_READER_H_
