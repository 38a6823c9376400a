// The SPDX licence and exception identifier lists vendored in audit/compliance/data/, compiled in
// as JSON arrays of strings (generated from the data files at build time).
#ifndef HALLMARK_AUDIT_COMPLIANCE_SPDX_DATA_H_
#define HALLMARK_AUDIT_COMPLIANCE_SPDX_DATA_H_

namespace hallmark::audit {

const char* SpdxLicenseIdsJson();
const char* SpdxDeprecatedLicenseIdsJson();
const char* SpdxExceptionIdsJson();
const char* SpdxDeprecatedExceptionIdsJson();

}  // namespace hallmark::audit

#endif  // HALLMARK_AUDIT_COMPLIANCE_SPDX_DATA_H_
