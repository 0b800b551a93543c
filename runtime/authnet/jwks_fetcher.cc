#include "runtime/authnet/jwks_fetcher.h"

#include <algorithm>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/auth/key_loader.h"

namespace gw::authnet {

namespace asio = boost::asio;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::int64_t toNs(SteadyClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// True if `next` holds exactly the (kid, key material) pairs of `prev`.
bool sameKeys(const auth::KeySet& prev, const auth::KeySet& next) {
  if (prev.keys().size() != next.keys().size()) {
    return false;
  }
  return std::all_of(next.keys().begin(), next.keys().end(), [&](const auto& key) {
    return prev.containsKey(key->kid(), key->fingerprint());
  });
}

}  // namespace

std::shared_ptr<JwksFetcher> JwksFetcher::create(asio::any_io_executor control,
                                                 JwksFetcherConfig config,
                                                 std::shared_ptr<auth::KeySetHolder> keys,
                                                 std::shared_ptr<auth::VerdictCache> cache,
                                                 LogSink log, std::string& error) {
  std::optional<FetchTarget> target = prepareFetchTarget(config.url, config.caFile, "jwks", error);
  if (!target) {
    return nullptr;
  }
  if (!keys) {
    error = "jwks fetcher needs a key set holder";
    return nullptr;
  }
  config.initialAttempts = std::max(1, config.initialAttempts);
  if (!log) {
    log = LogSink(&logToStderr);
  }
  return std::shared_ptr<JwksFetcher>(new JwksFetcher(std::move(control), std::move(config),
                                                      std::move(target->url),
                                                      std::move(target->tls),
                                                      std::move(keys), std::move(cache),
                                                      std::move(log)));
}

JwksFetcher::JwksFetcher(asio::any_io_executor control, JwksFetcherConfig config, FetchUrl url,
                         std::shared_ptr<const tls::UpstreamTlsContext> tls,
                         std::shared_ptr<auth::KeySetHolder> keys,
                         std::shared_ptr<auth::VerdictCache> cache, LogSink log)
    : control_(control),
      config_(std::move(config)),
      url_(std::move(url)),
      tls_(std::move(tls)),
      keys_(std::move(keys)),
      cache_(std::move(cache)),
      log_(std::move(log)),
      wake_(control),
      nextRefreshAt_(SteadyClock::now() + config_.refresh),
      rng_(std::random_device{}()) {
  if (!keys_->current()->keys().empty()) {
    health_ = Health::kFresh;  // keys carried over from a previous configuration generation
  }
}

asio::awaitable<InitialFetchResult> JwksFetcher::initialFetch() {
  InitialFetchResult result;
  for (int attempt = 1; attempt <= config_.initialAttempts; ++attempt) {
    std::string reason = co_await fetchOnce();
    if (reason.empty()) {
      result.ok = true;
      co_return result;
    }
    result.error = "jwks `" + url_.display() + "` of auth `" + config_.provider + "`: " + reason;
    if (attempt < config_.initialAttempts) {
      asio::steady_timer pause(control_, backoff());
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
    }
  }
  result.servingPrevious = !keys_->current()->keys().empty();
  co_return result;
}

void JwksFetcher::start() {
  asio::post(control_, [self = shared_from_this()] {
    if (self->running_ || self->stopping_) {
      return;
    }
    self->running_ = true;
    asio::co_spawn(self->control_, [self]() { return self->refreshLoop(); }, asio::detached);
  });
}

void JwksFetcher::stop() {
  asio::post(control_, [self = shared_from_this()] {
    self->stopping_ = true;
    self->wake_.cancel();
  });
}

bool JwksFetcher::refetchThrottled(SteadyClock::time_point now) const noexcept {
  const std::int64_t last = lastFetchStartNs_.load(std::memory_order_acquire);
  return last != 0 &&
         toNs(now) - last < std::chrono::nanoseconds(config_.refetchInterval).count();
}

void JwksFetcher::requestRefetch(std::string_view kid) {
  if (keys_->current()->containsKid(kid)) {
    return;  // another worker's re-fetch already brought it in
  }
  if (refetchThrottled(SteadyClock::now()) || refetchQueued_.exchange(true)) {
    bump(stats_.refetchThrottled);
    return;
  }
  asio::post(control_, [self = shared_from_this()] {
    if (!self->running_ || self->stopping_) {
      self->refetchQueued_.store(false);
      return;
    }
    self->refetchPending_ = true;
    self->wake_.cancel();
  });
}

asio::awaitable<void> JwksFetcher::refreshLoop() {
  auto self = shared_from_this();  // the loop keeps the fetcher alive
  while (!stopping_) {
    if (!refetchPending_) {
      wake_.expires_at(nextRefreshAt_);
      co_await wake_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (stopping_) {
      break;
    }
    const bool refetch = std::exchange(refetchPending_, false);
    if (refetch && refetchThrottled(SteadyClock::now())) {
      refetchQueued_.store(false);  // a fetch started meanwhile has answered it
      bump(stats_.refetchThrottled);
      continue;
    }
    if (!refetch && SteadyClock::now() < nextRefreshAt_) {
      continue;  // woken early by a throttled request
    }
    if (refetch) {
      bump(stats_.refetchRequested);
    }
    co_await fetchOnce();
  }
  running_ = false;
}

asio::awaitable<std::string> JwksFetcher::fetchOnce() {
  lastFetchStartNs_.store(toNs(SteadyClock::now()), std::memory_order_release);
  refetchQueued_.store(false);
  FetchRequest request;
  request.url = url_;
  request.accept = "application/jwk-set+json, application/json";
  FetchResponse response = co_await httpFetch(std::move(request), config_.fetch, tls_);
  std::string reason;
  if (!response.ok()) {
    reason = std::string(fetchErrorName(response.error)) + " (" + response.detail + ")";
  } else if (response.status != 200) {
    reason = "status " + std::to_string(response.status);
  } else {
    reason = install(response.body);
  }
  if (reason.empty()) {
    onSuccess(response.maxAgeSeconds);
  } else {
    onFailure(reason);
  }
  co_return reason;
}

std::string JwksFetcher::install(std::string_view body) {
  auth::KeyLoadResult loaded = auth::parseJwks(body);
  if (!loaded.keySet) {
    return "invalid jwks document: " + loaded.error;
  }
  if (loaded.keySet->keys().empty()) {
    return "jwks document has no usable key";  // installing it would reject every token
  }
  const std::shared_ptr<const auth::KeySet> previous = keys_->current();
  if (sameKeys(*previous, *loaded.keySet)) {
    return {};
  }
  for (const std::string& warning : loaded.warnings) {
    log_(LogLevel::kWarn, "jwks `" + url_.display() + "`: skipped key: " + warning);
  }
  const std::vector<std::string> removed = keys_->replace(loaded.keySet);
  bump(stats_.keysRemoved, removed.size());
  if (cache_ && !removed.empty()) {
    bump(stats_.verdictsInvalidated, cache_->invalidateKids(removed));
  }
  if (!previous->keys().empty()) {
    bump(stats_.rotations);  // the first install is not a rotation
    log_(LogLevel::kInfo, "jwks `" + url_.display() + "` of auth `" + config_.provider +
                              "` rotated: " + std::to_string(loaded.keySet->keys().size()) +
                              " keys, " + std::to_string(removed.size()) + " removed");
  }
  return {};
}

void JwksFetcher::onSuccess(std::optional<std::int64_t> maxAge) {
  bump(stats_.fetchOk);
  failures_ = 0;
  stale_.store(false, std::memory_order_relaxed);
  setHealth(Health::kFresh, {});
  Millis delay = config_.refresh;
  if (maxAge) {
    // max-age is an upper bound: the document may change after it, so refresh no later.
    delay = std::min(delay, std::max<Millis>(std::chrono::seconds(*maxAge), config_.minRefresh));
  }
  nextRefreshAt_ = SteadyClock::now() + jitter(delay, 0.1);
}

void JwksFetcher::onFailure(const std::string& reason) {
  bump(stats_.fetchFailed);
  ++failures_;
  const bool haveKeys = !keys_->current()->keys().empty();
  if (haveKeys) {
    bump(stats_.staleServing);
    stale_.store(true, std::memory_order_relaxed);
  }
  setHealth(haveKeys ? Health::kStale : Health::kFailing, reason);
  nextRefreshAt_ = SteadyClock::now() + backoff();
}

void JwksFetcher::setHealth(Health next, const std::string& reason) {
  if (next == health_) {
    return;  // log once per state change, not once per attempt
  }
  const Health prev = health_;
  health_ = next;
  const std::string where = "jwks `" + url_.display() + "` of auth `" + config_.provider + "`";
  if (next == Health::kStale) {
    log_(LogLevel::kWarn, where + " refresh failed, serving the previous keys: " + reason);
  } else if (next == Health::kFailing) {
    log_(LogLevel::kError, where + " unavailable and no keys loaded: " + reason);
  } else if (prev != Health::kNoKeys) {
    log_(LogLevel::kInfo, where + " available again");
  }
}

Millis JwksFetcher::backoff() {
  const int shift = std::clamp(failures_ - 1, 0, 20);
  Millis base = config_.retryInitial * (std::int64_t{1} << shift);
  base = std::min({base, config_.retryMax, config_.refresh});
  // "Equal jitter": between half and all of the base, so gateways restarted together spread out.
  return jitter(base, 0.5);
}

Millis JwksFetcher::jitter(Millis base, double spread) {
  std::uniform_real_distribution<double> dist(1.0 - spread, 1.0);
  return Millis(std::max<std::int64_t>(1, static_cast<std::int64_t>(base.count() * dist(rng_))));
}

}  // namespace gw::authnet
