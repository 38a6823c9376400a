#include "pipeline/mark_read_back.h"

#include "watermark/watermark.h"

namespace hallmark::pipeline {

bool MarkReadsBack(const image::Image& marked, image::Format format, const Bytes& encoded,
                   const watermark::Key& key, const watermark::Payload& payload) {
  Result<image::Image> decoded = image::Image();
  if (format != image::Format::kPng) {
    decoded = image::Decode(encoded);
    if (!decoded.ok()) return false;
  }
  const image::Image& delivered = format == image::Format::kPng ? marked : *decoded;
  watermark::DetectOptions own_geometry;
  own_geometry.search_geometry = false;
  own_geometry.search_mirrored = false;
  const Result<watermark::Detection> d = watermark::Detect(delivered, key, own_geometry);
  return d.ok() && d->found && d->payload == payload;
}

}  // namespace hallmark::pipeline
