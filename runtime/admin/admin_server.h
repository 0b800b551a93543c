#pragma once
// The admin listener: a one-thread server::Server running AdminHandler on its own address,
// apart from the data-plane workers.
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/admin/admin_context.h"
#include "runtime/server/server.h"

namespace gw::admin {

struct AdminOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  ///< 0: the kernel picks; AdminServer::port() tells which
  server::Millis drainTimeout{2000};
};

/// start()/shutdown()/wait() from one control thread, as server::Server.
class AdminServer {
 public:
  AdminServer(const AdminOptions& options, std::shared_ptr<AdminContext> context);

  /// Binds and starts the admin thread; the bind error, if any.
  boost::system::error_code start() { return server_.start(); }
  std::uint16_t port() const { return server_.port(); }
  /// Stops accepting, lets in-flight admin requests finish within drainTimeout.
  void shutdown() { server_.shutdown(); }
  void wait() { server_.wait(); }

 private:
  static server::ServerOptions serverOptions(const AdminOptions& options);
  server::Server server_;
};

}  // namespace gw::admin
