// Signed checkpoints of the transparency log in the C2SP signed-note format
// (https://c2sp.org/tlog-checkpoint, https://c2sp.org/signed-note), signed with Ed25519:
//
//   hallmark.local/ledger
//   1042
//   <base64 of the 32-byte root hash>
//
//   — hallmark.local/ledger <base64(4-byte key id ‖ 64-byte signature)>
//
// The signed bytes are the three body lines including the last newline. The key id is
// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4], as golang.org/x/mod/sumdb/note computes it, so Go's
// note verifiers and witnesses accept these checkpoints.
#ifndef HALLMARK_AUDIT_LEDGER_CHECKPOINT_H_
#define HALLMARK_AUDIT_LEDGER_CHECKPOINT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "audit/ledger/merkle_tree.h"
#include "base/base64.h"
#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::audit {

inline constexpr char kDefaultOrigin[] = "hallmark.local/ledger";

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};

std::string CheckpointBody(const Checkpoint& cp);
// Parses the body of a note (origin, size, root; extension lines are ignored).
Result<Checkpoint> ParseCheckpointBody(std::string_view body);

// Checks notes signed by one Ed25519 key. Signatures by other keys (witnesses) are skipped.
class CheckpointVerifier {
 public:
  CheckpointVerifier(std::string name, Bytes public_key);

  // Go's verifier-key string: "<name>+<8 hex key id>+<base64(0x01 ‖ public key)>".
  static Result<CheckpointVerifier> FromVerifierKey(std::string_view vkey);
  std::string VerifierKey() const;

  const std::string& name() const { return name_; }
  const Bytes& public_key() const { return public_key_; }
  uint32_t key_id() const { return key_id_; }

  // Parses `note`, verifies this key's signature over its body and returns the checkpoint.
  // BadInput when the note is malformed, carries no signature by this key, or the signature or
  // the origin line does not match.
  Result<Checkpoint> Verify(std::string_view note) const;

  // The signed-note layer alone: verifies this key's signature on any note and returns its
  // text (everything before the blank line, with its final newline).
  Result<std::string> VerifyNote(std::string_view note) const;

 private:
  std::string name_;
  Bytes public_key_;
  uint32_t key_id_;
};

// The log's Ed25519 private key. Move-only; the OpenSSL handle is freed on destruction.
class CheckpointSigner {
 public:
  // Loads the PKCS#8 PEM key at `path`, or creates it (mode 0600) when missing. Concurrent
  // first uses agree on one key: the file is published with link(2), which never overwrites.
  // The key is stored unencrypted, so its mode is its protection: a key file that group or
  // others can read, or that is not a regular file (a symbolic link), is kBadInput naming it.
  static Result<CheckpointSigner> LoadOrCreate(const std::string& path, std::string name);
  static Result<CheckpointSigner> Generate(std::string name);  // in memory, for tests
  // From a 32-byte Ed25519 seed (RFC 8032 private key), e.g. one imported from Go's note keys.
  static Result<CheckpointSigner> FromSeed(std::string name, ByteView seed);

  CheckpointSigner(CheckpointSigner&&) noexcept;
  CheckpointSigner& operator=(CheckpointSigner&&) noexcept;
  ~CheckpointSigner();

  const std::string& name() const { return name_; }
  const Bytes& public_key() const { return public_key_; }
  CheckpointVerifier Verifier() const { return CheckpointVerifier(name_, public_key_); }

  // The complete note text: body, blank line, signature line. cp.origin must equal name().
  Result<std::string> Sign(const Checkpoint& cp) const;
  // Signs any note text (non-empty, ending in a newline, no blank line inside).
  Result<std::string> SignNote(std::string_view text) const;

 private:
  struct Key;
  CheckpointSigner(std::string name, std::unique_ptr<Key> key, Bytes public_key);
  std::string name_;
  std::unique_ptr<Key> key_;
  Bytes public_key_;
};

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_LEDGER_CHECKPOINT_H_
