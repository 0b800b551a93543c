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
  while (!self->worker_.draining() || self->input_.hasBuffered()) {
    if (co_await self->readHead() != HeadStatus::kOk) {
      break;
    }
    bool keepAlive = co_await self->handleRequest();
    self->input_.finishRequest();
    self->parser_.reset();
    if (!keepAlive || self->worker_.draining()) {
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

asio::awaitable<Session::HeadStatus> Session::readHead() {
  idle_ = !input_.hasBuffered();
  watchdog_.arm(idle_ ? worker_.options().idleTimeout : worker_.options().headerTimeout);
  while (true) {
    http::ParseResult r = parser_.parse(input_.buffered(), head_);
    if (r.status == http::ParseStatus::kComplete) {
      watchdog_.disarm();
      input_.consume(r.consumed);
      co_return HeadStatus::kOk;
    }
    if (r.status == http::ParseStatus::kError) {
      co_await respondError(r.httpStatus, r.reason);
      co_return HeadStatus::kClose;
    }
    boost::system::error_code ec = co_await input_.readHead();
    if (idle_ && input_.hasBuffered()) {
      idle_ = false;  // the header deadline starts with the first byte of the request
      watchdog_.arm(worker_.options().headerTimeout);
    }
    if (ec) {
      peerClosed_ = ec == asio::error::eof || ec == asio::error::connection_reset;
      if (!idle_ && watchdog_.fired()) {
        co_await respondError(408, "request header timeout");
      }
      co_return HeadStatus::kClose;
    }
  }
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

asio::awaitable<bool> Session::handleRequest() {
  http::NormalizeResult norm = http::normalizePath(head_.path, path_);
  prepareContext();
  // An unread body would be parsed as the next request: close instead.
  bool mustClose = !head_.keepAlive || head_.hasBody() || worker_.draining();
  if (!norm.ok) {
    decision_.clear();
    decision_.respondError(norm.httpStatus, norm.reason);
    co_return co_await respondLocal(mustClose);
  }
  decision_.clear();
  if (!worker_.handler().decideNow(ctx_, decision_)) {
    co_await worker_.handler().decide(ctx_, decision_);
  }
  if (decision_.kind == Decision::Kind::kRespond) {
    bool keep = co_await respondLocal(mustClose);
    Completion done;
    done.status = decision_.respond.status;
    std::size_t headEnd = out_.find("\r\n\r\n");  // out_ still holds the response written
    done.bytesOut = headEnd == std::string::npos ? 0 : out_.size() - headEnd - 4;
    worker_.handler().onComplete(ctx_, decision_, done);
    co_return keep;
  }
  Exchange ex{client_, input_, watchdog_, ctx_, head_, decision_.forward, worker_.drainingFlag()};
  ForwardOutcome outcome = co_await forwarder_.forward(ex);
  worker_.handler().onComplete(ctx_, decision_, forwarder_.completion());
  co_return outcome == ForwardOutcome::kKeepAlive && head_.keepAlive;
}

asio::awaitable<bool> Session::respondLocal(bool close) {
  out_.clear();
  appendLocalResponse(out_, decision_.respond, requestId_, close);
  // Suspends (and needs the deadline) only when the socket does not take it all at once.
  std::array<asio::const_buffer, 1> bufs{asio::buffer(out_)};
  boost::system::error_code ec;
  std::size_t n = client_.writeNow(bufs, ec);
  if (!ec && n < out_.size()) {
    ec = co_await finishWrite(client_, watchdog_, worker_.options().idleTimeout, bufs, n);
  }
  co_return !ec && !close;
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
