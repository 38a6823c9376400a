// Box-window local means over float planes (edges replicate), the building block of the
// perceptual mask and of the detector's whitening.
#ifndef HALLMARK_WATERMARK_LOCAL_STATISTICS_H_
#define HALLMARK_WATERMARK_LOCAL_STATISTICS_H_

#include "image/plane.h"

namespace hallmark::watermark {

// Mean over the (2r+1) x (2r+1) window around each pixel.
image::Plane LocalMean(const image::Plane& src, int radius);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_LOCAL_STATISTICS_H_
