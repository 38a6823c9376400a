// Verifiers for RFC 9162 inclusion (§2.1.3.2) and consistency (§2.1.4.2) proofs. They need only
// hashes, never the log, so an auditor can check a receipt or a checkpoint offline.
//
// Every failure is Status::BadInput with a message saying what did not hold. Sizes and indices
// outside the tree, a consistency proof from size 0 and proofs with missing or extra hashes are
// rejected, never treated as vacuously true.
#ifndef HALLMARK_AUDIT_LEDGER_MERKLE_PROOF_H_
#define HALLMARK_AUDIT_LEDGER_MERKLE_PROOF_H_

#include <cstdint>
#include <vector>

#include "audit/ledger/merkle_tree.h"
#include "base/status.h"

namespace hallmark::audit {

// Checks that the leaf with `leaf_hash` sits at `index` of the tree of `size` leaves with `root`.
Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);

// Checks that the tree (old_size, old_root) is a prefix of (new_size, new_root). old_size must be
// at least 1: every tree extends the empty one, so a proof from 0 proves nothing.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const std::vector<Hash>& proof,
                         const Hash& old_root, const Hash& new_root);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_MERKLE_PROOF_H_
