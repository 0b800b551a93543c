#pragma once

#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/server/handler.h"
#include "runtime/server/server_options.h"

namespace gw::server {

class Worker;

/// The serving core: `threads` workers, each an io_context on its own thread with its own
/// SO_REUSEPORT acceptor on the same address (the kernel spreads connections), upstream pool
/// and Handler. start()/shutdown()/wait() may be called from any one control thread.
class Server {
 public:
  Server(ServerOptions options, HandlerFactory factory);
  ~Server();

  /// Binds every worker's acceptor (port 0: the first one picks, the rest share it) and starts
  /// the threads. Returns the bind error, if any.
  boost::system::error_code start();
  /// The bound port (after start()).
  std::uint16_t port() const { return port_; }
  std::size_t threads() const { return workers_.size(); }

  /// Graceful shutdown: stop accepting, finish in-flight requests within drainTimeout, close.
  void shutdown();
  /// Blocks until every worker thread has ended.
  void wait();

 private:
  ServerOptions options_;
  HandlerFactory factory_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
};

}  // namespace gw::server
