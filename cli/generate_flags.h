// The flags `generate` and `queue submit` share (what to make), and those `generate` and
// `worker` share (how this machine makes it). Present only in builds with the generator.
#ifndef HALLMARK_CLI_GENERATE_FLAGS_H_
#define HALLMARK_CLI_GENERATE_FLAGS_H_

#ifdef HALLMARK_HAVE_GENERATOR
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "base/result.h"
#include "pipeline/generate_pipeline.h"
#include "provenance/pki/time_stamp.h"

namespace hallmark::cli {

struct GenerateFlags {
  pipeline::GenerateRequest request;
  std::string format = "png";
  std::string mining;
  std::string tsa_url;
  bool no_time_stamp = false;
};

// --model, --count, --class, --seed, --truncation, --palette, --out-size, --format, --quality,
// --purpose, --policy, --batch, --training-mining, --rights, --usage-terms.
void AddJobFlags(CLI::App* cmd, GenerateFlags* flags);
// --device, --threads, --passphrase-file, --tsa-url, --no-time-stamp.
void AddMachineFlags(CLI::App* cmd, GenerateFlags* flags);

// The request with --format and --training-mining applied.
pipeline::GenerateRequest RequestFrom(const GenerateFlags& flags);

// The time-stamper the flags choose (the studio's TSA by default); null with --no-time-stamp.
Result<std::unique_ptr<provenance::TimeStamper>> TimeStamperFrom(const GenerateFlags& flags,
                                                                 const std::string& home);

}  // namespace hallmark::cli

#endif  // HALLMARK_HAVE_GENERATOR
#endif  // HALLMARK_CLI_GENERATE_FLAGS_H_
