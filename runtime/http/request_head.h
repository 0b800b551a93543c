#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/http/header.h"

namespace gw::http {

/// Form of the request-target (RFC 9112 3.2).
enum class TargetForm { kOrigin, kAbsolute, kAsterisk };

/// A parsed request head. Views point into the caller's read buffer (zero-copy) and stay valid
/// while that buffer is unchanged; `host` is an owned lower-cased copy whose capacity is reused.
/// Owned by one session; not thread-safe.
struct RequestHead {
  std::string_view method;
  std::string_view target;  ///< the raw request-target as received
  std::string_view path;    ///< raw (not normalized) path of the target, without query
  std::string_view query;   ///< raw query without '?'; empty if none
  bool hasQuery = false;    ///< a '?' was present (an empty query is kept distinct)
  TargetForm form = TargetForm::kOrigin;
  int versionMinor = 1;  ///< HTTP/1.<minor>
  HeaderList headers;

  bool hasContentLength = false;
  std::uint64_t contentLength = 0;
  bool chunked = false;
  bool keepAlive = true;
  bool expectContinue = false;
  std::string host;  ///< lower-cased, port removed; from the absolute-form target if present

  /// True if a request body follows the head.
  bool hasBody() const { return chunked || (hasContentLength && contentLength > 0); }

  /// Resets for the next request, keeping the capacity of `headers` and `host`.
  void clear() {
    method = target = path = query = {};
    hasQuery = false;
    form = TargetForm::kOrigin;
    versionMinor = 1;
    headers.clear();
    hasContentLength = chunked = expectContinue = false;
    contentLength = 0;
    keepAlive = true;
    host.clear();
  }
};

}  // namespace gw::http
