// Where a whole, unmoved copy of a recorded asset lost the asset's mark. An edit that repaints a
// plain area (an inpainted object on a backdrop) may change the content fingerprint's cells by a
// grey level or two, which the comparison cannot tell from compression, but it takes the mark
// away. CompareContent adds the cells found here to the ones whose content changed.
#ifndef HALLMARK_WATERMARK_FINGERPRINT_MARK_LOSS_H_
#define HALLMARK_WATERMARK_FINGERPRINT_MARK_LOSS_H_

#include <array>

#include "image/image.h"
#include "image/plane.h"
#include "watermark/fingerprint/cell_statistics.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

namespace hallmark::fingerprint {

// How much of the recorded mark one cell carries: the cell's samples and the mark's pattern, each
// with its plane fit over the cell (mean and slopes) taken out so that the host's tone and
// gradients do not leak in, correlated per unit of the pattern's energy there (about the same in
// cells an attack treats alike; near 0 where the mark was painted over). `error` is the share's
// standard error for a host whose residual is white at the cell's own residual level (at least a
// quarter grey level, what 8-bit rounding leaves).
struct CellMark {
  double share = 0.0, error = 0.0;
  bool usable = false;  // false: too small, or (judged by the luma alone) cramped, below
};
using CellMarks = std::array<CellMark, kCells>;

// Each cell of the kGrid x kGrid grid over `luma`, an image of the size the mark was drawn for.
//
// A cell with more than 5% of its pixels cramped carries little of the mark: the embedder limits
// each pixel's offset to its channels' room, so within 3 levels of black or white it clipped the
// mark away (a saturated colour, the highlights of a brightened copy). Given `colours` (the same
// image), MarkLostCells tests its candidates' colour channels for that; without them, the cells
// whose luma is cramped are marked unusable here.
CellMarks MarkShares(const image::Plane& luma, const image::Image* colours,
                     const watermark::KnownMarkPattern& mark);

// Cells that lost the mark where the cells the record describes alike kept it. Compression, blur
// and noise weaken a mark too, but alike in cells of alike texture (WebP takes it from flat areas
// first). So cells are ranked by recorded detail and judged in groups of about 48 neighbours in
// that ranking, against the group's median share: a cell is lost when its share is under a
// quarter of it, and both that median and the shortfall are at least 6 and 5 of the cell's
// standard errors (scaled up by the group's robust spread of the errors where that is wider).
// Cells outside the middle tones (IsMiddleTone) in the record or in `query`, the copy's
// cell statistics where `measured`, are left out, and so are cells that `colours` (optional: the
// image MarkShares was given) shows cramped.
std::array<bool, kCells> MarkLostCells(const ContentFingerprint& rec,
                                       const std::array<CellStats, kCells>& query,
                                       const std::array<bool, kCells>& measured,
                                       const CellMarks& marks, const image::Image* colours);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_MARK_LOSS_H_
