// The working copy of a luma plane that fingerprints are computed on (content_fingerprint.h:
// kWorkingLongSide, kWorkingShortSide): area-averaged when shrinking, bilinear when growing.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_WORKING_PLANE_H_
#define HALLMARK_WATERMARK_FINGERPRINT_WORKING_PLANE_H_

#include "image/plane.h"

namespace hallmark::fingerprint {

// The plane resampled by WorkingScale(width, height); the caller has checked CanSummarise.
image::Plane WorkingPlane(const image::Plane& luma);

// round(extent * scale), at least 1.
int ScaledExtent(int extent, double scale);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_WORKING_PLANE_H_
