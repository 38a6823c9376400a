// The log as C2SP tlog-tiles (https://c2sp.org/tlog-tiles): the static form transparency-log
// clients, monitors and witnesses read. A tile holds up to 256 consecutive hashes of one level of
// the RFC 6962 tree (tile level L holds tree level 8L); level-0 tiles hold leaf hashes, and entry
// bundles hold the leaves themselves. Tiles are only served up to the size of the latest signed
// checkpoint, so a client never sees hashes no checkpoint commits to.
#ifndef HALLMARK_PIPELINE_SERVICE_LOG_TILES_H_
#define HALLMARK_PIPELINE_SERVICE_LOG_TILES_H_

#include <cstdint>
#include <string_view>

#include "audit/ledger/ledger_store.h"
#include "base/result.h"

namespace hallmark::pipeline {

inline constexpr int kTileWidth = 256;
inline constexpr int kTileHeight = 8;  // tree levels per tile level

struct TileRequest {
  bool entries = false;  // an entry bundle rather than a hash tile
  int level = 0;         // tile level (hash tiles only)
  uint64_t index = 0;
  int width = kTileWidth;  // 1..256; under 256 only for the partial tile at the right edge
};

// Parses what follows "tile/": "<L>/<N>[.p/<W>]" or "entries/<N>[.p/<W>]", where N is written in
// groups of three digits, every group but the last prefixed "x" (1234067 -> x001/x234/067).
// InvalidArgument for anything else (leading zeros beyond the groups, W outside 1..255, ...).
Result<TileRequest> ParseTilePath(std::string_view path);

// The tile's bytes for a tree of `tree_size` leaves: W 32-byte hashes, or W entries each prefixed
// by its length as a big-endian uint16. NotFound when the tree does not (yet) fill the tile to
// that width; a full tile never changes once served.
Result<Bytes> ReadTile(audit::LedgerStore& ledger, const TileRequest& tile, uint64_t tree_size);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_LOG_TILES_H_
