// GatewayHandler::decideNow(): the request pipeline of decide() (gateway_handler.cc) as a plain
// function, for requests none of whose steps can suspend. decide() is a coroutine, and so are
// the limit and authentication steps it awaits: on a JWT route with a local limit that was five
// coroutine frames per request (allocated, started, resumed, destroyed through Asio's awaitable
// machinery) for work that never waits (bench/RESULTS.md, "Session 8 (coro helper)"). The steps
// themselves are shared with decide(): applyLocalLimits(), AuthProviders::authenticateNow()
// (the same provider scan as authenticate()), admit(), answerUnmatched(), authorizeRoute(),
// forwardTo(). Only their order is written twice, here without the waits.
#include "runtime/gateway/gateway_handler.h"
#include "runtime/gateway/handler_state.h"

namespace gw::gateway {

bool GatewayHandler::decideNow(server::RequestContext& req, server::Decision& out) {
  std::shared_ptr<const Generation> gen = store_.current();
  const Generation& g = *gen;
  if (!g.gatewayLimitsLocal) return false;
  const policy::CompiledPolicy& p = g.policy();
  const gw_request& view = view_.build(req, g);
  gw_eval_ctx ctx = p.makeContext(scratch_.data(), scratch_.size());
  gw_match_result mr{};
  // Matching is pure, so it may come before the gateway limits here: a route that can suspend
  // is left to decide() before anything was counted (decide() builds the view and matches again).
  p.match(view, ctx, mr);
  bool matched = mr.status == 0 && mr.route >= 0;
  if (matched && !g.routes[static_cast<size_t>(mr.route)].decidesNow) return false;
  State& st = *acquireState();
  out.handlerData = &st;
  st.gen = std::move(gen);
  if (!g.gatewayLimits.empty() &&
      !applyLocalLimits(g.gatewayLimits, LimitPhase::kAll, g, st)) {
    respondLimited(out, st);
    return true;
  }
  if (answerUnmatched(out, st, mr)) return true;
  const uint32_t route = static_cast<uint32_t>(mr.route);
  st.route = mr.route;
  const RouteRuntime& rr = g.routes[route];
  const LimitPhase before = rr.auth.empty() ? LimitPhase::kAll : LimitPhase::kBeforeAuth;
  if (!applyLocalLimits(rr.limits, before, g, st, &mr)) {
    respondLimited(out, st);
    return true;
  }
  if (!rr.auth.empty()) {
    AuthOutcome a = AuthProviders::authenticateNow(rr.auth, p.routes()[route].authOptional, req);
    if (!admit(a, out, st, route)) {
      addLimitHeaders(st, out.respond.headers);
      return true;
    }
    if (st.identity) setIdentity(g, st.identity);
    // Limits keyed on the identity (auth.subject, claims) count authenticated requests only.
    if (!applyLocalLimits(rr.limits, LimitPhase::kAfterAuth, g, st, &mr)) {
      respondLimited(out, st);
      return true;
    }
  }
  if (authorizeRoute(out, st, mr, ctx)) forwardTo(req, out, st, mr, ctx);
  return true;
}

}  // namespace gw::gateway
