// Where a C2PA manifest store lives inside an encoded image, and how it is put there:
//   PNG : an ancillary `caBX` chunk right after IHDR (length, type, JUMBF, CRC)
//   JPEG: a run of APP11 segments right after SOI and the leading APP0/APP1 segments, each
//         `FFEB Lp 'JP' En Z` + the superbox's LBox/TBox + up to 64 KB of the store
//   WebP: read only (Hallmark writes no manifests into WebP): a RIFF chunk `C2PA` holding the
//         store, so that a WebP copy is verified as carrying no manifest, or the one it carries
// The hard-binding exclusion covers the whole chunk / the whole APP11 run.
#ifndef HALLMARK_PROVENANCE_C2PA_MANIFEST_CONTAINER_H_
#define HALLMARK_PROVENANCE_C2PA_MANIFEST_CONTAINER_H_

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "image/codec.h"

namespace hallmark::provenance {

struct EmbeddedStore {
  size_t offset = 0;  // the first byte of the caBX chunk / first APP11 segment
  size_t length = 0;  // the whole chunk / run
  Bytes store;        // the JUMBF manifest store, reassembled
  // Exactly the bytes that carry the store, as (start, length) in file order: the caBX chunk,
  // or the APP11 segments with adjacent ones joined (one range when they form a run). What a
  // c2pa.hash.data exclusion must cover, no more and no less.
  std::vector<std::pair<size_t, size_t>> ranges;
};

// Finds the manifest store; nullopt when the image has none. BadInput for broken containers.
Result<std::optional<EmbeddedStore>> FindManifestStore(ByteView file, image::Format format);

// Whether the image carries a manifest store (cheaper to ask than FindManifestStore).
Result<bool> HasManifestStore(ByteView file, image::Format format);

// The image without its manifest store (unchanged when it has none).
Result<Bytes> RemoveManifestStore(ByteView file, image::Format format);

// Where a new store goes.
Result<size_t> ManifestInsertionOffset(ByteView file, image::Format format);

// The container bytes (chunk or segments) that carry `store`, and their length for a store of
// `store_size` bytes, known before the store exists.
Result<Bytes> WrapManifestStore(ByteView store, image::Format format);
size_t WrappedManifestSize(size_t store_size, image::Format format);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_C2PA_MANIFEST_CONTAINER_H_
