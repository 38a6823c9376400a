// Whole-file reads and crash-safe writes. Every error names the path.
#ifndef HALLMARK_BASE_FILE_H_
#define HALLMARK_BASE_FILE_H_

#include <cstdio>
#include <memory>
#include <string>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark {

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

// fopen with a Status that says which path failed and why (NotFound for ENOENT).
Result<UniqueFile> OpenFile(const std::string& path, const char* mode);

// Reads the whole file; refuses files larger than `max_bytes` before reading them.
Result<Bytes> ReadFile(const std::string& path, size_t max_bytes = size_t{1} << 31);

enum class Durability {
  kSynced,  // fsync before the rename: durable when the call returns
  kLater,   // no fsync: the caller makes a whole batch durable at once (SyncFileSystem)
};

// Writes `data` to a temporary file beside `path`, fsyncs it (unless `durability` defers that),
// then renames it over `path`, so a crash leaves either the old file or the new one, never a torn
// one. `mode` sets the permission bits of the new file (0600 for private keys).
Status WriteFileAtomic(const std::string& path, ByteView data, unsigned mode = 0644,
                       Durability durability = Durability::kSynced);

// Makes every write and rename on the file system holding `dir` durable (syncfs): one flush for
// a batch of files written with Durability::kLater.
Status SyncFileSystem(const std::string& dir);

}  // namespace hallmark

#endif  // HALLMARK_BASE_FILE_H_
