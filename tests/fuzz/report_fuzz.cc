// Fuzzes signed report verification (audit/compliance/report_signature.h) in every format it
// reads (JSON file, or a signature block at the end of HTML, Markdown or CSV), with the key the
// report records.
#include <cstddef>
#include <cstdint>

#include "audit/compliance/report_signature.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Result<audit::ReportVerification> v =
      audit::VerifyReportFile(fuzz::AsText(data, size), /*log_key=*/nullptr);
  if (v.ok() && v->ok) fuzz::FuzzCheck(v->key_from_report, "verified without naming the key used");
  return 0;
}
