#pragma once
// Formats one access-log line (a JSON object and '\n') into a reused buffer.
#include <chrono>
#include <cstdint>
#include <string>

#include "runtime/accesslog/access_record.h"

namespace gw::accesslog {

/// Caches the "YYYY-MM-DDTHH:MM:SS" prefix of the current second so most lines skip gmtime_r.
/// One per worker; not thread-safe.
class TimeCache {
 public:
  /// Appends `t` as RFC 3339 UTC with milliseconds: 2024-05-01T12:34:56.789Z.
  void append(std::string& out, std::chrono::system_clock::time_point t);

 private:
  std::int64_t second_ = INT64_MIN;
  char prefix_[20] = {};
};

/// Replaces the contents of `out` with the line for `r`, fields in a fixed order:
/// time, request_id, client_ip, method, host, path, route, status, latency_ms (ms, µs precision),
/// upstream, upstream_addr, bytes_in, bytes_out, decision, rule, subject. Keeps `out`'s
/// capacity.
void formatLine(const AccessRecord& r, TimeCache& time, std::string& out);

}  // namespace gw::accesslog
