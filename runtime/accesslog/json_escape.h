#pragma once
// JSON string escaping for log lines built by hand (no DOM, no allocation beyond `out` growth).
#include <cstddef>
#include <string>
#include <string_view>

namespace gw::accesslog {

/// Appends `s` as a JSON string literal, quotes included: escapes `"` and `\`, control bytes
/// (\n, \r, \t, \b, \f, else \u00XX) and DEL; invalid UTF-8 bytes become U+FFFD so every line
/// stays valid JSON. At most `maxBytes` input bytes are used (a longer value ends in "..."). Pure.
void appendJsonString(std::string& out, std::string_view s, std::size_t maxBytes = 4096);

}  // namespace gw::accesslog
