// The studio's journey: sample images from a model and deliver each as an attributable asset.
// First, when a purpose is given, the policy for it must allow the model (policy_check.h): a
// refused run samples nothing. Per image: sample -> allocate the asset record -> embed the
// watermark carrying the asset's payload -> encode -> write IPTC/XMP and sign the C2PA manifest ->
// stage the file; per batch: one ledger transaction for all records, then the files move into place
// (pending_outputs.h explains why a kill at any point loses nothing and leaves nothing dangling).
#ifndef HALLMARK_PIPELINE_GENERATE_PIPELINE_H_
#define HALLMARK_PIPELINE_GENERATE_PIPELINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "generator/backend.h"
#include "image/codec.h"
#include "pipeline/policy_check.h"
#include "pipeline/studio.h"
#include "provenance/c2pa/manifest_spec.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::pipeline {

struct GenerateRequest {
  std::string model_path;
  int count = 16;
  std::string class_name;  // index or name; empty cycles through the classes
  uint64_t seed = 0;
  double truncation = 0;
  std::string palette;          // "#rrggbb,..." or empty
  double palette_strength = 1;  // see generator/palette.h
  int out_size = 256;  // delivered size; 256 leaves the watermark room for a 64-bit payload
  image::Format format = image::Format::kPng;
  int jpeg_quality = 92;
  std::string out_dir = "assets";
  std::string purpose;  // "commercial", "research" or empty; recorded with every asset
  std::string policy;   // the policy --purpose is checked against (default: PolicyFileFor)
  std::string device = "auto";
  int threads = 1;
  int batch = 32;  // images per sampling batch and per ledger transaction
  std::string passphrase_file;
  float watermark_strength = 1.0f;
  provenance::TrainingMining training_mining;
  std::string creator;      // dc:creator; default: the signing certificate's organisation
  std::string rights;       // dc:rights
  std::string usage_terms;  // xmpRights:UsageTerms
  // Time-stamps every claim signature (sigTst2) when given; must outlive the call.
  const provenance::TimeStamper* time_stamper = nullptr;
  // The work-queue task this run is ("<job>/<task>", queue/job_queue.h), recorded in each asset's
  // parameters as "queue_task" so that a task's assets can be found again; empty outside a queue.
  std::string queue_task;
};

struct GeneratedAsset {
  std::string id;
  std::string file;  // path of the delivered file
  std::string payload_hex;
  std::string content_hash;
  int class_index = 0;
  std::string class_name;
  uint64_t seed = 0;
  // The delivered file gives its payload back at its own geometry. False where the picture left
  // the mark no room (line art, saturated colours); the ledger's "marks" then say so.
  bool watermark_read_back = true;
};

// Where the time went, for the benchmark.
struct StageTimes {
  double sample = 0, watermark = 0, encode = 0, sign = 0, stage = 0, ledger = 0, publish = 0;
  double Total() const { return sample + watermark + encode + sign + stage + ledger + publish; }
};

struct GenerateSummary {
  // Set when a purpose was given: the decision, recorded in the ledger either way. When it denies
  // the purpose, nothing was generated.
  std::optional<PurposeCheck> purpose_check;
  bool refused() const { return purpose_check && !purpose_check->decision.allowed; }

  std::vector<GeneratedAsset> assets;
  std::string model_id;
  int recovered = 0;                    // pending files of an interrupted run moved into place
  int discarded = 0;                    // pending files of an interrupted run deleted
  std::vector<std::string> left_alone;  // entries of <out>/.pending that are not Hallmark's
  StageTimes times;
};

// Called after each committed batch with the number of assets delivered so far.
using ProgressFn = std::function<void(int done)>;

Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                 generator::Backend& backend, const ProgressFn& progress = {});

struct GenerationRun;  // generate_pipeline.cc

// What a run settles before its first sample, so that whatever can refuse it refuses early: the
// purpose decision, the watermark and signing keys, the model and its datasets. Generate above
// prepares one for itself; a queue worker prepares one per job and reuses it for every task, which
// then pays only for its own images.
class PreparedGeneration {
 public:
  PreparedGeneration();
  ~PreparedGeneration();
  PreparedGeneration(PreparedGeneration&&) noexcept;
  PreparedGeneration& operator=(PreparedGeneration&&) noexcept;

 private:
  friend Result<PreparedGeneration> PrepareGeneration(const GenerateRequest& request,
                                                      Studio& studio, generator::Backend& backend);
  friend Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                          PreparedGeneration& prepared, const ProgressFn& progress);
  std::optional<PurposeCheck> purpose_check_;
  std::unique_ptr<GenerationRun> run_;  // null when the purpose was refused
};

Result<PreparedGeneration> PrepareGeneration(const GenerateRequest& request, Studio& studio,
                                             generator::Backend& backend);

// Generates `request` with what `prepared` holds, which must come from a request for the same
// model, options and machine settings; count, seed, out_dir and queue_task may differ.
Result<GenerateSummary> Generate(const GenerateRequest& request, Studio& studio,
                                 PreparedGeneration& prepared, const ProgressFn& progress = {});

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_GENERATE_PIPELINE_H_
