#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

struct redisAsyncContext;

namespace gw::limit {

/// Drives a hiredis redisAsyncContext from a Boost.Asio io_context: hiredis' addRead/delRead/
/// addWrite/delWrite hooks become async_wait()s on a stream_descriptor over the context's socket;
/// readiness calls redisAsyncHandleRead/Write. The cleanup hook (hiredis freeing the context)
/// releases the descriptor without closing the fd, which hiredis closes itself.
/// Lifetime: owned by the hiredis context (ev.data) until cleanup, and by its pending waits.
/// Thread-safety: all use on the io_context's single thread.
class RedisAsioAdapter : public std::enable_shared_from_this<RedisAsioAdapter> {
 public:
  /// Installs the hooks on `ac` (which must have no event hooks yet). `writes` (optional, must
  /// outlive the context) counts the socket flushes: every command queued since the last flush
  /// goes out in one write.
  static void attach(boost::asio::io_context& io, redisAsyncContext* ac,
                     std::atomic<std::uint64_t>* writes = nullptr);

  RedisAsioAdapter(boost::asio::io_context& io, redisAsyncContext* ac, int fd,
                   std::atomic<std::uint64_t>* writes);

 private:
  static void addRead(void* self);
  static void delRead(void* self);
  static void addWrite(void* self);
  static void delWrite(void* self);
  static void cleanup(void* self);

  void armRead();
  void armWrite();

  redisAsyncContext* ac_;
  boost::asio::posix::stream_descriptor socket_;
  std::atomic<std::uint64_t>* writes_;
  bool wantRead_ = false;
  bool wantWrite_ = false;
  bool readArmed_ = false;
  bool writeArmed_ = false;
  std::shared_ptr<RedisAsioAdapter> self_;  // keeps this alive while hiredis holds ev.data
};

}  // namespace gw::limit
