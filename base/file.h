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

// fopen with a Status that says which path failed and why (NotFound for ENOENT). Opened for
// reading, anything but a regular file (a FIFO, a device, a folder) is refused as BadInput.
Result<UniqueFile> OpenFile(const std::string& path, const char* mode);

// Reads the whole file; refuses files larger than `max_bytes` before reading them. Only regular
// files are read: a FIFO, socket, device or folder is BadInput ("<path>: not a regular file";
// a folder says "is a directory"), decided on the opened descriptor and without ever waiting for
// a writer, so a hostile path cannot hang or endlessly feed the reader.
Result<Bytes> ReadFile(const std::string& path, size_t max_bytes = size_t{1} << 31);

enum class Durability {
  kSynced,  // fsync the file before the rename and its folder after: durable when the call returns
  kLater,   // no fsync: the caller makes a whole batch durable at once (SyncFileSystem)
};

// Writes `data` to a temporary file beside `path`, fsyncs it (unless `durability` defers that),
// then renames it over `path` and, when synced, fsyncs the folder so the rename itself survives a
// crash. A crash leaves either the old file or the new one, never a torn one. `mode` sets the
// permission bits of the new file (0600 for private keys).
//
// The temporary file is "<path>.tmp.<random>", created exclusively (O_EXCL, O_NOFOLLOW), so a
// file or symlink planted at a guessable name is never written through. It is removed on every
// failure path; a failure to remove it is added to the returned error.
Status WriteFileAtomic(const std::string& path, ByteView data, unsigned mode = 0644,
                       Durability durability = Durability::kSynced);

// Makes every write and rename on the file system holding `dir` durable (syncfs): one flush for
// a batch of files written with Durability::kLater.
Status SyncFileSystem(const std::string& dir);

// fsyncs the folder `dir`, which makes the renames and deletions of its entries durable.
// IoError naming `dir` when the folder cannot be opened or synced.
[[nodiscard]] Status SyncDir(const std::string& dir);

// Deletes the file at `path`. A file that is already gone is not an error; any other failure is
// an IoError naming `path`.
[[nodiscard]] Status RemoveFile(const std::string& path);

}  // namespace hallmark

#endif  // HALLMARK_BASE_FILE_H_
