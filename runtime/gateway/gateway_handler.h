#pragma once
// The per-worker request pipeline (LANGUAGE.md order): gateway limits -> route match (404/405)
// -> route limits -> authentication (401/503) -> authorization (403) -> request transforms ->
// target and server choice (weights, balancer, breaker, health; 503) -> forward with timeout and
// max_body -> response transforms and rate-limit headers -> access log (onComplete).
// One per worker thread: no locks; shared state is the published Generation (immutable) and
// the thread-safe limiters, breakers and trackers it points to.
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/balance/fast_rng.h"
#include "runtime/balance/least_request.h"
#include "runtime/balance/round_robin.h"
#include "runtime/balance/weighted_random.h"
#include "runtime/gateway/access_log.h"
#include "runtime/gateway/gateway_stats.h"
#include "runtime/gateway/policy_store.h"
#include "runtime/gateway/request_view.h"
#include "runtime/limit/decision.h"
#include "runtime/server/handler.h"

namespace gw::gateway {

class GatewayHandler final : public server::Handler {
 public:
  /// `log` may be null (access log off). Both must outlive the handler.
  GatewayHandler(const PolicyStore& store, AccessLog* log, GatewayStats& stats, size_t worker);
  ~GatewayHandler() override;

  boost::asio::awaitable<void> decide(server::RequestContext& req, server::Decision& out) override;
  void onComplete(const server::RequestContext& req, server::Decision& decision,
                  const server::Completion& done) override;

 private:
  struct State;
  struct WorkerUpstream;

  State* acquireState();
  void releaseState(State* s);
  bool applyLimits(const std::vector<AppliedLimit>& limits, const Generation& g, State& st);
  void respondLimited(server::Decision& out, State& st);
  void addLimitHeaders(const State& st, std::vector<std::pair<std::string, std::string>>& out);
  void setIdentity(const Generation& g, const std::shared_ptr<const auth::Identity>& id);
  boost::asio::awaitable<bool> authenticate(server::RequestContext& req, server::Decision& out,
                                            State& st, uint32_t route);
  void transforms(const server::RequestContext& req, server::Decision& out, State& st,
                  const gw_match_result& mr);
  void forwardTo(const server::RequestContext& req, server::Decision& out, State& st,
                 const gw_match_result& mr, gw_eval_ctx& ctx);
  bool chooseServer(server::Decision& out, State& st, uint32_t upstream);
  bool pickServer(State& st, uint32_t upstream, bool excludeTried, server::ForwardAction& action,
                  std::chrono::milliseconds& retryAfter);
  void reportOutcome(State& st, const server::Completion& done);
  boost::asio::awaitable<bool> retryAttempt(State& st, const server::RequestContext& req,
                                            const server::Completion& attempt,
                                            server::ForwardAction& action);
  void syncBalancers(const Generation& g);
  void logRequest(const server::RequestContext& req, const State& st, int status);

  const PolicyStore& store_;
  AccessLog* log_;
  GatewayStats& stats_;
  size_t worker_;
  RequestView view_;
  std::vector<char> scratch_;
  std::vector<State*> free_;
  std::vector<std::unique_ptr<State>> states_;
  uint64_t balancerGeneration_ = 0;
  std::vector<std::unique_ptr<WorkerUpstream>> upstreams_;
  balance::FastRng rng_;
  std::shared_ptr<const auth::Identity> claimsIdentity_;
  std::unique_ptr<native::ClaimsTable> claims_;
};

}  // namespace gw::gateway
