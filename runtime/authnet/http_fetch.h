#pragma once

// A small asynchronous HTTP/1.1 client for the control-plane calls of authentication (JWKS
// documents, RFC 7662 introspection). These calls are rare, so it opens one connection per
// request ("Connection: close") and keeps no pool; every exchange is bounded by a connect
// timeout, a total deadline and a response size cap, and never throws.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "runtime/authnet/fetch_url.h"
#include "runtime/tls/upstream_context.h"

namespace gw::authnet {

/// Why an exchange produced no usable HTTP response. A response with any status code is kNone:
/// the caller decides what a 404 or 500 means.
enum class FetchError : std::uint8_t {
  kNone,
  kResolve,            ///< the host name did not resolve
  kConnect,            ///< no endpoint accepted the TCP connection
  kTls,                ///< handshake or certificate verification failed, or no TLS context
  kTimeout,            ///< connect timeout or total deadline passed
  kIo,                 ///< the connection failed while writing or reading
  kMalformedResponse,  ///< not HTTP/1.x, bad framing, or closed before the end of the body
  kTooLarge,           ///< the body exceeds FetchOptions::maxBodyBytes
};

/// Stable lowercase name for logs ("timeout").
std::string_view fetchErrorName(FetchError error) noexcept;

/// Bounds of one exchange.
struct FetchOptions {
  std::chrono::milliseconds connectTimeout{2000};  ///< resolve + TCP connect
  std::chrono::milliseconds totalTimeout{5000};    ///< everything, from start to last body byte
  std::size_t maxBodyBytes = 1024 * 1024;
  std::size_t maxHeaderBytes = 16 * 1024;
};

/// One request. GET when `body` is empty and method is "GET"; POST sends `body` with
/// `contentType` and a Content-Length.
struct FetchRequest {
  std::string method = "GET";
  FetchUrl url;
  std::string body;
  std::string contentType;
  std::string authorization;  ///< full Authorization header value; omitted when empty
  std::string accept = "application/json";
};

/// The outcome: either an error, or a status code with the (decoded, de-chunked) body.
struct FetchResponse {
  FetchError error = FetchError::kNone;
  std::string detail;  ///< what went wrong, for logs (OS or TLS error text); empty on success
  int status = 0;
  std::string body;
  std::optional<std::int64_t> maxAgeSeconds;  ///< Cache-Control max-age, if present and valid
  bool ok() const noexcept { return error == FetchError::kNone; }
};

/// Performs one exchange on the executor of the awaiting coroutine (a worker's io_context or
/// the control loop); nothing blocks that thread. `tls` must be non-null for https URLs and is
/// only read (an UpstreamTlsContext is shared by all threads). Arguments are taken by value so
/// the coroutine owns them. Never throws for network or protocol errors.
boost::asio::awaitable<FetchResponse> httpFetch(FetchRequest request, FetchOptions options,
                                                std::shared_ptr<const tls::UpstreamTlsContext> tls);

/// The system trust store used when no CA file is configured.
inline constexpr const char* kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

/// A verifying client TLS context trusting `caFile` (the system bundle when empty), with SNI and
/// host name verification done per connection by httpFetch. nullptr + `error` on failure.
std::shared_ptr<const tls::UpstreamTlsContext> makeFetchTlsContext(const std::string& caFile,
                                                                   std::string& error);

/// A configured endpoint ready for httpFetch: its parsed URL and, for https, its TLS context.
struct FetchTarget {
  FetchUrl url;
  std::shared_ptr<const tls::UpstreamTlsContext> tls;  ///< nullptr for http
};

/// Parses `url` and builds its TLS context (trusting `caFile`, see makeFetchTlsContext).
/// std::nullopt + `error` ("<what> url `…`: reason") on failure. Used once per configured
/// endpoint at set-up, never per request.
std::optional<FetchTarget> prepareFetchTarget(const std::string& url, const std::string& caFile,
                                              std::string_view what, std::string& error);

/// The max-age directive of a Cache-Control value ("public, max-age=300"); std::nullopt when
/// absent or malformed. `no-store` and `no-cache` yield 0 (revalidate at the earliest chance).
std::optional<std::int64_t> parseCacheControlMaxAge(std::string_view value) noexcept;

}  // namespace gw::authnet
