// Small text helpers shared by the modules.
#ifndef HALLMARK_BASE_TEXT_H_
#define HALLMARK_BASE_TEXT_H_

#include <string>
#include <string_view>

namespace hallmark {

// `s` with 'A'..'Z' mapped to 'a'..'z' and every other byte, UTF-8 included, left as it is.
// Independent of the C locale, so identifiers (SPDX ids, file extensions, class names) compare
// the same everywhere.
std::string AsciiLower(std::string_view s);

}  // namespace hallmark

#endif  // HALLMARK_BASE_TEXT_H_
