#include "pipeline/service/log_tiles.h"

#include <string>
#include <vector>

namespace hallmark::pipeline {
namespace {

Status BadPath(std::string_view path) {
  return Status::InvalidArgument("not a tile path: " + std::string(path.substr(0, 80)));
}

// "x001/x234/067" -> 1234067; `rest` receives what follows the index.
bool ParseIndex(std::string_view* path, uint64_t* index) {
  uint64_t value = 0;
  for (;;) {
    const bool prefixed = !path->empty() && path->front() == 'x';
    if (prefixed) path->remove_prefix(1);
    if (path->size() < 3) return false;
    if (value > (UINT64_MAX - 999) / 1000) return false;  // another group would overflow
    for (int i = 0; i < 3; ++i) {
      const char c = (*path)[size_t(i)];
      if (c < '0' || c > '9') return false;
      value = value * 10 + uint64_t(c - '0');
    }
    path->remove_prefix(3);
    if (!prefixed) break;  // the last group carries no "x"
    if (path->empty() || path->front() != '/') return false;
    path->remove_prefix(1);
  }
  *index = value;
  return true;
}

}  // namespace

Result<TileRequest> ParseTilePath(std::string_view path) {
  const std::string_view original = path;
  TileRequest t;
  if (path.rfind("entries/", 0) == 0) {
    t.entries = true;
    path.remove_prefix(8);
  } else {
    if (path.size() < 2 || path[0] < '0' || path[0] > '9' || path[1] != '/') {
      return BadPath(original);
    }
    t.level = path[0] - '0';
    path.remove_prefix(2);
  }
  if (!ParseIndex(&path, &t.index)) return BadPath(original);
  if (path.empty()) return t;
  if (path.rfind(".p/", 0) != 0) return BadPath(original);
  path.remove_prefix(3);
  if (path.empty() || path.size() > 3 || path[0] == '0') return BadPath(original);
  int w = 0;
  for (char c : path) {
    if (c < '0' || c > '9') return BadPath(original);
    w = w * 10 + (c - '0');
  }
  if (w < 1 || w >= kTileWidth) return BadPath(original);
  t.width = w;
  return t;
}

Result<Bytes> ReadTile(audit::LedgerStore& ledger, const TileRequest& tile, uint64_t tree_size) {
  const int tree_level = tile.entries ? 0 : tile.level * kTileHeight;
  if (tree_level >= 64) return Status::NotFound("no such tile level");
  // Complete nodes of that level in the tree; the tile needs its first `width` of them.
  const uint64_t available = tree_size >> tree_level;
  const uint64_t first = tile.index * kTileWidth;
  if (tile.index > (UINT64_MAX - kTileWidth) / kTileWidth ||
      available < first + uint64_t(tile.width)) {
    return Status::NotFound("the log has no such tile yet");
  }
  Bytes out;
  for (uint64_t i = first; i < first + uint64_t(tile.width); ++i) {
    if (tile.entries) {
      HM_ASSIGN_OR_RETURN(audit::LogEntry e, ledger.Entry(i));
      if (e.body.size() > 0xffff) return Status::Internal("a log entry is over 64 KiB");
      out.push_back(uint8_t(e.body.size() >> 8));
      out.push_back(uint8_t(e.body.size()));
      out.insert(out.end(), e.body.begin(), e.body.end());
    } else {
      HM_ASSIGN_OR_RETURN(audit::Hash h, ledger.Nodes().PerfectNode(tree_level, i));
      out.insert(out.end(), h.begin(), h.end());
    }
  }
  return out;
}

}  // namespace hallmark::pipeline
