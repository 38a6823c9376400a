// What a queued job asks of every task: generate's options, as JSON in the queue's jobs table.
// Options that belong to the machine that runs a task (output folder, device, threads, the
// passphrase, the time-stamping authority) are the worker's, not the job's.
#ifndef HALLMARK_PIPELINE_QUEUE_JOB_SPEC_H_
#define HALLMARK_PIPELINE_QUEUE_JOB_SPEC_H_

#include <string>

#include "base/result.h"
#include "pipeline/generate_pipeline.h"

namespace hallmark::pipeline {

// The job-wide options of `request` (class, seed, truncation, palette, size, format, quality,
// purpose, policy, watermark strength, rights and mining terms) as a JSON object.
std::string JobOptionsJson(const GenerateRequest& request);

// Sets those options on `request` from JobOptionsJson's output; kBadInput for a document that is
// not one (a hand-edited row), naming the field.
Status ApplyJobOptions(const std::string& json, GenerateRequest* request);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_QUEUE_JOB_SPEC_H_
