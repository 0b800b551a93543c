#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <vector>

namespace gw::server {

/// The upstream sends of one batch of ready handlers, made together at the batch's end.
///
/// Why at the end: on a core shared with the upstream, each send to a sleeping upstream wakes
/// it and it preempts the worker; sent back to back after the batch's client reads, the
/// upstream finds several requests per wake-up (bench/RESULTS.md, "Session 8 (sched helper)").
/// Why this form: the forwarder used to await a post before each send, a coroutine suspension
/// and resumption and a posted operation per request. Now it hands its send to the batch and
/// awaits the response at once; the batch's first send posts one flush behind the handlers
/// already ready, which makes every send of the batch in the order they were added
/// (bench/RESULTS.md, "Session 10 (coro helper)").
///
/// One per worker (the UpstreamPool's); single-threaded, like everything on a worker.
class SendBatch {
 public:
  /// What a deferred send calls back. The sender stays alive until its send was made or it
  /// withdrew it.
  class Sender {
   public:
    /// Makes the send now (at the batch's end).
    virtual void sendDeferred() = 0;

   protected:
    ~Sender() = default;
  };

  explicit SendBatch(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}
  SendBatch(const SendBatch&) = delete;
  SendBatch& operator=(const SendBatch&) = delete;

  /// Defers `sender`'s send to the end of the current batch.
  void add(Sender* sender);
  /// Forgets `sender` if its send has not been made yet (its exchange ended first).
  void withdraw(Sender* sender);
  /// Sends deferred and not yet made.
  std::size_t pending() const { return pending_.size(); }

 private:
  void flush();

  boost::asio::any_io_executor ex_;
  std::vector<Sender*> pending_;
  std::vector<Sender*> flushing_;  ///< the batch being sent; capacity reused
  bool posted_ = false;
};

}  // namespace gw::server
