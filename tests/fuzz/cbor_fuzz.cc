// Fuzzes the CBOR decoder (provenance/c2pa/cbor.h). Whatever decodes must re-encode
// deterministically: encode(decode(encode(x))) == encode(x).
#include <cstddef>
#include <cstdint>

#include "provenance/c2pa/cbor.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  using provenance::Cbor;
  const ByteView input = fuzz::AsBytes(data, size);

  size_t consumed = 0;
  Result<Cbor> prefix = provenance::CborDecodePrefix(input, &consumed);
  if (prefix.ok()) fuzz::FuzzCheck(consumed > 0 && consumed <= size, "consumed out of range");

  Result<Cbor> item = provenance::CborDecode(input);
  if (!item.ok()) return 0;
  (void)item->ToJson();
  const Bytes encoded = item->Encode();
  Result<Cbor> again = provenance::CborDecode(encoded);
  fuzz::FuzzCheck(again.ok(), "re-encoded CBOR does not decode");
  fuzz::FuzzCheck(again->Encode() == encoded, "CBOR encoding is not deterministic");
  return 0;
}
