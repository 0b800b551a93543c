#include "runtime/limit/redis_limiter.h"

#include <hiredis/hiredis.h>

#include "runtime/limit/decision_builder.h"
#include "runtime/limit/key_digest.h"

namespace gw::limit {

std::string RedisLimiter::redisKeyFor(std::string_view limit, std::string_view key,
                                      Algorithm algorithm) {
  KeyDigestBuffer buf;
  const std::string_view bounded = boundedKey(key, kMaxKeyBytes, buf);
  std::string out;
  out.reserve(limit.size() + bounded.size() + 12);
  out.append("gw:rl:{").append(limit).append(":").append(bounded).append("}:");
  out.append(algorithm == Algorithm::tokenBucket ? "tb" : "sw");
  return out;
}

void RedisLimiter::fillArgs(RedisCall& call, const CounterParams& params) noexcept {
  call.args[0] = params.count;
  call.args[1] = params.periodNs / 1000;  // microseconds, the unit of Redis TIME
  call.args[2] = params.quota;
  call.argCount = 3;
}

Decision RedisLimiter::toDecision(RedisClient& client, const redisReply* reply,
                                  StoreFailure failure, const CounterParams& params,
                                  std::uint8_t warn, OnStoreError onError) noexcept {
  const bool wellFormed = failure == StoreFailure::none && reply != nullptr &&
                          reply->type == REDIS_REPLY_ARRAY && reply->elements == 4;
  if (wellFormed) {
    long long v[4];
    bool ints = true;
    for (std::size_t i = 0; i < 4; ++i) {
      ints = ints && reply->element[i]->type == REDIS_REPLY_INTEGER;
      v[i] = ints ? reply->element[i]->integer : 0;
    }
    if (ints) {
      RawDecision raw;
      raw.allowed = v[0] == 1;
      raw.remaining = v[1] < 0 ? 0 : static_cast<std::uint32_t>(v[1]);
      raw.resetNs = v[2] * 1000;
      raw.retryAfterNs = v[3] * 1000;
      return makeDecision(params, raw, warn, DecisionSource::redis);
    }
  }
  if (failure == StoreFailure::none) {
    bump(client.stats().replyErrors);  // an answer we cannot read counts as a failure too
  }
  bump(onError == OnStoreError::allow ? client.stats().fallbackAllow : client.stats().fallbackDeny);
  return fallbackDecision(params, onError);
}

}  // namespace gw::limit
