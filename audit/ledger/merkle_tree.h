// RFC 9162 §2.1 Merkle tree hashing (identical to RFC 6962): SHA-256 with a 0x00 prefix for
// leaves and 0x01 for interior nodes, split at the largest power of two below the range size.
//
// The functions here are storage-agnostic: proofs are built from a NodeSource that can return the
// hash of any perfect subtree, so the same code serves the in-memory reference tree, the SQLite
// ledger (which stores perfect subtrees as they complete) and any later backend.
#ifndef HALLMARK_AUDIT_LEDGER_MERKLE_TREE_H_
#define HALLMARK_AUDIT_LEDGER_MERKLE_TREE_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "base/sha256.h"

namespace hallmark::audit {

using Hash = Sha256Digest;

Hash EmptyTreeHash();  // SHA-256(""), the root of a tree with no leaves
Hash HashLeaf(ByteView entry);
Hash HashChildren(const Hash& left, const Hash& right);

// The largest power of two strictly below n (n >= 2).
uint64_t SplitPoint(uint64_t n);

// The hash of the perfect subtree at `level` (0 = leaves) and `index`, covering leaves
// [index << level, (index + 1) << level). Only subtrees inside the current tree are asked for.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  virtual Result<Hash> PerfectNode(int level, uint64_t index) const = 0;
};

// MTH(D[begin:end]) for the ranges the RFC recursion produces (begin aligned to the largest power
// of two that fits); O(log n) node reads.
Result<Hash> RangeHash(const NodeSource& nodes, uint64_t begin, uint64_t end);
Result<Hash> RootHash(const NodeSource& nodes, uint64_t size);

// PATH(index, D[0:size]) and PROOF(old_size, D[0:new_size]), bottom-up. Out-of-range arguments
// and old_size == 0 are kInvalidArgument.
Result<std::vector<Hash>> InclusionProof(const NodeSource& nodes, uint64_t index, uint64_t size);
Result<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes, uint64_t old_size,
                                           uint64_t new_size);

// The right border of a tree: one perfect subtree per set bit of its size. Enough to append
// leaves and compute the root without reading the rest of the tree.
class CompactRange {
 public:
  struct Position {
    int level;
    uint64_t index;
  };
  // The perfect subtrees a tree of `size` leaves is made of, left to right.
  static std::vector<Position> Positions(uint64_t size);
  // Rebuilds the border from the hashes at Positions(size).
  static Result<CompactRange> FromNodes(uint64_t size, std::vector<Hash> nodes);

  // Called for every perfect subtree of level >= 1 that an append completes.
  using NodeSink = std::function<void(int level, uint64_t index, const Hash& hash)>;
  void Append(const Hash& leaf_hash, const NodeSink& sink = nullptr);

  uint64_t size() const { return size_; }
  Hash Root() const;

 private:
  uint64_t size_ = 0;
  std::vector<Hash> nodes_;  // left to right, highest level first
};

// An in-memory tree holding every level; the reference the ledger is tested against and the
// verifier's scratch space when rebuilding a log.
class MemoryMerkleTree : public NodeSource {
 public:
  void AppendEntry(ByteView entry) { AppendLeafHash(HashLeaf(entry)); }
  void AppendLeafHash(const Hash& leaf_hash);
  uint64_t size() const { return levels_.empty() ? 0 : levels_[0].size(); }
  Hash Root() const;  // of the whole tree

  Result<Hash> PerfectNode(int level, uint64_t index) const override;

 private:
  std::vector<std::vector<Hash>> levels_;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_MERKLE_TREE_H_
