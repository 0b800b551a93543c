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

// privdata of the PING that follows every connect: its answer marks the store available even
// when no request is waiting (a reconnected idle worker must not keep reporting an outage).
char kProbe;

}  // namespace

RedisClient::RedisClient(boost::asio::io_context& io, RedisOptions options, LogSink log,
                         RedisStats* shared)
    : io_(io),
      options_(std::move(options)),
      log_(log ? std::move(log) : LogSink(&logToStderr)),
      deadlineTimer_(io),
      reconnectTimer_(io),
      backoff_(options_.backoffMin),
      stats_(shared != nullptr ? *shared : ownStats_) {
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
  setState(State::down);
  if (!healthy_) {
    stats_.unavailableClients.fetch_sub(1, std::memory_order_relaxed);  // leaves the shared view
  }
}

void RedisClient::setState(State next) noexcept {
  if (state_ == State::up && next != State::up) {
    stats_.connectionsUp.fetch_sub(1, std::memory_order_relaxed);
  } else if (state_ != State::up && next == State::up) {
    stats_.connectionsUp.fetch_add(1, std::memory_order_relaxed);
  }
  state_ = next;
}

std::string RedisClient::address() const {
  return options_.unixPath.empty() ? fmt::format("{}:{}", options_.host, options_.port)
                                   : fmt::format("unix:{}", options_.unixPath);
}

void RedisClient::connect() {
  reconnectPending_ = false;
  redisAsyncContext* ac = options_.unixPath.empty()
                             ? redisAsyncConnect(options_.host.c_str(), options_.port)
                             : redisAsyncConnectUnix(options_.unixPath.c_str());
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
  RedisAsioAdapter::attach(io_, ac, &stats_.writes);
  redisAsyncSetDisconnectCallback(ac, &RedisClient::onDisconnect);
  redisAsyncSetConnectCallback(ac, &RedisClient::onConnect);  // arms the first write wait
  ac_ = ac;
  setState(State::connecting);
  sendHandshake();
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
    self->setState(State::down);
    bump(self->stats_.connectFailures);
    self->markDown(fmt::format("connect failed: {}", ac->errstr));
    self->scheduleReconnect();
    return;
  }
  self->setState(State::up);
  self->backoff_ = self->options_.backoffMin;
  bump(self->stats_.connects);
  // Not markUp() yet: a paused or wedged server completes the TCP handshake without ever
  // answering; the store is available again with its first reply.
}

void RedisClient::onDisconnect(const redisAsyncContext* ac, int status) {
  RedisClient* self = clientOf(ac);
  self->ac_ = nullptr;
  self->setState(State::down);
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
  setState(State::down);
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

void RedisClient::sendHandshake() {
  // Queued before any EVALSHA, so hiredis writes them first once the socket connects; their
  // replies are ignored (privdata null): a failed AUTH surfaces as the NOAUTH error replies of
  // the calls behind it, which are counted and logged.
  if (!options_.password.empty()) {
    const bool withUser = !options_.user.empty();
    const std::string& first = withUser ? options_.user : options_.password;
    const char* argv[3] = {"AUTH", first.c_str(), options_.password.c_str()};
    const std::size_t lens[3] = {4, first.size(), options_.password.size()};
    (void)redisAsyncCommandArgv(ac_, &RedisClient::onReply, nullptr, withUser ? 3 : 2, argv,
                                lens);
  }
  if (options_.db != 0) {
    const std::string db = std::to_string(options_.db);
    const char* argv[2] = {"SELECT", db.c_str()};
    const std::size_t lens[2] = {6, db.size()};
    (void)redisAsyncCommandArgv(ac_, &RedisClient::onReply, nullptr, 2, argv, lens);
  }
  const char* ping[1] = {"PING"};
  const std::size_t pingLen[1] = {4};
  (void)redisAsyncCommandArgv(ac_, &RedisClient::onReply, &kProbe, 1, ping, pingLen);
}

void RedisClient::loadScript(const RedisScript& script) {
  const char* argv[3] = {"SCRIPT", "LOAD", script.source.data()};
  const std::size_t lens[3] = {6, 4, script.source.size()};
  (void)redisAsyncCommandArgv(ac_, &RedisClient::onReply, nullptr, 3, argv, lens);
}

void RedisClient::onReply(redisAsyncContext* ac, void* r, void* privdata) {
  if (privdata == nullptr) {
    return;  // SCRIPT LOAD, AUTH, SELECT: the EVALSHA queued behind reports any problem
  }
  RedisClient* self = clientOf(ac);
  if (privdata == &kProbe) {
    const auto* reply = static_cast<const redisReply*>(r);
    if (reply != nullptr && reply->type != REDIS_REPLY_ERROR && !self->dropping_) {
      self->markUp();
    }
    return;
  }
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
      self->log_(LogLevel::kError, fmt::format("redis store {}: script {} failed: {}",
                                              self->address(), call->script->name, reply->str));
    }
    self->finish(call, nullptr, StoreFailure::replyError);
    return;
  }
  self->replyErrorLogged_ = false;
  self->markUp();
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
  if (stats_.unavailableClients.fetch_add(1, std::memory_order_relaxed) != 0) {
    return;  // another connection sharing these stats already reported the outage
  }
  bump(stats_.stateChanges);
  log_(LogLevel::kWarn,
       fmt::format("redis store {} unavailable ({}); limits follow on_store_error until it "
                   "recovers",
                   address(), why));
}

void RedisClient::markUp() {
  if (healthy_) {
    return;
  }
  healthy_ = true;
  if (stats_.unavailableClients.fetch_sub(1, std::memory_order_relaxed) != 1) {
    return;  // some connection sharing these stats is still down
  }
  bump(stats_.stateChanges);
  log_(LogLevel::kInfo,
       fmt::format("redis store {} available again; shared limits enforced", address()));
}

}  // namespace gw::limit
