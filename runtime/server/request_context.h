#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "runtime/http/request_head.h"

namespace gw::tls {
struct PeerIdentity;
}

namespace gw::server {

/// What the policy hook sees of one request. All views point into session-owned storage (the
/// read buffer and reused strings) and are valid until the hook's decision has been carried out;
/// a hook that needs a value later copies it. Single-threaded: lives on one worker.
struct RequestContext {
  std::string_view method;
  std::string_view path;     ///< normalized: the one value for matching, policy, logs, forwarding
  std::string_view rawPath;  ///< as received; for diagnostics only, never for decisions
  std::string_view query;    ///< raw query (not normalized), without '?'
  bool hasQuery = false;
  std::string_view host;  ///< lower-cased, without port
  const http::RequestHead* head = nullptr;  ///< all headers, framing, version
  std::string_view clientIp;
  std::uint16_t clientPort = 0;
  bool tls = false;
  /// The verified client certificate of this TLS connection (mTLS), or null. Lives as long
  /// as the connection.
  const tls::PeerIdentity* clientCert = nullptr;
  std::string_view requestId;    ///< X-Request-ID: the client's if valid, else generated
  std::string_view traceparent;  ///< the traceparent the upstream will receive
  std::size_t workerIndex = 0;
  std::chrono::steady_clock::time_point start;

  /// First request header named `name` (case-insensitive), or an empty view.
  std::string_view header(std::string_view name) const {
    const http::Header* h = head != nullptr ? http::findHeader(head->headers, name) : nullptr;
    return h != nullptr ? h->value : std::string_view();
  }
};

}  // namespace gw::server
