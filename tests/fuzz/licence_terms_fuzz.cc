// Fuzzes licence-table parsing (audit/compliance/licence_terms.h) and the lookups a policy makes
// in a parsed table.
#include <cstddef>
#include <cstdint>

#include "audit/compliance/licence_terms.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Result<audit::LicenceTable> table =
      audit::LicenceTable::Parse(fuzz::AsText(data, size), "fuzz.toml");
  if (!table.ok()) return 0;
  static const audit::SpdxNode* const kExpression = [] {
    auto node = audit::ParseSpdxExpression(
        "(MIT OR CC-BY-NC-4.0) AND GPL-2.0-only WITH Classpath-exception-2.0");
    fuzz::FuzzCheck(node.ok(), "seed expression does not parse");
    return new audit::SpdxNode(std::move(node).value());
  }();
  for (const auto& [id, terms] : table->licences()) {
    fuzz::FuzzCheck(table->Lookup(id).known, "a listed licence is unknown");
    (void)terms;
  }
  (void)table->ObligationsOf(*kExpression).Burden();
  return 0;
}
