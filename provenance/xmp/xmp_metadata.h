// IPTC/XMP labels for AI-generated images, written with exiv2 before the C2PA manifest is added
// (any rewrite after signing would break the manifest's data hash):
//   Iptc4xmpExt:DigitalSourceType, AISystemUsed, AISystemVersionUsed, AIPromptInformation,
//   dc:creator, dc:rights, dc:title, xmpRights:UsageTerms, plus:DataMining, xmp:CreatorTool,
//   xmpMM:InstanceID (= the claim's instanceID), and TC260:AIGC, the implicit label of China's
//   GB 45438-2025 (a JSON string), written only for AI-generated or synthesised content.
// exiv2 exceptions stop here and become a Status.
#ifndef HALLMARK_PROVENANCE_XMP_XMP_METADATA_H_
#define HALLMARK_PROVENANCE_XMP_XMP_METADATA_H_

#include <optional>
#include <string>

#include "base/bytes.h"
#include "base/result.h"
#include "provenance/c2pa/manifest_spec.h"

namespace hallmark::provenance {

inline constexpr const char* kTc260Namespace = "http://www.tc260.org.cn/ns/AIGC/1.0/";
inline constexpr const char* kHallmarkXmpNamespace = "http://ns.hallmark.org/xmp/1.0/";

struct XmpFields {
  std::string instance_id;
  std::string digital_source_type;
  std::string ai_system;
  std::string ai_system_version;
  std::string prompt;
  std::string creator;
  std::string rights;
  std::string usage_terms;
  std::string title;
  std::string data_mining;  // a PLUS DMI- vocabulary URL
  std::string creator_tool;
  std::string tc260_aigc;  // JSON text; empty: not written
  std::string asset_id;    // hallmark:AssetID
};

// `signer_organization` (the O= of the signing certificate) is the TC260 ContentProducer when
// the spec names none.
XmpFields XmpFieldsFor(const ManifestSpec& spec, const std::string& instance_id,
                       const std::string& signer_organization = "");

// The TC260 implicit label's "Label" for a digital source type: "1" (generated or synthesised
// by AI) for the AI source types, "" (no TC260 label) for the others. GB 45438's other codes,
// "2" possibly and "3" suspected AI-generated, are a platform's guesses about content whose
// source is unknown; a signer that states the source never needs them, and the label has no
// code that says "not AI", so captured and human-made content carries no TC260 label at all.
std::string Tc260LabelFor(const std::string& digital_source_type);

// The PLUS data-mining value that matches the CAWG choices.
std::string PlusDataMiningFor(const TrainingMining& tm);

// Returns the file with the fields set (others kept). Refuses a file that already carries a
// C2PA manifest: rewriting it would invalidate the signature. An XMP packet that is not valid
// UTF-8 is BadInput.
Result<Bytes> WriteXmp(ByteView file, const XmpFields& fields);

// Reads xmpMM:InstanceID from the file's XMP packet, if any (used by the validator to tell a
// manifest moved onto another file from edited pixels). The result is valid UTF-8: bytes that
// are not become U+FFFD, so the id can go into reports and JSON as it is.
std::optional<std::string> FindXmpInstanceId(ByteView file);

}  // namespace hallmark::provenance

#endif  // HALLMARK_PROVENANCE_XMP_XMP_METADATA_H_
