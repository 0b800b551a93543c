#pragma once
// One request as the access log records it.
#include <chrono>
#include <cstdint>
#include <string_view>

namespace gw::accesslog {

/// What the gateway decided (the `decision` field).
enum class Outcome : std::uint8_t {
  kAllow,             ///< passed every check (forwarded, or answered by the route itself)
  kDeny,              ///< an authorization rule denied (see `rule`)
  kLimited,           ///< a rate limit refused (`rule` names the limit)
  kUnauthenticated,   ///< no valid credential (`rule` names the provider or reason)
  kNoRoute,           ///< 404: nothing matched
  kMethodNotAllowed,  ///< 405
  kUnavailable,       ///< 503: no healthy server, breaker open, auth backend down
  kError,             ///< the upstream exchange failed (502/504) or another local error
};

/// The `decision` string of an outcome.
constexpr std::string_view outcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAllow:
      return "allow";
    case Outcome::kDeny:
      return "deny";
    case Outcome::kLimited:
      return "limited";
    case Outcome::kUnauthenticated:
      return "unauthenticated";
    case Outcome::kNoRoute:
      return "no_route";
    case Outcome::kMethodNotAllowed:
      return "method_not_allowed";
    case Outcome::kUnavailable:
      return "unavailable";
    case Outcome::kError:
      return "error";
  }
  return "error";
}

/// Borrowed views: valid only during AccessLog::append, which copies what it needs. Empty
/// strings are logged as "". Not thread-safe (fill and append on one worker).
struct AccessRecord {
  std::chrono::system_clock::time_point time{};  ///< epoch (default): append uses now()
  std::string_view requestId;
  std::string_view clientIp;
  std::string_view method;
  std::string_view host;
  std::string_view path;  ///< the normalized path (never the query)
  std::string_view route;
  int status = 0;  ///< sent to the client; 0 when the connection was lost first
  std::chrono::nanoseconds latency{0};
  std::string_view upstream;      ///< upstream name
  std::string_view upstreamAddr;  ///< "ip:port" of the server used
  std::uint64_t bytesIn = 0;      ///< request body bytes
  std::uint64_t bytesOut = 0;     ///< response body bytes
  Outcome decision = Outcome::kAllow;
  std::string_view rule;  ///< the deciding rule/limit/provider when not allowed, else empty
  std::string_view subject;  ///< the authenticated principal (`sub`, API key name), else empty
  /// An aggregate route's sub-requests: a JSON array, already rendered, written as `parts`
  /// when not empty (runtime/gateway/aggregate_body.h).
  std::string_view partsJson;
};

}  // namespace gw::accesslog
