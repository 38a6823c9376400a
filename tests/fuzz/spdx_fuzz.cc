// Fuzzes SPDX expression parsing (audit/compliance/spdx_expression.h). The canonical text of a
// parsed expression must parse again to the same canonical text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "audit/compliance/spdx_expression.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Result<audit::SpdxNode> node = audit::ParseSpdxExpression(fuzz::AsText(data, size));
  if (!node.ok()) return 0;
  const std::string canonical = audit::SpdxToString(*node);
  (void)audit::SpdxLicenseIds(*node);
  Result<audit::SpdxNode> again = audit::ParseSpdxExpression(canonical);
  fuzz::FuzzCheck(again.ok(), "canonical SPDX text does not parse");
  fuzz::FuzzCheck(audit::SpdxToString(*again) == canonical, "SPDX canonical form is unstable");
  return 0;
}
