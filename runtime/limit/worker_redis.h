#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>

#include "runtime/base/log_sink.h"
#include "runtime/limit/redis_client.h"
#include "runtime/limit/redis_limiter.h"
#include "runtime/limit/redis_stats.h"

namespace gw::limit {

/// The Redis store as one gateway worker sees it: one pipelined connection (RedisClient) on
/// the worker's own io_context, so no request ever crosses threads or takes a lock to reach
/// Redis. The client is created on first use and starts connecting at once (hiredis buffers the
/// first calls until the socket is up); a reload that changes the gateway's `redis` address
/// replaces it (calls in flight on the old connection complete with on_store_error).
/// Thread-safety: one per worker; used and destroyed on that worker's thread only.
class WorkerRedis {
 public:
  /// `shared` aggregates the counters of every worker's connection and must outlive this.
  WorkerRedis(RedisStats& shared, LogSink log) : shared_(shared), log_(std::move(log)) {}
  WorkerRedis(const WorkerRedis&) = delete;
  WorkerRedis& operator=(const WorkerRedis&) = delete;

  /// The limiter for the store at `address` (the policy's `redis` text, used as identity) with
  /// connection `options`, on `io`; nullptr once closed (the caller applies on_store_error).
  RedisLimiter* limiter(boost::asio::io_context& io, std::string_view address,
                        const RedisOptions& options) {
    if (closed_) {
      return nullptr;
    }
    if (!client_ || address_ != address) {
      limiter_.reset();
      client_.reset();
      address_ = std::string(address);
      client_ = std::make_unique<RedisClient>(io, options, log_, &shared_);
      limiter_ = std::make_unique<RedisLimiter>(*client_);
    }
    return limiter_.get();
  }

  /// Closes the connection for good (worker draining): calls in flight complete with
  /// on_store_error, later ones get it at once, and nothing is left on the io_context.
  void close() {
    closed_ = true;
    limiter_.reset();
    client_.reset();
  }

 private:
  RedisStats& shared_;
  LogSink log_;
  std::string address_;
  std::unique_ptr<RedisClient> client_;
  std::unique_ptr<RedisLimiter> limiter_;
  bool closed_ = false;
};

}  // namespace gw::limit
