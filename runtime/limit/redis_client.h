#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/intrusive/list.hpp>

#include "runtime/base/log_sink.h"
#include "runtime/limit/redis_scripts.h"
#include "runtime/limit/redis_stats.h"

struct redisAsyncContext;
struct redisReply;

namespace gw::limit {

/// Why a call got no usable reply.
enum class StoreFailure : std::uint8_t {
  none,
  unavailable,   ///< not connected (waiting to reconnect): failed at once, never queued
  timeout,       ///< no reply within the call timeout; the connection is dropped and redialled
  disconnected,  ///< the connection broke with the call in flight
  replyError,    ///< Redis answered with an error (other than a handled NOSCRIPT)
};

/// One EVALSHA in flight. Owned by RedisClient from execute() until complete() returns.
class RedisCall : public boost::intrusive::list_base_hook<> {
 public:
  virtual ~RedisCall() = default;
  /// Called exactly once, on the io_context thread. `reply` is non-null only on success and is
  /// valid during the call only.
  virtual void complete(const redisReply* reply, StoreFailure failure) noexcept = 0;

  const RedisScript* script = nullptr;
  std::string key;
  std::array<std::int64_t, 3> args{};
  std::uint8_t argCount = 0;
  std::chrono::steady_clock::time_point deadline;
  bool retried = false;
};

/// Connection settings. Host must be an IP literal: hiredis resolves names with a blocking
/// getaddrinfo, which must not run on an event loop (parseRedisUrl resolves at configuration
/// time).
struct RedisOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 6379;
  /// A Unix socket path; when set, host and port are ignored.
  std::string unixPath;
  /// Sent as AUTH [user] password ahead of every other command of a new connection.
  std::string user, password;
  /// Sent as SELECT db on a new connection when non-zero.
  std::uint32_t db = 0;
  std::chrono::milliseconds callTimeout{100};
  std::chrono::milliseconds connectTimeout{500};
  std::chrono::milliseconds backoffMin{50};
  std::chrono::milliseconds backoffMax{2000};
};

/// One asynchronous hiredis connection driven by one io_context: commands are pipelined on it
/// (hiredis writes them back to back; replies return in order), each call has a deadline, a
/// call past its deadline drops the connection (an unanswered head means every later reply is
/// stuck too), a dropped or refused connection is redialled with exponential backoff, and while
/// no connection is up calls fail at once so nothing waits on a dead store. The switch between
/// available and unavailable is counted and logged once per change.
/// Thread-safety: construct, use and destroy on the io_context's thread only (one per core).
class RedisClient {
 public:
  /// `shared` (optional) collects the counters of several clients (one per worker); it must
  /// outlive the client. With several clients sharing it, "unavailable" is logged when the first
  /// of them loses its connection and "available again" when the last one recovers.
  RedisClient(boost::asio::io_context& io, RedisOptions options, LogSink log = &logToStderr,
              RedisStats* shared = nullptr);
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;
  /// Fails every call in flight (their completions are posted) and closes the connection.
  ~RedisClient();

  /// Takes ownership of `call` and completes it exactly once (possibly before returning, with
  /// StoreFailure::unavailable when not connected).
  void execute(std::unique_ptr<RedisCall> call) noexcept;

  [[nodiscard]] bool connected() const noexcept { return state_ == State::up; }
  [[nodiscard]] bool available() const noexcept { return healthy_; }
  [[nodiscard]] const RedisStats& stats() const noexcept { return stats_; }
  [[nodiscard]] RedisStats& stats() noexcept { return stats_; }
  [[nodiscard]] boost::asio::io_context& context() noexcept { return io_; }
  [[nodiscard]] const RedisOptions& options() const noexcept { return options_; }

 private:
  enum class State : std::uint8_t { down, connecting, up };

  static void onConnect(const redisAsyncContext* ac, int status);
  static void onDisconnect(const redisAsyncContext* ac, int status);
  static void onReply(redisAsyncContext* ac, void* reply, void* privdata);

  void connect();
  void scheduleReconnect();
  void dropConnection(StoreFailure reason, const char* why);
  void send(RedisCall* call);
  void loadScript(const RedisScript& script);
  void sendHandshake();
  void finish(RedisCall* call, const redisReply* reply, StoreFailure failure) noexcept;
  void armDeadline();
  void onDeadline();
  void markDown(std::string_view why);
  void markUp();
  void setState(State next) noexcept;
  [[nodiscard]] std::string address() const;

  boost::asio::io_context& io_;
  RedisOptions options_;
  LogSink log_;
  redisAsyncContext* ac_ = nullptr;
  State state_ = State::down;
  bool healthy_ = true;
  bool dropping_ = false;
  bool replyErrorLogged_ = false;
  StoreFailure dropReason_ = StoreFailure::disconnected;
  boost::asio::steady_timer deadlineTimer_;
  boost::asio::steady_timer reconnectTimer_;
  std::chrono::steady_clock::time_point armedFor_{};
  bool deadlineArmed_ = false;
  bool reconnectPending_ = false;
  std::chrono::milliseconds backoff_;
  std::chrono::steady_clock::time_point connectDeadline_{};
  boost::intrusive::list<RedisCall> inflight_;
  RedisStats ownStats_;
  RedisStats& stats_;
  std::shared_ptr<char> alive_ = std::make_shared<char>();  // timer handlers check it
};

}  // namespace gw::limit
