#include "runtime/admin/admin_server.h"

#include "runtime/admin/admin_handler.h"

namespace gw::admin {

server::ServerOptions AdminServer::serverOptions(const AdminOptions& options) {
  server::ServerOptions o;
  o.address = options.address;
  o.port = options.port;
  o.threads = 1;
  // Scrapes and reload requests wait for the proxy's workers to block rather than preempt them.
  o.threadName = "gw-admin";
  o.background = true;
  o.backlog = 64;
  o.drainTimeout = options.drainTimeout;
  o.defaultMaxBody = 1 << 20;  // POST /reload takes no body worth keeping
  return o;
}

AdminServer::AdminServer(const AdminOptions& options, std::shared_ptr<AdminContext> context)
    : server_(serverOptions(options), makeHandlerFactory(std::move(context))) {}

}  // namespace gw::admin
