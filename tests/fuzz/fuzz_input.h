// Helpers shared by the libFuzzer targets in this folder: views of the fuzzer's buffer in the
// types the parsers take.
#ifndef HALLMARK_TESTS_FUZZ_FUZZ_INPUT_H_
#define HALLMARK_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "base/bytes.h"

namespace hallmark::fuzz {

inline ByteView AsBytes(const uint8_t* data, size_t size) { return ByteView(data, size); }

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// A broken invariant (not a rejected input): report it and abort so libFuzzer saves the input.
inline void FuzzCheck(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

}  // namespace hallmark::fuzz

#endif  // HALLMARK_TESTS_FUZZ_FUZZ_INPUT_H_
