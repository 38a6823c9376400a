// Fuzzes the decoding of content fingerprints (watermark/fingerprint/): a recorded fingerprint
// arrives from a ledger or a manifest someone else wrote. Whatever decodes must re-encode to the
// same bytes and have a finite structure. Comparing one with an image is fingerprint_compare.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/fuzz_input.h"
#include "watermark/fingerprint/content_fingerprint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  using namespace hallmark::fingerprint;
  const ByteView input = fuzz::AsBytes(data, size);
  Result<ContentFingerprint> fp = ContentFingerprint::Decode(input);
  if (fp.ok()) {
    fuzz::FuzzCheck(fp->Encode() == input.ToBytes(), "decode/encode mismatch");
    const double structure = fp->structure();
    fuzz::FuzzCheck(structure >= 0.0 && structure < 256.0, "structure out of range");
  }
  return 0;
}
