#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include "runtime/limit/counter_params.h"
#include "runtime/limit/decision.h"
#include "runtime/limit/limit_spec.h"
#include "runtime/limit/redis_client.h"

namespace gw::limit {

/// Decisions for `store redis` limits: one Lua script per algorithm decides atomically on the
/// Redis server with its TIME, so every gateway instance shares one count. While Redis cannot
/// answer, `on_store_error` decides and the fallback is counted. Completion handlers always run
/// through their associated executor (never inside the initiating call).
/// Thread-safety: like its RedisClient, used on one io_context thread only.
class RedisLimiter {
 public:
  /// Redis keys are `gw:rl:{<limit>:<key>}:<tb|sw>`; keys beyond this are digested.
  static constexpr std::size_t kMaxKeyBytes = 256;

  /// `client` must outlive this limiter.
  explicit RedisLimiter(RedisClient& client) noexcept : client_(client) {}

  /// Decides one request for `key` under `spec`. Completion signature `void(Decision)`; works
  /// with callbacks, `boost::asio::use_awaitable` (`co_await`) and other completion tokens.
  /// Arguments are copied before this returns.
  template <class CompletionToken>
  auto asyncDecide(std::string_view key, const LimitSpec& spec, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void(Decision)>(
        [this](auto handler, std::string redisKey, CounterParams params, std::uint8_t warn,
               OnStoreError onError) {
          using Handler = decltype(handler);
          auto call = std::make_unique<DecideCall<Handler>>(std::move(handler), client_, params,
                                                            warn, onError);
          call->script = &redisScriptFor(params.algorithm);
          call->key = std::move(redisKey);
          fillArgs(*call, params);
          client_.execute(std::move(call));
        },
        token, redisKeyFor(spec.name, key, spec.algorithm), CounterParams::from(spec),
        spec.warnPercent, spec.onStoreError);
  }

  /// One decision of a batch (asyncDecideAll).
  struct BatchItem {
    std::string_view key;
    const LimitSpec* spec = nullptr;
    Decision* out = nullptr;  ///< written before the batch completes
  };

  /// Decides several limits of one request together: every call is issued before this returns,
  /// so they are written in one go and share one round trip (Redis answers in order; each
  /// script stays atomic on its own key). Completion signature `void()`, after every `out` was
  /// written. Keys and specs are copied before this returns; the Decisions must outlive the
  /// completion.
  template <class CompletionToken>
  auto asyncDecideAll(std::span<const BatchItem> items, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, void()>(
        [this](auto handler, std::span<const BatchItem> batch) {
          using Handler = decltype(handler);
          auto join = std::make_shared<Join<Handler>>(std::move(handler), client_, batch.size());
          if (batch.empty()) {
            join->post();
            return;
          }
          for (const BatchItem& item : batch) {
            asyncDecide(item.key, *item.spec, [join, out = item.out](Decision d) {
              *out = d;
              if (--join->remaining == 0) join->dispatch();
            });
          }
        },
        token, items);
  }

  /// The Redis key of (limit, client key); the braces are a Redis Cluster hash tag, so every
  /// key derived from one (limit, client key) lands on one shard.
  [[nodiscard]] static std::string redisKeyFor(std::string_view limit, std::string_view key,
                                               Algorithm algorithm);

 private:
  /// Turns the script reply (or a failure) into a Decision; counts fallbacks.
  static Decision toDecision(RedisClient& client, const redisReply* reply, StoreFailure failure,
                             const CounterParams& params, std::uint8_t warn,
                             OnStoreError onError) noexcept;
  static void fillArgs(RedisCall& call, const CounterParams& params) noexcept;

  // Completes a batch once its last decision is in (all on the io_context thread).
  template <class Handler>
  struct Join {
    Join(Handler h, RedisClient& c, std::size_t n) : handler(std::move(h)), client(c), remaining(n) {}
    void dispatch() {
      auto ex = boost::asio::get_associated_executor(handler, client.context().get_executor());
      boost::asio::dispatch(ex, std::move(handler));
    }
    void post() {
      auto ex = boost::asio::get_associated_executor(handler, client.context().get_executor());
      boost::asio::post(ex, std::move(handler));
    }
    Handler handler;
    RedisClient& client;
    std::size_t remaining;
  };

  template <class Handler>
  class DecideCall final : public RedisCall {
   public:
    DecideCall(Handler handler, RedisClient& client, const CounterParams& params,
               std::uint8_t warn, OnStoreError onError)
        : handler_(std::move(handler)),
          client_(client),
          params_(params),
          warn_(warn),
          onError_(onError) {}

    void complete(const redisReply* reply, StoreFailure failure) noexcept override {
      const Decision d = toDecision(client_, reply, failure, params_, warn_, onError_);
      auto ex = boost::asio::get_associated_executor(handler_, client_.context().get_executor());
      boost::asio::post(ex, [h = std::move(handler_), d]() mutable { std::move(h)(d); });
    }

   private:
    Handler handler_;
    RedisClient& client_;
    CounterParams params_;
    std::uint8_t warn_;
    OnStoreError onError_;
  };

  RedisClient& client_;
};

}  // namespace gw::limit
