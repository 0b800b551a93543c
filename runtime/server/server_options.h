#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/http/request_parser.h"

namespace gw::tls {
class ServerTlsContext;
}

namespace gw::server {

using Millis = std::chrono::milliseconds;

/// Upstream connection-pool settings (one pool per worker thread).
struct PoolOptions {
  std::size_t maxIdlePerUpstream = 64;  ///< idle keep-alive connections kept per host:port
  Millis maxIdleTime{30000};            ///< an idle connection older than this is not reused
  std::size_t bufferBytes = 65536;      ///< per-connection response buffer
};

/// Everything the serving core needs; immutable once the Server is constructed.
struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: the kernel picks one; Server::port() tells which
  std::size_t threads = 0;  ///< 0: std::thread::hardware_concurrency()
  /// Worker threads are named `<threadName>-<index>` (runtime/base/thread_role.h).
  std::string threadName = "gw-worker";
  /// SCHED_BATCH workers (the admin listener's): their wake-ups never preempt the proxy's.
  bool background = false;
  int backlog = 1024;
  /// TLS listener: called for every accepted connection (any worker thread) and returns the
  /// TLS context to handshake with, normally the current policy generation's, so a reload
  /// reaches new handshakes while live connections keep theirs. A null result refuses the
  /// connection. Unset: plain TCP.
  std::function<std::shared_ptr<const tls::ServerTlsContext>()> tlsContext;
  /// Reports a failed TLS handshake (peer address, reason) from a worker thread. Optional.
  std::function<void(std::string_view peer, std::string_view reason)> onTlsFailure;
  Millis handshakeTimeout{10000};  ///< TLS handshake, from accept, unless the context sets one

  http::RequestLimits limits;
  std::size_t bodyBufferBytes = 65536;  ///< per-session request-body buffer (allocated lazily)

  Millis headerTimeout{10000};  ///< whole request head, from its first byte (408)
  Millis idleTimeout{60000};    ///< keep-alive wait for the next request, and client writes
  Millis bodyIdleTimeout{30000};  ///< longest gap between request-body reads
  Millis drainTimeout{10000};   ///< graceful shutdown: in-flight requests get this long

  std::uint64_t defaultMaxBody = 1ull << 40;  ///< used when a decision leaves max_body at 0
  Millis defaultUpstreamTimeout{30000};
  Millis defaultConnectTimeout{3000};
  PoolOptions pool;
};

}  // namespace gw::server
