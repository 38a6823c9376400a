// The model file: one JSON header and the model's tensors, in a byte-exact layout so that the
// file's SHA-256 can serve as the model id that provenance cites.
//
//   "HMMODEL1"                      8-byte magic
//   u64 little-endian               length of the header
//   header                          UTF-8 JSON, keys sorted (nlohmann::json's default)
//   payload                         float32 little-endian values of every tensor, in header order
//   SHA-256 of all the bytes above  32 bytes, so a flipped bit anywhere is caught
//
// The header carries, besides what the caller puts in it, "tensors": [{"name","shape"}, ...] and
// "payload_sha256", so truncation, bit flips and foreign files are all reported as BadInput
// naming the file. Nothing in the layout depends on the file's name, time or host: the same
// header and weights always give the same bytes (torch::save, by contrast, embeds the file name).
#ifndef HALLMARK_GENERATOR_CHECKPOINT_FILE_H_
#define HALLMARK_GENERATOR_CHECKPOINT_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace hallmark::generator {

struct TensorRecord {
  std::string name;            // "G.main.0.weight"
  std::vector<int64_t> shape;  // empty for a scalar
  std::vector<float> values;   // product(shape) values, row-major
};

struct Checkpoint {
  nlohmann::json header = nlohmann::json::object();
  std::vector<TensorRecord> tensors;

  // The record named `name`, or nullptr.
  const TensorRecord* Find(const std::string& name) const;
};

Bytes EncodeCheckpoint(const Checkpoint& checkpoint);
// `name` (usually the path) prefixes every error message.
Result<Checkpoint> DecodeCheckpoint(ByteView bytes, const std::string& name);

// Header only: validates the magic and the header without reading the payload.
Result<nlohmann::json> ReadCheckpointHeader(const std::string& path);
Result<Checkpoint> ReadCheckpoint(const std::string& path);
// Writes atomically; returns the file's SHA-256 (hex), the model id.
Result<std::string> WriteCheckpoint(const std::string& path, const Checkpoint& checkpoint);

}  // namespace hallmark::generator

#endif  // HALLMARK_GENERATOR_CHECKPOINT_FILE_H_
