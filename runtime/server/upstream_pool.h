#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/server/server_options.h"
#include "runtime/server/transport.h"
#include "runtime/server/watchdog.h"

namespace gw::server {

/// One keep-alive connection to an upstream with its response buffer. Owned by exactly one
/// request while in use, by the pool while idle.
struct UpstreamConnection {
  UpstreamConnection(const boost::asio::any_io_executor& ex, std::size_t bufferBytes)
      : transport(ex), buffer(new char[bufferBytes]), capacity(bufferBytes) {}

  Transport transport;  ///< TCP, or TLS for an upstream with a `tls` block
  std::unique_ptr<char[]> buffer;
  std::size_t capacity;
  std::size_t begin = 0;  ///< unconsumed bytes are [begin, end)
  std::size_t end = 0;
  std::string key;  ///< "host:port" it belongs to (plus the TLS context for TLS upstreams)
  bool reused = false;  ///< came from the idle list (may have been closed by the peer)
  Millis maxIdle{0};    ///< longest idle time in the pool (the upstream's idle_timeout); 0: default
  std::chrono::steady_clock::time_point idleSince;

  std::string_view buffered() const { return {buffer.get() + begin, end - begin}; }
};

/// Why a connection could not be obtained.
enum class ConnectError { kNone, kResolve, kRefused, kTimeout, kHandshake };

struct AcquireResult {
  std::unique_ptr<UpstreamConnection> conn;
  ConnectError error = ConnectError::kNone;
};

/// Per-worker pool of upstream connections, keyed by host:port: keep-alive reuse, a bounded idle
/// list per key (LIFO, so the warmest connection is reused), stale-connection checks and a
/// connect timeout. Single-threaded by design (one per worker): no locks.
class UpstreamPool {
 public:
  UpstreamPool(boost::asio::any_io_executor ex, PoolOptions options)
      : ex_(std::move(ex)), options_(options) {}

  /// An idle connection to host:port if a live one exists (unless `fresh`), else a new one.
  /// `watchdog` bounds resolution, connect and the TLS handshake by `connectTimeout`. With
  /// `tls`, new connections handshake with it (a failed handshake is kHandshake) and idle ones
  /// are only reused by requests using the same context: a reloaded CA or certificate applies
  /// to new connections, and connections made under the old one drain away as they idle out.
  boost::asio::awaitable<AcquireResult> acquire(
      std::string_view host, std::uint16_t port, Millis connectTimeout, Watchdog& watchdog,
      bool fresh = false, const std::shared_ptr<const tls::UpstreamTlsContext>& tls = nullptr);

  /// Returns a connection whose last response was fully read and which may be kept alive.
  void release(std::unique_ptr<UpstreamConnection> conn);

  /// Closes every idle connection (shutdown).
  void closeAll();

  std::size_t idleCount() const;

 private:
  std::unique_ptr<UpstreamConnection> takeIdle(const std::string& key);

  boost::asio::any_io_executor ex_;
  PoolOptions options_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
  std::string keyScratch_;
};

}  // namespace gw::server
