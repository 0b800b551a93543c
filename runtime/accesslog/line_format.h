#pragma once
// Formats one access-log line (a JSON object and '\n') into a caller's buffer.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/accesslog/access_record.h"

namespace gw::accesslog {

/// Caches the "YYYY-MM-DDTHH:MM:SS" prefix of the current second so most lines skip gmtime_r.
/// One per worker; not thread-safe.
class TimeCache {
 public:
  /// Length of what write() writes.
  static constexpr std::size_t kLength = 24;
  /// Writes `t` as RFC 3339 UTC with milliseconds: 2024-05-01T12:34:56.789Z. Returns the end.
  char* write(char* dst, std::chrono::system_clock::time_point t);
  /// write() appended to `out`.
  void append(std::string& out, std::chrono::system_clock::time_point t);

 private:
  std::int64_t second_ = INT64_MIN;
  char prefix_[20] = {};
};

/// Room writeLine needs for `r` (an upper bound: every string as if each byte were escaped to
/// six), a few hundred bytes more than the line itself.
std::size_t lineBound(const AccessRecord& r);

/// Writes the line for `r` at `dst`, which has room for lineBound(r) bytes; returns its end.
/// Fields in a fixed order: time, request_id, client_ip, method, host, path, route, status,
/// latency_ms (ms, µs precision), upstream, upstream_addr, bytes_in, bytes_out, decision, rule,
/// subject (and parts, when present).
char* writeLine(const AccessRecord& r, TimeCache& time, char* dst);

/// Replaces the contents of `out` with the line for `r` (writeLine into a string).
void formatLine(const AccessRecord& r, TimeCache& time, std::string& out);

}  // namespace gw::accesslog
