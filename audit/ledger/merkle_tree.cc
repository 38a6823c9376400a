#include "audit/ledger/merkle_tree.h"

#include <string>

namespace hallmark::audit {
namespace {

bool IsPowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

int Log2(uint64_t n) {
  int level = 0;
  while (n > 1) {
    n >>= 1;
    ++level;
  }
  return level;
}

Status InclusionPath(const NodeSource& nodes, uint64_t index, uint64_t begin, uint64_t end,
                     std::vector<Hash>& out) {
  if (end - begin <= 1) return Status::Ok();
  uint64_t k = SplitPoint(end - begin);
  if (index < begin + k) {
    HM_RETURN_IF_ERROR(InclusionPath(nodes, index, begin, begin + k, out));
    HM_ASSIGN_OR_RETURN(Hash right, RangeHash(nodes, begin + k, end));
    out.push_back(right);
  } else {
    HM_RETURN_IF_ERROR(InclusionPath(nodes, index, begin + k, end, out));
    HM_ASSIGN_OR_RETURN(Hash left, RangeHash(nodes, begin, begin + k));
    out.push_back(left);
  }
  return Status::Ok();
}

// SUBPROOF(m, D[begin:end], complete) of RFC 9162 §2.1.4.1, with m counted from `begin`.
Status SubProof(const NodeSource& nodes, uint64_t m, uint64_t begin, uint64_t end, bool complete,
                std::vector<Hash>& out) {
  uint64_t n = end - begin;
  if (m == n) {
    if (!complete) {
      HM_ASSIGN_OR_RETURN(Hash h, RangeHash(nodes, begin, end));
      out.push_back(h);
    }
    return Status::Ok();
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    HM_RETURN_IF_ERROR(SubProof(nodes, m, begin, begin + k, complete, out));
    HM_ASSIGN_OR_RETURN(Hash right, RangeHash(nodes, begin + k, end));
    out.push_back(right);
  } else {
    HM_RETURN_IF_ERROR(SubProof(nodes, m - k, begin + k, end, false, out));
    HM_ASSIGN_OR_RETURN(Hash left, RangeHash(nodes, begin, begin + k));
    out.push_back(left);
  }
  return Status::Ok();
}

}  // namespace

Hash EmptyTreeHash() { return Sha256(ByteView()); }

Hash HashLeaf(ByteView entry) {
  Sha256Hasher h;
  const uint8_t prefix = 0x00;
  h.Update(ByteView(&prefix, 1));
  h.Update(entry);
  return h.Finish();
}

Hash HashChildren(const Hash& left, const Hash& right) {
  uint8_t buf[65];
  buf[0] = 0x01;
  std::copy(left.begin(), left.end(), buf + 1);
  std::copy(right.begin(), right.end(), buf + 33);
  return Sha256(ByteView(buf, sizeof buf));
}

uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k < n - k) k <<= 1;  // doubling while 2k < n, written so that it cannot overflow
  return k;
}

Result<Hash> RangeHash(const NodeSource& nodes, uint64_t begin, uint64_t end) {
  if (end <= begin) return Status::Internal("Merkle range is empty");
  uint64_t n = end - begin;
  if (IsPowerOfTwo(n) && begin % n == 0) {
    int level = Log2(n);
    return nodes.PerfectNode(level, begin >> level);
  }
  uint64_t k = SplitPoint(n);
  HM_ASSIGN_OR_RETURN(Hash left, RangeHash(nodes, begin, begin + k));
  HM_ASSIGN_OR_RETURN(Hash right, RangeHash(nodes, begin + k, end));
  return HashChildren(left, right);
}

Result<Hash> RootHash(const NodeSource& nodes, uint64_t size) {
  if (size == 0) return EmptyTreeHash();
  return RangeHash(nodes, 0, size);
}

Result<std::vector<Hash>> InclusionProof(const NodeSource& nodes, uint64_t index, uint64_t size) {
  if (index >= size) {
    return Status::InvalidArgument("leaf index " + std::to_string(index) +
                                   " is outside a tree of size " + std::to_string(size));
  }
  std::vector<Hash> out;
  HM_RETURN_IF_ERROR(InclusionPath(nodes, index, 0, size, out));
  return out;
}

Result<std::vector<Hash>> ConsistencyProof(const NodeSource& nodes, uint64_t old_size,
                                           uint64_t new_size) {
  if (old_size == 0) {
    return Status::InvalidArgument(
        "a consistency proof from an empty tree proves nothing; start from a checkpoint");
  }
  if (old_size > new_size) {
    return Status::InvalidArgument("old tree size " + std::to_string(old_size) +
                                   " is larger than the new size " + std::to_string(new_size));
  }
  std::vector<Hash> out;
  if (old_size == new_size) return out;
  HM_RETURN_IF_ERROR(SubProof(nodes, old_size, 0, new_size, true, out));
  return out;
}

std::vector<CompactRange::Position> CompactRange::Positions(uint64_t size) {
  std::vector<Position> out;
  uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    if ((size >> level) & 1) {
      out.push_back({level, begin >> level});
      begin += uint64_t{1} << level;
    }
  }
  return out;
}

Result<CompactRange> CompactRange::FromNodes(uint64_t size, std::vector<Hash> nodes) {
  if (nodes.size() != Positions(size).size()) {
    return Status::Internal("compact range of size " + std::to_string(size) + " needs " +
                            std::to_string(Positions(size).size()) + " nodes");
  }
  CompactRange range;
  range.size_ = size;
  range.nodes_ = std::move(nodes);
  return range;
}

void CompactRange::Append(const Hash& leaf_hash, const NodeSink& sink) {
  Hash h = leaf_hash;
  uint64_t index = size_;
  int level = 0;
  while ((size_ >> level) & 1) {
    h = HashChildren(nodes_.back(), h);
    nodes_.pop_back();
    ++level;
    index >>= 1;
    if (sink) sink(level, index, h);
  }
  nodes_.push_back(h);
  ++size_;
}

Hash CompactRange::Root() const {
  if (nodes_.empty()) return EmptyTreeHash();
  Hash acc = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) acc = HashChildren(nodes_[i], acc);
  return acc;
}

void MemoryMerkleTree::AppendLeafHash(const Hash& leaf_hash) {
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf_hash);
  size_t level = 0;
  while (levels_[level].size() % 2 == 0) {
    const auto& below = levels_[level];
    Hash parent = HashChildren(below[below.size() - 2], below.back());
    if (levels_.size() == level + 1) levels_.emplace_back();
    levels_[level + 1].push_back(parent);
    ++level;
  }
}

Hash MemoryMerkleTree::Root() const {
  Result<Hash> root = RootHash(*this, size());
  return root.ok() ? *root : EmptyTreeHash();
}

Result<Hash> MemoryMerkleTree::PerfectNode(int level, uint64_t index) const {
  if (level < 0 || static_cast<size_t>(level) >= levels_.size() || index >= levels_[level].size()) {
    return Status::Internal("Merkle node (" + std::to_string(level) + ", " + std::to_string(index) +
                            ") is not in the tree");
  }
  return levels_[level][index];
}

}  // namespace hallmark::audit
