#include "base/allocator_tuning.h"

#include <cstdlib>  // defines __GLIBC__ where the C library is glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace hallmark {

void KeepFreedMemoryForReuse() {
#if defined(__GLIBC__)
  // Fixed values also switch off glibc's own threshold adjustment, which only ever follows the
  // last large free and so kept flipping between mapping and reusing.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

}  // namespace hallmark
