#pragma once
// The admin listener's handler: GET /healthz, GET /status (generation, back end, last reload
// and its diagnostics, counters), GET /routes, GET /metrics (Prometheus text of the counters),
// POST /reload (compiles, swaps on success; answers 200 or 422 with the diagnostics).
#include "runtime/gateway/gateway_stats.h"
#include "runtime/gateway/policy_store.h"
#include "runtime/gateway/reloader.h"
#include "runtime/server/handler.h"

namespace gw::gateway {

/// One per admin worker; everything referenced is thread-safe and outlives it.
class AdminHandler final : public server::Handler {
 public:
  AdminHandler(const PolicyStore& store, Reloader& reloader, GatewayStats& stats)
      : store_(store), reloader_(reloader), stats_(stats) {}

  boost::asio::awaitable<void> decide(server::RequestContext& req, server::Decision& out) override;

 private:
  boost::asio::awaitable<void> reload(server::Decision& out);
  std::string statusJson();

  const PolicyStore& store_;
  Reloader& reloader_;
  GatewayStats& stats_;
};

}  // namespace gw::gateway
