#include "pipeline/generate_pipeline.h"

#include <algorithm>
#include <chrono>

#include "base/sha256.h"
#include "base/utf8.h"
#include "generator/sample_delivery.h"
#include "pipeline/asset_identity.h"
#include "pipeline/mark_read_back.h"
#include "pipeline/pending_outputs.h"
#include "provenance/c2pa/image_signer.h"
#include "provenance/c2pa/manifest_container.h"
#include "provenance/pki/key_store.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

namespace hallmark::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The model's datasets as the manifest lists them, from the ledger.
Result<std::vector<provenance::DatasetInfo>> ManifestDatasets(audit::LedgerStore& ledger,
                                                              const audit::ModelRecord& model) {
  std::vector<provenance::DatasetInfo> out;
  for (const std::string& id : model.dataset_ids) {
    HM_ASSIGN_OR_RETURN(auto ds, ledger.FindDataset(id));
    if (!ds) return Status::BadInput("ledger: model " + model.id + " cites unknown dataset " + id);
    provenance::DatasetInfo info;
    info.name = ds->name;
    info.license = ds->licence;
    info.attribution = ds->attribution;
    info.sha256 = ds->id;
    info.url = ds->source;
    out.push_back(std::move(info));
  }
  return out;
}

std::string Organization(const provenance::Signer& signer) {
  char buf[256] = "";
  X509_NAME* name = X509_get_subject_name(signer.leaf());
  if (X509_NAME_get_text_by_NID(name, NID_organizationName, buf, sizeof buf) > 0) return buf;
  return "";
}

}  // namespace

// Everything a run needs, settled before the first sample is drawn so that whatever can refuse the
// run refuses it early.
struct GenerationRun {
  watermark::Key wm_key;
  provenance::Signer signer;
  std::unique_ptr<generator::Model> model;
  std::vector<provenance::DatasetInfo> datasets;
  int class_index = -1;
  generator::DeliveryOptions delivery;
  std::string key_id;
  std::string creator;
  // Staples the signer's OCSP status into every claim signature; null without a responder.
  std::unique_ptr<provenance::OcspResponder> ocsp;
};

namespace {

using Run = GenerationRun;

Status CheckRequest(const GenerateRequest& request) {
  if (request.count <= 0) {
    return Status::InvalidArgument("--count " + std::to_string(request.count) + " is not positive");
  }
  if (request.format != image::Format::kPng && request.format != image::Format::kJpeg) {
    return Status::InvalidArgument("generate writes png or jpeg (C2PA embedding is defined there)");
  }
  return Status::Ok();
}

Result<Run> PrepareRun(const GenerateRequest& request, Studio& studio,
                       generator::Backend& backend) {
  HM_ASSIGN_OR_RETURN(watermark::Key wm_key, studio.EnsureWatermarkKey());
  HM_ASSIGN_OR_RETURN(provenance::Signer signer, studio.LoadSigner(request.passphrase_file));
  Run run{std::move(wm_key), std::move(signer), nullptr, {}, -1, {}, {}, {}, nullptr};
  HM_ASSIGN_OR_RETURN(run.ocsp, studio.OpenOcspResponder(request.passphrase_file));
  HM_ASSIGN_OR_RETURN(run.model, backend.Load(request.model_path, request.device));
  const generator::ModelInfo& info = run.model->info();
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(auto model_record, ledger.FindModel(info.model_id));
  if (!model_record) {
    return Status::BadInput(request.model_path + ": model " + info.model_id.substr(0, 16) +
                            "… is not in the ledger; record it with 'hallmark model register " +
                            request.model_path + " --dataset NAME'");
  }
  HM_ASSIGN_OR_RETURN(run.datasets, ManifestDatasets(ledger, *model_record));
  HM_ASSIGN_OR_RETURN(run.class_index, generator::ResolveClass(info.spec, request.class_name));
  HM_RETURN_IF_ERROR(
      generator::SetPalette(request.palette, request.palette_strength, &run.delivery));
  run.delivery.out_size = request.out_size;
  run.key_id = provenance::KeyIdFor(run.signer.leaf());
  run.creator = request.creator.empty() ? Organization(run.signer) : request.creator;
  return run;
}

// What the ledger records about how an image was made (also the manifest's parameters).
nlohmann::json AssetParameters(const GenerateRequest& request, const std::string& model_id,
                               const generator::GeneratedImage& g, const image::Image& marked) {
  nlohmann::json params = {{"model_id", model_id},
                           {"class_index", g.class_index},
                           {"class_name", g.class_name},
                           {"seed", g.seed},
                           {"truncation", request.truncation},
                           {"purpose", request.purpose},
                           {"width", marked.width()},
                           {"height", marked.height()},
                           {"format", image::FormatName(request.format)}};
  nlohmann::json edits = nlohmann::json::array();
  for (const generator::EditStep& e : g.edits) edits.push_back(e.ToJson());
  params["edits"] = edits;
  if (!request.queue_task.empty()) params["queue_task"] = request.queue_task;
  return params;
}

provenance::ManifestSpec AssetManifest(const GenerateRequest& request, const Run& run,
                                       const std::string& asset_id,
                                       const watermark::Payload& payload,
                                       const generator::GeneratedImage& g,
                                       const nlohmann::json& params) {
  const generator::ModelInfo& info = run.model->info();
  provenance::ManifestSpec spec;
  spec.asset_id = asset_id;
  spec.title = asset_id + image::FormatExtension(request.format);
  spec.software_version = HALLMARK_VERSION;
  spec.model = {info.model_id, info.spec.arch, HALLMARK_VERSION, info.model_id};
  spec.datasets = run.datasets;
  spec.parameters = params;
  spec.watermark_payload = LedgerPayloadBytes(payload);
  spec.watermark_embedded = true;  // Generate embedded this payload before it builds the manifest
  spec.training_mining = request.training_mining;
  spec.creator = run.creator;
  spec.rights = request.rights;
  spec.usage_terms = request.usage_terms;
  spec.prompt = "class=" + g.class_name + " seed=" + std::to_string(g.seed);
  spec.content_producer = run.creator;
  return spec;
}

// The SHA-256 of the manifest store embedded in `file` (the ledger records it), "" when none.
Result<std::string> ManifestHashOf(const Bytes& file, image::Format format) {
  const Result<std::optional<provenance::EmbeddedStore>> found =
      provenance::FindManifestStore(file, format);
  if (!found.ok()) return found.status();
  const std::optional<provenance::EmbeddedStore>& store = *found;
  return store.has_value() ? Sha256Hex(store->store) : std::string();
}

// One delivered asset, staged but not yet recorded or published.
struct StagedAsset {
  GeneratedAsset asset;
  audit::AssetRecord record;
};

std::string FileNameOf(const GeneratedAsset& a) {
  return a.file.substr(a.file.find_last_of('/') + 1);
}

// Marks, encodes, labels and signs one sampled image, and stages its file.
Result<StagedAsset> DeliverImage(const GenerateRequest& request, const Run& run,
                                 PayloadAllocator& allocator, PendingOutputs& outputs,
                                 const generator::GeneratedImage& g, StageTimes& times) {
  HM_ASSIGN_OR_RETURN(int bits, watermark::PayloadCapacity(g.image.width(), g.image.height()));
  HM_ASSIGN_OR_RETURN(watermark::Payload payload, allocator.Allocate(bits));
  const std::string asset_id = AssetIdForPayload(payload);

  auto t0 = Clock::now();
  watermark::EmbedOptions wm_options;
  wm_options.strength = request.watermark_strength;
  HM_ASSIGN_OR_RETURN(image::Image marked,
                      watermark::Embed(g.image, run.wm_key, payload, wm_options));
  // The delivered pixels' fingerprint, which a watermark hit on a stripped copy must match.
  HM_ASSIGN_OR_RETURN(fingerprint::ContentFingerprint fp,
                      fingerprint::ContentFingerprint::Compute(marked));
  const Bytes fingerprint_value = fp.Encode();
  times.watermark += Since(t0);

  t0 = Clock::now();
  image::EncodeOptions enc;
  enc.jpeg.quality = request.jpeg_quality;
  HM_ASSIGN_OR_RETURN(Bytes encoded, image::Encode(marked, request.format, enc));
  times.encode += Since(t0);

  t0 = Clock::now();
  const bool mark_reads_back = MarkReadsBack(marked, request.format, encoded, run.wm_key, payload);
  times.watermark += Since(t0);

  const std::string& model_id = run.model->info().model_id;
  nlohmann::json params = AssetParameters(request, model_id, g, marked);
  t0 = Clock::now();
  provenance::ManifestSpec spec = AssetManifest(request, run, asset_id, payload, g, params);
  spec.content_fingerprint = fingerprint_value;
  spec.fingerprint_algorithm = fingerprint::kAlgorithm;
  provenance::SignOptions sign_options;
  sign_options.time_stamper = request.time_stamper;
  sign_options.ocsp_responder = run.ocsp.get();
  HM_ASSIGN_OR_RETURN(Bytes signed_file, provenance::SignImage(encoded, request.format, spec,
                                                               run.signer, sign_options));
  times.sign += Since(t0);

  HM_ASSIGN_OR_RETURN(std::string manifest_hash, ManifestHashOf(signed_file, request.format));

  StagedAsset staged;
  GeneratedAsset& asset = staged.asset;
  asset.id = asset_id;
  asset.payload_hex = payload.ToHex();
  asset.content_hash = Sha256Hex(signed_file);
  asset.class_index = g.class_index;
  asset.class_name = g.class_name;
  asset.seed = g.seed;
  const std::string file_name = asset_id + image::FormatExtension(request.format);
  asset.file = request.out_dir + "/" + file_name;
  t0 = Clock::now();
  HM_RETURN_IF_ERROR(outputs.Stage(asset_id, file_name, signed_file));
  times.stage += Since(t0);

  asset.watermark_read_back = mark_reads_back;
  params["marks"] = {
      {"manifest", true}, {"watermark", mark_reads_back}, {"iptc", true}, {"tc260", true}};
  audit::AssetRecord& record = staged.record;
  record.id = asset_id;
  record.payload = LedgerPayloadBytes(payload);
  record.model_id = model_id;
  record.parameters_json = DumpJsonReplacingInvalidUtf8(params);
  record.content_hash = asset.content_hash;
  record.manifest_hash = manifest_hash;
  record.file_name = file_name;
  record.signer_key_id = run.key_id;
  audit::FingerprintRecord fingerprint_record;
  fingerprint_record.asset_id = asset_id;
  fingerprint_record.algorithm = fingerprint::kAlgorithm;
  fingerprint_record.value = fingerprint_value;
  fingerprint_record.source = "generate";
  record.fingerprint = std::move(fingerprint_record);
  return staged;
}

// Makes the batch's staged files durable, records them in one ledger transaction, then moves them
// into place. A batch that cannot be made durable or recorded leaves none of its files behind.
Status CommitBatch(std::vector<StagedAsset>& batch, audit::LedgerStore& ledger,
                   PendingOutputs& outputs, StageTimes& times) {
  auto abandon_batch = [&](const Status& why) {
    std::string also;
    for (const StagedAsset& s : batch) {
      Status removed = outputs.Discard(s.asset.id, FileNameOf(s.asset));
      if (!removed.ok() && also.empty()) also = "; also " + removed.message();
    }
    return also.empty() ? why : Status::IoError(why.message() + also);
  };
  auto t0 = Clock::now();
  if (Status flushed = outputs.Flush(); !flushed.ok()) return abandon_batch(flushed);
  times.stage += Since(t0);

  std::vector<audit::AssetRecord> records;
  records.reserve(batch.size());
  for (StagedAsset& s : batch) records.push_back(std::move(s.record));
  t0 = Clock::now();
  Result<std::vector<audit::AssetRecord>> committed = ledger.AppendAssets(std::move(records));
  times.ledger += Since(t0);
  if (!committed.ok()) return abandon_batch(committed.status());

  t0 = Clock::now();
  for (const StagedAsset& s : batch) {
    HM_RETURN_IF_ERROR(outputs.Publish(s.asset.id, FileNameOf(s.asset)));
  }
  HM_RETURN_IF_ERROR(outputs.FlushPublished());
  times.publish += Since(t0);
  return Status::Ok();
}

Result<std::vector<generator::GeneratedImage>> SampleBatch(const GenerateRequest& request,
                                                           const Run& run, int start, int n,
                                                           StageTimes& times) {
  generator::SampleRequest sample;
  sample.count = n;
  sample.class_index = run.class_index;
  sample.seed = request.seed + uint64_t(start);
  sample.truncation = request.truncation;
  sample.batch = n;
  auto t0 = Clock::now();
  Result<std::vector<generator::GeneratedImage>> images =
      generator::GenerateImages(*run.model, sample, run.delivery);
  times.sample += Since(t0);
  return images;
}

}  // namespace

PreparedGeneration::PreparedGeneration() = default;
PreparedGeneration::~PreparedGeneration() = default;
PreparedGeneration::PreparedGeneration(PreparedGeneration&&) noexcept = default;
PreparedGeneration& PreparedGeneration::operator=(PreparedGeneration&&) noexcept = default;

Result<PreparedGeneration> PrepareGeneration(const GenerateRequest& request, Studio& studio,
                                             generator::Backend& backend) {
  HM_RETURN_IF_ERROR(CheckRequest(request));
  PreparedGeneration prepared;
  if (!request.purpose.empty()) {
    HM_ASSIGN_OR_RETURN(prepared.purpose_check_,
                        CheckPurpose(studio, request.purpose, request.policy, request.model_path));
    if (!prepared.purpose_check_->decision.allowed) return prepared;
  }
  HM_ASSIGN_OR_RETURN(GenerationRun run, PrepareRun(request, studio, backend));
  prepared.run_ = std::make_unique<GenerationRun>(std::move(run));
  return prepared;
}

Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                 generator::Backend& backend, const ProgressFn& progress) {
  HM_ASSIGN_OR_RETURN(PreparedGeneration prepared, PrepareGeneration(request, studio, backend));
  return Generate(request, studio, prepared, progress);
}

Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                 PreparedGeneration& prepared, const ProgressFn& progress) {
  HM_RETURN_IF_ERROR(CheckRequest(request));
  GenerateSummary summary;
  summary.purpose_check = prepared.purpose_check_;
  if (summary.refused() || !prepared.run_) return summary;
  const Run& run = *prepared.run_;
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(PendingOutputs outputs, PendingOutputs::Open(request.out_dir));
  HM_ASSIGN_OR_RETURN(RecoveryReport recovery, outputs.Recover(ledger));
  summary.model_id = run.model->info().model_id;
  summary.recovered = recovery.completed;
  summary.discarded = recovery.discarded;
  summary.left_alone = recovery.left_alone;
  PayloadAllocator allocator(ledger);

  for (int start = 0; start < request.count; start += request.batch) {
    const int n = std::min(request.batch, request.count - start);
    HM_ASSIGN_OR_RETURN(std::vector<generator::GeneratedImage> images,
                        SampleBatch(request, run, start, n, summary.times));
    std::vector<StagedAsset> batch;
    for (const generator::GeneratedImage& g : images) {
      HM_ASSIGN_OR_RETURN(StagedAsset staged,
                          DeliverImage(request, run, allocator, outputs, g, summary.times));
      batch.push_back(std::move(staged));
    }
    HM_RETURN_IF_ERROR(CommitBatch(batch, ledger, outputs, summary.times));
    for (const StagedAsset& s : batch) summary.assets.push_back(s.asset);
    if (progress) progress(int(summary.assets.size()));
  }
  return summary;
}

}  // namespace hallmark::pipeline
