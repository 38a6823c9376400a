// CompareContent: whether an image shows the content a recorded fingerprint summarises, the same
// content changed in places, or other content altogether. `hallmark verify` asks this of every
// watermark hit that has no valid manifest behind it: a mark copied onto another picture names an
// asset whose fingerprint the picture does not match.
//
//   Alignment a{.scale = detection_scale * query_short / recorded_short,
//               .rotation_degrees = detection.rotation_degrees};
//   HM_ASSIGN_OR_RETURN(ContentComparison c, CompareContent(recorded, query, a));
//   // c.match: kSame, kAltered (c.changed_regions says where), kDifferent, kUncomparable
//
// Contract:
// - The query is brought into the recorded image's frame with the scale, rotation and mirroring
//   that the watermark search recovered; the translation (a crop's offset) is searched here.
// - Cells whose mean or detail departs from the recorded ones beyond what the rest of the image's
//   noise explains are changed. `similarity` is the correlation of the two images' cell means
//   after removing each cell's neighbourhood average (a band-pass view, blind to brightness and
//   contrast), over the unchanged cells. Different content scores near 0, the same content near
//   1. The content is kDifferent when more than half the compared cells changed, when the
//   similarity is under ComparisonThresholds::min_similarity, or when the query's structure is
//   far fainter or stronger than the record's (min_amplitude), or when its cell means scatter
//   about its tone map by more than a copy's do (max_tone_noise).
// - Otherwise changed cells in a connected group of at least min_changed_cells make the content
//   kAltered; each group is reported as a rectangle of the recorded image.
// - A featureless recorded image (one smooth gradient) has no structure to correlate: the query
//   must then show the whole picture, and is compared by tone (its cell means against the
//   record's after a brightness and contrast fit); changed cells make it kAltered as above. It
//   cannot tell the record from another picture of the same gradient.
// - A flat record (its cell means spread under min_tone_range) is matched by any plain picture of
//   its tone and colour. A whole copy whose tone is within 10 grey levels of it: kAltered where
//   cells changed; kSame where none did and each colour channel's mean is within 6 levels of the
//   recorded colour. A textured picture is kDifferent. `similarity` is then 1 minus the largest
//   of the tone shift over 10 levels, the tone residual over max_tone_residual and the colour
//   shift over 6 levels (`min_similarity` 0).
// - kUncomparable when too little of the recorded image is visible, when a featureless record is
//   met by a crop (nothing places it), or when a flat record is met by a plain picture in another
//   tone or colour (or its colour is unknown: a record made before colours, or a query given as
//   luma alone).
#ifndef HALLMARK_WATERMARK_FINGERPRINT_CONTENT_COMPARISON_H_
#define HALLMARK_WATERMARK_FINGERPRINT_CONTENT_COMPARISON_H_

#include <string>
#include <vector>

#include "base/result.h"
#include "image/image.h"
#include "image/plane.h"
#include "watermark/fingerprint/content_fingerprint.h"
#include "watermark/watermark.h"

namespace hallmark::fingerprint {

// How the query's pixels relate to the recorded image's, as the watermark search found them.
struct Alignment {
  double scale = 1.0;  // query pixels per recorded-image pixel
  double rotation_degrees =
      0.0;                // as watermark::Detection reports it (the query turned the other way)
  bool mirrored = false;  // query is the recorded image flipped left to right
};

// The operating point. The defaults come from the measured distributions in
// docs/benchmarks.md (bench/watermark/fingerprint_bench.cc).
struct ComparisonThresholds {
  double min_similarity = 0.5;
  // The query's structure must have at least this share of the record's amplitude (and at most
  // its inverse): a copied mark carries a faint ghost of its asset that correlates with it.
  double min_amplitude = 0.35;
  int min_changed_cells = 4;
  int min_cells = 64;  // fewer comparable cells: kUncomparable
  // A recorded ContentFingerprint::structure() below this is featureless: compared by tone, and
  // only against a query of the whole picture (kUncomparable otherwise).
  double min_structure = 1.0;
  // Featureless records: the most the query's cell means may depart from the record's after a
  // brightness and contrast fit (robust sigma over the unchanged cells, grey levels).
  double max_tone_residual = 3.0;
  // ... and the least correlation of the cell means themselves (a copy's are above 0.999; two
  // wallpapers of one design in other colours reach 0.6-0.97).
  double min_tone_similarity = 0.98;
  // ... and the least spread of the record's cell means (standard deviation, grey levels): a
  // flatter record is flat, matched by tone and colour (above).
  double min_tone_range = 8.0;
  // Records with structure: the most the query's cell means may scatter about the tone map that
  // explains them best (robust sigma, grey levels; over the cells left unchanged where the line
  // over all of them is over it). Copies under every attack measured stay within 16.1; another
  // picture whose structure correlates by chance may scatter by tens of levels (a portrait taken
  // for another of the same composition: 48), while no cell stands out against that scatter.
  double max_tone_noise = 24.0;
};

enum class ContentMatch { kSame, kAltered, kDifferent, kUncomparable };
// "same", "altered", "different", "uncomparable"
const char* ContentMatchName(ContentMatch m);

// A changed area, in the recorded image's pixels.
struct ChangedRegion {
  int x = 0, y = 0, width = 0, height = 0;
  int cells = 0;  // grid cells in the group
};

struct ContentComparison {
  ContentMatch match = ContentMatch::kUncomparable;
  double similarity = 0.0;
  double min_similarity = 0.0;  // the threshold the decision used
  int cells_compared = 0;
  int cells_changed = 0;
  // For records with structure: the cell means' robust sigma about the query's tone map, and its
  // threshold (ComparisonThresholds::max_tone_noise); 0 for featureless records.
  double tone_noise = 0.0;
  double max_tone_noise = 0.0;
  std::vector<ChangedRegion> changed_regions;  // only for kAltered
  std::string note;  // why, for kUncomparable, and for kDifferent when the tones decided it

  // 1 - similarity, and its threshold: the "distance" reports show.
  double distance() const { return 1.0 - similarity; }
  double max_distance() const { return 1.0 - min_similarity; }
};

// InvalidArgument for an alignment with a non-positive or non-finite scale. An image the
// fingerprint cannot summarise is kUncomparable, not an error.
Result<ContentComparison> CompareContent(const ContentFingerprint& recorded,
                                         const image::Image& query, const Alignment& alignment,
                                         const ComparisonThresholds& thresholds = {});
// The same from the query's luma (watermark::LumaPlane), for a caller that already holds it.
// `mark`, when given, is the mark the watermark layer read (the recorded asset's key and
// payload): a whole, unmoved copy (the alignment is the identity and the sizes agree) then also
// counts as changed the cells that lost the mark where the cells the record describes alike kept
// it (mark_loss.h), such as a smooth fill over a smooth area, which changes a cell's tone and
// detail too little to see. Any other query is compared on its content alone.
struct RecordedMark {
  const watermark::Key* key = nullptr;
  watermark::Payload payload;
  // The query itself, when the caller has it: where a pixel's channels leave no room above or
  // below (a saturated colour, as well as black or white), the embedder could not mark it, and a
  // copy whose tone was stretched clipped it (a cell may then fall short of the tone fit by what
  // its clipped channels explain). Without it only the luma's own extremes are known, and a flat
  // record cannot be confirmed (its colour is compared). With `key` null only the colours are
  // used.
  const image::Image* query = nullptr;
};
Result<ContentComparison> CompareContent(const ContentFingerprint& recorded,
                                         image::Plane query_luma, const Alignment& alignment,
                                         const ComparisonThresholds& thresholds = {},
                                         const RecordedMark* mark = nullptr);

}  // namespace hallmark::fingerprint

#endif  // HALLMARK_WATERMARK_FINGERPRINT_CONTENT_COMPARISON_H_
