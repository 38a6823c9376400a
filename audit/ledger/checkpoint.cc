#include "audit/ledger/checkpoint.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "base/file.h"
#include "base/hex.h"
#include "base/sha256.h"

namespace hallmark::audit {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // em dash U+2014, space
constexpr size_t kMaxSignatures = 100;
constexpr uint8_t kEd25519Type = 0x01;

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using UniquePkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using UniqueMdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using UniqueBio = std::unique_ptr<BIO, BioFree>;

uint32_t ComputeKeyId(const std::string& name, const Bytes& public_key) {
  Bytes data(name.begin(), name.end());
  data.push_back('\n');
  data.push_back(kEd25519Type);
  data.insert(data.end(), public_key.begin(), public_key.end());
  Sha256Digest d = Sha256(data);
  return (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
}

// Key names are the origin: no whitespace, no '+' (the verifier-key separator).
bool ValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == '+') return false;
  }
  return true;
}

Result<Bytes> RawPublicKey(EVP_PKEY* key) {
  Bytes pub(32);
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key, pub.data(), &len) != 1 || len != 32) {
    return Status::Internal("cannot read the Ed25519 public key");
  }
  return pub;
}

// The log key signs every checkpoint; one that others can read lets them forge the log's
// history, so it is refused like the watermark key. Checked on the file itself, not through a
// symbolic link someone planted in its place.
Status CheckPrivateKeyFile(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return Status::IoError(path + ": cannot read the log key: " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::BadInput(path + ": the log key is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    return Status::BadInput(path + ": the log key is readable by other users; chmod 600 it");
  }
  return Status::Ok();
}

// Publishes `pem` at `path` with mode 0600, never over an existing file: the key is written
// complete under a temporary name (WriteFileAtomic: exclusive, 0600 from creation), then linked
// to `path`; link(2) fails with EEXIST when another process published its key first. Returns
// false in that case.
Result<bool> PublishNewKey(const std::string& path, ByteView pem) {
  std::string tmp = path + ".new." + std::to_string(::getpid());
  HM_RETURN_IF_ERROR(WriteFileAtomic(tmp, pem, 0600));
  int rc = ::link(tmp.c_str(), path.c_str());
  int err = errno;
  Status removed = RemoveFile(tmp);
  if (rc != 0 && err != EEXIST) {
    return Status::IoError(path + ": cannot create the log key: " + std::strerror(err));
  }
  HM_RETURN_IF_ERROR(removed);
  if (rc != 0) return false;
  const size_t slash = path.find_last_of('/');
  HM_RETURN_IF_ERROR(SyncDir(slash == std::string::npos ? "." : path.substr(0, slash + 1)));
  return true;
}

}  // namespace

std::string CheckpointBody(const Checkpoint& cp) {
  return cp.origin + "\n" + std::to_string(cp.size) + "\n" +
         Base64Encode(ByteView(cp.root.data(), cp.root.size())) + "\n";
}

Result<Checkpoint> ParseCheckpointBody(std::string_view body) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < body.size()) {
    size_t nl = body.find('\n', start);
    if (nl == std::string_view::npos) {
      return Status::BadInput("checkpoint: the last line has no newline");
    }
    lines.push_back(body.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines.size() < 3) return Status::BadInput("checkpoint: fewer than three lines");
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  if (!ValidKeyName(cp.origin)) return Status::BadInput("checkpoint: malformed origin line");
  std::string_view size = lines[1];
  if (size.empty() || size.size() > 19 || (size.size() > 1 && size[0] == '0')) {
    return Status::BadInput("checkpoint: malformed tree size '" + std::string(size) + "'");
  }
  for (char c : size) {
    if (c < '0' || c > '9') {
      return Status::BadInput("checkpoint: malformed tree size '" + std::string(size) + "'");
    }
    cp.size = cp.size * 10 + static_cast<uint64_t>(c - '0');
  }
  HM_ASSIGN_OR_RETURN(Bytes root, Base64Decode(lines[2], "checkpoint root hash"));
  if (root.size() != cp.root.size()) {
    return Status::BadInput("checkpoint: the root hash is not 32 bytes");
  }
  std::copy(root.begin(), root.end(), cp.root.begin());
  return cp;
}

CheckpointVerifier::CheckpointVerifier(std::string name, Bytes public_key)
    : name_(std::move(name)),
      public_key_(std::move(public_key)),
      key_id_(ComputeKeyId(name_, public_key_)) {}

Result<CheckpointVerifier> CheckpointVerifier::FromVerifierKey(std::string_view vkey) {
  size_t p1 = vkey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return Status::BadInput("verifier key: expected <name>+<key id>+<key>");
  }
  std::string name(vkey.substr(0, p1));
  HM_ASSIGN_OR_RETURN(Bytes id, HexDecode(vkey.substr(p1 + 1, p2 - p1 - 1), "verifier key id"));
  HM_ASSIGN_OR_RETURN(Bytes key, Base64Decode(vkey.substr(p2 + 1), "verifier key"));
  if (!ValidKeyName(name) || id.size() != 4 || key.size() != 33 || key[0] != kEd25519Type) {
    return Status::BadInput("verifier key: not an Ed25519 note key");
  }
  CheckpointVerifier v(name, Bytes(key.begin() + 1, key.end()));
  uint32_t want =
      (uint32_t{id[0]} << 24) | (uint32_t{id[1]} << 16) | (uint32_t{id[2]} << 8) | id[3];
  if (v.key_id() != want) return Status::BadInput("verifier key: key id does not match the key");
  return v;
}

std::string CheckpointVerifier::VerifierKey() const {
  char id[9];
  std::snprintf(id, sizeof id, "%08x", key_id_);
  Bytes key{kEd25519Type};
  key.insert(key.end(), public_key_.begin(), public_key_.end());
  return name_ + "+" + id + "+" + Base64Encode(key);
}

Result<Checkpoint> CheckpointVerifier::Verify(std::string_view note) const {
  HM_ASSIGN_OR_RETURN(std::string body, VerifyNote(note));
  HM_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpointBody(body));
  if (cp.origin != name_) {
    return Status::BadInput("checkpoint: origin '" + cp.origin + "' is not the log '" + name_ +
                            "'");
  }
  return cp;
}

Result<std::string> CheckpointVerifier::VerifyNote(std::string_view note) const {
  size_t split = note.find("\n\n");
  if (split == std::string_view::npos) {
    return Status::BadInput("checkpoint: no blank line between the body and the signatures");
  }
  std::string_view body = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty() || sigs.back() != '\n') {
    return Status::BadInput("checkpoint: the signature block does not end with a newline");
  }
  size_t count = 0;
  bool found = false;
  size_t start = 0;
  while (start < sigs.size()) {
    size_t nl = sigs.find('\n', start);
    std::string_view line = sigs.substr(start, nl - start);
    start = nl + 1;
    if (++count > kMaxSignatures) return Status::BadInput("checkpoint: too many signatures");
    if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
      return Status::BadInput("checkpoint: malformed signature line");
    }
    line.remove_prefix(kSignaturePrefix.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos)
      return Status::BadInput("checkpoint: malformed signature line");
    std::string_view name = line.substr(0, sp);
    HM_ASSIGN_OR_RETURN(Bytes blob, Base64Decode(line.substr(sp + 1), "checkpoint signature"));
    if (blob.size() < 4) return Status::BadInput("checkpoint: signature too short");
    uint32_t id =
        (uint32_t{blob[0]} << 24) | (uint32_t{blob[1]} << 16) | (uint32_t{blob[2]} << 8) | blob[3];
    if (name != name_ || id != key_id_) continue;  // another signer, e.g. a witness
    if (blob.size() != 4 + 64)
      return Status::BadInput("checkpoint: Ed25519 signature is not 64 bytes");
    UniquePkey pkey(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, public_key_.data(),
                                                public_key_.size()));
    UniqueMdCtx ctx(EVP_MD_CTX_new());
    if (!pkey || !ctx ||
        EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, pkey.get()) != 1) {
      return Status::Internal("cannot set up Ed25519 verification");
    }
    int ok = EVP_DigestVerify(ctx.get(), blob.data() + 4, 64,
                              reinterpret_cast<const unsigned char*>(body.data()), body.size());
    if (ok != 1) {
      return Status::BadInput("checkpoint: the signature by " + name_ +
                              " does not verify (the checkpoint was altered or forged)");
    }
    found = true;
  }
  if (!found) {
    return Status::BadInput("checkpoint: no signature by the log key " + VerifierKey());
  }
  return std::string(body);
}

struct CheckpointSigner::Key {
  UniquePkey pkey;
};

CheckpointSigner::CheckpointSigner(std::string name, std::unique_ptr<Key> key, Bytes public_key)
    : name_(std::move(name)), key_(std::move(key)), public_key_(std::move(public_key)) {}
CheckpointSigner::CheckpointSigner(CheckpointSigner&&) noexcept = default;
CheckpointSigner& CheckpointSigner::operator=(CheckpointSigner&&) noexcept = default;
CheckpointSigner::~CheckpointSigner() = default;

Result<CheckpointSigner> CheckpointSigner::Generate(std::string name) {
  if (!ValidKeyName(name)) {
    return Status::InvalidArgument("log origin '" + name +
                                   "' must be non-empty, without spaces or '+'");
  }
  EVP_PKEY* raw = nullptr;
  EVP_PKEY_CTX* pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = pctx && EVP_PKEY_keygen_init(pctx) == 1 && EVP_PKEY_keygen(pctx, &raw) == 1;
  EVP_PKEY_CTX_free(pctx);
  if (!ok) return Status::Internal("cannot generate an Ed25519 key");
  auto key = std::make_unique<Key>();
  key->pkey.reset(raw);
  HM_ASSIGN_OR_RETURN(Bytes pub, RawPublicKey(raw));
  return CheckpointSigner(std::move(name), std::move(key), std::move(pub));
}

Result<CheckpointSigner> CheckpointSigner::FromSeed(std::string name, ByteView seed) {
  if (!ValidKeyName(name)) {
    return Status::InvalidArgument("log origin '" + name +
                                   "' must be non-empty, without spaces or '+'");
  }
  if (seed.size() != 32) return Status::InvalidArgument("an Ed25519 seed is 32 bytes");
  UniquePkey pkey(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!pkey) return Status::Internal("cannot load the Ed25519 seed");
  HM_ASSIGN_OR_RETURN(Bytes pub, RawPublicKey(pkey.get()));
  auto key = std::make_unique<Key>();
  key->pkey = std::move(pkey);
  return CheckpointSigner(std::move(name), std::move(key), std::move(pub));
}

Result<CheckpointSigner> CheckpointSigner::LoadOrCreate(const std::string& path, std::string name) {
  if (::access(path.c_str(), F_OK) != 0) {
    HM_ASSIGN_OR_RETURN(CheckpointSigner fresh, Generate(name));
    UniqueBio bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), fresh.key_->pkey.get(), nullptr, nullptr, 0,
                                         nullptr, nullptr) != 1) {
      return Status::Internal("cannot encode the log key");
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    HM_ASSIGN_OR_RETURN(
        bool published,
        PublishNewKey(path, ByteView(reinterpret_cast<uint8_t*>(data), size_t(len))));
    // When another process published its key first, everyone uses that one.
    if (published) return fresh;
  }
  HM_RETURN_IF_ERROR(CheckPrivateKeyFile(path));
  HM_ASSIGN_OR_RETURN(Bytes pem, ReadFile(path, 1 << 16));
  UniqueBio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  UniquePkey pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey || EVP_PKEY_get_id(pkey.get()) != EVP_PKEY_ED25519) {
    return Status::BadInput(path + ": not an Ed25519 private key in PEM form");
  }
  if (!ValidKeyName(name)) {
    return Status::InvalidArgument("log origin '" + name +
                                   "' must be non-empty, without spaces or '+'");
  }
  HM_ASSIGN_OR_RETURN(Bytes pub, RawPublicKey(pkey.get()));
  auto key = std::make_unique<Key>();
  key->pkey = std::move(pkey);
  return CheckpointSigner(std::move(name), std::move(key), std::move(pub));
}

Result<std::string> CheckpointSigner::Sign(const Checkpoint& cp) const {
  if (cp.origin != name_) {
    return Status::Internal("checkpoint origin '" + cp.origin + "' is not the signer '" + name_ +
                            "'");
  }
  return SignNote(CheckpointBody(cp));
}

Result<std::string> CheckpointSigner::SignNote(std::string_view text) const {
  if (text.empty() || text.back() != '\n' || text.find("\n\n") != std::string_view::npos) {
    return Status::InvalidArgument("note text must end with a newline and contain no blank line");
  }
  std::string body(text);
  UniqueMdCtx ctx(EVP_MD_CTX_new());
  Bytes blob(4 + 64);
  size_t sig_len = 64;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), blob.data() + 4, &sig_len,
                     reinterpret_cast<const unsigned char*>(body.data()), body.size()) != 1 ||
      sig_len != 64) {
    return Status::Internal("Ed25519 signing failed");
  }
  uint32_t id = ComputeKeyId(name_, public_key_);
  blob[0] = uint8_t(id >> 24);
  blob[1] = uint8_t(id >> 16);
  blob[2] = uint8_t(id >> 8);
  blob[3] = uint8_t(id);
  return body + "\n" + std::string(kSignaturePrefix) + name_ + " " + Base64Encode(blob) + "\n";
}

}  // namespace hallmark::audit
