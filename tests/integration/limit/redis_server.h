#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace gw::limit::testing {

/// A real redis-server child process on a free loopback port, without persistence. Stopped
/// (SIGKILL, reaped) by PID in the destructor. Test-only.
class RedisServer {
 public:
  /// Starts on a port found by binding port 0; waits until it answers PING.
  RedisServer();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  /// SIGKILL and reap: the store vanishes mid-conversation.
  void kill();
  /// Starts again on the same port (empty data set and script cache).
  void restart();
  /// SIGSTOP / SIGCONT: the store hangs with its connections open.
  void pause();
  void resume();
  /// Runs one command through redis-cli and returns its output (e.g. "SCRIPT FLUSH").
  [[nodiscard]] std::string cli(const std::string& command) const;

 private:
  void start();
  bool waitReady(std::chrono::milliseconds timeout) const;

  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
  std::string dir_;
};

/// A TCP port that was free a moment ago (bound to port 0 and released).
[[nodiscard]] std::uint16_t freeLoopbackPort();

}  // namespace gw::limit::testing
