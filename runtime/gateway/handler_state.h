#pragma once
// GatewayHandler's per-request state (shared by gateway_handler.cc and aggregate.cc). Pooled
// per worker: acquireState() / releaseState(); one per request, plus one per aggregate part.
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/gateway/gateway_handler.h"
#include "runtime/gateway/generation.h"
#include "runtime/resilience/circuit_breaker.h"
#include "runtime/transform/json_edit.h"

namespace gw::gateway {

struct GatewayHandler::State final : server::RetryHook {
  boost::asio::awaitable<bool> retry(const server::RequestContext& req,
                                     const server::Completion& attempt,
                                     server::ForwardAction& action) override {
    return owner->retryAttempt(*this, req, attempt, action);
  }

  GatewayHandler* owner = nullptr;
  std::shared_ptr<const Generation> gen;
  uint32_t attempts = 1;
  uint64_t keyHash = 0;  // consistent_hash(E) of this request
  balance::TriedSet tried;
  int32_t route = -1;
  int32_t upstream = -1;
  int32_t server = -1;
  resilience::Admission admission;
  bool hasAdmission = false;
  // The access log's decision and `rule` (views into the pinned generation or ruleText).
  accesslog::Outcome outcome = accesslog::Outcome::kAllow;
  std::string_view rule;
  std::string ruleText;   // built rule values ("provider: reason"); keeps its capacity
  int32_t deniedLimit = -1;  // the first limit that refused, index into Generation::limits
  std::shared_ptr<const auth::Identity> identity;
  std::vector<limit::Decision> decisions;  // per request: another request may run while we wait
  struct RedisPending {
    uint32_t limit = 0;     // index into Generation::limits
    size_t decision = 0;    // slot in `decisions` the answer fills
    std::string key;        // copied: the view is reused while this request waits
    limit::Decision result;  // filled by the batch (or the fallback without a connection)
  };
  std::vector<RedisPending> redisPending;
  std::vector<limit::RedisLimiter::BatchItem> redisBatch;  // kept for its capacity
  size_t redisUsed = 0;     // live entries of redisPending (kept for their key capacity)
  bool suspended = false;   // a limit awaited Redis: the worker's view may hold another request
  // `body json` set values of this request (ForwardAction points at them until onComplete).
  std::vector<transform::JsonValue> requestJsonValues, responseJsonValues;
  std::string partsJson;    // the access log's `parts` array of an aggregate route, else empty
};

}  // namespace gw::gateway
