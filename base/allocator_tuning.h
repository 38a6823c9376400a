// How the C library's allocator treats the buffers image work allocates and frees by the hundred.
#ifndef HALLMARK_BASE_ALLOCATOR_TUNING_H_
#define HALLMARK_BASE_ALLOCATOR_TUNING_H_

namespace hallmark {

// Asks the allocator to keep freed memory (up to 64 MiB) for the next request rather than hand it
// back to the kernel at once, and to serve requests under 32 MiB from that pool. Call once at
// process start, before any thread. Does nothing where the C library has no such settings.
//
// Why: a detection, a verification or a generated image allocates and frees planes of a few
// hundred KiB each. By default glibc maps requests of 128 KiB and more afresh and returns freed
// memory at the top of the heap, so every image faulted its buffers in again: in a loop over one
// 256-px image, detection took 3.7 ms instead of 0.64 ms, and `verify` handled 78-100 images/s
// instead of 150-300 (docs/benchmarks.md, "End to end").
void KeepFreedMemoryForReuse();

}  // namespace hallmark

#endif  // HALLMARK_BASE_ALLOCATOR_TUNING_H_
