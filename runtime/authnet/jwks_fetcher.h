#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "runtime/auth/key_set.h"
#include "runtime/auth/verdict_cache.h"
#include "runtime/authnet/authnet_stats.h"
#include "runtime/authnet/http_fetch.h"
#include "runtime/base/log_sink.h"

namespace gw::authnet {

using Millis = std::chrono::milliseconds;

/// Settings of one `auth <name> jwt { jwks url "..." refresh 5m }` provider.
struct JwksFetcherConfig {
  std::string provider;               ///< the auth block's name, for logs
  std::string url;                    ///< http(s) URL of the JWKS document
  std::string caFile;                 ///< https trust anchors; empty: the system bundle
  Millis refresh{std::chrono::minutes(5)};         ///< the `refresh` setting
  Millis minRefresh{std::chrono::seconds(10)};     ///< floor when max-age asks for sooner
  Millis refetchInterval{std::chrono::seconds(30)};///< at most one unknown-kid re-fetch per this
  Millis retryInitial{std::chrono::seconds(1)};    ///< first backoff after a failed refresh
  Millis retryMax{std::chrono::seconds(60)};       ///< backoff ceiling (and never above refresh)
  int initialAttempts = 3;                         ///< tries of initialFetch() before giving up
  FetchOptions fetch;
};

/// What initialFetch() achieved.
struct InitialFetchResult {
  bool ok = false;               ///< a key set was fetched and installed
  bool servingPrevious = false;  ///< failed, but the holder already had keys (e.g. a reload)
  std::string error;             ///< "jwks `https://...`: timeout (...)" when !ok
};

/// Keeps one provider's KeySetHolder in sync with a remote JWKS document.
///
/// Threading: the fetcher lives on ONE process-wide "control" executor (an io_context run by a
/// single thread, not a worker). initialFetch() must be awaited on that executor; start(),
/// stop(), requestRefetch() and stats() may be called from any thread. Workers never wait for
/// it: they read the shared KeySetHolder, which is swapped atomically after each fetch.
/// A failed refresh keeps the previous keys (stale serving) and retries with jittered
/// exponential backoff; a rotation drops the cached verdicts of removed or changed kids.
/// Owned through std::shared_ptr: the refresh loop keeps it alive until stop() ends it.
class JwksFetcher : public std::enable_shared_from_this<JwksFetcher> {
 public:
  /// nullptr + `error` if the URL is invalid or the TLS context cannot be built. `keys` is the
  /// holder the verifier reads (never null); `cache` may be null.
  static std::shared_ptr<JwksFetcher> create(boost::asio::any_io_executor control,
                                             JwksFetcherConfig config,
                                             std::shared_ptr<auth::KeySetHolder> keys,
                                             std::shared_ptr<auth::VerdictCache> cache,
                                             LogSink log, std::string& error);

  /// Fetches until success or config.initialAttempts failures. The gateway awaits this before
  /// its listeners accept traffic and refuses to start when !ok && !servingPrevious.
  boost::asio::awaitable<InitialFetchResult> initialFetch();

  /// Starts the background refresh loop on the control executor. Idempotent.
  void start();
  /// Ends the refresh loop (an exchange in flight finishes within its timeout). Idempotent.
  void stop();

  /// A worker saw a token whose `kid` is not in the key set. Schedules a re-fetch unless the
  /// kid is known by now, one is already queued, or one started within refetchInterval (those
  /// bump refetchThrottled). Never blocks; safe from any thread.
  void requestRefetch(std::string_view kid);

  const JwksStats& stats() const noexcept { return stats_; }
  /// True while the installed keys are older than the last failed refresh.
  bool stale() const noexcept { return stale_.load(std::memory_order_relaxed); }
  const FetchUrl& url() const noexcept { return url_; }

 private:
  enum class Health : std::uint8_t { kNoKeys, kFresh, kStale, kFailing };

  JwksFetcher(boost::asio::any_io_executor control, JwksFetcherConfig config, FetchUrl url,
              std::shared_ptr<const tls::UpstreamTlsContext> tls,
              std::shared_ptr<auth::KeySetHolder> keys, std::shared_ptr<auth::VerdictCache> cache,
              LogSink log);

  boost::asio::awaitable<void> refreshLoop();
  /// One fetch + install; returns an empty string on success, else the reason.
  boost::asio::awaitable<std::string> fetchOnce();
  std::string install(std::string_view body);
  void onSuccess(std::optional<std::int64_t> maxAge);
  void onFailure(const std::string& reason);
  void setHealth(Health next, const std::string& reason);
  Millis backoff();
  Millis jitter(Millis base, double spread);
  bool refetchThrottled(std::chrono::steady_clock::time_point now) const noexcept;

  boost::asio::any_io_executor control_;
  JwksFetcherConfig config_;
  FetchUrl url_;
  std::shared_ptr<const tls::UpstreamTlsContext> tls_;
  std::shared_ptr<auth::KeySetHolder> keys_;
  std::shared_ptr<auth::VerdictCache> cache_;
  LogSink log_;
  JwksStats stats_;

  // Control-loop state (touched only on control_).
  boost::asio::steady_timer wake_;
  std::chrono::steady_clock::time_point nextRefreshAt_;
  Health health_ = Health::kNoKeys;
  int failures_ = 0;
  bool running_ = false;
  bool stopping_ = false;
  bool refetchPending_ = false;
  std::minstd_rand rng_;

  // Shared with requestRefetch() callers on any thread.
  std::atomic<std::int64_t> lastFetchStartNs_{0};
  std::atomic<bool> refetchQueued_{false};
  std::atomic<bool> stale_{false};
};

}  // namespace gw::authnet
