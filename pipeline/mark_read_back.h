// MarkReadsBack(): the check `generate` and `sign --watermark` make on each file they deliver.
#ifndef HALLMARK_PIPELINE_MARK_READ_BACK_H_
#define HALLMARK_PIPELINE_MARK_READ_BACK_H_

#include <string>

#include "base/bytes.h"
#include "image/codec.h"
#include "image/image.h"
#include "watermark/key.h"
#include "watermark/payload.h"

namespace hallmark::pipeline {

// Whether the delivered file's own pixels give back `payload` at their own geometry (no search,
// about a millisecond at 256 px). The embedder never clips, so a picture with no room for the
// mark (black-and-white line art, saturated colours) carries little or none of it, and a lossy
// delivery format can remove it; without this check such an asset would be recorded as
// watermarked and pass a policy that requires the mark. `encoded` is the file as delivered in
// `format`, made from `marked`: a PNG holds exactly `marked`, so only other formats are decoded.
// False for a file that does not decode.
bool MarkReadsBack(const image::Image& marked, image::Format format, const Bytes& encoded,
                   const watermark::Key& key, const watermark::Payload& payload);

// What the studio is told about `file` when MarkReadsBack was false: one sentence, the same from
// every command that delivers.
std::string MarkNotReadBackWarning(const std::string& file);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_MARK_READ_BACK_H_
