#include "pipeline/generate_pipeline.h"

#include <algorithm>
#include <chrono>

#include "base/sha256.h"
#include "generator/palette.h"
#include "generator/sample_delivery.h"
#include "pipeline/asset_identity.h"
#include "pipeline/pending_outputs.h"
#include "provenance/image_signer.h"
#include "provenance/key_store.h"
#include "provenance/manifest_container.h"
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

Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                 generator::Backend& backend, const ProgressFn& progress) {
  if (request.count <= 0) {
    return Status::InvalidArgument("--count " + std::to_string(request.count) + " is not positive");
  }
  if (request.format != image::Format::kPng && request.format != image::Format::kJpeg) {
    return Status::InvalidArgument("generate writes png or jpeg (C2PA embedding is defined there)");
  }
  // Everything that can refuse the run is checked before the first sample is drawn.
  HM_ASSIGN_OR_RETURN(watermark::Key wm_key, studio.EnsureWatermarkKey());
  HM_ASSIGN_OR_RETURN(provenance::Signer signer, studio.LoadSigner(request.passphrase_file));
  HM_ASSIGN_OR_RETURN(std::unique_ptr<generator::Model> model,
                      backend.Load(request.model_path, request.device));
  const generator::ModelInfo& info = model->info();
  audit::LedgerStore& ledger = studio.ledger();
  HM_ASSIGN_OR_RETURN(auto model_record, ledger.FindModel(info.model_id));
  if (!model_record) {
    return Status::BadInput(request.model_path + ": model " + info.model_id.substr(0, 16) +
                            "… is not in the ledger; record it with 'hallmark model register " +
                            request.model_path + " --dataset NAME'");
  }
  HM_ASSIGN_OR_RETURN(std::vector<provenance::DatasetInfo> datasets,
                      ManifestDatasets(ledger, *model_record));
  HM_ASSIGN_OR_RETURN(int class_index, generator::ResolveClass(info.spec, request.class_name));
  generator::DeliveryOptions delivery;
  if (!request.palette.empty()) {
    HM_ASSIGN_OR_RETURN(delivery.palette, generator::ParsePalette(request.palette));
  }
  delivery.out_size = request.out_size;

  HM_ASSIGN_OR_RETURN(PendingOutputs outputs, PendingOutputs::Open(request.out_dir));
  HM_ASSIGN_OR_RETURN(RecoveryReport recovery, outputs.Recover(ledger));

  GenerateSummary summary;
  summary.model_id = info.model_id;
  summary.recovered = recovery.completed;
  summary.discarded = recovery.discarded;
  const std::string key_id = provenance::KeyIdFor(signer.leaf());
  const std::string creator = request.creator.empty() ? Organization(signer) : request.creator;
  PayloadAllocator allocator(ledger);

  for (int start = 0; start < request.count; start += request.batch) {
    const int n = std::min(request.batch, request.count - start);
    generator::SampleRequest sample;
    sample.count = n;
    sample.class_index = class_index;
    sample.seed = request.seed + uint64_t(start);
    sample.truncation = request.truncation;
    sample.batch = n;
    auto t0 = Clock::now();
    HM_ASSIGN_OR_RETURN(std::vector<generator::GeneratedImage> images,
                        generator::GenerateImages(*model, sample, delivery));
    summary.times.sample += Since(t0);

    std::vector<audit::AssetRecord> records;
    std::vector<GeneratedAsset> batch_assets;
    for (generator::GeneratedImage& g : images) {
      HM_ASSIGN_OR_RETURN(int bits, watermark::PayloadCapacity(g.image.width(), g.image.height()));
      HM_ASSIGN_OR_RETURN(watermark::Payload payload, allocator.Allocate(bits));
      const std::string asset_id = AssetIdForPayload(payload);

      t0 = Clock::now();
      watermark::EmbedOptions wm_options;
      wm_options.strength = request.watermark_strength;
      HM_ASSIGN_OR_RETURN(image::Image marked,
                          watermark::Embed(g.image, wm_key, payload, wm_options));
      summary.times.watermark += Since(t0);

      t0 = Clock::now();
      image::EncodeOptions enc;
      enc.jpeg.quality = request.jpeg_quality;
      HM_ASSIGN_OR_RETURN(Bytes encoded, image::Encode(marked, request.format, enc));
      summary.times.encode += Since(t0);

      nlohmann::json params = {{"model_id", info.model_id},
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

      provenance::ManifestSpec spec;
      spec.asset_id = asset_id;
      spec.title = asset_id + image::FormatExtension(request.format);
      spec.software_version = HALLMARK_VERSION;
      spec.model = {info.model_id, info.spec.arch, HALLMARK_VERSION, info.model_id};
      spec.datasets = datasets;
      spec.parameters = params;
      spec.watermark_payload = LedgerPayloadBytes(payload);
      spec.training_mining = request.training_mining;
      spec.creator = creator;
      spec.rights = request.rights;
      spec.usage_terms = request.usage_terms;
      spec.prompt = "class=" + g.class_name + " seed=" + std::to_string(g.seed);
      spec.content_producer = creator;
      t0 = Clock::now();
      HM_ASSIGN_OR_RETURN(Bytes signed_file,
                          provenance::SignImage(encoded, request.format, spec, signer));
      summary.times.sign += Since(t0);

      std::string manifest_hash;
      HM_ASSIGN_OR_RETURN(auto store, provenance::FindManifestStore(signed_file, request.format));
      if (store) manifest_hash = Sha256Hex(store->store);

      GeneratedAsset asset;
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
      summary.times.stage += Since(t0);

      params["marks"] = {{"manifest", true}, {"watermark", true}, {"iptc", true}, {"tc260", true}};
      audit::AssetRecord record;
      record.id = asset_id;
      record.payload = LedgerPayloadBytes(payload);
      record.model_id = info.model_id;
      record.parameters_json = params.dump();
      record.content_hash = asset.content_hash;
      record.manifest_hash = manifest_hash;
      record.file_name = file_name;
      record.signer_key_id = key_id;
      records.push_back(std::move(record));
      batch_assets.push_back(std::move(asset));
    }

    auto file_name_of = [](const GeneratedAsset& a) {
      return a.file.substr(a.file.find_last_of('/') + 1);
    };
    // A batch that cannot be made durable or recorded leaves none of its files behind.
    auto abandon_batch = [&](const Status& why) {
      for (const GeneratedAsset& a : batch_assets) outputs.Discard(a.id, file_name_of(a));
      return why;
    };
    t0 = Clock::now();
    if (Status flushed = outputs.Flush(); !flushed.ok()) return abandon_batch(flushed);
    summary.times.stage += Since(t0);

    t0 = Clock::now();
    Result<std::vector<audit::AssetRecord>> committed = ledger.AppendAssets(std::move(records));
    summary.times.ledger += Since(t0);
    if (!committed.ok()) return abandon_batch(committed.status());
    t0 = Clock::now();
    for (const GeneratedAsset& a : batch_assets) {
      HM_RETURN_IF_ERROR(outputs.Publish(a.id, file_name_of(a)));
    }
    outputs.FlushPublished();
    summary.times.publish += Since(t0);
    summary.assets.insert(summary.assets.end(), batch_assets.begin(), batch_assets.end());
    if (progress) progress(int(summary.assets.size()));
  }
  return summary;
}

}  // namespace hallmark::pipeline
