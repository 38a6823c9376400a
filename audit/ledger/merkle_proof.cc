#include "audit/ledger/merkle_proof.h"

#include <string>

#include "base/hex.h"

namespace hallmark::audit {
namespace {

std::string Short(const Hash& h) { return HexEncode(ByteView(h.data(), 8)); }

}  // namespace

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  if (index >= size) {
    return Status::BadInput("inclusion proof: leaf index " + std::to_string(index) +
                            " is outside a tree of size " + std::to_string(size));
  }
  uint64_t fn = index;
  uint64_t sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) {
      return Status::BadInput("inclusion proof: " + std::to_string(proof.size()) +
                              " hashes is more than a tree of size " + std::to_string(size) +
                              " needs");
    }
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::BadInput("inclusion proof: " + std::to_string(proof.size()) +
                            " hashes is fewer than a tree of size " + std::to_string(size) +
                            " needs");
  }
  if (r != root) {
    return Status::BadInput("inclusion proof: computed root " + Short(r) +
                            "… does not match the checkpoint root " + Short(root) + "…");
  }
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const std::vector<Hash>& proof,
                         const Hash& old_root, const Hash& new_root) {
  if (old_size == 0) {
    return Status::BadInput(
        "consistency proof: from an empty tree it proves nothing (trust on first use: keep a "
        "checkpoint and prove from it)");
  }
  if (old_size > new_size) {
    return Status::BadInput("consistency proof: old size " + std::to_string(old_size) +
                            " is larger than new size " + std::to_string(new_size) +
                            " (the log shrank)");
  }
  if (old_size == new_size) {
    if (!proof.empty()) {
      return Status::BadInput("consistency proof: must be empty between equal sizes");
    }
    if (old_root != new_root) {
      return Status::BadInput("consistency proof: two different roots for tree size " +
                              std::to_string(old_size) + " (the log forked or was rewritten)");
    }
    return Status::Ok();
  }
  if (proof.empty()) {
    return Status::BadInput("consistency proof: empty, but the sizes differ");
  }
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  if ((old_size & (old_size - 1)) == 0) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0];
  Hash sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) {
      return Status::BadInput("consistency proof: more hashes than sizes " +
                              std::to_string(old_size) + " -> " + std::to_string(new_size) +
                              " need");
    }
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if (!(fn & 1)) {
        while (fn != 0 && !(fn & 1)) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) {
    return Status::BadInput("consistency proof: fewer hashes than sizes " +
                            std::to_string(old_size) + " -> " + std::to_string(new_size) + " need");
  }
  if (fr != old_root) {
    return Status::BadInput("consistency proof: does not reproduce the old root " +
                            Short(old_root) + "… of size " + std::to_string(old_size));
  }
  if (sr != new_root) {
    return Status::BadInput("consistency proof: does not reproduce the new root " +
                            Short(new_root) + "… of size " + std::to_string(new_size));
  }
  return Status::Ok();
}

}  // namespace hallmark::audit
