#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/limit/redis_client.h"

namespace gw::limit {

/// Parses the gateway's `redis` address into connection options:
///   redis://[[user]:password@]host[:port][/db][?timeout=100ms&connect_timeout=500ms]
///   unix:///path/to/redis.sock[?db=N&timeout=...]
/// A host name is resolved here, with a blocking getaddrinfo, so this runs at configuration
/// time only (never on an event loop); the first IPv4 or IPv6 address wins. `rediss://` (TLS)
/// is refused. Returns a lowercase message naming the problem, or nullopt on success.
[[nodiscard]] std::optional<std::string> parseRedisUrl(std::string_view url, RedisOptions& out);

}  // namespace gw::limit
