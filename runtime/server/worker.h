#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <memory>
#include <thread>

#include "runtime/server/handler.h"
#include "runtime/server/request_id.h"
#include "runtime/server/server_options.h"
#include "runtime/server/upstream_pool.h"

namespace gw::server {

class Session;

/// One serving thread: its own io_context, its own SO_REUSEPORT acceptor on the shared address,
/// its own upstream pool, handler and random generator. Nothing in it is touched by another
/// thread except `shutdown()`, which only posts to the io_context; hence no locks anywhere on
/// the request path.
class Worker {
 public:
  Worker(std::size_t index, const ServerOptions& options, std::unique_ptr<Handler> handler);
  ~Worker();

  /// Opens the acceptor with SO_REUSEPORT, binds and listens (call before start()).
  boost::system::error_code listen(const boost::asio::ip::tcp::endpoint& endpoint);
  std::uint16_t port() const;

  /// Starts the thread running the accept loop.
  void start();
  /// Thread-safe: stop accepting, let in-flight requests finish within drainTimeout, then
  /// abort the rest. The thread ends when the last session is gone.
  void shutdown();
  void join();

  // Used by sessions, on this worker's thread only.
  const ServerOptions& options() const { return options_; }
  Handler& handler() { return *handler_; }
  UpstreamPool& pool() { return pool_; }
  Random& random() { return random_; }
  std::size_t index() const { return index_; }
  bool draining() const { return draining_; }
  const bool& drainingFlag() const { return draining_; }
  void add(Session* s);
  void remove(Session* s);

 private:
  boost::asio::awaitable<void> acceptLoop();
  void beginDrain();

  std::size_t index_;
  const ServerOptions& options_;
  // One thread runs it. UNSAFE_IO also drops the reactor's per-socket mutex, taken on every
  // async operation and every readiness event: only this thread ever touches its sockets and
  // timers (other threads only post(), and the scheduler keeps its lock for that). The lock
  // was ~1.5 % of gw's CPU samples on bench/load/peers.gw (bench/RESULTS.md, session 5).
  boost::asio::io_context ioc_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<Handler> handler_;
  UpstreamPool pool_;
  Random random_;
  boost::asio::steady_timer drainTimer_;
  Session* sessions_ = nullptr;
  std::size_t sessionCount_ = 0;
  bool draining_ = false;
  std::thread thread_;
};

}  // namespace gw::server
