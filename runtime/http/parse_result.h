#pragma once

#include <cstddef>

namespace gw::http {

/// Outcome of one incremental parse call.
enum class ParseStatus {
  kComplete,  ///< a whole head was parsed; `consumed` bytes belong to it
  kNeedMore,  ///< no error so far; call again with more bytes
  kError,     ///< the input is malformed; answer `httpStatus` and close the connection
};

/// Result of RequestParser::parse / ResponseParser::parse. `reason` is a static string (never
/// freed) suitable for logs and the JSON error body.
struct ParseResult {
  ParseStatus status = ParseStatus::kNeedMore;
  std::size_t consumed = 0;
  int httpStatus = 0;
  const char* reason = "";

  static constexpr ParseResult complete(std::size_t n) {
    return {ParseStatus::kComplete, n, 0, ""};
  }
  static constexpr ParseResult needMore() { return {}; }
  static constexpr ParseResult error(int status, const char* why) {
    return {ParseStatus::kError, 0, status, why};
  }
  constexpr bool ok() const { return status == ParseStatus::kComplete; }
};

}  // namespace gw::http
