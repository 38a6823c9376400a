// Test seam for base/file.cc. Not part of the public contract: only tests include this header.
//
// Durability cannot be observed from the outside (a test cannot pull the power), so the tests
// watch the fsync calls themselves: every fsync in base/file.cc goes through one replaceable
// function that is told which path the descriptor refers to. Likewise RemoveFile's unlink, so a
// test can make a removal fail even when it runs as root (who may unlink anything).
#ifndef HALLMARK_BASE_FILE_INTERNAL_H_
#define HALLMARK_BASE_FILE_INTERNAL_H_

namespace hallmark::internal {

// Same contract as fsync(2): 0 on success, -1 with errno set on failure. `path` names the file
// or folder `fd` was opened from (for WriteFileAtomic's file, its temporary name).
using FsyncFunction = int (*)(int fd, const char* path);

// Makes base/file.cc call `fn` instead of fsync(2); nullptr restores fsync(2). Returns the
// previous replacement (nullptr when none). Tests only; not meant to change while a write runs.
FsyncFunction SetFsyncForTesting(FsyncFunction fn);

// Same contract as unlink(2). Makes RemoveFile call `fn` instead; nullptr restores unlink(2).
using UnlinkFunction = int (*)(const char* path);
UnlinkFunction SetUnlinkForTesting(UnlinkFunction fn);

}  // namespace hallmark::internal

#endif  // HALLMARK_BASE_FILE_INTERNAL_H_
