#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "runtime/server/server_options.h"

namespace gw::server {

/// One deadline per session, shared by every read and write it makes. `arm()` only stores a
/// time point (no syscall, no allocation); a single timer wakes at the stored deadline and, if
/// it has passed, cancels the pending operations on the watched sockets, so the awaiting code
/// sees operation_aborted and asks `fired()` to tell a timeout from a failure. Rescheduling
/// happens only when a deadline moves earlier than the timer's expiry. The timer never waits
/// past the deadline, nor (once a timeout was armed) past one "cadence" (the shortest timeout
/// of at least kMinCadence armed so far) from when it was set: an arm() of a timeout at least
/// that long then always lands after the expiry and needs no cancel, which would cost a timer
/// completion and a coroutine resume per request (deadlines alternate between the client's
/// and the upstream's timeouts); an idle session's timer wakes once per cadence instead.
/// Single-threaded (the session's worker).
class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  /// Shorter timeouts (a linger, a test's) cancel the timer as before rather than make an
  /// idle session's timer wake more than once a second.
  static constexpr Millis kMinCadence{1000};

  explicit Watchdog(const boost::asio::any_io_executor& ex)
      : timer_(ex, Clock::time_point::max()) {}

  /// Sockets to cancel on expiry; either may be null. Not owned.
  void watch(boost::asio::ip::tcp::socket* client, boost::asio::ip::tcp::socket* upstream) {
    client_ = client;
    upstream_ = upstream;
  }
  void watchUpstream(boost::asio::ip::tcp::socket* upstream) { upstream_ = upstream; }

  void arm(Millis timeout) {
    deadline_ = Clock::now() + timeout;
    fired_ = false;
    if (timeout < cadence_ && timeout >= kMinCadence) {
      cadence_ = timeout;
    }
    if (deadline_ < timer_.expiry()) {
      timer_.cancel();  // wake the loop so it sleeps until the earlier deadline
    }
  }
  void disarm() { deadline_ = Clock::time_point::max(); }
  bool fired() const { return fired_; }

  /// Expires now: cancels whatever the watched sockets are waiting for (forced shutdown).
  void fireNow() {
    fired_ = true;
    cancelWatched();
  }

  /// Ends `run()`; call when the session finishes.
  void stop() {
    stopped_ = true;
    timer_.cancel();
  }

  /// The timer loop; co_spawn it beside the session (it must not outlive the session object).
  boost::asio::awaitable<void> run();

 private:
  void cancelWatched() {
    boost::system::error_code ignored;
    if (client_ != nullptr && client_->is_open()) {
      client_->cancel(ignored);
    }
    if (upstream_ != nullptr && upstream_->is_open()) {
      upstream_->cancel(ignored);
    }
  }

  boost::asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Millis cadence_ = Millis::max();  ///< the shortest timeout armed so far (max: none yet)
  boost::asio::ip::tcp::socket* client_ = nullptr;
  boost::asio::ip::tcp::socket* upstream_ = nullptr;
  bool fired_ = false;
  bool stopped_ = false;
};

}  // namespace gw::server
