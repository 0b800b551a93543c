#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "runtime/http/header.h"
#include "runtime/http/parse_result.h"

namespace gw::http {

/// How the body of an upstream response is delimited (RFC 9112 6.3).
enum class BodyKind { kNone, kContentLength, kChunked, kUntilClose };

/// A parsed upstream response head; views point into the upstream read buffer.
struct ResponseHead {
  int status = 0;
  std::string_view reason;
  int versionMinor = 1;
  HeaderList headers;
  BodyKind body = BodyKind::kNone;
  std::uint64_t contentLength = 0;
  bool keepAlive = true;  ///< the upstream connection may be reused after this response

  bool interim() const { return status >= 100 && status < 200; }
  void clear() {
    status = 0;
    reason = {};
    versionMinor = 1;
    headers.clear();
    body = BodyKind::kNone;
    contentLength = 0;
    keepAlive = true;
  }
};

struct ResponseLimits {
  std::size_t maxHeaderBytes = 65536;
  std::size_t maxHeaderCount = 200;
};

/// Strict incremental parser of upstream response heads (same design as RequestParser). An
/// interim 1xx head parses as complete with `interim()` true: the caller consumes it and calls
/// `reset()` then `parse` again for the final response. Not thread-safe; one per connection.
class ResponseParser {
 public:
  explicit ResponseParser(ResponseLimits limits = {}) : limits_(limits) {}

  /// `requestMethodHead` tells that the request was HEAD (the response then has no body).
  /// Errors carry httpStatus 502: the gateway answers a malformed upstream response with 502.
  ParseResult parse(std::string_view buf, bool requestMethodHead, ResponseHead& head);
  void reset() { scanned_ = 0; }

 private:
  ParseResult parseStatusLine(std::string_view line, ResponseHead& head);

  ResponseLimits limits_;
  std::size_t scanned_ = 0;
};

}  // namespace gw::http
