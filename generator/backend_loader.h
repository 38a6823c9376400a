// Finds and loads libhallmark_generator.so (the LibTorch half of the generator) at run time.
//
// Search order: $HALLMARK_GENERATOR_LIB; <dir of the running binary>/libhallmark_generator.so;
// <dir>/../lib/hallmark/ and <dir>/../lib/ (installed layout); the build tree's copy. A missing or
// mismatched library is a clear Unsupported error that says where it looked.
#ifndef HALLMARK_GENERATOR_BACKEND_LOADER_H_
#define HALLMARK_GENERATOR_BACKEND_LOADER_H_

#include "base/result.h"
#include "generator/backend.h"

namespace hallmark::generator {

// Loads the library once per process; later calls return the same object. On success it also
// calls TuneMallocForTensors(): processes that generate are the ones that churn large tensors.
Result<Backend*> LoadBackend();

// Keeps large allocations in the heap instead of mmap()ing and unmapping them for every tensor:
// without it, freeing large tensors each step costs 17-45% in training and ~15% in sampling.
void TuneMallocForTensors();

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_BACKEND_LOADER_H_
