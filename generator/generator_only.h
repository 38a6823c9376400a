// A sampling-only copy of a trained DCGAN: the generator's weights without the discriminator that
// only training needs. (A VAE's file is one module, encoder and decoder, and is kept whole.) It is
// what a studio ships or checks into a repository: smaller (a 32 px DCGAN drops from 7.1 to 4.4
// MB), and it cannot be trained on.
//
// The copy is a model file of its own, so it has its own id (the SHA-256 of its bytes); its header
// keeps the original's (data, training) and adds "generator_only_of": the original's id.
#ifndef HALLMARK_GENERATOR_GENERATOR_ONLY_H_
#define HALLMARK_GENERATOR_GENERATOR_ONLY_H_

#include <string>

#include "base/result.h"

namespace hallmark::generator {

struct GeneratorOnlyCopy {
  std::string model_id;   // the copy's
  std::string source_id;  // the original's
  size_t tensors_dropped = 0;
};

// Writes the copy of `model_path` to `out_path` (atomically; never over `model_path` itself). A
// file that is already generator-only is copied unchanged and keeps its id.
// BadInput when the file holds no generator tensors ("G.*"), as a VAE's does not.
Result<GeneratorOnlyCopy> WriteGeneratorOnly(const std::string& model_path,
                                             const std::string& out_path);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_GENERATOR_ONLY_H_
