// How much of a cell's luma sits in colour channels clipped at black or white. A copy whose tone
// was stretched (brighter, more contrast) clips each channel on its own: a saturated green cell
// loses part of its gain while its luma stays in the middle tones, where the luma alone cannot
// tell the clipping from an edit.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CLIPPING_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CLIPPING_H_

#include <cstddef>

#include "image/image.h"

namespace hallmark::fingerprint {

// Luma-weighted shares of a cell's channel samples within 2 levels of white (`top`) and of black
// (`bottom`): each channel's share of clipped pixels times its weight in the luma (0.299, 0.587,
// 0.114; 1 for grey), so that 1 means every pixel white (or black). A tone map that pushes
// channels at most s levels past white leaves the cell's luma at most top * s short of it.
struct ChannelClipping {
  double top = 0.0;
  double bottom = 0.0;
};

// The clipping of cell `cell` (cy * kGrid + cx) of the kGrid x kGrid grid over `colours` (grey,
// grey+alpha, RGB or RGBA; 8 or 16 bits; alpha left out).
ChannelClipping CellChannelClipping(const image::Image& colours, size_t cell);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CLIPPING_H_
