#pragma once

#include <string>
#include <string_view>

/// Request-path normalization: the one place that turns a raw request path into the value used
/// for route matching, policy, rate-limit keys, logs and the forwarded request. The exact rules,
/// with examples, are in docs/path-normalization.md.
namespace gw::http {

/// Outcome of normalizePath. `reason` is a static string.
struct NormalizeResult {
  bool ok = true;
  int httpStatus = 0;  ///< 400 when !ok
  const char* reason = "";
};

/// Normalizes `rawPath` (origin-form path, no query) into `out` (cleared first; its capacity is
/// reused, so a session-owned string makes this allocation-free in steady state):
///   1. percent-decodes unreserved characters (ALPHA DIGIT - . _ ~), upper-cases other escapes;
///   2. rejects `%2F`, `%5C`, `%00`, raw `\`, control bytes, invalid escapes, and dot segments
///      carrying parameters (`..;x`, `.;x`);
///   3. removes `.` and `..` segments (RFC 3986 5.2.4) after step 1, so `%2e%2e` is `..`;
///      a `..` that would climb above the root is rejected;
///   4. merges repeated slashes; keeps a trailing slash.
/// The asterisk-form target `*` normalizes to itself. Pure function; thread-safe.
NormalizeResult normalizePath(std::string_view rawPath, std::string& out);

}  // namespace gw::http
