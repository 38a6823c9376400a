// Fuzzes XMP reading (provenance/xmp/xmp_metadata.h): exiv2 parses the container and the XMP
// packet; its exceptions must stop inside the module.
#include <cstddef>
#include <cstdint>

#include "provenance/xmp/xmp_metadata.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)hallmark::provenance::FindXmpInstanceId(hallmark::fuzz::AsBytes(data, size));
  return 0;
}
