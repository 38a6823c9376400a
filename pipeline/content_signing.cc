#include "pipeline/content_signing.h"

#include <nlohmann/json.hpp>

#include "audit/ledger/no_generator_model.h"
#include "base/file.h"
#include "base/sha256.h"
#include "base/utf8.h"
#include "image/codec.h"
#include "pipeline/asset_identity.h"
#include "pipeline/mark_read_back.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/manifest_container.h"
#include "provenance/c2pa/manifest_spec.h"
#include "provenance/pki/key_store.h"
#include "provenance/pki/trust_store.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

namespace hallmark::pipeline {
namespace {

std::string BaseName(const std::string& path) { return path.substr(path.find_last_of('/') + 1); }

// The user's manifest, with the source they declare on the command line. Hallmark did not make
// the file, so it cannot say where it came from: the user must.
Result<provenance::ManifestSpec> ReadSpec(const ContentSigningRequest& request,
                                          std::vector<std::string>* notes) {
  HM_ASSIGN_OR_RETURN(Bytes text, ReadFile(request.manifest_path, 1 << 24));
  auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded()) return Status::BadInput(request.manifest_path + ": not valid JSON");
  auto spec = provenance::ManifestSpecFromJson(json, notes);
  if (!spec.ok()) return spec.status().WithContext(request.manifest_path);
  if (!request.source_type.empty()) {
    HM_RETURN_IF_ERROR(provenance::ApplyDigitalSourceType(request.source_type, &*spec));
  }
  if (spec->digital_source_type.empty()) {
    return Status::InvalidArgument(
        "provenance sign needs the image's source: --source-type TERM (an IPTC digital source "
        "type, e.g. digitalCapture or trainedAlgorithmicMedia) or the manifest's "
        "digital_source_type / its action's digitalSourceType");
  }
  // A manifest must not claim a mark that is not there; --watermark embeds one and fills it in.
  if (!spec->watermark_payload.empty()) {
    return Status::InvalidArgument(
        request.manifest_path +
        ": 'watermark' is refused: the payload is chosen when a mark is embedded (--watermark), "
        "and a manifest cannot claim one that is not there (c2pa.watermarked, c2pa.soft-binding); "
        "remove the field");
  }
  if (spec->software_version.empty()) spec->software_version = request.software_version;
  return spec;
}

// What the marked copy is recorded as, before it is signed.
struct MarkedImage {
  std::string source_sha256;  // of the file as given
  Bytes encoded;
  watermark::Payload payload;
  Bytes fingerprint;
  bool reads_back = false;  // MarkReadsBack
};

Result<MarkedImage> EmbedMark(const ContentSigningRequest& request, Studio& studio,
                              const Bytes& data, image::Format format,
                              PayloadAllocator& allocator) {
  HM_ASSIGN_OR_RETURN(image::Image pixels, image::Decode(data));
  HM_ASSIGN_OR_RETURN(watermark::Key key, studio.EnsureWatermarkKey());
  HM_ASSIGN_OR_RETURN(int bits, watermark::PayloadCapacity(pixels.width(), pixels.height()));
  MarkedImage marked;
  marked.source_sha256 = Sha256Hex(data);
  HM_ASSIGN_OR_RETURN(marked.payload, allocator.Allocate(bits));
  watermark::EmbedOptions options;
  options.strength = request.watermark_strength;
  HM_ASSIGN_OR_RETURN(image::Image out, watermark::Embed(pixels, key, marked.payload, options));
  HM_ASSIGN_OR_RETURN(fingerprint::ContentFingerprint fp,
                      fingerprint::ContentFingerprint::Compute(out));
  marked.fingerprint = fp.Encode();
  image::EncodeOptions encode;
  encode.jpeg.quality = request.jpeg_quality;
  HM_ASSIGN_OR_RETURN(marked.encoded, image::Encode(out, format, encode));
  marked.reads_back = MarkReadsBack(out, format, marked.encoded, key, marked.payload);
  return marked;
}

Result<audit::AssetRecord> AssetRecordFor(const ContentSigningRequest& request,
                                          const provenance::ManifestSpec& spec,
                                          const MarkedImage& marked, const Bytes& signed_file,
                                          image::Format format, const std::string& model_id,
                                          const provenance::Signer& signer) {
  audit::AssetRecord record;
  record.id = spec.asset_id;
  record.payload = LedgerPayloadBytes(marked.payload);
  record.model_id = model_id;
  nlohmann::json params = {{"signed_from", BaseName(request.file)},
                           {"source_sha256", marked.source_sha256},
                           {"digital_source_type", spec.digital_source_type},
                           {"format", image::FormatName(format)},
                           {"marks", {{"manifest", true}, {"watermark", marked.reads_back}}}};
  record.parameters_json = DumpJsonReplacingInvalidUtf8(params);
  record.content_hash = Sha256Hex(signed_file);
  HM_ASSIGN_OR_RETURN(auto store, provenance::FindManifestStore(signed_file, format));
  if (store) record.manifest_hash = Sha256Hex(store->store);
  record.file_name = BaseName(request.out);
  record.signer_key_id = provenance::KeyIdFor(signer.leaf());
  audit::FingerprintRecord fp;
  fp.asset_id = record.id;
  fp.algorithm = fingerprint::kAlgorithm;
  fp.value = marked.fingerprint;
  fp.source = "sign";
  record.fingerprint = std::move(fp);
  return record;
}

}  // namespace

Result<audit::ModelRecord> NoGeneratorModel(audit::LedgerStore& ledger) {
  const std::string& id = audit::NoGeneratorModelId();
  HM_ASSIGN_OR_RETURN(auto found, ledger.FindModel(id));
  if (found) return *found;
  Result<audit::ModelRecord> recorded = ledger.RecordModel(audit::NoGeneratorModelRecord());
  if (recorded.ok()) return recorded;
  // Another writer may have recorded it first.
  HM_ASSIGN_OR_RETURN(found, ledger.FindModel(id));
  if (found) return *found;
  return recorded.status();
}

Result<SignedContent> SignContent(const ContentSigningRequest& request, Studio& studio) {
  SignedContent result;
  HM_ASSIGN_OR_RETURN(provenance::ManifestSpec spec, ReadSpec(request, &result.notes));
  HM_ASSIGN_OR_RETURN(Bytes data, ReadFile(request.file));
  auto format = image::SniffFormat(data);
  if (!format.ok()) return format.status().WithContext(request.file);
  const std::string mime = *format == image::Format::kPng    ? "image/png"
                           : *format == image::Format::kJpeg ? "image/jpeg"
                                                             : "";
  if (mime.empty()) {
    return Status::BadInput(request.file + ": " + image::FormatName(*format) +
                            " cannot be signed; C2PA embedding is defined here for PNG and JPEG");
  }
  if (!spec.format.empty() && spec.format != mime) {
    return Status::BadInput(request.manifest_path + ": format " + spec.format + " does not match " +
                            request.file + " (" + image::FormatName(*format) + ")");
  }

  provenance::SignOptions options;
  Bytes parent;
  if (!request.parent.empty()) {
    HM_ASSIGN_OR_RETURN(parent, ReadFile(request.parent));
    options.parent = parent;
    options.parent_title = BaseName(request.parent);
  } else {
    options.parent_title = BaseName(request.file);
  }
  HM_ASSIGN_OR_RETURN(std::string pass, provenance::ReadPassphrase(request.passphrase_file));
  provenance::KeyStore keys(studio.home());
  HM_ASSIGN_OR_RETURN(provenance::Signer signer, keys.LoadSigner(pass, request.key_id));
  options.time_stamper = request.time_stamper;
  std::unique_ptr<provenance::OcspResponder> responder;
  if (request.ocsp_staple) {
    HM_ASSIGN_OR_RETURN(responder, provenance::OcspResponder::OpenForStapling(studio.home(), pass));
  }
  options.ocsp_responder = responder.get();
  // The parent ingredient's validation is recorded against the studio's own trust anchors.
  HM_ASSIGN_OR_RETURN(provenance::TrustStore trust,
                      provenance::TrustStore::LoadDirectory(keys.trust_dir()));
  options.ingredient_trust = &trust;

  if (!request.watermark) {
    auto signed_image = provenance::SignImage(data, *format, spec, signer, options);
    if (!signed_image.ok()) return signed_image.status().WithContext(request.file);
    HM_RETURN_IF_ERROR(WriteFileAtomic(request.out, *signed_image));
    result.out = request.out;
    result.bytes = signed_image->size();
    return result;
  }

  if (!studio.has_ledger()) {
    return Status::InvalidArgument("provenance sign --watermark records the asset in a ledger");
  }
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(audit::ModelRecord no_generator, NoGeneratorModel(ledger));
  PayloadAllocator allocator(ledger);
  auto marked = EmbedMark(request, studio, data, *format, allocator);
  if (!marked.ok()) {
    // The file, not the command line, is what cannot carry a mark (too small, undecodable).
    if (marked.status().code() == StatusCode::kInvalidArgument) {
      return Status::BadInput(request.file + ": " + marked.status().message());
    }
    return marked.status().WithContext(request.file);
  }
  spec.asset_id = AssetIdForPayload(marked->payload);
  spec.watermark_payload = LedgerPayloadBytes(marked->payload);
  spec.watermark_embedded = true;
  spec.content_fingerprint = marked->fingerprint;
  spec.fingerprint_algorithm = fingerprint::kAlgorithm;
  auto signed_image = provenance::SignImage(marked->encoded, *format, spec, signer, options);
  if (!signed_image.ok()) return signed_image.status().WithContext(request.file);
  HM_ASSIGN_OR_RETURN(
      audit::AssetRecord record,
      AssetRecordFor(request, spec, *marked, *signed_image, *format, no_generator.id, signer));
  // Recorded first: a file that names an asset the ledger does not know would be a claim nobody
  // can check, while a record whose file failed to be written is only an unused id.
  HM_ASSIGN_OR_RETURN(std::vector<audit::AssetRecord> committed,
                      ledger.AppendAssets({std::move(record)}));
  if (Status written = WriteFileAtomic(request.out, *signed_image); !written.ok()) {
    return Status::IoError("recorded asset " + spec.asset_id +
                           " but could not write it: " + written.message());
  }
  result.out = request.out;
  result.bytes = signed_image->size();
  result.asset_id = spec.asset_id;
  result.payload_hex = marked->payload.ToHex();
  result.log_index = committed.front().log_index;
  result.watermark_read_back = marked->reads_back;
  if (!marked->reads_back) {
    result.notes.push_back("warning: " + MarkNotReadBackWarning(request.out));
  }
  return result;
}

}  // namespace hallmark::pipeline
