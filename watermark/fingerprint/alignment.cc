#include "watermark/fingerprint/alignment.h"

#include <algorithm>

namespace hallmark::fingerprint {

Alignment AlignmentFromDetection(const watermark::Detection& detection, int query_width,
                                 int query_height, const ContentFingerprint& recorded) {
  // One recorded pixel is canvas_short / recorded_short canvas pixels at embedding, magnified by
  // `scale` on the query's canvas, which has canvas_short / query_short of them per query pixel.
  Alignment a;
  a.scale = detection.scale * double(std::min(query_width, query_height)) /
            double(std::min(recorded.width(), recorded.height()));
  a.rotation_degrees = detection.rotation_degrees;
  a.mirrored = detection.mirrored;
  return a;
}

}  // namespace hallmark::fingerprint
