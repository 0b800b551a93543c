#pragma once
// The JSON-lines access log: one object per request. Workers append to a shared buffer under a
// short mutex; a background thread writes it out every 200 ms (or sooner when it grows past
// 64 KiB), so a slow disk never blocks a worker on write(2). Thread-safe.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace gw::gateway {

/// One request as logged. Views must be valid for the duration of AccessLog::write.
struct AccessRecord {
  std::string_view requestId, clientIp, method, path, host, route, upstream, server, subject;
  std::string_view rule;    ///< the authorization rule that denied, or empty
  std::string_view reason;  ///< short cause of a local error ("no_route", "rate_limited", ...)
  int status = 0;
  double durationMs = 0;
  uint64_t generation = 0;
};

class AccessLog {
 public:
  /// `path`: a file (appended), "-" for stdout. nullptr + error when it cannot be opened.
  static std::unique_ptr<AccessLog> open(const std::string& path, std::string* error);
  ~AccessLog();

  void write(const AccessRecord& r);
  /// Writes out everything buffered now (shutdown, tests).
  void flush();

 private:
  explicit AccessLog(int fd, bool ownFd);
  void run();
  void writeOut(std::string& data);

  int fd_;
  bool ownFd_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string buffer_;
  bool stop_ = false;
  std::thread thread_;
};

/// Appends `s` as a JSON string literal (quotes and escapes). Pure.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace gw::gateway
