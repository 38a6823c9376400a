// Reading `--json` output, which is one JSON document a line (a command over many files prints
// one per file).
#ifndef HALLMARK_TESTS_SUPPORT_JSON_LINES_H_
#define HALLMARK_TESTS_SUPPORT_JSON_LINES_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hallmark::testing {

// Every line of `out` that starts with '{', parsed; other lines (progress, notes) are skipped. A
// line that starts like JSON but does not parse throws, failing the test.
std::vector<nlohmann::json> JsonLines(const std::string& out);

}  // namespace hallmark::testing

#endif  // HALLMARK_TESTS_SUPPORT_JSON_LINES_H_
