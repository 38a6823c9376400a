// The alignment a watermark detection implies between a query image and the recorded asset: the
// detector reports how its canvas content is scaled and turned relative to the embedding, and both
// canvases were drawn at the same number of pixels per short side.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_ALIGNMENT_H_
#define HALLMARK_WATERMARK_FINGERPRINT_ALIGNMENT_H_

#include "watermark/fingerprint/content_comparison.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

namespace hallmark::fingerprint {

// For a detection that found the mark in a query of query_width x query_height.
Alignment AlignmentFromDetection(const watermark::Detection& detection, int query_width,
                                 int query_height, const ContentFingerprint& recorded);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_ALIGNMENT_H_
