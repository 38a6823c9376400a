// The auditor's journey for a batch of images: which files to check, and a verifier that holds the
// home's trust anchors, its watermark key (when it has one) and its ledger (when it has one) open
// for every file of the batch.
#ifndef HALLMARK_PIPELINE_VERIFY_SESSION_H_
#define HALLMARK_PIPELINE_VERIFY_SESSION_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "pipeline/asset_verifier.h"
#include "pipeline/studio.h"

namespace hallmark::pipeline {

// An entry of a named folder that ListImageFiles did not list, and why.
struct SkippedPath {
  std::string path;
  std::string why;  // one line, e.g. "cannot list: Permission denied"
  // True when an image may have gone unchecked (a folder that cannot be read, a looping or broken
  // link, a FIFO named like an image): the run did not check everything it was asked to. False
  // for a symbolic link to a folder, which is never followed by design (it could loop).
  bool missed = true;
};

struct ImageFileList {
  std::vector<std::string> files;
  std::vector<SkippedPath> skipped;
};

// Files named in `paths`, and the image files (by extension) inside named folders - their whole
// tree when `recursive` - in a stable order. Files staged by an interrupted `generate`
// (<out>/.pending/) are not deliveries and are left out.
//
// Listing never throws and never stops at a bad entry: a sub-folder that cannot be read, a
// symbolic link that loops or dangles, or anything else that is not a regular image file is
// reported in `skipped` and the rest is listed. Symbolic links to folders are not followed.
// A named path is passed through to `files` as it is (reading it reports what is wrong with it),
// except that one that does not exist is NotFound and a named folder that cannot be read is
// IoError.
Result<ImageFileList> ListImageFiles(const std::vector<std::string>& paths, bool recursive);

struct VerifySources {
  std::string trust_dir;      // default <home>/trust
  std::string watermark_key;  // default <home>/keys/watermark.key when present
  std::string ledger_file;    // default the home's ledger when present (read-only either way)
  uint64_t max_pixels = 100'000'000;
  // The ledger's integrity check on open (StudioOptions::quick_check): a server opening several
  // sessions on one ledger runs it once.
  bool quick_check = true;
};

class VerifySession {
 public:
  static Result<std::unique_ptr<VerifySession>> Open(const std::string& home,
                                                     const VerifySources& sources);

  // BadInput only when the file cannot be read or decoded as an image.
  Result<AssetVerification> Verify(const std::string& file) { return verifier_->VerifyFile(file); }
  // The same for an image held in memory (an upload), reported under `name`.
  Result<AssetVerification> VerifyBytes(const std::string& name, ByteView bytes) {
    return verifier_->VerifyBytes(name, bytes);
  }

  // The home the session reads, with its ledger (read-only) when it has one.
  Studio& studio() { return studio_; }

 private:
  VerifySession(Studio studio, provenance::TrustStore trust)
      : studio_(std::move(studio)), trust_(std::move(trust)) {}

  Studio studio_;
  provenance::TrustStore trust_;
  std::unique_ptr<AssetVerifier> verifier_;  // refers to trust_ and studio_'s ledger
};

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_VERIFY_SESSION_H_
