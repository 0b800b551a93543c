#pragma once

#include <cstddef>
#include <string_view>

#include "runtime/http/parse_result.h"
#include "runtime/http/request_head.h"

namespace gw::http {

/// Limits enforced while parsing a request head.
struct RequestLimits {
  std::size_t maxUriLength = 8192;     ///< request-target bytes; over it: 414
  std::size_t maxHeaderBytes = 16384;  ///< whole head including the request line; over it: 431
  std::size_t maxHeaderCount = 100;    ///< field lines; over it: 431
};

/// Strict, incremental, zero-copy HTTP/1.1 request-head parser (RFC 9112), in the manner of
/// picohttpparser: call `parse` with the whole buffered input each time more bytes arrive; it
/// only scans the new bytes for the end of the head, then parses the head in one pass into
/// string_views over the buffer. One parser per connection; not thread-safe.
class RequestParser {
 public:
  explicit RequestParser(RequestLimits limits = {}) : limits_(limits) {}

  /// Parses `buf` (everything buffered since the start of this request). On kComplete, `head`
  /// is filled and `consumed` is the head length (the body, if any, starts there). On kError,
  /// `httpStatus` is 400, 414, 417, 431, 501 or 505. Call `reset()` before the next request.
  ParseResult parse(std::string_view buf, RequestHead& head);

  /// Forgets the incremental scan state (call after each complete request or error).
  void reset() { scanned_ = 0; }

  const RequestLimits& limits() const { return limits_; }

 private:
  ParseResult parseHead(std::string_view headText, RequestHead& head);
  ParseResult parseRequestLine(std::string_view line, RequestHead& head);
  ParseResult checkEarlyLimits(std::string_view buf) const;

  RequestLimits limits_;
  std::size_t scanned_ = 0;
};

}  // namespace gw::http
