// The canonical canvas: the image's luma resampled so that its short side has a fixed number of
// pixels (the mode's canvas_short). Marks are drawn on the canvas and read from it, so an image
// that is uniformly resized lands on the same canvas again.
#ifndef HALLMARK_WATERMARK_CANVAS_H_
#define HALLMARK_WATERMARK_CANVAS_H_

#include "image/image.h"
#include "image/plane.h"
#include "watermark/mode.h"

namespace hallmark::watermark {

struct CanvasSize {
  int width = 0;
  int height = 0;
};

CanvasSize CanvasFor(int image_width, int image_height, const Mode& mode);

// BT.601 luma on the 0..255 scale (grey images: the grey channel; alpha ignored).
image::Plane LumaPlane(const image::Image& img);

// Separable resampling: area averaging along an axis that shrinks, bilinear along one that grows.
// Embedder and detector use this one function so that their canvases agree exactly.
image::Plane ResampleCanvas(const image::Plane& src, int width, int height);

// The same resampling, streamed: `row(y, samples)` receives each output row in turn, so a caller
// that only consumes rows never holds the whole output.
template <typename RowSink>
void ResampleCanvasRows(const image::Plane& src, int width, int height, RowSink row);

}  // namespace hallmark::watermark

#include "watermark/canvas_inl.h"

namespace hallmark::watermark {}  // namespace hallmark::watermark

#endif  // HALLMARK_WATERMARK_CANVAS_H_
