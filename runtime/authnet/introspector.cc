#include "runtime/authnet/introspector.h"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gw::authnet {

namespace asio = boost::asio;
using auth::AuthError;

/// One endpoint call in progress and the callers waiting for its answer.
struct Introspector::Flight {
  using Handler = asio::any_completion_handler<void(IntrospectionResult)>;
  struct Waiter {
    asio::any_io_executor executor;  // the waiter resumes on its own worker
    Handler handler;
  };

  std::mutex mutex;
  bool done = false;
  IntrospectionResult result;
  std::vector<Waiter> waiters;
};

namespace {

/// Completes the flight with "unavailable" if the leading coroutine is destroyed before it
/// finishes (its io_context shut down), so no waiter hangs forever.
struct FlightGuard {
  std::function<void()> onAbandon;
  bool armed = true;
  ~FlightGuard() {
    if (armed) {
      onAbandon();
    }
  }
};

}  // namespace

std::shared_ptr<Introspector> Introspector::create(IntrospectorConfig config, LogSink log,
                                                   auth::Clock clock, std::string& error) {
  std::optional<FetchTarget> target =
      prepareFetchTarget(config.url, config.caFile, "introspection", error);
  if (!target) {
    return nullptr;
  }
  return std::shared_ptr<Introspector>(
      new Introspector(std::move(config), std::move(target->url), std::move(target->tls),
                       log ? std::move(log) : LogSink(&logToStderr),
                       clock ? std::move(clock) : auth::Clock(&auth::systemNow)));
}

Introspector::Introspector(IntrospectorConfig config, FetchUrl url,
                           std::shared_ptr<const tls::UpstreamTlsContext> tls, LogSink log,
                           auth::Clock clock)
    : config_(std::move(config)),
      url_(std::move(url)),
      tls_(std::move(tls)),
      log_(std::move(log)),
      clock_(std::move(clock)),
      parseConfig_{config_.provider, config_.rolesClaim, config_.fetch.maxBodyBytes},
      cache_(auth::VerdictCacheConfig{std::max<std::size_t>(1, config_.cacheCapacity), 16,
                                      config_.cacheSeconds, 0}) {}

asio::awaitable<IntrospectionResult> Introspector::introspect(std::string token) {
  auto self = shared_from_this();
  const auth::Sha256Digest digest = auth::sha256(token);
  if (config_.cacheSeconds > 0) {
    if (std::optional<auth::CachedVerdict> hit = cache_.lookup(digest, clock_())) {
      bump(stats_.cacheHits);
      co_return IntrospectionResult{hit->error, std::move(hit->identity), true};
    }
  }
  std::shared_ptr<Flight> flight;
  bool leader = false;
  {
    std::lock_guard lock(flightsMutex_);
    auto [it, inserted] = flights_.try_emplace(digest);
    if (inserted) {
      it->second = std::make_shared<Flight>();
    }
    flight = it->second;
    leader = inserted;
  }
  if (!leader) {
    bump(stats_.coalesced);
    IntrospectionResult shared = co_await waitFor(flight);
    co_return shared;
  }
  FlightGuard guard{[this, digest, flight] {
    complete(digest, flight, IntrospectionResult{AuthError::kIntrospectionFailed, nullptr, false});
  }};
  IntrospectionResult result = co_await callEndpoint(token, digest);
  guard.armed = false;
  complete(digest, flight, result);
  co_return result;
}

asio::awaitable<IntrospectionResult> Introspector::waitFor(std::shared_ptr<Flight> flight) {
  const asio::any_io_executor executor = co_await asio::this_coro::executor;
  // A named initiation, not a lambda temporary inside the co_await expression: GCC 12 destroys
  // such temporaries twice (seen as a use-after-free of the captured shared_ptr under ASan).
  auto initiation = [flight, executor](Flight::Handler handler) {
    std::unique_lock lock(flight->mutex);
    if (!flight->done) {
      flight->waiters.push_back(Flight::Waiter{executor, std::move(handler)});
      return;
    }
    IntrospectionResult result = flight->result;
    lock.unlock();
    asio::post(executor, [h = std::move(handler), r = std::move(result)]() mutable {
      std::move(h)(std::move(r));
    });
  };
  IntrospectionResult result =
      co_await asio::async_initiate<decltype(asio::use_awaitable), void(IntrospectionResult)>(
          initiation, asio::use_awaitable);
  co_return result;
}

void Introspector::complete(const auth::Sha256Digest& digest, const std::shared_ptr<Flight>& flight,
                            const IntrospectionResult& result) {
  {
    // The answer is already cached, so a caller arriving after this erase hits the cache.
    std::lock_guard lock(flightsMutex_);
    flights_.erase(digest);
  }
  std::vector<Flight::Waiter> waiters;
  {
    std::lock_guard lock(flight->mutex);
    flight->done = true;
    flight->result = result;
    flight->result.fromCache = false;
    waiters.swap(flight->waiters);
  }
  for (Flight::Waiter& w : waiters) {
    asio::post(w.executor, [h = std::move(w.handler), r = result]() mutable {
      std::move(h)(std::move(r));
    });
  }
}

asio::awaitable<IntrospectionResult> Introspector::callEndpoint(const std::string& token,
                                                                const auth::Sha256Digest& digest) {
  auth::IntrospectionRequest built = auth::buildIntrospectionRequest(
      token, config_.clientId, config_.clientSecret, config_.tokenTypeHint);
  FetchRequest request;
  request.method = "POST";
  request.url = url_;
  request.body = std::move(built.body);
  request.contentType = std::string(auth::IntrospectionRequest::kContentType);
  request.authorization = std::move(built.authorization);
  bump(stats_.requests);
  FetchResponse response = co_await httpFetch(std::move(request), config_.fetch, tls_);
  co_return interpret(response, digest);
}

IntrospectionResult Introspector::interpret(const FetchResponse& response,
                                            const auth::Sha256Digest& digest) {
  if (!response.ok()) {
    return unavailable(std::string(fetchErrorName(response.error)) + " (" + response.detail +
                       ")");
  }
  if (response.status != 200) {
    return unavailable("status " + std::to_string(response.status));
  }
  const auth::UnixSeconds now = clock_();
  auth::IntrospectionVerdict verdict = auth::parseIntrospectionResponse(response.body,
                                                                        parseConfig_, now);
  if (verdict.error == AuthError::kIntrospectionFailed) {
    return unavailable("malformed introspection response");
  }
  if (endpointDown_.exchange(false)) {
    log_(LogLevel::kInfo, "introspection `" + url_.display() + "` of auth `" +
                              config_.provider + "` available again");
  }
  if (verdict.error == AuthError::kOk) {
    bump(stats_.active);
    cache_.storeSuccess(digest, verdict.identity, {}, now);
    return IntrospectionResult{AuthError::kOk, std::move(verdict.identity), false};
  }
  bump(stats_.inactive);
  const std::int64_t ttl = std::min(config_.inactiveCacheSeconds, config_.cacheSeconds);
  cache_.storeUntil(digest, auth::CachedVerdict{verdict.error, nullptr}, {}, now + ttl, now);
  return IntrospectionResult{verdict.error, nullptr, false};
}

IntrospectionResult Introspector::unavailable(const std::string& reason) {
  bump(stats_.unavailable);
  if (!endpointDown_.exchange(true)) {
    log_(LogLevel::kWarn, "introspection `" + url_.display() + "` of auth `" + config_.provider +
                              "` unavailable, answering 503: " + reason);
  }
  return IntrospectionResult{AuthError::kIntrospectionFailed, nullptr, false};
}

}  // namespace gw::authnet
