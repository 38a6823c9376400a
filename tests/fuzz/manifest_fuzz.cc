// Fuzzes C2PA manifest validation (provenance/c2pa/manifest_validator.h) end to end: container
// parsing (PNG caBX chunk, JPEG APP11 segments, WebP C2PA chunk), the manifest store, claim,
// assertions, COSE signature and certificate checks, against an empty trust store. A malformed
// manifest must be a verdict, never a crash.
#include <cstddef>
#include <cstdint>

#include "provenance/c2pa/manifest_validator.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  static const provenance::TrustStore* const kEmptyTrust = new provenance::TrustStore();
  provenance::VerifyOptions options;
  // 2027-01-01, inside the validity of the seed corpus's signer certificate, so that runs do not
  // depend on the day they happen and the seeds reach the checks after the validity check.
  options.now = 1'798'761'600;
  Result<provenance::VerificationReport> report =
      provenance::VerifyImage(fuzz::AsBytes(data, size), *kEmptyTrust, options);
  if (!report.ok()) return 0;
  fuzz::FuzzCheck(report->state != provenance::ValidationState::kTrusted,
                  "trusted with an empty trust store");
  (void)report->ToJson().dump();
  return 0;
}
