#include "audit/log_verifier.h"

#include <map>

#include "audit/merkle_proof.h"
#include "base/hex.h"

namespace hallmark::audit {
namespace {

class Problems {
 public:
  Problems(LogVerification& out, size_t max) : out_(out), max_(max) {}
  void Add(std::string line) {
    if (out_.problems.size() < max_) {
      out_.problems.push_back(std::move(line));
    } else {
      out_.truncated_problems = true;
    }
  }

 private:
  LogVerification& out_;
  size_t max_;
};

std::string Short(const Hash& h) { return HexEncode(ByteView(h.data(), 8)); }

}  // namespace

namespace {

Result<LogVerification> VerifyLogInSnapshot(LedgerStore& store, const VerifyLogOptions& options) {
  LogVerification out;
  Problems problems(out, options.max_problems);

  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> recorded_key, store.LogVerifier());
  std::optional<CheckpointVerifier> key = options.trusted_key ? options.trusted_key : recorded_key;
  if (options.trusted_key && recorded_key &&
      recorded_key->public_key() != options.trusted_key->public_key()) {
    problems.Add("the ledger records log key " + recorded_key->VerifierKey() +
                 ", not the trusted key " + options.trusted_key->VerifierKey());
  }

  // 1. Entries: contiguous indices, leaf hash = H(0x00 ‖ body), tag matches kind.
  HM_ASSIGN_OR_RETURN(uint64_t stored_size, store.TreeSize());
  MemoryMerkleTree tree;
  std::vector<EntryKind> kinds;
  kinds.reserve(stored_size);
  bool gap = false;
  Status read = store.ForEachEntry([&](const LogEntry& e) -> Status {
    if (e.index != tree.size()) {
      problems.Add("log entry " + std::to_string(tree.size()) +
                   " is missing (the next stored entry is " + std::to_string(e.index) + ")");
      gap = true;  // entries past a gap cannot be placed in the tree; stop here
      return Status::BadInput("gap");
    }
    Hash leaf = HashLeaf(e.body);
    if (leaf != e.leaf_hash) {
      problems.Add("log entry " + std::to_string(e.index) +
                   ": its bytes no longer match its stored leaf hash (the entry was altered)");
    }
    Result<EntryKind> tag = EntryKindOf(e.body);
    if (!tag.ok() || *tag != e.kind) {
      problems.Add("log entry " + std::to_string(e.index) + ": its tag does not say '" +
                   EntryKindName(e.kind) + "'");
    }
    tree.AppendLeafHash(leaf);
    kinds.push_back(e.kind);
    ++out.entries_checked;
    if (options.progress && out.entries_checked % 65536 == 0) {
      options.progress(out.entries_checked, stored_size);
    }
    return Status::Ok();
  });
  if (!read.ok() && !gap) return read;
  const uint64_t n = tree.size();
  out.tree_size = n;
  out.root = tree.Root();

  // 2. Table rows rebuilt into entry bytes must hash to the leaf at their index, and every entry
  // must have exactly one row.
  std::vector<bool> seen(n, false);
  for (EntryKind kind : kAllEntryKinds) {
    HM_RETURN_IF_ERROR(store.ForEachTableEntry(kind, [&](const TableEntry& row) -> Status {
      ++out.rows_checked;
      if (!row.inconsistency.empty()) problems.Add(row.row + ": " + row.inconsistency);
      if (row.log_index >= n) {
        problems.Add(row.row + ": claims log entry " + std::to_string(row.log_index) +
                     ", beyond the end of the log (" + std::to_string(n) + " entries)");
        return Status::Ok();
      }
      if (seen[row.log_index]) {
        problems.Add(row.row + ": shares log entry " + std::to_string(row.log_index) +
                     " with another row");
      }
      seen[row.log_index] = true;
      if (kinds[row.log_index] != kind) {
        problems.Add(row.row + ": log entry " + std::to_string(row.log_index) + " is a " +
                     EntryKindName(kinds[row.log_index]) + " entry, not a " + EntryKindName(kind) +
                     " entry (rows were moved)");
        return Status::Ok();
      }
      if (HashLeaf(row.body) != *tree.PerfectNode(0, row.log_index)) {
        problems.Add(row.row + ": the row no longer matches log entry " +
                     std::to_string(row.log_index) + " (the row was altered or swapped)");
      }
      return Status::Ok();
    }));
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      problems.Add("log entry " + std::to_string(i) + " (" + EntryKindName(kinds[i]) +
                   ") has no table row (the row was deleted)");
    }
  }

  // 3. Stored subtree hashes, used to build proofs, must match the recomputed tree.
  HM_RETURN_IF_ERROR(store.ForEachStoredNode([&](int level, uint64_t index, const Hash& h) {
    ++out.nodes_checked;
    Result<Hash> want = tree.PerfectNode(level, index);
    if (!want.ok()) {
      problems.Add("Merkle node (level " + std::to_string(level) + ", index " +
                   std::to_string(index) + ") lies outside the log");
    } else if (*want != h) {
      problems.Add("Merkle node (level " + std::to_string(level) + ", index " +
                   std::to_string(index) + ") does not match the entries below it");
    }
    return Status::Ok();
  }));

  // 4. Every checkpoint: signed by the log key, and its root is the root of the log at its size.
  std::optional<StoredCheckpoint> latest;
  HM_RETURN_IF_ERROR(store.ForEachCheckpoint([&](const StoredCheckpoint& cp) -> Status {
    ++out.checkpoints_checked;
    std::string name = "checkpoint at size " + std::to_string(cp.size);
    if (!key) {
      problems.Add(name + ": the ledger records no log key to check it with");
      return Status::Ok();
    }
    Result<Checkpoint> signed_cp = key->Verify(cp.note);
    if (!signed_cp.ok()) {
      problems.Add(name + ": " + signed_cp.status().message());
      return Status::Ok();
    }
    if (signed_cp->size != cp.size || signed_cp->root != cp.root) {
      problems.Add(name + ": its signed note says size " + std::to_string(signed_cp->size) +
                   ", root " + Short(signed_cp->root) + "… (the row was altered)");
    }
    if (cp.size > n) {
      problems.Add(name + ": the log has only " + std::to_string(n) +
                   " entries (entries were removed)");
    } else if (*RootHash(tree, cp.size) != signed_cp->root) {
      problems.Add(name + ": the log's root at that size is " + Short(*RootHash(tree, cp.size)) +
                   "…, the signed root is " + Short(signed_cp->root) + "… (history was rewritten)");
    }
    latest = cp;
    return Status::Ok();
  }));
  if (latest) {
    out.latest_checkpoint = latest->note;
    if (latest->size < n) {
      problems.Add("log entries " + std::to_string(latest->size) + " to " + std::to_string(n - 1) +
                   " are covered by no signed checkpoint");
    }
  } else if (n > 0) {
    problems.Add("the log has " + std::to_string(n) + " entries but no signed checkpoint");
  }

  // 5. --since: the log must extend the given checkpoint. Size 0 proves nothing, so it never
  // counts as proven.
  if (options.since_checkpoint) {
    out.since_given = true;
    if (!key) {
      problems.Add("--since: the ledger has no log key to check the checkpoint with");
      return out;
    }
    Result<Checkpoint> since = key->Verify(*options.since_checkpoint);
    if (!since.ok()) {
      problems.Add("--since: " + since.status().message());
      return out;
    }
    out.since_size = since->size;
    if (since->size == 0) {
      problems.Add("--since: the checkpoint is of an empty log; nothing can be proven from it");
    } else if (since->size > n) {
      problems.Add("--since: the checkpoint covers " + std::to_string(since->size) +
                   " entries but the log has only " + std::to_string(n) +
                   " (the log was truncated or rolled back)");
    } else {
      Result<std::vector<Hash>> proof = ConsistencyProof(store.Nodes(), since->size, n);
      Status st = proof.ok() ? VerifyConsistency(since->size, n, *proof, since->root, out.root)
                             : proof.status();
      if (st.ok()) {
        out.since_proven = true;
      } else {
        problems.Add("--since: the log is not an extension of the checkpoint at size " +
                     std::to_string(since->size) + ": " + st.message());
      }
    }
  }
  return out;
}

}  // namespace

Result<LogVerification> VerifyLog(LedgerStore& store, const VerifyLogOptions& options) {
  std::optional<LogVerification> out;
  HM_RETURN_IF_ERROR(store.WithSnapshot([&]() -> Status {
    HM_ASSIGN_OR_RETURN(LogVerification v, VerifyLogInSnapshot(store, options));
    out = std::move(v);
    return Status::Ok();
  }));
  return std::move(*out);
}

}  // namespace hallmark::audit
