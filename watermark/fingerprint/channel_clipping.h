// How much of a cell's colour sits at black or white. A copy whose tone was stretched (brighter,
// more contrast) clips each channel on its own: a saturated green cell loses part of its gain
// while its luma stays in the middle tones, where the luma alone cannot tell the clipping from an
// edit. And the embedder clips the mark itself away where a channel has no room left.
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

// Whether more than 5% of the pixels of cell `cell` of `colours` have a colour channel within 3
// levels of black or white (of 255, or 65535 for 16-bit samples), where the embedder limits each
// pixel's offset to its channels' room, so that the mark is mostly clipped away.
bool CellCramped(const image::Image& colours, size_t cell);

// What clipping can explain of a copy's cells under the fitted tone map q = a r + b, for
// ChangedCells. Two bounds, the second only where the copy's colours are known:
//  - A copy the fit brightens clips at white: a cell whose brightest channel or pixels reach 255
//    gains less than the fit says, down to nothing. Falling short of the fitted value by no more
//    than the fit raised the cell is not a change.
//  - The fit maps each channel as it maps the luma, so the copy's clipped channels bound what the
//    clipping took: at most `past_white` short of the fit where a channel is white, `past_black`
//    over it where one is black. A saturated colour clips while its luma stays in the middle
//    tones.
// The colours are read only for the few cells whose residual is over its limit, once per cell.
class ClippingAllowance {
 public:
  // `colours`: the copy's colours, of the recorded size and in place, or null.
  ClippingAllowance(double a, double b, const image::Image* colours);

  // Cell `cell`'s mean residual `resid` (query minus fitted tone) less what clipping explains, with
  // `raised` how far the fit lifts the cell (fitted minus recorded tone). A residual within
  // `limit` after the first bound is returned without reading the colours.
  double MeanResidual(size_t cell, double resid, double raised, double limit) const;

  // How far clipping can have moved the spread of cell `cell`'s sub-block means: each pixel's luma
  // moves by at most the levels past black or white times its clipped channels' weight, and the
  // spread by at most the RMS of those moves, at most sqrt(largest move x mean move).
  double Detail(size_t cell) const;

 private:
  const ChannelClipping& Clipping(size_t cell) const;

  const image::Image* colours_;
  double past_white_;  // how far the fit pushes a channel past white at most (one at 255)
  double past_black_;  // and past black (one at 0)
  mutable size_t cached_cell_ = ~size_t{0};
  mutable ChannelClipping cached_;
};

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CHANNEL_CLIPPING_H_
