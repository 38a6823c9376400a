#include "pipeline/mark_read_back.h"

#include "image/codec.h"
#include "watermark/watermark.h"

namespace hallmark::pipeline {

bool MarkReadsBack(const Bytes& encoded, const watermark::Key& key,
                   const watermark::Payload& payload) {
  const Result<image::Image> delivered = image::Decode(encoded);
  if (!delivered.ok()) return false;
  watermark::DetectOptions own_geometry;
  own_geometry.search_geometry = false;
  own_geometry.search_mirrored = false;
  const Result<watermark::Detection> d = watermark::Detect(*delivered, key, own_geometry);
  return d.ok() && d->found && d->payload == payload;
}

}  // namespace hallmark::pipeline
