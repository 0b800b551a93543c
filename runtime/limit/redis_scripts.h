#pragma once

#include <string>
#include <string_view>

#include "runtime/limit/limit_spec.h"

namespace gw::limit {

/// A Lua script run with EVALSHA; `sha1` is computed locally so the first call needs no round
/// trip, and a NOSCRIPT reply makes the client SCRIPT LOAD `source` and retry once.
/// Immutable, process-wide.
struct RedisScript {
  std::string_view name;
  std::string_view source;
  std::string sha1;
};

/// The script deciding `algorithm` atomically with the server's TIME, so instances with skewed
/// clocks agree. KEYS[1] is the counter key; ARGV is (count, period in microseconds, quota).
/// Reply: {allowed 0|1, remaining, reset in us, retry-after in us}.
[[nodiscard]] const RedisScript& redisScriptFor(Algorithm algorithm) noexcept;

/// Lowercase hex SHA-1 of `text` (what Redis uses to name scripts).
[[nodiscard]] std::string sha1Hex(std::string_view text);

}  // namespace gw::limit
