// HttpGet: the auditor tools' one way to read from a studio's server (`hallmark serve`): a GET of
// `path` under `base_url` ("http://host:port" or "https://host:port"), with time limits, a cap on
// the answer's size, and the server certificate checked against the system's CA store for
// https. Anything but a 200 is an error naming the URL.
#ifndef HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_
#define HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_

#include <cstddef>
#include <string>

#include "base/result.h"

namespace hallmark::pipeline {

// IoError when the server cannot be reached; BadInput for a non-200 answer or one over
// `max_bytes`; InvalidArgument for a base URL that is not http(s)://host[:port].
Result<std::string> HttpGet(const std::string& base_url, const std::string& path,
                            size_t max_bytes = size_t{16} << 20);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_
