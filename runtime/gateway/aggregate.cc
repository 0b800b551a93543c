// `aggregate` routes (docs/aggregate.md): one client request fans out to every part's upstream
// concurrently, through the same server choice, breakers, health, retries, TLS and keep-alive
// pools as `forward`; the answers are combined into one JSON object. All or nothing: the first
// part that fails cancels the others and the client gets 502/503/504 naming it.
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/balance/key_hash.h"
#include "runtime/gateway/aggregate_body.h"
#include "runtime/gateway/handler_state.h"
#include "runtime/gateway/part_fetch.h"
#include "runtime/server/message_writer.h"

namespace gw::gateway {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using Upstream = server::Completion::Upstream;

namespace {

constexpr std::chrono::microseconds kDefaultTimeout = std::chrono::seconds(30);
constexpr server::Millis kDefaultConnectTimeout{3000};

/// Client fields a sub-request never carries besides the hop-by-hop ones the head writer drops:
/// it has no body, asks for identity JSON, and cannot be conditional or partial (a 304 or 206
/// part could not be combined).
constexpr const char* kNotForwarded[] = {
    "Accept",   "Accept-Encoding", "Content-Type",  "Range",
    "If-Range", "If-Match",        "If-None-Match", "If-Modified-Since",
    "If-Unmodified-Since"};

/// The part's result for an exchange that ended (not cancelled).
PartResult classify(const PartExchange& ex, std::string& reason) {
  switch (ex.outcome) {
    case Upstream::kTimeout: reason = ex.detail; return PartResult::kTimeout;
    case Upstream::kConnectFailed: reason = ex.detail; return PartResult::kConnectFailed;
    case Upstream::kFailed: reason = ex.detail; return PartResult::kFailed;
    case Upstream::kNone: reason = "cancelled"; return PartResult::kCancelled;
    case Upstream::kResponse: break;
  }
  if (ex.tooLarge) {
    reason = "the upstream body exceeds 1 MiB";
    return PartResult::kTooLarge;
  }
  if (ex.status < 200 || ex.status > 299) {
    reason = "the upstream answered " + std::to_string(ex.status);
    return PartResult::kStatus;
  }
  if (!ex.body.empty() && !isJsonDocument(ex.body)) {
    reason = "the upstream body is not JSON";
    return PartResult::kInvalidJson;
  }
  return PartResult::kOk;
}

/// The status a failed part gives the client.
int clientStatus(PartResult r) {
  switch (r) {
    case PartResult::kTimeout: return 504;
    case PartResult::kUnavailable: return 503;
    default: return 502;
  }
}

}  // namespace

struct GatewayHandler::Part {
  explicit Part(const asio::any_io_executor& ex) : watchdog(ex) {}

  State* state = nullptr;  // the part's own server choice, admission and tried set
  server::RequestContext sub;  // the client's request as a GET without query (head writer)
  server::ForwardAction action;
  PartExchange ex;
  server::Watchdog watchdog;
  Clock::time_point start;
  Clock::duration latency{0};
  PartResult result = PartResult::kOk;
  std::string reason;
  std::chrono::milliseconds retryAfter{0};
  bool done = false;
};

bool GatewayHandler::preparePart(const server::RequestContext& req, const server::Decision& out,
                                 State& st, const gw_match_result& mr, size_t i, Part& part) {
  const Generation& g = *st.gen;
  const policy::CompiledPolicy& p = g.policy();
  const uint32_t route = static_cast<uint32_t>(mr.route);
  const policy::AggregatePart& ap = p.routes()[route].aggregate[i];
  const uint32_t upstream = g.routes[route].aggregate[i].upstream;
  gw_eval_ctx ctx = p.makeContext(scratch_.data(), scratch_.size());
  ctx.params = mr.params;
  ctx.param_count = mr.param_count;
  if (!buildPartPath(p, ap, view_.request(), ctx, partPath_, part.reason)) {
    part.result = PartResult::kBadPath;
    return false;
  }
  part.state = acquireState();
  part.state->gen = st.gen;
  part.state->route = st.route;
  const UpstreamPlan& plan = g.upstreams[upstream];
  if (plan.config->balance == "consistent_hash") {
    ctx.scratch_used = 0;
    part.state->keyHash = balance::hashKey(p.evalString(plan.hashKeyFn, view_.request(), ctx));
  }
  if (!pickServer(*part.state, upstream, false, part.action, part.retryAfter)) {
    shard_.inc(g.series.upstreams[upstream].unavailable);
    part.result = PartResult::kUnavailable;
    part.reason = part.retryAfter.count() > 0 ? "every breaker is open" : "no server available";
    return false;
  }
  part.action.path = partPath_;
  part.action.requestHeaders = out.forward.requestHeaders;  // strips, identity headers
  for (const char* name : kNotForwarded) part.action.requestHeaders.remove.emplace_back(name);
  bool routeSetsAccept = false;
  for (const auto& [name, value] : part.action.requestHeaders.set) {
    routeSetsAccept = routeSetsAccept || http::iequals(name, "accept");
  }
  if (!routeSetsAccept) part.action.requestHeaders.set.emplace_back("Accept", "application/json");
  part.sub = req;
  part.sub.method = "GET";
  part.sub.hasQuery = false;
  part.sub.query = {};
  server::appendUpstreamRequestHead(part.ex.head, part.sub, part.action,
                                    server::UpstreamBody::kNone, 0);
  const policy::UpstreamConfig& uc = *plan.config;
  part.ex.host = part.action.host;
  part.ex.port = part.action.port;
  part.ex.tls = part.action.tls;
  part.ex.idleTimeout = server::Millis(uc.idleTimeoutUs / 1000);
  part.ex.connectTimeout =
      uc.connectTimeoutUs > 0 ? server::Millis(uc.connectTimeoutUs / 1000) : kDefaultConnectTimeout;
  if (uc.timeoutUs > 0) {
    auto own = part.start + std::chrono::microseconds(uc.timeoutUs);  // the upstream's timeout
    part.ex.deadline = std::min(part.ex.deadline, own);
  }
  return true;
}

asio::awaitable<void> GatewayHandler::runPart(Part& part) {
  for (;;) {
    part.ex.outcome = Upstream::kNone;
    part.ex.status = 0;
    part.ex.tooLarge = false;
    part.ex.body.clear();
    co_await fetchPart(*partPool_, part.watchdog, part.ex);
    if (part.ex.cancelled) break;
    bool failed = part.ex.outcome != Upstream::kResponse || part.ex.status == 502 ||
                  part.ex.status == 503 || part.ex.status == 504;
    if (!failed || Clock::now() >= part.ex.deadline) co_return;
    server::Completion attempt;
    attempt.upstream = part.ex.outcome;
    attempt.upstreamStatus = part.ex.status;
    // The sub-request is a GET without a body: retried as the upstream's `retry` allows.
    if (!co_await retryAttempt(*part.state, part.sub, attempt, part.action)) co_return;
    if (part.ex.cancelled) break;
    part.ex.host = part.action.host;
    part.ex.port = part.action.port;
    part.ex.tls = part.action.tls;
  }
  part.ex.outcome = Upstream::kNone;  // cancelled: no verdict on the server it holds
}

void GatewayHandler::finishPart(State& st, size_t i, Part& part) {
  const Generation& g = *st.gen;
  const AggregatePartRuntime& pr = g.routes[static_cast<size_t>(st.route)].aggregate[i];
  const policy::AggregatePart& ap = g.policy().routes()[static_cast<size_t>(st.route)].aggregate[i];
  std::string_view addr;
  std::string addrText;
  if (part.state != nullptr) {
    if (part.state->upstream >= 0 && part.state->server >= 0) {
      const UpstreamPlan& plan = g.upstreams[static_cast<size_t>(part.state->upstream)];
      const ServerRuntime& srv = *plan.runtime->servers()[static_cast<size_t>(part.state->server)];
      addrText = srv.address();
      addr = addrText;
    }
    server::Completion done;
    done.upstream = part.ex.outcome;
    done.upstreamStatus = part.ex.status;
    reportOutcome(*part.state, done);  // breaker, health, in-flight, upstream counters
    releaseState(part.state);
    part.state = nullptr;
  }
  shard_.inc(pr.results[static_cast<size_t>(part.result)]);
  shard_.observe(pr.duration, std::chrono::duration_cast<std::chrono::nanoseconds>(part.latency));
  PartLog log;
  log.field = ap.field;
  log.upstream = ap.upstream;
  log.addr = addr;
  log.result = partResultName(part.result);
  log.status = part.ex.outcome == Upstream::kResponse ? part.ex.status : 0;
  log.latencyMs = std::chrono::duration<double, std::milli>(part.latency).count();
  if (st.partsJson.empty()) st.partsJson.push_back('[');
  appendPartLog(st.partsJson, log);
}

void GatewayHandler::answerAggregate(const server::RequestContext& req, server::Decision& out,
                                     State& st, std::vector<std::shared_ptr<Part>>& parts) {
  const Generation& g = *st.gen;
  const RouteRuntime& rr = g.routes[static_cast<size_t>(st.route)];
  const policy::Route& r = g.policy().routes()[static_cast<size_t>(st.route)];
  std::vector<PartBody> bodies;
  bodies.reserve(parts.size());
  for (size_t i = 0; i < parts.size(); ++i) {
    bodies.push_back(PartBody{r.aggregate[i].field, parts[i]->ex.body});
  }
  server::LocalResponse& resp = out.respond;
  out.kind = server::Decision::Kind::kRespond;
  resp.status = 200;
  resp.contentType = "application/json";
  composeObject(bodies, resp.body);
  if (!rr.transforms.responseJson.empty()) {
    std::string edited;  // the composed object is valid JSON: apply() cannot refuse it
    rr.transforms.responseJson.apply(resp.body, edited, st.responseJsonValues);
    resp.body = std::move(edited);
  }
  for (const auto& [name, value] : out.forward.responseHeaders.set) {
    resp.headers.emplace_back(name, value);
  }
  addLimitHeaders(st, resp.headers);
  if (req.method == "HEAD") {
    resp.body.clear();  // a local answer carries its body: HEAD gets the head only
    return;
  }
  if (!rr.transforms.compresses) return;
  resp.headers.emplace_back("Vary", "Accept-Encoding");  // another client may get it encoded
  transform::Coding coding = out.forward.coding;
  bool bigEnough =
      resp.body.size() >= rr.transforms.compress.minBytes || out.forward.identityRefused;
  if (coding == transform::Coding::kIdentity || !bigEnough) return;
  if (!partEncoder_) partEncoder_ = std::make_unique<transform::Encoder>();
  std::string encoded;
  if (!partEncoder_->begin(coding) || !partEncoder_->write(resp.body, encoded, false) ||
      !partEncoder_->finish(encoded)) {
    return;  // a codec failure (out of memory): the identity body is still correct
  }
  resp.body = std::move(encoded);
  resp.headers.emplace_back("Content-Encoding", transform::codingName(coding));
}

asio::awaitable<void> GatewayHandler::aggregate(server::RequestContext& req, server::Decision& out,
                                                State& st, const gw_match_result& mr) {
  const Generation& g = *st.gen;
  const uint32_t route = static_cast<uint32_t>(mr.route);
  const policy::Route& r = g.policy().routes()[route];
  transforms(req, out, st, mr);  // header edits, body json values, compression choice
  syncBalancers(g);
  asio::any_io_executor ex = co_await asio::this_coro::executor;
  if (!partPool_) partPool_ = std::make_unique<server::UpstreamPool>(ex, server::PoolOptions{});
  const Clock::time_point start = Clock::now();
  const std::chrono::microseconds timeout =
      r.timeoutUs > 0 ? std::chrono::microseconds(r.timeoutUs) : kDefaultTimeout;
  const Clock::time_point deadline = start + timeout;
  std::vector<std::shared_ptr<Part>> parts;
  int failed = -1;  // the part whose failure answers the request
  for (size_t i = 0; i < r.aggregate.size(); ++i) {
    auto part = std::make_shared<Part>(ex);
    part->start = start;
    part->ex.deadline = deadline;
    parts.push_back(part);
    if (!preparePart(req, out, st, mr, i, *part)) {
      failed = static_cast<int>(i);
      for (size_t j = 0; j < i; ++j) parts[j]->result = PartResult::kCancelled;  // never sent
      break;
    }
  }
  // Everything the parts need from the request view is computed: from here on the view may
  // serve other requests of this worker while this one waits.
  if (failed < 0) {
    struct FanOut {
      explicit FanOut(const asio::any_io_executor& ex) : wake(ex, Clock::time_point::max()) {}
      asio::steady_timer wake;
      std::vector<std::shared_ptr<Part>> parts;
      size_t pending = 0;
      int failed = -1;
    };
    auto fan = std::make_shared<FanOut>(ex);
    fan->parts = parts;
    fan->pending = parts.size();
    for (size_t i = 0; i < parts.size(); ++i) {
      std::shared_ptr<Part> part = parts[i];
      asio::co_spawn(ex, [part]() -> asio::awaitable<void> { co_await part->watchdog.run(); },
                     asio::detached);
      auto body = [this, part]() -> asio::awaitable<void> {
        co_await runPart(*part);
      };
      asio::co_spawn(ex, std::move(body), [fan, part, i](std::exception_ptr) {
        part->done = true;
        part->latency = Clock::now() - part->start;
        part->result =
            part->ex.cancelled ? PartResult::kCancelled : classify(part->ex, part->reason);
        part->watchdog.stop();
        if (part->result != PartResult::kOk && fan->failed < 0) {
          fan->failed = static_cast<int>(i);  // fail fast: the others are not worth waiting for
          for (const std::shared_ptr<Part>& other : fan->parts) {
            if (other->done) continue;
            other->ex.cancelled = true;
            other->watchdog.fireNow();
          }
        }
        if (--fan->pending == 0) fan->wake.cancel();
      });
    }
    while (fan->pending > 0) {
      co_await fan->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    failed = fan->failed;
  }
  for (size_t i = 0; i < parts.size(); ++i) finishPart(st, i, *parts[i]);
  if (!st.partsJson.empty()) st.partsJson.push_back(']');
  if (failed < 0) {
    answerAggregate(req, out, st, parts);
    co_return;
  }
  const Part& bad = *parts[static_cast<size_t>(failed)];
  const std::string& field = r.aggregate[static_cast<size_t>(failed)].field;
  int status = clientStatus(bad.result);
  st.outcome = bad.result == PartResult::kUnavailable ? accesslog::Outcome::kUnavailable
                                                      : accesslog::Outcome::kError;
  st.ruleText.assign("aggregate part `").append(field).append("`: ").append(bad.reason);
  st.rule = st.ruleText;
  out.kind = server::Decision::Kind::kRespond;
  out.respond.status = status;
  out.respond.contentType = "application/json";
  out.respond.body = partErrorBody(status, field, bad.reason, req.requestId);
  if (bad.result == PartResult::kUnavailable) {
    int64_t secs = std::max<int64_t>(1, (bad.retryAfter.count() + 999) / 1000);
    out.respond.headers.emplace_back("Retry-After", std::to_string(secs));
  }
  addLimitHeaders(st, out.respond.headers);
}

}  // namespace gw::gateway
