#include "generator/checkpoint_file.h"

#include <cstring>
#include <numeric>

#include "base/file.h"
#include "base/json_fields.h"
#include "base/sha256.h"

namespace hallmark::generator {
namespace {

constexpr char kMagic[8] = {'H', 'M', 'M', 'O', 'D', 'E', 'L', '1'};
constexpr uint64_t kMaxHeaderBytes = 16u << 20;
constexpr uint64_t kMaxCheckpointBytes = uint64_t{4} << 30;

void PutU64(Bytes& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

uint64_t GetU64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

// float32 <-> little-endian bytes; this is a no-op copy on every platform LibTorch supports but
// spelled out so the format does not depend on the host.
void PutFloats(Bytes& out, const std::vector<float>& values) {
  size_t at = out.size();
  out.resize(at + values.size() * 4);
  for (float f : values) {
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 0; i < 4; ++i) out[at++] = static_cast<uint8_t>(u >> (8 * i));
  }
}

Result<int64_t> Elements(const std::vector<int64_t>& shape, const std::string& name) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > (int64_t{1} << 32) || (d > 0 && n > (int64_t{1} << 40) / d)) {
      return Status::BadInput(name + ": tensor shape out of range");
    }
    n *= d;
  }
  return n;
}

// Entry `index` of the tensor table and its values, which start at `*offset` in `payload`;
// advances `*offset` past them.
Result<TensorRecord> ReadTensor(const JsonFields& fields, size_t index, ByteView payload,
                                size_t* offset, const std::string& name) {
  const std::string entry = "/tensors/" + std::to_string(index);
  TensorRecord t;
  HM_ASSIGN_OR_RETURN(t.name, fields.String(entry + "/name"));
  HM_ASSIGN_OR_RETURN(t.shape, fields.Integers(entry + "/shape"));
  HM_ASSIGN_OR_RETURN(int64_t n, Elements(t.shape, name));
  if (uint64_t(n) * 4 > payload.size() - *offset) {
    return Status::BadInput(name + ": corrupt model file (tensor " + t.name +
                            " runs past the end)");
  }
  t.values.resize(size_t(n));
  const uint8_t* p = payload.data() + *offset;
  for (int64_t i = 0; i < n; ++i, p += 4) {
    uint32_t u = uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
    std::memcpy(&t.values[size_t(i)], &u, 4);
  }
  *offset += size_t(n) * 4;
  return t;
}

// The header fields Hallmark reads back (the model spec, the training state, the data it was
// trained on, a quality classifier's cache key) must have the types it wrote, so that readers
// anywhere can use them without meeting a wrong type. Each is optional here; the reader that
// needs a field says when it is missing. A "data" object written as null (a training run given no
// dataset information, before writers left it out) reads as absent.
Status CheckHeaderFieldTypes(nlohmann::json& header, const std::string& name) {
  if (header.is_object() && header.contains("data") && header["data"].is_null()) {
    header.erase("data");
  }
  JsonFields f(header, name);
  for (const char* pointer :
       {"/format", "/model/arch", "/data/digest", "/data/source", "/data/dataset/id",
        "/data/dataset/name", "/data_digest", "/payload_sha256"}) {
    HM_RETURN_IF_ERROR(f.String(pointer, "").status());
  }
  for (const char* pointer : {"/format_version", "/model/image_size", "/model/channels",
                              "/model/latent_dim", "/model/width", "/training/steps", "/epochs"}) {
    HM_RETURN_IF_ERROR(f.Integer(pointer, 0).status());
  }
  HM_RETURN_IF_ERROR(f.Number("/training/seconds", 0).status());
  HM_RETURN_IF_ERROR(f.Unsigned("/seed", 0).status());
  if (f.Has("/model/classes")) HM_RETURN_IF_ERROR(f.Strings("/model/classes").status());
  return f.ArrayOrEmpty("/tensors").status();
}

Result<nlohmann::json> ParseHeader(ByteView bytes, const std::string& name, uint64_t* payload_at) {
  if (bytes.size() < 16 || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    return Status::BadInput(name + ": not a Hallmark model file (bad magic)");
  }
  uint64_t header_len = GetU64(bytes.data() + 8);
  if (header_len > kMaxHeaderBytes || header_len > bytes.size() - 16) {
    return Status::BadInput(name + ": truncated or corrupt model file (header length)");
  }
  nlohmann::json header =
      nlohmann::json::parse(bytes.Slice(16, header_len).AsStringView(), nullptr, false);
  if (header.is_discarded() || !header.is_object()) {
    return Status::BadInput(name + ": corrupt model file (header is not JSON)");
  }
  *payload_at = 16 + header_len;
  return header;
}

}  // namespace

const TensorRecord* Checkpoint::Find(const std::string& name) const {
  for (const TensorRecord& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Bytes EncodeCheckpoint(const Checkpoint& checkpoint) {
  Bytes payload;
  nlohmann::json table = nlohmann::json::array();
  for (const TensorRecord& t : checkpoint.tensors) {
    table.push_back({{"name", t.name}, {"shape", t.shape}});
    PutFloats(payload, t.values);
  }
  nlohmann::json header = checkpoint.header;
  header["tensors"] = std::move(table);
  header["payload_sha256"] = Sha256Hex(payload);
  std::string text = header.dump();

  Bytes out(kMagic, kMagic + 8);
  PutU64(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
  out.insert(out.end(), payload.begin(), payload.end());
  Sha256Digest check = Sha256(out);
  out.insert(out.end(), check.begin(), check.end());
  return out;
}

Result<Checkpoint> DecodeCheckpoint(ByteView file, const std::string& name) {
  if (file.size() < 16 + 32) {
    if (file.size() >= 8 && std::memcmp(file.data(), kMagic, 8) == 0) {
      return Status::BadInput(name + ": truncated model file");
    }
    return Status::BadInput(name + ": not a Hallmark model file (bad magic)");
  }
  ByteView bytes = file.Slice(0, file.size() - 32);
  uint64_t at = 0;
  HM_ASSIGN_OR_RETURN(nlohmann::json header, ParseHeader(bytes, name, &at));
  Sha256Digest check = Sha256(bytes);
  if (std::memcmp(check.data(), file.data() + bytes.size(), 32) != 0) {
    return Status::BadInput(name + ": corrupt or truncated model file (checksum mismatch)");
  }
  HM_RETURN_IF_ERROR(CheckHeaderFieldTypes(header, name));
  ByteView payload = bytes.Slice(at);
  JsonFields fields(header, name);
  HM_ASSIGN_OR_RETURN(std::string digest, fields.String("/payload_sha256", ""));
  if (digest != Sha256Hex(payload)) {
    return Status::BadInput(name + ": corrupt model file (weights do not match their digest)");
  }
  if (!fields.Has("/tensors")) {
    return Status::BadInput(name + ": corrupt model file (no tensor table)");
  }
  HM_ASSIGN_OR_RETURN(const nlohmann::json* table, fields.Array("/tensors"));
  Checkpoint ckpt;
  size_t offset = 0;
  for (size_t index = 0; index < table->size(); ++index) {
    HM_ASSIGN_OR_RETURN(TensorRecord t, ReadTensor(fields, index, payload, &offset, name));
    ckpt.tensors.push_back(std::move(t));
  }
  if (offset != payload.size()) {
    return Status::BadInput(name + ": corrupt model file (trailing bytes after the weights)");
  }
  header.erase("tensors");
  header.erase("payload_sha256");
  ckpt.header = std::move(header);
  return ckpt;
}

Result<nlohmann::json> ReadCheckpointHeader(const std::string& path) {
  HM_ASSIGN_OR_RETURN(UniqueFile f, OpenFile(path, "rb"));
  uint8_t head[16];
  if (std::fread(head, 1, 16, f.get()) != 16 || std::memcmp(head, kMagic, 8) != 0) {
    return Status::BadInput(path + ": not a Hallmark model file (bad magic)");
  }
  uint64_t header_len = GetU64(head + 8);
  if (header_len > kMaxHeaderBytes) {
    return Status::BadInput(path + ": corrupt model file (header length)");
  }
  Bytes buf(head, head + 16);
  buf.resize(16 + header_len);
  if (std::fread(buf.data() + 16, 1, header_len, f.get()) != header_len) {
    return Status::BadInput(path + ": truncated model file");
  }
  uint64_t at = 0;
  HM_ASSIGN_OR_RETURN(nlohmann::json header, ParseHeader(buf, path, &at));
  HM_RETURN_IF_ERROR(CheckHeaderFieldTypes(header, path));
  return header;
}

Result<Checkpoint> ReadCheckpoint(const std::string& path) {
  HM_ASSIGN_OR_RETURN(Bytes bytes, ReadFile(path, kMaxCheckpointBytes));
  return DecodeCheckpoint(bytes, path);
}

Result<std::string> WriteCheckpoint(const std::string& path, const Checkpoint& checkpoint) {
  Bytes bytes = EncodeCheckpoint(checkpoint);
  HM_RETURN_IF_ERROR(WriteFileAtomic(path, bytes));
  return Sha256Hex(bytes);
}

}  // namespace hallmark::generator
