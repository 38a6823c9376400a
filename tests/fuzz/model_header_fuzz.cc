// Fuzzes the model file reader (generator/checkpoint_file.h): magic, header length, JSON header
// and its field types, tensor table and payload bounds.
//
// A model file ends with the SHA-256 of everything before it, which random mutations never get
// right, so each input is decoded twice: as it is (the checksum check itself), and with its
// SHA-256 appended, which lets mutated headers reach the parser behind the checksum. Seeds in
// corpus/model_header/ are therefore model files without their last 32 bytes.
#include <cstddef>
#include <cstdint>

#include "base/sha256.h"
#include "generator/checkpoint_file.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

void Decode(hallmark::ByteView file) {
  using namespace hallmark;
  Result<generator::Checkpoint> model = generator::DecodeCheckpoint(file, "fuzz.hmmodel");
  if (!model.ok()) return;
  for (const generator::TensorRecord& t : model->tensors) {
    uint64_t elements = 1;
    for (int64_t d : t.shape) elements *= uint64_t(d);
    fuzz::FuzzCheck(elements == t.values.size(), "tensor values do not match its shape");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Decode(fuzz::AsBytes(data, size));
  Bytes sealed(data, data + size);
  const Sha256Digest check = Sha256(sealed);
  sealed.insert(sealed.end(), check.begin(), check.end());
  Decode(sealed);
  return 0;
}
