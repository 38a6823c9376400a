// Fuzzes policy parsing (audit/compliance/policy.h): TOML, then the policy schema, against the
// shipped licence table.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "audit/compliance/policy.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

const hallmark::audit::LicenceTable& ShippedLicences() {
  static const hallmark::audit::LicenceTable* const kTable = [] {
    auto table = hallmark::audit::LicenceTable::Load(HALLMARK_POLICIES_DIR "/licences.toml");
    hallmark::fuzz::FuzzCheck(table.ok(), "cannot load policies/licences.toml");
    return new hallmark::audit::LicenceTable(std::move(table).value());
  }();
  return *kTable;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace hallmark;
  Result<audit::Policy> policy =
      audit::ParsePolicy(fuzz::AsText(data, size), "fuzz.toml", ShippedLicences());
  if (!policy.ok()) return 0;
  for (const audit::PolicyRule& rule : policy->rules) (void)audit::RuleKindName(rule.kind);
  return 0;
}
