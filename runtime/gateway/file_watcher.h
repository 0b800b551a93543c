#pragma once
// Watches the policy's files with inotify (their directories, since editors replace a file by
// renaming a new one over it) and calls back, debounced, when one of them changes. Lives on
// the control io_context; single-threaded there.
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace gw::gateway {

class FileWatcher {
 public:
  FileWatcher(boost::asio::io_context& ioc, std::function<void(const std::string&)> onChange);
  ~FileWatcher();

  /// Replaces the watched set. Thread-safe (posts to the io_context).
  void watch(const std::vector<std::string>& files);
  /// False when inotify is unavailable (the gateway still reloads on SIGHUP and POST /reload).
  bool ok() const { return fd_ >= 0; }
  void stop();

 private:
  void apply(std::vector<std::string> files);
  void readLoop();

  boost::asio::io_context& ioc_;
  std::function<void(const std::string&)> onChange_;
  int fd_ = -1;
  std::unique_ptr<boost::asio::posix::stream_descriptor> stream_;
  boost::asio::steady_timer debounce_;
  std::unordered_map<int, std::string> dirs_;  // watch descriptor -> directory
  std::set<std::string> files_;                // absolute or as-given paths
  std::string changed_;
  char buf_[8192];
};

}  // namespace gw::gateway
