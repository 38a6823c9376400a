// The verify page's files (page/), built into the binary so the server needs no files at run
// time and serves nothing from the file system.
#ifndef HALLMARK_PIPELINE_SERVICE_PAGE_ASSETS_H_
#define HALLMARK_PIPELINE_SERVICE_PAGE_ASSETS_H_

#include <string_view>
#include <vector>

namespace hallmark::pipeline {

struct PageAsset {
  std::string_view path;  // "/", "/verify.js", ...
  std::string_view content_type;
  std::string_view body;
};

const std::vector<PageAsset>& PageAssets();

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_PAGE_ASSETS_H_
