// Fuzzes the COSE_Sign1 parser (provenance/c2pa/cose_sign1.h) and the Sig_structure built from
// what it returns.
#include <cstddef>
#include <cstdint>

#include "provenance/c2pa/cose_sign1.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Result<provenance::CoseSign1> sign1 = provenance::ParseCoseSign1(fuzz::AsBytes(data, size));
  if (!sign1.ok()) return 0;
  (void)provenance::CoseSigStructure(sign1->protected_bytes, ByteView(data, size / 2));
  (void)sign1->protected_header.ToJson();
  (void)sign1->unprotected_header.ToJson();
  return 0;
}
