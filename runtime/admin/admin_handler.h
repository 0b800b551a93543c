#pragma once
// The admin endpoints as a server::Handler:
//   GET  /metrics  Prometheus text (text/plain; version=0.0.4)
//   GET  /healthz  200 "ok" while serving, 503 "draining" while draining
//   GET  /routes   the compiled route table (JSON)
//   GET  /status   policy version, source hash, back end, load time, last reload (JSON)
//   POST /reload   starts a reload; 200 with the new status, or 422 with the diagnostics
// Anything else 404; a known path with the wrong method 405 with Allow.
#include <memory>

#include "runtime/admin/admin_context.h"
#include "runtime/server/handler.h"

namespace gw::admin {

/// One per admin worker thread (see makeHandlerFactory). Holds the shared context alive.
class AdminHandler final : public server::Handler {
 public:
  explicit AdminHandler(std::shared_ptr<AdminContext> context) : context_(std::move(context)) {}

  boost::asio::awaitable<void> decide(server::RequestContext& req, server::Decision& out) override;

 private:
  boost::asio::awaitable<void> reload(server::Decision& out);
  void route(const server::RequestContext& req, server::Decision& out);

  std::shared_ptr<AdminContext> context_;
};

/// A HandlerFactory building AdminHandlers over `context`.
server::HandlerFactory makeHandlerFactory(std::shared_ptr<AdminContext> context);

}  // namespace gw::admin
