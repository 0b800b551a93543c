#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/balance/fast_rng.h"

/// Request identity: X-Request-ID and W3C traceparent. Stateless helpers plus a per-worker
/// random generator (not thread-safe: one per worker thread).
namespace gw::server {

/// The balancers' xoshiro256** generator, seeded from std::random_device so that ids differ
/// across processes and workers: fast, not cryptographic (ids are not secrets).
class Random {
 public:
  Random();
  /// A fixed sequence, for tests that check ids digit by digit.
  explicit Random(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() { return rng_.next(); }

 private:
  balance::FastRng rng_;
};

/// A client-supplied X-Request-ID is kept when it is 1..128 printable ASCII bytes (0x21-0x7e).
bool isValidRequestId(std::string_view id);

/// Writes a new 32-hex-digit id into `out` (cleared first; capacity reused).
void generateRequestId(Random& rng, std::string& out);

/// The traceparent to send upstream: the incoming trace id and flags are kept with a new span
/// (parent-id) when `incoming` is a valid version-00 traceparent; otherwise a new trace id and
/// span id with flags 00 are generated. Writes 55 characters into `out`.
void makeTraceparent(std::string_view incoming, Random& rng, std::string& out);

/// Validates a traceparent (W3C Trace Context level 1).
bool isValidTraceparent(std::string_view tp);

}  // namespace gw::server
