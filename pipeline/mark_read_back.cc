#include "pipeline/mark_read_back.h"

#include "watermark/watermark.h"

namespace hallmark::pipeline {
namespace {

bool CarriesPayload(const image::Image& delivered, const watermark::Key& key,
                    const watermark::Payload& payload) {
  watermark::DetectOptions own_geometry;
  own_geometry.search_geometry = false;
  own_geometry.search_mirrored = false;
  const Result<watermark::Detection> d = watermark::Detect(delivered, key, own_geometry);
  return d.ok() && d->found && d->payload == payload;
}

}  // namespace

bool MarkReadsBack(const image::Image& marked, image::Format format, const Bytes& encoded,
                   const watermark::Key& key, const watermark::Payload& payload) {
  // A PNG holds exactly `marked`; decoding it would cost more than the detection.
  if (format == image::Format::kPng) return CarriesPayload(marked, key, payload);
  const Result<image::Image> decoded = image::Decode(encoded);
  return decoded.ok() && CarriesPayload(*decoded, key, payload);
}

std::string MarkNotReadBackWarning(const std::string& file) {
  return "the watermark does not read back from " + file +
         " (the picture leaves it too little room, or the format removed it); its ledger record "
         "says so";
}

}  // namespace hallmark::pipeline
