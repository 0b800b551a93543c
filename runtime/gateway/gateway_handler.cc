#include "runtime/gateway/gateway_handler.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>

#include "compiler/policy/request_builder.h"
#include "runtime/balance/key_hash.h"
#include "runtime/gateway/auth_providers.h"
#include "runtime/gateway/handler_state.h"
#include "runtime/gateway/json_set_values.h"
#include "runtime/gateway/log.h"
#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/decision_builder.h"
#include "runtime/limit/rate_limit_headers.h"
#include "runtime/resilience/retry_policy.h"
#include "runtime/stats/route_series.h"

namespace gw::gateway {

namespace asio = boost::asio;

namespace {

constexpr size_t kScratchBytes = 8192;

std::string allowHeader(uint32_t mask) {
  static const char* kNames[] = {"GET",     "HEAD",    "POST",  "PUT", "DELETE",
                                 "PATCH",   "OPTIONS", "CONNECT", "TRACE"};
  std::string out;
  for (uint32_t i = 0; i < 9; ++i) {
    if ((mask & (1u << i)) != 0) {
      if (!out.empty()) out += ", ";
      out += kNames[i];
    }
  }
  return out;
}

/// `rewrite path FROM => TO`: a prefix rewrite on segment boundaries.
bool rewritePath(std::string_view path, const std::string& from, const std::string& to,
                 std::string& out) {
  if (path.substr(0, from.size()) != from) return false;
  std::string_view rest = path.substr(from.size());
  if (!rest.empty() && rest.front() != '/' && (from.empty() || from.back() != '/')) return false;
  out = to;
  if (!out.empty() && out.back() == '/' && !rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
  }
  out += rest;
  if (out.empty()) out = "/";
  return true;
}

/// True when `phase` applies at least one of `limits`. applyLimits() is a coroutine (a frame
/// to allocate, start and destroy), so the calls that would find nothing to do are skipped:
/// most routes have no limits of their own, and most limits are not keyed on the identity.
template <class Phase>
bool anyLimitApplies(const std::vector<AppliedLimit>& limits, Phase phase) {
  for (const AppliedLimit& l : limits) {
    if (!((phase == Phase::kBeforeAuth && l.needsIdentity) ||
          (phase == Phase::kAfterAuth && !l.needsIdentity))) {
      return true;
    }
  }
  return false;
}

/// The scheme a 401 challenges with, from the providers the route accepts: `Bearer` (RFC
/// 6750) when a jwt or introspect provider reads `Authorization: Bearer`; else `Key` when an
/// api_key provider applies (its header or query parameter; the scheme name Kong uses); none
/// when only mtls providers apply: the credential is the TLS client certificate, which no HTTP
/// challenge can ask for (docs/authentication.md).
enum class Challenge : uint8_t { kNone, kBearer, kKey };

Challenge challengeFor(const std::vector<const AuthProvider*>& providers) {
  Challenge c = Challenge::kNone;
  for (const AuthProvider* p : providers) {
    if (p->jwt || p->introspector) return Challenge::kBearer;
    if (p->apiKeys) c = Challenge::kKey;
  }
  return c;
}

}  // namespace

struct GatewayHandler::WorkerUpstream {
  explicit WorkerUpstream(uint64_t seed) : rr(seed), random(seed), least(seed) {}
  balance::SmoothWeightedRoundRobin rr;
  balance::WeightedRandom random;
  balance::LeastRequest least;
  balance::SmoothWeightedRoundRobin backupRr;
  std::vector<balance::ServerSlot> primary, backup;
};

GatewayHandler::GatewayHandler(const PolicyStore& store, accesslog::AccessLog* log,
                               stats::Shard& shard, size_t lane)
    : store_(store),
      log_(log),
      shard_(shard),
      lane_(lane),
      scratch_(kScratchBytes),
      rng_(0x5eed0000ull + lane * 7919) {}

GatewayHandler::~GatewayHandler() = default;

GatewayHandler::State* GatewayHandler::acquireState() {
  if (free_.empty()) {
    states_.push_back(std::make_unique<State>());
    states_.back()->owner = this;
    return states_.back().get();
  }
  State* s = free_.back();
  free_.pop_back();
  return s;
}

void GatewayHandler::releaseState(State* s) {
  s->gen.reset();  // the generation is released when its last request is done
  s->identity.reset();
  s->route = s->upstream = s->server = -1;
  s->hasAdmission = false;
  s->attempts = 1;
  s->tried.clear();
  s->rule = {};
  s->outcome = accesslog::Outcome::kAllow;
  s->deniedLimit = -1;
  s->decisions.clear();
  s->redisUsed = 0;
  s->suspended = false;
  s->partsJson.clear();
  free_.push_back(s);
}

asio::awaitable<bool> GatewayHandler::applyLimits(const std::vector<AppliedLimit>& limits,
                                                  LimitPhase phase, const Generation& g,
                                                  State& st, const gw_match_result* mr) {
  if (limits.empty()) co_return true;
  bool allowed = applyLocalLimits(limits, phase, g, st, mr);
  if (st.redisUsed == 0) co_return allowed;
  if (!allowed) {
    // A local limit already refuses: spend no shared quota; report only the decided limits.
    for (size_t i = st.redisUsed; i-- > 0;) {
      auto slot = static_cast<std::ptrdiff_t>(st.redisPending[i].decision);
      st.decisions.erase(st.decisions.begin() + slot);
    }
    co_return false;
  }
  co_return co_await applyRedisLimits(g, st);
}

bool GatewayHandler::applyLocalLimits(const std::vector<AppliedLimit>& limits, LimitPhase phase,
                                      const Generation& g, State& st,
                                      const gw_match_result* mr) {
  st.redisUsed = 0;
  if (!anyLimitApplies(limits, phase)) return true;
  const policy::CompiledPolicy& p = g.policy();
  const gw_request& req = view_.request();
  gw_eval_ctx ctx = p.makeContext(scratch_.data(), scratch_.size());
  if (mr != nullptr) {  // route limit keys may read request.param(...)
    ctx.params = mr->params;
    ctx.param_count = mr->param_count;
  }
  bool allowed = true;
  int64_t now = SteadyClock::instance().nowNs();
  for (const AppliedLimit& l : limits) {
    if ((phase == LimitPhase::kBeforeAuth && l.needsIdentity) ||
        (phase == LimitPhase::kAfterAuth && !l.needsIdentity)) {
      continue;
    }
    const LimitRuntime& lr = g.limits[l.limit];
    std::string_view key = p.evalString(l.keyFn, req, ctx);
    if (lr.spec.store == limit::StoreKind::redis) {
      if (st.redisUsed == st.redisPending.size()) st.redisPending.emplace_back();
      State::RedisPending& rp = st.redisPending[st.redisUsed++];
      rp.limit = l.limit;
      rp.decision = st.decisions.size();
      rp.key.assign(key);
      st.decisions.emplace_back();
      continue;
    }
    limit::Decision d = lr.local->decide(key, now, lr.spec.warnPercent);
    lr.local->stats().record(d);
    if (!d.allowed && st.deniedLimit < 0) st.deniedLimit = static_cast<int32_t>(l.limit);
    allowed = allowed && d.allowed;
    st.decisions.push_back(d);
  }
  return allowed;
}

asio::awaitable<bool> GatewayHandler::applyRedisLimits(const Generation& g, State& st) {
  if (io_ == nullptr) {
    auto ex = co_await asio::this_coro::executor;
    if (auto* ioex = ex.target<asio::io_context::executor_type>()) io_ = &ioex->context();
  }
  limit::RedisLimiter* limiter = nullptr;
  if (io_ != nullptr && g.redis.stats != nullptr && !draining_) {
    if (!redis_) {
      redis_ = std::make_unique<limit::WorkerRedis>(*g.redis.stats, &logLine);
    }
    limiter = redis_->limiter(*io_, g.redis.address, g.redis.options);
  }
  bool allowed = true;
  st.suspended = true;
  st.redisBatch.clear();
  for (size_t i = 0; i < st.redisUsed; ++i) {
    State::RedisPending& rp = st.redisPending[i];
    const LimitRuntime& lr = g.limits[rp.limit];
    rp.result = limit::fallbackDecision(limit::CounterParams::from(lr.spec), lr.spec.onStoreError);
    st.redisBatch.push_back({rp.key, &lr.spec, &rp.result});
  }
  // Every Redis limit of the request in one batch: one write, one round trip, not one each.
  if (limiter != nullptr) co_await limiter->asyncDecideAll(st.redisBatch, asio::use_awaitable);
  for (size_t i = 0; i < st.redisUsed; ++i) {
    const State::RedisPending& rp = st.redisPending[i];
    const LimitRuntime& lr = g.limits[rp.limit];
    const limit::Decision& d = rp.result;
    lr.local->stats().record(d);
    if (!d.allowed && st.deniedLimit < 0) st.deniedLimit = static_cast<int32_t>(rp.limit);
    allowed = allowed && d.allowed;
    st.decisions[rp.decision] = d;
  }
  co_return allowed;
}

void GatewayHandler::drain() {
  draining_ = true;
  if (redis_) redis_->close();
  if (partPool_) partPool_->closeAll();  // its idle connections' waits would keep the loop alive
}

void GatewayHandler::addLimitHeaders(const State& st, server::FieldList& out) {
  if (st.decisions.empty()) return;
  limit::RateLimitHeaders h = limit::RateLimitHeaders::build(st.decisions);
  h.forEach([&](std::string_view n, std::string_view v) { out.emplace_back(n, v); });
}

void GatewayHandler::respondLimited(server::Decision& out, State& st) {
  st.outcome = accesslog::Outcome::kLimited;
  if (st.deniedLimit >= 0) {
    size_t l = static_cast<size_t>(st.deniedLimit);
    st.rule = st.gen->limits[l].spec.name;
    shard_.inc(st.gen->series.rateLimited[l]);
  }
  out.respondError(429, "rate limit exceeded");
  addLimitHeaders(st, out.respond.headers);
}

void GatewayHandler::setIdentity(const Generation& g,
                                 const std::shared_ptr<const auth::Identity>& id) {
  const native::ClaimsTable* claims = nullptr;
  if (g.needsClaims) {
    // One-entry cache: a client reusing its token (the verdict cache hands back the same
    // Identity) does not rebuild the table.
    if (claimsIdentity_ != id) {
      claims_ = std::make_unique<native::ClaimsTable>(id->claims);
      claimsIdentity_ = id;
    }
    claims = claims_.get();
  }
  view_.setIdentity(*id, claims);
}

asio::awaitable<bool> GatewayHandler::authenticate(server::RequestContext& req,
                                                   server::Decision& out, State& st,
                                                   uint32_t route) {
  const Generation& g = *st.gen;
  const policy::Route& r = g.policy().routes()[route];
  AuthOutcome a = co_await AuthProviders::authenticate(g.routes[route].auth, r.authOptional, req);
  co_return admit(a, out, st, route);
}

bool GatewayHandler::admit(const AuthOutcome& a, server::Decision& out, State& st,
                           uint32_t route) {
  const Generation& g = *st.gen;
  if (a.kind == AuthOutcome::Kind::kAuthenticated) {
    st.identity = a.identity;
    return true;
  }
  if (a.kind == AuthOutcome::Kind::kAnonymous) return true;
  if (a.kind == AuthOutcome::Kind::kUnavailable) {
    st.outcome = accesslog::Outcome::kUnavailable;
    size_t provider = 0;
    if (a.provider != nullptr) {
      st.rule = a.provider->name;
      provider = g.series.providerIndex(g.policy(), a.provider->name);
    }
    shard_.inc(g.series.authUnavailable[provider]);
    out.respondError(503, "authentication service unavailable");
    out.respond.headers.emplace_back("Retry-After", "1");
    return false;
  }
  st.outcome = accesslog::Outcome::kUnauthenticated;
  countAuthFailure(g, a, st);
  int status = auth::httpStatus(a.error) == 400 ? 400 : 401;
  Challenge kind = challengeFor(g.routes[route].auth);
  out.respondError(status, a.presented                         ? "invalid credential"
                           : kind == Challenge::kNone ? "client certificate required"
                                                      : "authentication required");
  if (kind == Challenge::kBearer) {
    std::string challenge = "Bearer realm=\"gw\"";
    std::string_view code = auth::rfc6750Text(auth::rfc6750Code(a.error));
    if (a.presented && !code.empty()) {
      challenge += ", error=\"" + std::string(code) + "\"";
    }
    out.respond.headers.emplace_back("WWW-Authenticate", std::move(challenge));
  } else if (kind == Challenge::kKey) {
    out.respond.headers.emplace_back("WWW-Authenticate", "Key realm=\"gw\"");
  }
  return false;
}

void GatewayHandler::transforms(const server::RequestContext& req, server::Decision& out,
                                State& st, const gw_match_result& mr) {
  uint32_t route = static_cast<uint32_t>(mr.route);
  const Generation& g = *st.gen;
  const policy::CompiledPolicy& p = g.policy();
  const policy::Route& r = p.routes()[route];
  const gw_request& view = view_.request();
  gw_eval_ctx ctx = p.makeContext(scratch_.data(), scratch_.size());
  ctx.params = mr.params;  // header values may read request.param(...)
  ctx.param_count = mr.param_count;
  server::HeaderEdits& reqEdits = out.forward.requestHeaders;
  if (req.head != nullptr) g.headerRules.collect(req.head->headers, reqEdits.remove);
  for (const policy::HeaderOp& op : r.requestHeaders) {
    if (op.remove) {
      reqEdits.remove.push_back(op.name);
      continue;
    }
    std::string_view v = p.evalString(op.value, view, ctx);
    if (!v.empty()) reqEdits.set.emplace_back(op.name, v);
  }
  for (const policy::HeaderOp& op : r.responseHeaders) {
    if (op.remove) {
      out.forward.responseHeaders.remove.push_back(op.name);
      continue;
    }
    std::string_view v = p.evalString(op.value, view, ctx);
    if (!v.empty()) out.forward.responseHeaders.set.emplace_back(op.name, v);
  }
  if (r.rewritePath) {
    rewritePath(req.path, r.rewritePath->first, r.rewritePath->second, out.forward.path);
  }
  g.routes[route].transforms.configure(req, out.forward);
  if (!r.requestJsonSets.empty()) {
    evalJsonSets(p, r.requestJsonSets, view, ctx, st.requestJsonValues);
    out.forward.requestJsonValues = st.requestJsonValues;
  }
  if (!r.responseJsonSets.empty()) {
    evalJsonSets(p, r.responseJsonSets, view, ctx, st.responseJsonValues);
    out.forward.responseJsonValues = st.responseJsonValues;
  }
}

void GatewayHandler::syncBalancers(const Generation& g) {
  if (balancerGeneration_ == g.id()) return;
  upstreams_.clear();
  for (size_t i = 0; i < g.upstreams.size(); ++i) {
    auto wu = std::make_unique<WorkerUpstream>(rng_.next());
    wu->primary.resize(g.upstreams[i].primaries.size());
    wu->backup.resize(g.upstreams[i].backups.size());
    upstreams_.push_back(std::move(wu));
  }
  balancerGeneration_ = g.id();
}

bool GatewayHandler::pickServer(State& st, uint32_t upstream, bool excludeTried,
                                server::ForwardAction& action,
                                std::chrono::milliseconds& retryAfter) {
  const Generation& g = *st.gen;
  const UpstreamPlan& plan = g.upstreams[upstream];
  WorkerUpstream& wu = *upstreams_[upstream];
  auto& servers = plan.runtime->servers();
  resilience::HealthTracker& health = plan.runtime->health();
  bool hashed = plan.config->balance == "consistent_hash";
  uint64_t hash = st.keyHash;  // computed in chooseServer: a retry runs after the view moved on
  for (int pass = 0; pass < 2; ++pass) {
    const std::vector<uint32_t>& idx = pass == 0 ? plan.primaries : plan.backups;
    std::vector<balance::ServerSlot>& slots = pass == 0 ? wu.primary : wu.backup;
    for (size_t k = 0; k < idx.size(); ++k) {
      slots[k].weight = servers[idx[k]]->weight;
      slots[k].available =
          health.available(idx[k]) && !(excludeTried && st.tried.contains(idx[k]));
      slots[k].active_requests = servers[idx[k]]->inflight.load(std::memory_order_relaxed);
    }
    balance::ServerSet set(slots);
    for (size_t attempt = 0; attempt < idx.size(); ++attempt) {
      balance::Pick pick;
      if (pass == 1) {
        pick = wu.backupRr.pick(set);
      } else if (hashed) {
        pick = plan.maglev.pick(set, hash);
      } else if (plan.config->balance == "least_request") {
        pick = wu.least.pick(set);
      } else if (plan.config->balance == "random") {
        pick = wu.random.pick(set);
      } else {
        pick = wu.rr.pick(set);
      }
      if (!pick.found()) break;
      ServerRuntime& srv = *servers[idx[pick.index]];
      if (srv.breaker) {
        resilience::Admission adm = srv.breaker->tryAcquire();
        if (!adm.allowed()) {
          retryAfter = std::max(retryAfter, adm.retry_after);
          slots[pick.index].available = false;  // try another server
          continue;
        }
        st.admission = adm;
        st.hasAdmission = true;
      }
      st.upstream = static_cast<int32_t>(upstream);
      st.server = static_cast<int32_t>(idx[pick.index]);
      st.tried.insert(idx[pick.index]);
      srv.inflight.fetch_add(1, std::memory_order_relaxed);
      shard_.inc(g.series.upstreams[upstream].requests);
      action.host = srv.host;
      action.port = srv.port;
      action.tls = g.upstreams[upstream].tls;
      return true;
    }
  }
  return false;
}

bool GatewayHandler::chooseServer(server::Decision& out, State& st, uint32_t upstream) {
  const Generation& g = *st.gen;
  const UpstreamPlan& plan = g.upstreams[upstream];
  if (plan.config->balance == "consistent_hash") {
    gw_eval_ctx ctx = g.policy().makeContext(scratch_.data(), scratch_.size());
    std::string_view key = g.policy().evalString(plan.hashKeyFn, view_.request(), ctx);
    st.keyHash = balance::hashKey(key);
  }
  std::chrono::milliseconds retryAfter{0};
  if (pickServer(st, upstream, false, out.forward, retryAfter)) {
    out.kind = server::Decision::Kind::kForward;
    return true;
  }
  shard_.inc(g.series.upstreams[upstream].unavailable);
  st.outcome = accesslog::Outcome::kUnavailable;
  st.rule = retryAfter.count() > 0 ? "breaker_open" : "no_server";
  out.respondError(503, "no upstream server available");
  int64_t secs = std::max<int64_t>(1, (retryAfter.count() + 999) / 1000);
  out.respond.headers.emplace_back("Retry-After", std::to_string(secs));
  return false;
}

void GatewayHandler::reportOutcome(State& st, const server::Completion& done) {
  if (st.upstream < 0 || st.server < 0) return;
  UpstreamRuntime& up = *st.gen->upstreams[static_cast<size_t>(st.upstream)].runtime;
  ServerRuntime& srv = *up.servers()[static_cast<size_t>(st.server)];
  srv.inflight.fetch_sub(1, std::memory_order_relaxed);
  using U = server::Completion::Upstream;
  bool failed = false;
  bool verdict = true;
  switch (done.upstream) {
    case U::kResponse:
      up.health().reportResponse(static_cast<size_t>(st.server),
                                 static_cast<uint16_t>(done.upstreamStatus));
      failed = done.upstreamStatus == 502 || done.upstreamStatus == 503 ||
               done.upstreamStatus == 504;
      break;
    case U::kConnectFailed:
      up.health().reportConnectFailure(static_cast<size_t>(st.server));
      failed = true;
      break;
    case U::kTimeout:
    case U::kFailed:
      failed = true;
      break;
    case U::kNone:
      verdict = false;  // 413, client gone, ...: says nothing about the server
      break;
  }
  const UpstreamSeries& series = st.gen->series.upstreams[static_cast<size_t>(st.upstream)];
  if (done.upstream == U::kConnectFailed) shard_.inc(series.connectFailures);
  if (done.upstream == U::kTimeout) shard_.inc(series.timeouts);
  if (done.upstream == U::kFailed) shard_.inc(series.failures);
  if (st.hasAdmission && srv.breaker) {
    if (!verdict) {
      srv.breaker->release(st.admission);
    } else if (failed) {
      srv.breaker->onFailure(st.admission);
    } else {
      srv.breaker->onSuccess(st.admission);
    }
  }
  st.hasAdmission = false;
}

asio::awaitable<bool> GatewayHandler::retryAttempt(State& st, const server::RequestContext& req,
                                                   const server::Completion& attempt,
                                                   server::ForwardAction& action) {
  if (st.upstream < 0) co_return false;
  const UpstreamPlan& plan = st.gen->upstreams[static_cast<size_t>(st.upstream)];
  const policy::RetrySettings& rs = plan.config->retry;
  if (!rs.enabled) co_return false;
  resilience::RetryConfig rc;
  rc.max_attempts = rs.attempts + 1;
  rc.retry_on = plan.retryOn;
  rc.max_buffered_body = rs.bufferBytes;
  if (st.route >= 0) {  // the route's `retry_methods` (POST, PATCH, ...) may be retried too
    const uint32_t allowed = st.gen->routes[static_cast<size_t>(st.route)].retryMethodMask;
    rc.retry_non_idempotent = (allowed >> policy::methodFromName(req.method)) & 1u;
  }
  rc.base_backoff = std::chrono::milliseconds(std::max<int64_t>(1, rs.backoffMinUs / 1000));
  rc.max_backoff = std::chrono::milliseconds(std::max<int64_t>(1, rs.backoffMaxUs / 1000));
  resilience::AttemptOutcome ao;
  using U = server::Completion::Upstream;
  ao.failure = attempt.upstream == U::kConnectFailed ? resilience::AttemptFailure::kConnectFailed
               : attempt.upstream == U::kTimeout     ? resilience::AttemptFailure::kTimeout
               : attempt.upstream == U::kFailed      ? resilience::AttemptFailure::kReset
                                                     : resilience::AttemptFailure::kNone;
  ao.status = static_cast<uint16_t>(attempt.upstreamStatus);
  resilience::RetryRequest rq;
  rq.method = req.method;
  rq.attempts_made = st.attempts;
  // The forwarder offers a request with a body only when it holds the whole body in memory.
  rq.body_bytes_read = attempt.bytesIn;
  rq.body_complete = true;
  resilience::RetryDecision d =
      resilience::decideRetry(rc, ao, rq, &plan.runtime->retryBudget());
  if (d != resilience::RetryDecision::kRetry) {
    if (logEnabled(LogLevel::kDebug)) {
      logLine(LogLevel::kDebug, std::string("no retry: ") + resilience::retryDecisionName(d));
    }
    co_return false;
  }
  reportOutcome(st, attempt);  // the failed server's breaker and health hear about it now
  uint32_t retryIndex = st.attempts - 1;
  ++st.attempts;
  std::chrono::milliseconds wait =
      rs.jitter ? resilience::fullJitterBackoff(retryIndex, rc.base_backoff, rc.max_backoff,
                                                rng_.next())
                : std::min(rc.max_backoff, rc.base_backoff * (1u << std::min(retryIndex, 16u)));
  if (wait.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  std::chrono::milliseconds retryAfter{0};
  uint32_t upstream = static_cast<uint32_t>(st.upstream);
  st.server = -1;
  syncBalancers(*st.gen);
  // Another server when one exists, else the same one again.
  if (!pickServer(st, upstream, true, action, retryAfter) &&
      !pickServer(st, upstream, false, action, retryAfter)) {
    st.upstream = static_cast<int32_t>(upstream);
    co_return false;
  }
  shard_.inc(st.gen->series.upstreams[upstream].retries);
  co_return true;
}

asio::awaitable<bool> GatewayHandler::limitAndAuthenticate(server::RequestContext& req,
                                                           server::Decision& out, State& st,
                                                           const gw_match_result& mr) {
  const Generation& g = *st.gen;
  const uint32_t route = static_cast<uint32_t>(mr.route);
  const RouteRuntime& rr = g.routes[route];
  const LimitPhase before = rr.auth.empty() ? LimitPhase::kAll : LimitPhase::kBeforeAuth;
  if (anyLimitApplies(rr.limits, before)) {
    bool allowed = co_await applyLimits(rr.limits, before, g, st, &mr);  // not inside &&: GCC 12
    if (!allowed) {
      respondLimited(out, st);
      co_return false;
    }
  }
  if (st.suspended) view_.build(req, g);  // another request may have used the view meanwhile
  if (rr.auth.empty()) co_return true;
  if (!co_await authenticate(req, out, st, route)) {
    addLimitHeaders(st, out.respond.headers);
    co_return false;
  }
  // Authentication may have suspended (introspection) and let another request of this
  // worker reuse the view: rebuild it for this request.
  view_.build(req, g);
  if (st.identity) setIdentity(g, st.identity);
  // Limits keyed on the identity (auth.subject, claims) count authenticated requests only.
  st.suspended = false;
  if (anyLimitApplies(rr.limits, LimitPhase::kAfterAuth)) {
    bool allowed = co_await applyLimits(rr.limits, LimitPhase::kAfterAuth, g, st, &mr);
    if (!allowed) {
      respondLimited(out, st);
      co_return false;
    }
  }
  if (st.suspended) {
    view_.build(req, g);
    if (st.identity) setIdentity(g, st.identity);
  }
  co_return true;
}

asio::awaitable<void> GatewayHandler::decide(server::RequestContext& req, server::Decision& out) {
  State* stp = acquireState();
  State& st = *stp;
  out.handlerData = stp;
  st.gen = store_.current();
  const Generation& g = *st.gen;
  const policy::CompiledPolicy& p = g.policy();
  const gw_request& view = view_.build(req, g);
  if (anyLimitApplies(g.gatewayLimits, LimitPhase::kAll)) {
    bool allowed = co_await applyLimits(g.gatewayLimits, LimitPhase::kAll, g, st);
    if (!allowed) {
      respondLimited(out, st);
      co_return;
    }
  }
  if (st.suspended) view_.build(req, g);  // another request may have used the view meanwhile
  gw_eval_ctx ctx = p.makeContext(scratch_.data(), scratch_.size());
  gw_match_result mr{};
  p.match(view, ctx, mr);
  if (answerUnmatched(out, st, mr)) co_return;
  uint32_t route = static_cast<uint32_t>(mr.route);
  st.route = mr.route;
  if (!co_await limitAndAuthenticate(req, out, st, mr)) co_return;
  if (!authorizeRoute(out, st, mr, ctx)) co_return;
  if (!p.routes()[route].aggregate.empty()) {
    co_await aggregate(req, out, st, mr);
    co_return;
  }
  forwardTo(req, out, st, mr, ctx);
  co_return;
}

bool GatewayHandler::answerUnmatched(server::Decision& out, State& st,
                                     const gw_match_result& mr) {
  const Generation& g = *st.gen;
  if (mr.status == 405) {
    shard_.inc(g.series.methodNotAllowed);
    st.outcome = accesslog::Outcome::kMethodNotAllowed;
    out.respondError(405, "method not allowed");
    out.respond.headers.emplace_back("Allow", allowHeader(mr.allow_methods));
    addLimitHeaders(st, out.respond.headers);
    return true;
  }
  if (mr.status != 0 || mr.route < 0) {
    shard_.inc(g.series.noRoute);
    st.outcome = accesslog::Outcome::kNoRoute;
    out.respondError(404, "no route");
    addLimitHeaders(st, out.respond.headers);
    return true;
  }
  return false;
}

bool GatewayHandler::authorizeRoute(server::Decision& out, State& st, const gw_match_result& mr,
                                    gw_eval_ctx& ctx) {
  const Generation& g = *st.gen;
  const policy::CompiledPolicy& p = g.policy();
  uint32_t route = static_cast<uint32_t>(mr.route);
  ctx = p.makeContext(scratch_.data(), scratch_.size());
  ctx.params = mr.params;
  ctx.param_count = mr.param_count;
  policy::AuthzResult az = p.authorize(route, view_.request(), ctx);
  if (!az.allow) {
    shard_.inc(g.series.deniedBy(p, route, az.policy, az.rule));
    st.outcome = accesslog::Outcome::kDeny;
    st.rule = az.ruleText;
    out.respondError(403, "forbidden");
    addLimitHeaders(st, out.respond.headers);
    return false;
  }
  ctx.scratch_used = 0;
  return true;
}

void GatewayHandler::forwardTo(const server::RequestContext& req, server::Decision& out, State& st,
                               const gw_match_result& mr, gw_eval_ctx& ctx) {
  const Generation& g = *st.gen;
  const policy::CompiledPolicy& p = g.policy();
  uint32_t route = static_cast<uint32_t>(mr.route);
  const RouteRuntime& rr = g.routes[route];
  const gw_request& view = view_.request();
  uint32_t randomBp = static_cast<uint32_t>(rng_.next() % 10000);
  const policy::ForwardTarget* target = p.chooseTarget(route, view, ctx, randomBp);
  if (target == nullptr) {
    st.outcome = accesslog::Outcome::kError;
    st.rule = "no_target";
    out.respondError(502, "route has no upstream");
    return;
  }
  transforms(req, out, st, mr);
  syncBalancers(g);
  size_t targetIndex = static_cast<size_t>(target - p.routes()[route].targets.data());
  uint32_t upstream = rr.targetUpstream[targetIndex];
  if (!chooseServer(out, st, upstream)) {
    addLimitHeaders(st, out.respond.headers);
    return;
  }
  const policy::Route& r = p.routes()[route];
  const policy::UpstreamConfig& uc = *g.upstreams[upstream].config;
  int64_t timeoutUs = r.timeoutUs > 0 ? r.timeoutUs : uc.timeoutUs;
  out.forward.timeout = server::Millis(timeoutUs / 1000);
  out.forward.connectTimeout = server::Millis(uc.connectTimeoutUs / 1000);
  out.forward.idleTimeout = server::Millis(uc.idleTimeoutUs / 1000);
  out.forward.maxBody = static_cast<uint64_t>(r.maxBody);
  addLimitHeaders(st, out.forward.responseHeaders.set);
  if (uc.retry.enabled) {
    g.upstreams[upstream].runtime->retryBudget().recordRequest();  // the budget's base rate
    out.forward.retry = &st;
    out.forward.retryBodyLimit = uc.retry.bufferBytes;
  }
}

void GatewayHandler::onComplete(const server::RequestContext& req, server::Decision& decision,
                                const server::Completion& done) {
  State* st = static_cast<State*>(decision.handlerData);
  if (st == nullptr) return;
  reportOutcome(*st, done);
  if (done.transformSkipped != nullptr && logEnabled(LogLevel::kWarn)) {
    logLine(LogLevel::kWarn, std::string(done.transformSkipped) + " (request " +
                                 std::string(req.requestId) + ")");
  }
  logRequest(req, *st, done);
  releaseState(st);
}

void GatewayHandler::countAuthFailure(const Generation& g, const AuthOutcome& a, State& st) {
  size_t provider = 0;  // 0: no provider identified (e.g. no credential for any of them)
  std::string_view reason = auth::authErrorReason(a.error);
  if (a.provider != nullptr) {
    provider = g.series.providerIndex(g.policy(), a.provider->name);
    st.ruleText.assign(a.provider->name).append(": ").append(reason);
    st.rule = st.ruleText;
  } else {
    st.rule = reason;
  }
  const std::vector<stats::Counter>& byError = g.series.authnFailures[provider];
  size_t e = static_cast<size_t>(a.error);
  if (e < byError.size()) shard_.inc(byError[e]);
}

void GatewayHandler::logRequest(const server::RequestContext& req, const State& st,
                                const server::Completion& done) {
  const Generation& g = *st.gen;
  auto latency = std::chrono::steady_clock::now() - req.start;
  stats::recordRequest(shard_, g.series.route(st.route), done.status, latency, done.bytesIn,
                       done.bytesOut);
  if (log_ == nullptr || !log_->enabled()) return;
  accesslog::AccessRecord rec;
  rec.requestId = req.requestId;
  rec.clientIp = req.clientIp;
  rec.method = req.method;
  rec.host = req.host;
  rec.path = req.path;
  if (st.route >= 0) rec.route = g.policy().routes()[static_cast<size_t>(st.route)].name;
  rec.status = done.status;
  rec.latency = latency;
  if (st.upstream >= 0) {
    const UpstreamPlan& plan = g.upstreams[static_cast<size_t>(st.upstream)];
    rec.upstream = plan.config->name;
    if (st.server >= 0) {
      const ServerRuntime& srv = *plan.runtime->servers()[static_cast<size_t>(st.server)];
      rec.upstreamAddr = srv.address();
    }
  }
  rec.bytesIn = done.bytesIn;
  rec.bytesOut = done.bytesOut;
  rec.decision = st.outcome;
  rec.rule = st.rule;
  using U = server::Completion::Upstream;
  if (st.outcome == accesslog::Outcome::kAllow && done.upstream != U::kNone &&
      done.upstream != U::kResponse) {
    rec.decision = accesslog::Outcome::kError;  // the gateway answered 502/504 itself
    rec.rule = done.upstream == U::kConnectFailed ? "connect_failed"
               : done.upstream == U::kTimeout     ? "upstream_timeout"
                                                  : "upstream_failed";
  }
  if (st.identity) rec.subject = st.identity->subject;
  rec.partsJson = st.partsJson;
  log_->append(lane_, rec);
}

}  // namespace gw::gateway
