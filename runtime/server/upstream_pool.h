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

#include "runtime/net/peer_watch.h"
#include "runtime/server/send_batch.h"
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
  /// The pool's idle list of its host:port (and TLS context): release() goes straight to it.
  /// The pool never erases a list before closeAll(), after which release() does not use it.
  std::vector<std::unique_ptr<UpstreamConnection>>* idleList = nullptr;
  bool reused = false;  ///< came from the idle list (may have been closed by the peer)
  Millis maxIdle{0};    ///< longest idle time in the pool (the upstream's idle_timeout); 0: default
  std::chrono::steady_clock::time_point idleSince;
  std::shared_ptr<net::PeerWatch> watch;  ///< set on the first release()

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
///
/// Stale connections are found the way nginx finds them, by the event loop rather than a
/// system call per reuse: a released connection gets a net::PeerWatch, a read-readiness
/// operation queued on the socket's permanent edge-triggered registration; if the socket turns
/// readable while the connection idles (the peer closed it, or sent bytes nobody asked for), the
/// connection is not reused. Upstream reads are kDrainedPerInq reads on sockets with TCP_INQ
/// (runtime/net/inq_recv.h): the read that ends a response knows whether anything, a FIN
/// included, is left, so when nothing is the watch queues without a system call, and a later
/// close raises an edge that runs it; when something is (or the last read could not tell), the
/// watch looks once with recv(MSG_PEEK). The watch stays queued into the next request on the
/// connection, whose response read queues behind it; the response's edge completes both. Per
/// reuse: no epoll_ctl, no poll, no recv that returns EAGAIN (bench/RESULTS.md, "Session 7 (io
/// helper)"). A close racing with the reuse fails the request before any response byte, which
/// the forwarder retries once on a fresh connection for a request it can replay; requests it
/// cannot replay (a streamed body) also ask for `verifyIdle`, a zero-timeout poll.
class UpstreamPool {
 public:
  UpstreamPool(boost::asio::any_io_executor ex, PoolOptions options)
      : ex_(std::move(ex)), options_(options), sends_(ex_) {}

  /// An idle connection to host:port if a live one exists (unless `fresh`), else a new one.
  /// `verifyIdle`: also poll a reused connection (for a request that cannot be sent twice).
  /// `watchdog` bounds resolution, connect and the TLS handshake by `connectTimeout`. With
  /// `tls`, new connections handshake with it (a failed handshake is kHandshake) and idle ones
  /// are only reused by requests using the same context: a reloaded CA or certificate applies
  /// to new connections, and connections made under the old one drain away as they idle out.
  boost::asio::awaitable<AcquireResult> acquire(
      std::string_view host, std::uint16_t port, Millis connectTimeout, Watchdog& watchdog,
      bool fresh = false, const std::shared_ptr<const tls::UpstreamTlsContext>& tls = nullptr,
      bool verifyIdle = false);

  /// acquire()'s first step without a coroutine: a live idle connection to host:port (same
  /// `tls`, verified like acquire()'s `verifyIdle`), or null when acquire() must connect. Why:
  /// acquire() is a coroutine frame per request even when, as almost always, the pool has one.
  std::unique_ptr<UpstreamConnection> idle(
      std::string_view host, std::uint16_t port,
      const std::shared_ptr<const tls::UpstreamTlsContext>& tls = nullptr, bool verifyIdle = false);

  /// Returns a connection whose last response was fully read and which may be kept alive.
  /// After closeAll() the connection is closed instead.
  void release(std::unique_ptr<UpstreamConnection> conn);

  /// Closes every idle connection and keeps none from now on (shutdown): an idle connection's
  /// pending wait is work for the io_context, which would otherwise never run out of it.
  void closeAll();

  std::size_t idleCount() const;

  /// Upstream exchanges of this worker in progress (the Forwarder counts each forward() with
  /// an ExchangeCount): the forwarder gathers a batch's sends only when another one is.
  std::size_t exchanges() const { return exchanges_; }

  /// The worker's batch of deferred upstream sends (the Forwarder's, send_batch.h).
  SendBatch& sends() { return sends_; }

  /// Counts one exchange for as long as it lives.
  class ExchangeCount {
   public:
    explicit ExchangeCount(UpstreamPool& pool) : pool_(pool) { ++pool_.exchanges_; }
    ~ExchangeCount() { --pool_.exchanges_; }
    ExchangeCount(const ExchangeCount&) = delete;
    ExchangeCount& operator=(const ExchangeCount&) = delete;

   private:
    UpstreamPool& pool_;
  };

 private:
  using IdleList = std::vector<std::unique_ptr<UpstreamConnection>>;
  /// keyScratch_ = the idle-list key of host:port (and `tls`).
  void makeKey(std::string_view host, std::uint16_t port,
               const std::shared_ptr<const tls::UpstreamTlsContext>& tls);
  /// The idle list of host:port (and `tls`), created empty if new. The last one asked for is
  /// remembered: a worker's requests mostly go to one upstream, and building the key and
  /// hashing it twice per request (here and in release()) was ~0.5 k instructions of each.
  IdleList& listFor(std::string_view host, std::uint16_t port,
                    const std::shared_ptr<const tls::UpstreamTlsContext>& tls);
  std::unique_ptr<UpstreamConnection> takeIdle(IdleList& list, bool verify);
  /// Arms the connection's PeerWatch (see the class comment).
  static void watchIdle(UpstreamConnection& conn);

  boost::asio::any_io_executor ex_;
  PoolOptions options_;
  SendBatch sends_;
  std::unordered_map<std::string, IdleList> idle_;  ///< no key is erased before closeAll()
  std::string keyScratch_;
  std::string lastHost_;  ///< listFor()'s memo: host, port and TLS context of lastList_
  std::uint16_t lastPort_ = 0;
  const tls::UpstreamTlsContext* lastTls_ = nullptr;
  IdleList* lastList_ = nullptr;
  std::size_t exchanges_ = 0;
  bool closed_ = false;
};

}  // namespace gw::server
