#include "tests/support/json_lines.h"

#include <sstream>

namespace hallmark::testing {

std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> docs;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] == '{') docs.push_back(nlohmann::json::parse(line));
  }
  return docs;
}

}  // namespace hallmark::testing
