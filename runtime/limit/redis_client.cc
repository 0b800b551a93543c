#include "runtime/limit/redis_client.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>
#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "runtime/limit/redis_asio_adapter.h"

namespace gw::limit {
namespace {

using SteadyClock = std::chrono::steady_clock;

RedisClient* clientOf(const redisAsyncContext* ac) {
  return static_cast<RedisClient*>(ac->data);
}

}  // namespace

RedisClient::RedisClient(boost::asio::io_context& io, RedisOptions options, LogSink log)
    : io_(io),
      options_(std::move(options)),
      log_(log ? std::move(log) : LogSink(&logToStderr)),
      deadlineTimer_(io),
      reconnectTimer_(io),
      backoff_(options_.backoffMin) {
  connect();
}

RedisClient::~RedisClient() {
  alive_.reset();
  deadlineTimer_.cancel();
  reconnectTimer_.cancel();
  if (ac_ != nullptr) {
    dropping_ = true;
    dropReason_ = StoreFailure::disconnected;
    redisAsyncContext* ac = ac_;
    ac_ = nullptr;
    redisAsyncFree(ac);  // fails every call in flight through onReply(nullptr)
  }
}

void RedisClient::connect() {
  reconnectPending_ = false;
  redisAsyncContext* ac = redisAsyncConnect(options_.host.c_str(), options_.port);
  if (ac == nullptr || ac->err != 0) {
    const std::string why = ac ? ac->errstr : "out of memory";
    if (ac != nullptr) {
      redisAsyncFree(ac);
    }
    bump(stats_.connectFailures);
    markDown(why);
    scheduleReconnect();
    return;
  }
  ac->data = this;
  RedisAsioAdapter::attach(io_, ac);
  redisAsyncSetDisconnectCallback(ac, &RedisClient::onDisconnect);
  redisAsyncSetConnectCallback(ac, &RedisClient::onConnect);  // arms the first write wait
  ac_ = ac;
  state_ = State::connecting;
  connectDeadline_ = SteadyClock::now() + options_.connectTimeout;
  armDeadline();
}

void RedisClient::scheduleReconnect() {
  if (reconnectPending_ || ac_ != nullptr) {
    return;
  }
  reconnectPending_ = true;
  reconnectTimer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoffMax);
  reconnectTimer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) {
          return;
        }
        connect();
      });
}

void RedisClient::onConnect(const redisAsyncContext* ac, int status) {
  RedisClient* self = clientOf(ac);
  if (status != REDIS_OK) {
    // hiredis frees the context after this callback (failing queued calls first).
    self->ac_ = nullptr;
    self->state_ = State::down;
    bump(self->stats_.connectFailures);
    self->markDown(fmt::format("connect failed: {}", ac->errstr));
    self->scheduleReconnect();
    return;
  }
  self->state_ = State::up;
  self->backoff_ = self->options_.backoffMin;
  bump(self->stats_.connects);
  self->markUp();
}

void RedisClient::onDisconnect(const redisAsyncContext* ac, int status) {
  RedisClient* self = clientOf(ac);
  self->ac_ = nullptr;
  self->state_ = State::down;
  if (self->dropping_) {
    return;  // dropConnection() or the destructor handles state and reconnect
  }
  self->markDown(status == REDIS_OK ? "connection closed" : fmt::format("connection lost: {}",
                                                                        ac->errstr));
  self->scheduleReconnect();
}

void RedisClient::dropConnection(StoreFailure reason, const char* why) {
  if (ac_ == nullptr) {
    return;
  }
  dropping_ = true;
  dropReason_ = reason;
  redisAsyncContext* ac = ac_;
  redisAsyncFree(ac);  // onReply(nullptr) for every call in flight, then onDisconnect
  dropping_ = false;
  ac_ = nullptr;
  state_ = State::down;
  markDown(why);
  scheduleReconnect();
}

void RedisClient::execute(std::unique_ptr<RedisCall> call) noexcept {
  if (ac_ == nullptr) {
    scheduleReconnect();
    finish(call.release(), nullptr, StoreFailure::unavailable);
    return;
  }
  RedisCall* raw = call.release();
  raw->deadline = SteadyClock::now() + options_.callTimeout;
  inflight_.push_back(*raw);
  send(raw);
  armDeadline();
}

void RedisClient::send(RedisCall* call) {
  // EVALSHA sha 1 key arg...: argv points into locals; hiredis copies before returning.
  std::array<char, 24 * 3> numbers;
  const char* argv[7];
  std::size_t lens[7];
  argv[0] = "EVALSHA";
  lens[0] = 7;
  argv[1] = call->script->sha1.data();
  lens[1] = call->script->sha1.size();
  argv[2] = "1";
  lens[2] = 1;
  argv[3] = call->key.data();
  lens[3] = call->key.size();
  for (std::uint8_t i = 0; i < call->argCount; ++i) {
    char* begin = numbers.data() + 24 * i;
    const auto res = std::to_chars(begin, begin + 24, call->args[i]);
    argv[4 + i] = begin;
    lens[4 + i] = static_cast<std::size_t>(res.ptr - begin);
  }
  const int argc = 4 + call->argCount;
  if (redisAsyncCommandArgv(ac_, &RedisClient::onReply, call, argc, argv, lens) != REDIS_OK) {
    inflight_.erase(inflight_.iterator_to(*call));
    finish(call, nullptr, StoreFailure::disconnected);
  }
}

void RedisClient::loadScript(const RedisScript& script) {
  const char* argv[3] = {"SCRIPT", "LOAD", script.source.data()};
  const std::size_t lens[3] = {6, 4, script.source.size()};
  (void)redisAsyncCommandArgv(ac_, &RedisClient::onReply, nullptr, 3, argv, lens);
}

void RedisClient::onReply(redisAsyncContext* ac, void* r, void* privdata) {
  if (privdata == nullptr) {
    return;  // SCRIPT LOAD: the EVALSHA queued behind it reports any problem
  }
  RedisClient* self = clientOf(ac);
  auto* call = static_cast<RedisCall*>(privdata);
  self->inflight_.erase(self->inflight_.iterator_to(*call));
  const auto* reply = static_cast<const redisReply*>(r);
  if (reply == nullptr) {
    self->finish(call, nullptr, self->dropping_ ? self->dropReason_ : StoreFailure::disconnected);
    return;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    const bool noscript = std::strncmp(reply->str, "NOSCRIPT", 8) == 0;
    if (noscript && !call->retried && self->ac_ != nullptr && !self->dropping_) {
      // Load-on-NOSCRIPT: the script cache was empty (restart, SCRIPT FLUSH, failover).
      call->retried = true;
      bump(self->stats_.noscript);
      self->loadScript(*call->script);
      self->inflight_.push_front(*call);  // keeps its original, earliest deadline
      self->send(call);
      return;
    }
    bump(self->stats_.replyErrors);
    if (!self->replyErrorLogged_) {
      self->replyErrorLogged_ = true;
      self->log_(LogLevel::error, fmt::format("redis store {}:{}: script {} failed: {}",
                                              self->options_.host, self->options_.port,
                                              call->script->name, reply->str));
    }
    self->finish(call, nullptr, StoreFailure::replyError);
    return;
  }
  self->replyErrorLogged_ = false;
  self->finish(call, reply, StoreFailure::none);
}

void RedisClient::finish(RedisCall* call, const redisReply* reply, StoreFailure failure) noexcept {
  if (failure != StoreFailure::none) {
    bump(stats_.storeErrors);
  } else {
    bump(stats_.decisions);
  }
  call->complete(reply, failure);
  delete call;
}

void RedisClient::armDeadline() {
  SteadyClock::time_point next = SteadyClock::time_point::max();
  if (!inflight_.empty()) {
    next = inflight_.front().deadline;
  }
  if (state_ == State::connecting) {
    next = std::min(next, connectDeadline_);
  }
  if (next == SteadyClock::time_point::max() || (deadlineArmed_ && armedFor_ <= next)) {
    return;
  }
  deadlineArmed_ = true;
  armedFor_ = next;
  deadlineTimer_.expires_at(next);
  deadlineTimer_.async_wait(
      [this, alive = std::weak_ptr<char>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) {
          return;  // re-armed (the new wait owns deadlineArmed_) or destroyed
        }
        deadlineArmed_ = false;
        onDeadline();
      });
}

void RedisClient::onDeadline() {
  const auto now = SteadyClock::now();
  const bool callLate = !inflight_.empty() && inflight_.front().deadline <= now;
  const bool connectLate = state_ == State::connecting && connectDeadline_ <= now;
  if (callLate || connectLate) {
    bump(stats_.timeouts);
    dropConnection(StoreFailure::timeout, callLate ? "call timed out" : "connect timed out");
    return;
  }
  armDeadline();
}

void RedisClient::markDown(std::string_view why) {
  if (!healthy_) {
    return;
  }
  healthy_ = false;
  bump(stats_.stateChanges);
  log_(LogLevel::warn,
       fmt::format("redis store {}:{} unavailable ({}); limits follow on_store_error until it "
                   "recovers",
                   options_.host, options_.port, why));
}

void RedisClient::markUp() {
  if (healthy_) {
    return;
  }
  healthy_ = true;
  bump(stats_.stateChanges);
  log_(LogLevel::info, fmt::format("redis store {}:{} available again; shared limits enforced",
                                   options_.host, options_.port));
}

}  // namespace gw::limit
