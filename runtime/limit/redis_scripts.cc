#include "runtime/limit/redis_scripts.h"

#include <openssl/sha.h>

namespace gw::limit {
namespace {

// Numbers are written with %.0f: Lua 5.1's tostring keeps only 14 significant digits.
// replicate_commands: Redis < 5 needs it before writing after TIME; later versions ignore it.
constexpr std::string_view kTokenBucket = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local count = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local quota = tonumber(ARGV[3])
local interval = period / count
local tau = interval * quota
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local newTat = tat + interval
local debt = newTat - now
if debt > tau + 0.5 then
  return {0, 0, math.floor(tat - now), math.ceil(debt - tau)}
end
redis.call('SET', KEYS[1], string.format('%.0f', newTat), 'PX', math.ceil(debt / 1000) + 1)
return {1, math.floor((tau - debt) / interval + 1e-9), math.ceil(debt), 0}
)lua";

constexpr std::string_view kSlidingWindow = R"lua(
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local count = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local idx = math.floor(now / w)
local v = redis.call('HMGET', KEYS[1], 'i', 'p', 'c')
local si = tonumber(v[1])
local p = tonumber(v[2]) or 0
local c = tonumber(v[3]) or 0
if si == nil then p = 0; c = 0
elseif si == idx - 1 then p = c; c = 0
elseif si ~= idx then p = 0; c = 0 end
local elapsed = now - idx * w
local est = p * (w - elapsed) / w + c + 1
if est > count + 1e-9 then
  local retry
  if c < count and p > 0 then
    retry = (w - (count - c - 1) * w / p) - elapsed
  else
    retry = (w - elapsed) + (w - (count - 1) * w / c)
  end
  local reset = w - elapsed
  if c > 0 then reset = 2 * w - elapsed end
  return {0, 0, math.ceil(reset), math.ceil(math.max(retry, 1))}
end
c = c + 1
redis.call('HSET', KEYS[1], 'i', string.format('%.0f', idx), 'p', p, 'c', c)
redis.call('PEXPIRE', KEYS[1], math.ceil((2 * w - elapsed) / 1000) + 1)
return {1, math.floor(count - est + 1e-9), math.ceil(2 * w - elapsed), 0}
)lua";

}  // namespace

std::string sha1Hex(std::string_view text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA_DIGEST_LENGTH);
  for (unsigned char b : digest) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

const RedisScript& redisScriptFor(Algorithm algorithm) noexcept {
  static const RedisScript kBucket{"token_bucket", kTokenBucket, sha1Hex(kTokenBucket)};
  static const RedisScript kWindow{"sliding_window", kSlidingWindow, sha1Hex(kSlidingWindow)};
  return algorithm == Algorithm::tokenBucket ? kBucket : kWindow;
}

}  // namespace gw::limit
