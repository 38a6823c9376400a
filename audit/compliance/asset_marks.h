// Which machine-readable marks an asset carries, as the generate step recorded them in the
// asset's parameters_json: {"marks": {"manifest": true, "watermark": true, "iptc": true,
// "tc260": true}}. Older records without "marks" fall back to what the record itself shows:
// a manifest hash means a manifest, a payload means a watermark; IPTC and TC260 labels are then
// unknown and counted as absent, so coverage is never overstated.
#ifndef HALLMARK_AUDIT_COMPLIANCE_ASSET_MARKS_H_
#define HALLMARK_AUDIT_COMPLIANCE_ASSET_MARKS_H_

#include <string>

#include "audit/ledger/ledger_records.h"

namespace hallmark::audit {

struct AssetMarks {
  bool manifest = false;
  bool watermark = false;
  bool iptc = false;
  bool tc260 = false;
  bool recorded = false;  // true when parameters_json carried a "marks" object

  bool Has(const std::string& mark) const;
};

AssetMarks MarksOf(const AssetRecord& asset);

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_ASSET_MARKS_H_
