// HttpGet and HttpPost: the auditor tools' one way to talk to a studio's server (`hallmark
// serve`): a request for `path` under `base_url` ("http://host:port" or "https://host:port"),
// with time limits, a cap on the answer's size, and the server certificate checked against the
// system's CA store for https. Anything but a 200 is an error naming the URL and, when short,
// the server's own error line.
#ifndef HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_
#define HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_

#include <cstddef>
#include <string>

#include "base/result.h"

namespace hallmark::pipeline {

// InvalidArgument unless `base_url` is http(s)://host[:port] (no path).
Status CheckServerUrl(const std::string& base_url);

// IoError when the server cannot be reached; BadInput for a non-200 answer or one over
// `max_bytes`; InvalidArgument for a base URL that is not http(s)://host[:port].
Result<std::string> HttpGet(const std::string& base_url, const std::string& path,
                            size_t max_bytes = size_t{16} << 20);
// POSTs `body` typed `content_type`, with an X-Filename header when `name` is not empty.
Result<std::string> HttpPost(const std::string& base_url, const std::string& path,
                             const std::string& body, const std::string& content_type,
                             const std::string& name, size_t max_bytes = size_t{16} << 20);

}  // namespace hallmark::pipeline

#endif  // HALLMARK_PIPELINE_SERVICE_HTTP_FETCH_H_
