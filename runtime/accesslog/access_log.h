#pragma once
// The JSON-lines access log. Each worker formats its line into its own reused buffer and
// copies it into its own SPSC ring (no lock, no allocation in steady state); one background
// thread drains the rings to the file every flushInterval (sooner when a ring passes half
// full). When the writer cannot keep up a full ring drops the new line and counts it: a worker
// never blocks and memory never grows.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/accesslog/access_record.h"

namespace gw::accesslog {

struct AccessLogOptions {
  std::string path;  ///< "" or "off": disabled; "-": stdout; else a file, created 0644, appended
  std::size_t workers = 1;              ///< worker indexes 0..workers-1 may append
  std::size_t bufferBytes = 1u << 20;   ///< ring per worker (power of two, at least 64 KiB)
  std::chrono::milliseconds flushInterval{100};
  int fd = -1;  ///< >= 0: write to this descriptor (not owned; path ignored; reopen is a no-op)
};

/// Counters (see access_log_stats.def), summed over workers at the time of the call.
struct AccessLogStats {
#define GW_ACCESSLOG_STAT(member, metric, help) std::uint64_t member = 0;
#include "runtime/accesslog/access_log_stats.def"
#undef GW_ACCESSLOG_STAT
};

/// Thread-safety: append(w, ...) from the one thread that owns worker w; reopen, flush and
/// stats from any thread. The destructor writes out everything appended, then joins the writer.
class AccessLog {
 public:
  /// Opens the destination and starts the writer (none when disabled). nullptr and `*error`
  /// set when the file cannot be opened.
  static std::unique_ptr<AccessLog> open(const AccessLogOptions& options, std::string* error);
  ~AccessLog();
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  /// False in "off" mode: append returns at its first branch.
  bool enabled() const noexcept { return enabled_; }

  /// Formats and queues one line. Never blocks; drops (and counts) the line when worker's ring
  /// is full or the index is out of range.
  void append(std::size_t worker, const AccessRecord& record) noexcept;

  /// Reopens the file by its path (after logrotate moved it). On failure keeps writing to the
  /// old descriptor and returns false with `*error` set.
  bool reopen(std::string* error = nullptr);

  /// Blocks until every line appended before the call has been written (tests, shutdown).
  void flush();

  AccessLogStats stats() const;

 private:
  struct Lane;
  AccessLog(const AccessLogOptions& options, int fd, bool ownFd);
  void run();
  void drainAll();
  void writeOut(std::string_view a, std::string_view b);

  bool enabled_ = false;
  std::string path_;
  std::chrono::milliseconds flushInterval_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  std::atomic<std::uint64_t> outOfRange_{0};

  std::mutex fdMutex_;  // guards fd_ against reopen while the writer writes
  int fd_ = -1;
  bool ownFd_ = false;
  std::atomic<std::uint64_t> bytesWritten_{0}, writeErrors_{0}, reopens_{0};

  std::mutex wakeMutex_;
  std::condition_variable wake_, flushed_;
  std::atomic<bool> wakeRequested_{false};
  bool stop_ = false;
  std::uint64_t flushRequested_ = 0, flushDone_ = 0;
  std::thread writer_;
};

}  // namespace gw::accesslog
