#include "audit/ledger/log_verifier.h"

#include <map>

#include "audit/ledger/merkle_proof.h"
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

// One verify-log run over a read snapshot, as five checks in order; each adds what it finds to
// the problems of the result. Entries come first because the later checks compare against the
// tree they rebuild.
class LogCheck {
 public:
  LogCheck(LedgerStore& store, const VerifyLogOptions& options)
      : store_(store), options_(options), problems_(out_, options.max_problems) {}

  Result<LogVerification> Run() {
    HM_RETURN_IF_ERROR(ChooseKey());
    HM_RETURN_IF_ERROR(CheckEntries());
    HM_RETURN_IF_ERROR(CheckTableRows());
    HM_RETURN_IF_ERROR(CheckStoredNodes());
    HM_RETURN_IF_ERROR(CheckCheckpoints());
    CheckSince();
    return std::move(out_);
  }

 private:
  Status ChooseKey();
  Status CheckEntries();
  Status CheckTableRows();
  Status CheckTableRow(EntryKind kind, const TableEntry& row, std::vector<bool>& seen);
  Status CheckStoredNodes();
  Status CheckCheckpoints();
  bool CheckCheckpoint(const StoredCheckpoint& cp);
  void CheckSince();

  LedgerStore& store_;
  const VerifyLogOptions& options_;
  LogVerification out_;
  Problems problems_;
  std::optional<CheckpointVerifier> key_;  // checkpoints are checked against this one
  MemoryMerkleTree tree_;                  // rebuilt from the entries
  std::vector<EntryKind> kinds_;           // of each entry in tree_
};

// The trusted key when one is given, else the one the ledger records.
Status LogCheck::ChooseKey() {
  HM_ASSIGN_OR_RETURN(std::optional<CheckpointVerifier> recorded_key, store_.LogVerifier());
  key_ = options_.trusted_key ? options_.trusted_key : recorded_key;
  if (options_.trusted_key && recorded_key &&
      recorded_key->public_key() != options_.trusted_key->public_key()) {
    problems_.Add("the ledger records log key " + recorded_key->VerifierKey() +
                  ", not the trusted key " + options_.trusted_key->VerifierKey());
  }
  return Status::Ok();
}

// 1. Entries: contiguous indices, leaf hash = H(0x00 ‖ body), tag matches kind.
Status LogCheck::CheckEntries() {
  // The stored size is one more than the highest index a row claims, which a hostile ledger sets
  // to 2^62: it only scales the progress report. Nothing is sized by it; kinds_ grows with the
  // rows actually read, and everything later is sized by the tree rebuilt from them.
  HM_ASSIGN_OR_RETURN(uint64_t stored_size, store_.TreeSize());
  bool gap = false;
  Status read = store_.ForEachEntry([&](const LogEntry& e) -> Status {
    if (e.index != tree_.size()) {
      problems_.Add("log entry " + std::to_string(tree_.size()) +
                    " is missing (the next stored entry is " + std::to_string(e.index) + ")");
      gap = true;  // entries past a gap cannot be placed in the tree; stop here
      return Status::BadInput("gap");
    }
    Hash leaf = HashLeaf(e.body);
    if (leaf != e.leaf_hash) {
      problems_.Add("log entry " + std::to_string(e.index) +
                    ": its bytes no longer match its stored leaf hash (the entry was altered)");
    }
    Result<EntryKind> tag = EntryKindOf(e.body);
    if (!tag.ok() || *tag != e.kind) {
      problems_.Add("log entry " + std::to_string(e.index) + ": its tag does not say '" +
                    EntryKindName(e.kind) + "'");
    }
    tree_.AppendLeafHash(leaf);
    kinds_.push_back(e.kind);
    ++out_.entries_checked;
    if (options_.progress && out_.entries_checked % 65536 == 0) {
      options_.progress(out_.entries_checked, stored_size);
    }
    return Status::Ok();
  });
  if (!read.ok() && !gap) return read;
  out_.tree_size = tree_.size();
  out_.root = tree_.Root();
  return Status::Ok();
}

// 2. Table rows rebuilt into entry bytes must hash to the leaf at their index, and every entry
// must have exactly one row.
Status LogCheck::CheckTableRows() {
  const uint64_t n = tree_.size();
  std::vector<bool> seen(n, false);
  for (EntryKind kind : kAllEntryKinds) {
    HM_RETURN_IF_ERROR(store_.ForEachTableEntry(
        kind, [&](const TableEntry& row) { return CheckTableRow(kind, row, seen); }));
  }
  for (uint64_t i = 0; i < n; ++i) {
    if (!seen[i]) {
      problems_.Add("log entry " + std::to_string(i) + " (" + EntryKindName(kinds_[i]) +
                    ") has no table row (the row was deleted)");
    }
  }
  return Status::Ok();
}

Status LogCheck::CheckTableRow(EntryKind kind, const TableEntry& row, std::vector<bool>& seen) {
  const uint64_t n = tree_.size();
  ++out_.rows_checked;
  if (!row.inconsistency.empty()) problems_.Add(row.row + ": " + row.inconsistency);
  if (row.log_index >= n) {
    problems_.Add(row.row + ": claims log entry " + std::to_string(row.log_index) +
                  ", beyond the end of the log (" + std::to_string(n) + " entries)");
    return Status::Ok();
  }
  if (seen[row.log_index]) {
    problems_.Add(row.row + ": shares log entry " + std::to_string(row.log_index) +
                  " with another row");
  }
  seen[row.log_index] = true;
  if (kinds_[row.log_index] != kind) {
    problems_.Add(row.row + ": log entry " + std::to_string(row.log_index) + " is a " +
                  EntryKindName(kinds_[row.log_index]) + " entry, not a " + EntryKindName(kind) +
                  " entry (rows were moved)");
    return Status::Ok();
  }
  if (HashLeaf(row.body) != *tree_.PerfectNode(0, row.log_index)) {
    problems_.Add(row.row + ": the row no longer matches log entry " +
                  std::to_string(row.log_index) + " (the row was altered or swapped)");
  }
  return Status::Ok();
}

// 3. Stored subtree hashes, used to build proofs, must match the recomputed tree.
Status LogCheck::CheckStoredNodes() {
  return store_.ForEachStoredNode([&](int level, uint64_t index, const Hash& h) {
    ++out_.nodes_checked;
    Result<Hash> want = tree_.PerfectNode(level, index);
    if (!want.ok()) {
      problems_.Add("Merkle node (level " + std::to_string(level) + ", index " +
                    std::to_string(index) + ") lies outside the log");
    } else if (*want != h) {
      problems_.Add("Merkle node (level " + std::to_string(level) + ", index " +
                    std::to_string(index) + ") does not match the entries below it");
    }
    return Status::Ok();
  });
}

// 4. Every checkpoint: signed by the log key, and its root is the root of the log at its size.
// The latest one must cover the whole log.
Status LogCheck::CheckCheckpoints() {
  const uint64_t n = tree_.size();
  std::optional<StoredCheckpoint> latest;
  HM_RETURN_IF_ERROR(store_.ForEachCheckpoint([&](const StoredCheckpoint& cp) -> Status {
    ++out_.checkpoints_checked;
    if (CheckCheckpoint(cp)) latest = cp;
    return Status::Ok();
  }));
  if (latest) {
    out_.latest_checkpoint = latest->note;
    if (latest->size < n) {
      problems_.Add("log entries " + std::to_string(latest->size) + " to " + std::to_string(n - 1) +
                    " are covered by no signed checkpoint");
    }
  } else if (n > 0) {
    problems_.Add("the log has " + std::to_string(n) + " entries but no signed checkpoint");
  }
  return Status::Ok();
}

// True when the note's signature verified: only such a checkpoint can be the latest signed one.
bool LogCheck::CheckCheckpoint(const StoredCheckpoint& cp) {
  const uint64_t n = tree_.size();
  std::string name = "checkpoint at size " + std::to_string(cp.size);
  if (!key_) {
    problems_.Add(name + ": the ledger records no log key to check it with");
    return false;
  }
  Result<Checkpoint> signed_cp = key_->Verify(cp.note);
  if (!signed_cp.ok()) {
    problems_.Add(name + ": " + signed_cp.status().message());
    return false;
  }
  if (signed_cp->size != cp.size || signed_cp->root != cp.root) {
    problems_.Add(name + ": its signed note says size " + std::to_string(signed_cp->size) +
                  ", root " + Short(signed_cp->root) + "… (the row was altered)");
  }
  if (cp.size > n) {
    problems_.Add(name + ": the log has only " + std::to_string(n) +
                  " entries (entries were removed)");
  } else if (*RootHash(tree_, cp.size) != signed_cp->root) {
    problems_.Add(name + ": the log's root at that size is " + Short(*RootHash(tree_, cp.size)) +
                  "…, the signed root is " + Short(signed_cp->root) + "… (history was rewritten)");
  }
  return true;
}

// 5. --since: the log must extend the given checkpoint. Size 0 proves nothing, so it never
// counts as proven.
void LogCheck::CheckSince() {
  if (!options_.since_checkpoint) return;
  const uint64_t n = tree_.size();
  out_.since_given = true;
  if (!key_) {
    problems_.Add("--since: the ledger has no log key to check the checkpoint with");
    return;
  }
  Result<Checkpoint> since = key_->Verify(*options_.since_checkpoint);
  if (!since.ok()) {
    problems_.Add("--since: " + since.status().message());
    return;
  }
  out_.since_size = since->size;
  if (since->size == 0) {
    problems_.Add("--since: the checkpoint is of an empty log; nothing can be proven from it");
  } else if (since->size > n) {
    problems_.Add("--since: the checkpoint covers " + std::to_string(since->size) +
                  " entries but the log has only " + std::to_string(n) +
                  " (the log was truncated or rolled back)");
  } else {
    Result<std::vector<Hash>> proof = ConsistencyProof(store_.Nodes(), since->size, n);
    Status st = proof.ok() ? VerifyConsistency(since->size, n, *proof, since->root, out_.root)
                           : proof.status();
    if (st.ok()) {
      out_.since_proven = true;
    } else {
      problems_.Add("--since: the log is not an extension of the checkpoint at size " +
                    std::to_string(since->size) + ": " + st.message());
    }
  }
}

}  // namespace

Result<LogVerification> VerifyLog(LedgerStore& store, const VerifyLogOptions& options) {
  std::optional<LogVerification> out;
  HM_RETURN_IF_ERROR(store.WithSnapshot([&]() -> Status {
    HM_ASSIGN_OR_RETURN(LogVerification v, LogCheck(store, options).Run());
    out = std::move(v);
    return Status::Ok();
  }));
  // A missing or disabled trigger is reported even when no row has been edited through it yet.
  Status guards = store.CheckAppendOnlyGuards();
  if (guards.code() == StatusCode::kBadInput) {
    out->problems.insert(out->problems.begin(), guards.message());
  } else if (!guards.ok()) {
    return guards;
  }
  return std::move(*out);
}

}  // namespace hallmark::audit
