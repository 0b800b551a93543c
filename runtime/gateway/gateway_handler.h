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
#include "runtime/accesslog/access_log.h"
#include "runtime/gateway/policy_store.h"
#include "runtime/gateway/request_view.h"
#include "runtime/limit/decision.h"
#include "runtime/limit/worker_redis.h"
#include "runtime/server/handler.h"
#include "runtime/server/upstream_pool.h"
#include "runtime/transform/encoder.h"
#include "runtime/stats/shard.h"

namespace gw::gateway {

class GatewayHandler final : public server::Handler {
 public:
  /// `log` may be null (access log off). `lane`: this handler's index among every worker of
  /// every listener: its access-log ring, and `shard` (that lane's) is written by this thread
  /// only. Everything referenced must outlive the handler.
  GatewayHandler(const PolicyStore& store, accesslog::AccessLog* log, stats::Shard& shard,
                 size_t lane);
  ~GatewayHandler() override;

  /// The whole pipeline without a coroutine when no step of the request can suspend (the
  /// gateway's limits and the matched route's are local, no introspect provider, not an
  /// `aggregate`: RouteRuntime::decidesNow); false, with nothing counted, charged or written to
  /// `out`, otherwise (gateway_decide_now.cc).
  bool decideNow(server::RequestContext& req, server::Decision& out) override;
  boost::asio::awaitable<void> decide(server::RequestContext& req, server::Decision& out) override;
  void onComplete(const server::RequestContext& req, server::Decision& decision,
                  const server::Completion& done) override;
  /// Closes this worker's Redis connection so the draining worker can exit.
  void drain() override;

 private:
  struct State;
  struct WorkerUpstream;

  State* acquireState();
  void releaseState(State* s);
  /// Which of a list's limits one call decides: gateway limits and route limits whose key needs
  /// no identity run before authentication, the others after it.
  enum class LimitPhase : uint8_t { kAll, kBeforeAuth, kAfterAuth };
  /// Decides the limits of `phase`; local ones at once, Redis ones awaited (the request
  /// suspends, so the caller rebuilds the view when st.suspended is set). False: respond 429.
  boost::asio::awaitable<bool> applyLimits(const std::vector<AppliedLimit>& limits,
                                           LimitPhase phase, const Generation& g, State& st,
                                           const gw_match_result* mr = nullptr);
  /// applyLimits()'s part that never suspends: decides the local limits of `phase`; Redis ones
  /// are only queued (st.redisUsed) for applyRedisLimits(). False: a local limit refuses.
  bool applyLocalLimits(const std::vector<AppliedLimit>& limits, LimitPhase phase,
                        const Generation& g, State& st, const gw_match_result* mr = nullptr);
  boost::asio::awaitable<bool> applyRedisLimits(const Generation& g, State& st);
  /// Route limits, authentication, then the route limits keyed on the identity. False when
  /// `out` holds the answer (429, 401, 503).
  boost::asio::awaitable<bool> limitAndAuthenticate(server::RequestContext& req,
                                                    server::Decision& out, State& st,
                                                    const gw_match_result& mr);
  void respondLimited(server::Decision& out, State& st);
  void addLimitHeaders(const State& st, server::FieldList& out);
  void setIdentity(const Generation& g, const std::shared_ptr<const auth::Identity>& id);
  boost::asio::awaitable<bool> authenticate(server::RequestContext& req, server::Decision& out,
                                            State& st, uint32_t route);
  /// What authentication's outcome means for the request: true to go on (identity kept in
  /// `st`), false when `out` holds the 401/400/503.
  bool admit(const AuthOutcome& a, server::Decision& out, State& st, uint32_t route);
  /// 405 (with Allow) or 404 into `out` when `mr` matched no route; false when it did.
  bool answerUnmatched(server::Decision& out, State& st, const gw_match_result& mr);
  /// The route's `authorize` block; false when `out` holds the 403. Leaves `ctx` ready for
  /// forwardTo() (the route's params, empty scratch).
  bool authorizeRoute(server::Decision& out, State& st, const gw_match_result& mr,
                      gw_eval_ctx& ctx);
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
  void countAuthFailure(const Generation& g, const AuthOutcome& a, State& st);
  void logRequest(const server::RequestContext& req, const State& st,
                  const server::Completion& done);

  // `aggregate` routes (aggregate.cc, docs/aggregate.md).
  struct Part;
  /// Fans the route's parts out concurrently and answers with the combined object, or with
  /// the error naming the first part that failed. `out` is a local response either way.
  boost::asio::awaitable<void> aggregate(server::RequestContext& req, server::Decision& out,
                                         State& st, const gw_match_result& mr);
  /// Prepares part `i` (path, server, request head). False when it cannot be sent.
  bool preparePart(const server::RequestContext& req, const server::Decision& out, State& st,
                   const gw_match_result& mr, size_t i, Part& part);
  /// One part's exchange, with the upstream's retries.
  boost::asio::awaitable<void> runPart(Part& part);
  /// The combined 200 answer (JSON edits, compression, header edits applied).
  void answerAggregate(const server::RequestContext& req, server::Decision& out, State& st,
                       std::vector<std::shared_ptr<Part>>& parts);
  void finishPart(State& st, size_t i, Part& part);

  const PolicyStore& store_;
  accesslog::AccessLog* log_;
  stats::Shard& shard_;
  size_t lane_;
  RequestView view_;
  std::vector<char> scratch_;
  std::vector<State*> free_;
  std::vector<std::unique_ptr<State>> states_;
  uint64_t balancerGeneration_ = 0;
  std::vector<std::unique_ptr<WorkerUpstream>> upstreams_;
  balance::FastRng rng_;
  std::unique_ptr<limit::WorkerRedis> redis_;  // this worker's Redis connection, made on first use
  bool draining_ = false;                       // no new Redis connection once draining
  boost::asio::io_context* io_ = nullptr;      // this worker's loop (learnt from decide's executor)
  std::shared_ptr<const auth::Identity> claimsIdentity_;
  std::unique_ptr<native::ClaimsTable> claims_;
  /// This worker's keep-alive connections for aggregate sub-requests (made on first use).
  std::unique_ptr<server::UpstreamPool> partPool_;
  std::string partPath_;  // scratch for a part's path
  std::unique_ptr<transform::Encoder> partEncoder_;  // compresses combined bodies (`compress`)
};

}  // namespace gw::gateway
