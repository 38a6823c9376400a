// Detector-side whitening. Natural images put most of their energy at low frequencies and in
// textured regions; a blind correlator must suppress both to see a faint mark. The canvas minus a
// local mean removes the low band, and dividing by the local residual energy keeps busy regions
// from drowning quiet ones.
#ifndef HALLMARK_WATERMARK_WHITENING_H_
#define HALLMARK_WATERMARK_WHITENING_H_

#include "image/plane.h"

namespace hallmark::watermark {

image::Plane Whiten(const image::Plane& canvas_luma);

}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_WHITENING_H_
