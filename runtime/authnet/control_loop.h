#pragma once
// The auth "control" loop: one io_context run by one dedicated thread, where JWKS fetchers keep
// their key sets fresh. Workers never run on it and never wait for it.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>

namespace gw::authnet {

/// Starts its thread on construction; the destructor stops the loop (pending work is dropped)
/// and joins it. Owned through std::shared_ptr by everything that posts to it, so it outlives
/// every fetcher bound to its executor. Thread-safe; must not be destroyed on its own thread
/// (fetchers never own it, so the last owner is a generation or the registry).
class ControlLoop {
 public:
  ControlLoop();
  ~ControlLoop();
  ControlLoop(const ControlLoop&) = delete;
  ControlLoop& operator=(const ControlLoop&) = delete;

  boost::asio::any_io_executor executor() { return io_.get_executor(); }
  boost::asio::io_context& io() { return io_; }

  /// Runs `work` on the loop and blocks the calling thread until it finishes. Configuration
  /// time only (start-up, the reload thread) and tests; never from the loop's own thread or a
  /// worker.
  template <class T>
  T await(boost::asio::awaitable<T> work) {
    return boost::asio::co_spawn(io_, std::move(work), boost::asio::use_future).get();
  }

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

}  // namespace gw::authnet
