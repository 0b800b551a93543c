#include "runtime/server/session.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "runtime/http/path_normalizer.h"
#include "runtime/server/message_writer.h"
#include "runtime/server/request_id.h"
#include "runtime/server/timed_write.h"
#include "runtime/server/worker.h"
#include "runtime/tls/server_context.h"

namespace gw::server {

namespace asio = boost::asio;

namespace {
constexpr Millis kLingerTime{500};
constexpr std::size_t kLingerBytes = 1 << 20;
}  // namespace

Session::Session(Worker& worker, asio::ip::tcp::socket socket,
                 std::shared_ptr<const tls::ServerTlsContext> tls)
    : worker_(worker),
      client_(std::move(socket)),
      tlsContext_(std::move(tls)),
      watchdog_(client_.socket().get_executor()),
      input_(client_, worker.options().limits.maxHeaderBytes + 4096,
             worker.options().bodyBufferBytes),
      parser_(worker.options().limits),
      forwarder_(worker.pool(), worker.options()) {
  watchdog_.watch(&client_.socket(), nullptr);
  boost::system::error_code ec;
  auto remote = client_.socket().remote_endpoint(ec);
  if (!ec) {
    clientIp_ = remote.address().to_string();
    clientPort_ = remote.port();
  }
  worker_.add(this);
}

Session::~Session() { worker_.remove(this); }

void Session::onDrain() {
  if (idle_) {
    boost::system::error_code ec;
    client_.socket().cancel(ec);
  }
}

void Session::abort() {
  watchdog_.fireNow();
  boost::system::error_code ec;
  client_.socket().close(ec);
}

asio::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  asio::co_spawn(
      self->client_.socket().get_executor(),
      [self]() -> asio::awaitable<void> { co_await self->watchdog_.run(); }, asio::detached);
  if (self->tlsContext_) {
    bool ok = co_await self->handshake();  // not inside &&: GCC 12 miscompiles that
    if (!ok) {
      self->watchdog_.stop();
      boost::system::error_code ec;
      self->client_.socket().close(ec);
      co_return;
    }
  }
  // The request loop. A request's steps that do not wait are plain functions, and the reads,
  // decisions, writes and exchanges that may wait are awaited here, in run()'s frame, which is
  // made once per connection: a coroutine of its own per step (a head read, a request, a local
  // answer) would cost a frame from Asio's cache, its start, a resumption through the
  // awaitable thread and its end on every request (bench/RESULTS.md, "Session 10 (coro
  // helper)").
  Session& s = *self;
  while (!s.worker_.draining() || s.input_.hasBuffered()) {
    HeadStatus head = s.beginHead();
    while (head == HeadStatus::kMore) {
      asio::mutable_buffer room = s.input_.headRoom();
      if (room.size() == 0) {  // full of an unfinished head (the parser's limits come first)
        head = s.afterHeadRead(asio::error::message_size, 0);
        break;
      }
      auto [ec, n] = co_await s.client_.readSome(room, net::ShortRead::kDrainedWhenShort);
      head = s.afterHeadRead(ec, n);
    }
    if (head == HeadStatus::kBad) {
      co_await s.respondError(s.badStatus_, s.badReason_);
      break;
    }
    if (head == HeadStatus::kTimedOut) {
      co_await s.respondError(408, "request header timeout");
      break;
    }
    if (head != HeadStatus::kOk) {
      break;
    }
    Next next = s.beginRequest();
    if (next == Next::kDecide) {
      co_await s.worker_.handler().decide(s.ctx_, s.decision_);
    }
    bool keepAlive = false;
    if (next == Next::kBadPath || s.decision_.kind == Decision::Kind::kRespond) {
      Answer answer = s.answerNow();
      keepAlive = answer == Answer::kSent && !s.mustClose_;
      if (answer == Answer::kPartial) {
        keepAlive = co_await s.answerRest();
      }
      if (next != Next::kBadPath) {  // a path that does not normalize is not counted or logged
        s.reportAnswer();
      }
    } else {
      Exchange ex{s.client_, s.input_, s.watchdog_, s.ctx_, s.head_, s.decision_.forward,
                  s.worker_.drainingFlag()};
      ForwardOutcome outcome = co_await s.forwarder_.forward(ex);
      s.worker_.handler().onComplete(s.ctx_, s.decision_, s.forwarder_.completion());
      keepAlive = outcome == ForwardOutcome::kKeepAlive && s.head_.keepAlive;
    }
    s.input_.finishRequest();
    s.parser_.reset();
    if (!keepAlive || s.worker_.draining()) {
      break;
    }
  }
  co_await self->lingeringClose();
}

asio::awaitable<bool> Session::handshake() {
  // The listener's `handshake_timeout` comes with the context (so a reload changes it for new
  // connections); without one, the server's default.
  Millis limit = tlsContext_->handshakeTimeout();
  watchdog_.arm(limit.count() > 0 ? limit : worker_.options().handshakeTimeout);
  boost::system::error_code ec = co_await client_.acceptTls(std::move(tlsContext_));
  watchdog_.disarm();
  if (ec) {
    const auto& report = worker_.options().onTlsFailure;
    if (report) {
      std::string why = watchdog_.fired() ? std::string("handshake timeout")
                                          : client_.handshakeFailure(ec);
      report(clientIp_, why);
    }
    co_return false;
  }
  co_return true;
}

asio::awaitable<void> Session::lingeringClose() {
  // Closing with unread input makes the kernel send RST, which can destroy the response we
  // just wrote (a 413 or 431 sent while the client is still sending). So: half-close, then
  // drain and discard for a bounded time and amount, as nginx's lingering_close does.
  boost::system::error_code ec;
  if (client_.secure()) {
    // close_notify, then wait (bounded) for the peer's or its close; TLS has no half-close
    // that would let us drain and discard the way plain TCP does below.
    if (!peerClosed_) {
      watchdog_.arm(kLingerTime);
      co_await client_.shutdownSend();
    }
    watchdog_.stop();
    client_.socket().close(ec);
    co_return;
  }
  client_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (!peerClosed_ && !ec) {
    watchdog_.arm(kLingerTime);
    std::size_t drained = 0;
    char sink[4096];
    // First what is there already: a FIN that came with the last request raised no edge of its
    // own (ClientInput's head reads leave it for the next edge), so waiting would wait
    // kLingerTime.
    boost::system::error_code rec;
    while (drained < kLingerBytes) {
      std::size_t n = client_.readNow(asio::buffer(sink), rec);
      if (rec || n == 0) {
        break;
      }
      drained += n;
    }
    while (!rec && drained < kLingerBytes) {
      auto [aec, n] = co_await client_.socket().async_read_some(
          asio::buffer(sink), asio::as_tuple(asio::use_awaitable));
      if (aec) {
        break;
      }
      drained += n;
    }
  }
  watchdog_.stop();
  client_.socket().close(ec);
}

Session::HeadStatus Session::beginHead() {
  idle_ = !input_.hasBuffered();
  watchdog_.arm(idle_ ? worker_.options().idleTimeout : worker_.options().headerTimeout);
  return idle_ ? HeadStatus::kMore : parseBuffered();
}

Session::HeadStatus Session::afterHeadRead(const boost::system::error_code& ec, std::size_t n) {
  input_.addHead(n);
  bool first = idle_ && input_.hasBuffered();
  if (first) {
    idle_ = false;  // the header deadline starts with the first byte of the request
  }
  if (ec) {
    peerClosed_ = ec == asio::error::eof || ec == asio::error::connection_reset;
    return !idle_ && watchdog_.fired() ? HeadStatus::kTimedOut : HeadStatus::kClose;
  }
  HeadStatus status = parseBuffered();
  if (first && status == HeadStatus::kMore) {
    // Armed only for a head that did not come whole with its first bytes: the common one does,
    // and a clock read per request is saved (the idle deadline was on until now).
    watchdog_.arm(worker_.options().headerTimeout);
  }
  return status;
}

Session::HeadStatus Session::parseBuffered() {
  http::ParseResult r = parser_.parse(input_.buffered(), head_);
  if (r.status == http::ParseStatus::kComplete) {
    watchdog_.disarm();
    input_.consume(r.consumed);
    return HeadStatus::kOk;
  }
  if (r.status == http::ParseStatus::kError) {
    badStatus_ = r.httpStatus;
    badReason_ = r.reason;
    return HeadStatus::kBad;
  }
  return HeadStatus::kMore;
}

void Session::prepareContext() {
  Worker& w = worker_;
  const http::Header* rid = http::findHeader(head_.headers, "x-request-id");
  if (rid != nullptr && isValidRequestId(rid->value)) {
    requestId_.assign(rid->value);
  } else {
    generateRequestId(w.random(), requestId_);
  }
  const http::Header* tp = http::findHeader(head_.headers, "traceparent");
  makeTraceparent(tp != nullptr ? tp->value : std::string_view(), w.random(), traceparent_);
  ctx_.method = head_.method;
  ctx_.path = path_;
  ctx_.rawPath = head_.path;
  ctx_.query = head_.query;
  ctx_.hasQuery = head_.hasQuery;
  ctx_.host = head_.host;
  ctx_.head = &head_;
  ctx_.clientIp = clientIp_;
  ctx_.clientPort = clientPort_;
  ctx_.tls = client_.secure();
  ctx_.clientCert = client_.peer().verified ? &client_.peer() : nullptr;
  ctx_.requestId = requestId_;
  ctx_.traceparent = traceparent_;
  ctx_.workerIndex = w.index();
  ctx_.start = std::chrono::steady_clock::now();
}

Session::Next Session::beginRequest() {
  http::NormalizeResult norm = http::normalizePath(head_.path, path_);
  prepareContext();
  // An unread body would be parsed as the next request: close instead.
  mustClose_ = !head_.keepAlive || head_.hasBody() || worker_.draining();
  decision_.clear();
  if (!norm.ok) {
    decision_.respondError(norm.httpStatus, norm.reason);
    return Next::kBadPath;
  }
  return worker_.handler().decideNow(ctx_, decision_) ? Next::kDecided : Next::kDecide;
}

Session::Answer Session::answerNow() {
  out_.clear();
  appendLocalResponse(out_, decision_.respond, requestId_, mustClose_);
  std::array<asio::const_buffer, 1> bufs{asio::buffer(out_)};
  boost::system::error_code ec;
  answerSent_ = client_.writeNow(bufs, ec);
  if (ec) {
    return Answer::kFailed;
  }
  return answerSent_ == out_.size() ? Answer::kSent : Answer::kPartial;
}

asio::awaitable<bool> Session::answerRest() {
  std::array<asio::const_buffer, 1> bufs{asio::buffer(out_)};
  boost::system::error_code ec =
      co_await finishWrite(client_, watchdog_, worker_.options().idleTimeout, bufs, answerSent_);
  co_return !ec && !mustClose_;
}

void Session::reportAnswer() {
  Completion done;
  done.status = decision_.respond.status;
  std::size_t headEnd = out_.find("\r\n\r\n");  // out_ still holds the response written
  done.bytesOut = headEnd == std::string::npos ? 0 : out_.size() - headEnd - 4;
  worker_.handler().onComplete(ctx_, decision_, done);
}

asio::awaitable<void> Session::respondError(int status, std::string_view reason) {
  generateRequestId(worker_.random(), requestId_);
  out_.clear();
  appendErrorResponse(out_, status, reason, requestId_, true);
  watchdog_.arm(worker_.options().idleTimeout);
  co_await client_.write(asio::buffer(out_));
  watchdog_.disarm();
}

}  // namespace gw::server
