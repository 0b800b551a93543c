#include "runtime/server/forwarder.h"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

#include "runtime/server/message_writer.h"
#include "runtime/server/timed_write.h"

namespace gw::server {

namespace asio = boost::asio;

namespace {
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
}

int connectErrorStatus(ConnectError e) { return e == ConnectError::kTimeout ? 504 : 502; }

std::string_view connectErrorMessage(ConnectError e) {
  switch (e) {
    case ConnectError::kTimeout:
      return "upstream connect timeout";
    case ConnectError::kHandshake:
      return "upstream TLS handshake failed";
    default:
      return "upstream unreachable";
  }
}

asio::awaitable<bool> Forwarder::writeClient(Exchange& ex,
                                             std::span<const asio::const_buffer> bufs) {
  // Suspends (and needs the deadline) only when the socket does not take it all at once.
  boost::system::error_code ec;
  std::size_t n = ex.client.writeNow(bufs, ec);
  if (!ec && n < asio::buffer_size(bufs)) {
    ec = co_await finishWrite(ex.client, ex.watchdog, options_.idleTimeout, bufs, n);
  }
  co_return !ec;
}

asio::awaitable<boost::system::error_code> Forwarder::readUpstream(Exchange& ex,
                                                                   UpstreamConnection& conn,
                                                                   std::size_t maxBytes) {
  std::size_t room = std::min(maxBytes, conn.capacity - conn.end);
  ex.watchdog.arm(upstreamTimeout(ex));
  auto [ec, n] = co_await conn.transport.readSome(
      asio::buffer(conn.buffer.get() + conn.end, room), net::ShortRead::kDrainedPerInq);
  ex.watchdog.disarm();
  conn.end += n;
  co_return ec;
}

asio::awaitable<ForwardOutcome> Forwarder::respondError(Exchange& ex, int status,
                                                        std::string_view message, bool close) {
  completion_.status = status;
  scratch_.clear();
  appendErrorResponse(scratch_, status, message, ex.ctx.requestId, close);
  std::size_t headEnd = scratch_.find("\r\n\r\n");
  completion_.bytesOut = headEnd == std::string::npos ? 0 : scratch_.size() - headEnd - 4;
  std::array<asio::const_buffer, 1> bufs{asio::buffer(scratch_)};
  bool ok = co_await writeClient(ex, bufs);
  co_return ok && !close ? ForwardOutcome::kKeepAlive : ForwardOutcome::kClose;
}

asio::awaitable<bool> Forwarder::sendContinue(Exchange& ex) {
  if (continueSent_) {
    co_return true;
  }
  continueSent_ = true;
  std::array<asio::const_buffer, 1> cont{asio::buffer(kContinue.data(), kContinue.size())};
  co_return co_await writeClient(ex, cont);
}

asio::awaitable<ForwardOutcome> Forwarder::forward(Exchange& ex) {
  UpstreamPool::ExchangeCount counted(pool_);  // gathersSends() asks whether others are running
  const http::RequestHead& head = ex.head;
  maxBody_ = ex.action.maxBody != 0 ? ex.action.maxBody : options_.defaultMaxBody;
  completion_ = Completion{};
  requestBodyReady_ = false;  // set again by prepareRequestJson() for this request
  if (head.hasContentLength && head.contentLength > maxBody_) {
    co_return co_await respondError(ex, 413, "request body too large", true);
  }
  requestBodyDone_ = !head.hasBody();
  resumeChunked_ = continueSent_ = false;
  if (ex.action.requestJson != nullptr) {
    Step json = co_await prepareRequestJson(ex);
    if (json != Step::kOk) {
      co_return co_await rejectRequestBody(ex, json);
    }
  }
  if (ex.action.retry != nullptr) {
    if (head.hasBody() && !requestBodyReady_) {
      Step kept = co_await bufferForReplay(ex);
      if (kept != Step::kOk) {
        co_return co_await rejectRequestBody(ex, kept);
      }
    }
    // Retries replay a body only from memory, and only up to the bound.
    if (!head.hasBody() ||
        (requestBodyReady_ && requestBody_.size() <= ex.action.retryBodyLimit)) {
      co_return co_await forwardWithRetries(ex);
    }
  }
  Millis connectTimeout = ex.action.connectTimeout.count() > 0 ? ex.action.connectTimeout
                                                               : options_.defaultConnectTimeout;
  Step step = Step::kUpstreamFailed;
  for (int attempt = 0; attempt < 2; ++attempt) {
    // A request with a body is not retried on a stale connection (below): verify the reuse.
    // A pooled connection is taken without acquire()'s coroutine frame (the common case).
    AcquireResult acq;
    if (attempt == 0) {
      acq.conn = pool_.idle(ex.action.host, ex.action.port, ex.action.tls, head.hasBody());
    }
    if (!acq.conn) {
      AcquireResult made = co_await pool_.acquire(ex.action.host, ex.action.port, connectTimeout,
                                                  ex.watchdog, true, ex.action.tls,
                                                  head.hasBody());
      acq = std::move(made);
    }
    if (!acq.conn) {
      completion_.upstream = Completion::Upstream::kConnectFailed;
      co_return co_await respondError(ex, connectErrorStatus(acq.error),
                                      connectErrorMessage(acq.error),
                                      !requestBodyDone_ || !head.keepAlive);
    }
    UpstreamConnection& conn = *acq.conn;
    conn.maxIdle = ex.action.idleTimeout;  // the upstream's idle_timeout, kept by the pool
    ex.watchdog.watchUpstream(&conn.transport.socket());
    if (attempt == 0 && head.expectContinue && head.hasBody() && !requestBodyReady_) {
      bool sent = co_await sendContinue(ex);
      if (!sent) {
        ex.watchdog.watchUpstream(nullptr);  // `conn` dies with this frame
        co_return ForwardOutcome::kClose;
      }
    }
    // With other exchanges in progress the send waits for the end of the batch (batchEnd()
    // says why): the common request hands it to the worker's SendBatch and goes on to await
    // the response; the others await the batch's end, then send.
    if (gathersSends() && deferHead(ex, conn)) {
      step = Step::kOk;
    } else {
      if (gathersSends()) {
        co_await batchEnd(conn);
      }
      step = sendHeadNow(ex, conn);
      if (step == Step::kLater) {
        step = co_await sendRequest(ex, conn);
      }
    }
    if (step == Step::kOk) {
      // readResponseHead() written out: its read is awaited in this frame, which saves a
      // coroutine frame, its start, resumption and end per request.
      step = beginResponseHead(ex, conn);
      while (step == Step::kReadMore) {
        auto [ec, n] = co_await conn.transport.readSome(responseRoom(conn),
                                                        net::ShortRead::kDrainedPerInq);
        step = afterResponseRead(ex, conn, ec, n);
        if (step == Step::kLater) {  // the deferred send went out in part: the rest, then read
          step = co_await sendRequest(ex, conn);
          if (step == Step::kOk) {
            step = beginResponseHead(ex, conn);
          }
        }
      }
    }
    if (step == Step::kOk) {
      // The common response goes out without relayResponse()'s coroutine frame.
      Relay now = relayNow(ex, conn);
      if (now == Relay::kDone || now == Relay::kFailed) {
        co_return endRelay(ex, std::move(acq.conn), now == Relay::kDone, relayClose_);
      }
      co_return co_await relayResponse(ex, std::move(acq.conn), now);
    }
    ex.watchdog.watchUpstream(nullptr);
    // The peer may close an idle keep-alive connection just as we reuse it: a bodyless request
    // that got no response byte is retried once on a fresh connection.
    bool staleReuse = conn.reused && !head.hasBody() && step == Step::kUpstreamFailed &&
                      !sawResponseBytes_;
    if (!staleReuse) {
      break;
    }
  }
  bool close = !requestBodyDone_ || !head.keepAlive || ex.draining;
  completion_.upstream = step == Step::kUpstreamTimeout  ? Completion::Upstream::kTimeout
                         : step == Step::kUpstreamFailed ? Completion::Upstream::kFailed
                                                         : Completion::Upstream::kNone;
  switch (step) {
    case Step::kClientGone:
      co_return ForwardOutcome::kClose;
    case Step::kUpstreamTimeout:
      co_return co_await respondError(ex, 504, "upstream timeout", close);
    case Step::kBadBody:
    case Step::kTooLarge:
      co_return co_await rejectRequestBody(ex, step);
    default:
    {
      std::string_view why = badResponse_ ? "invalid upstream response"
                                          : "upstream connection failed";
      co_return co_await respondError(ex, 502, why, close);
    }
  }
}

asio::awaitable<Forwarder::Step> Forwarder::writeUpstream(
    Exchange& ex, UpstreamConnection& conn, std::span<const asio::const_buffer> bufs) {
  boost::system::error_code now;
  std::size_t done = conn.transport.writeNow(bufs, now);
  if (now) {
    co_return Step::kUpstreamFailed;  // nothing waited, so no timeout
  }
  if (done == asio::buffer_size(bufs)) {
    co_return Step::kOk;
  }
  boost::system::error_code ec =
      co_await finishWrite(conn.transport, ex.watchdog, upstreamTimeout(ex), bufs, done);
  if (!ec) {
    co_return Step::kOk;
  }
  co_return ex.watchdog.fired() ? Step::kUpstreamTimeout : Step::kUpstreamFailed;
}

Forwarder::Step Forwarder::sendHeadNow(Exchange& ex, UpstreamConnection& conn) {
  headSent_ = 0;
  // Content-Length: 0 counts as a body here: its head says so (sendContentLengthBody()).
  if (requestBodyReady_ || ex.head.chunked || ex.head.hasContentLength) {
    return Step::kLater;
  }
  scratch_.clear();
  appendUpstreamRequestHead(scratch_, ex.ctx, ex.action, UpstreamBody::kNone, 0);
  std::array<asio::const_buffer, 1> headBuf{asio::buffer(scratch_)};
  boost::system::error_code now;
  headSent_ = conn.transport.writeNow(headBuf, now);
  if (now) {
    return Step::kUpstreamFailed;  // nothing waited, so no timeout
  }
  return headSent_ == scratch_.size() ? Step::kOk : Step::kLater;
}

bool Forwarder::deferHead(Exchange& ex, UpstreamConnection& conn) {
  if (requestBodyReady_ || ex.head.chunked || ex.head.hasContentLength ||
      conn.transport.secure()) {
    return false;  // a body to send, or TLS records (which writeNow() does not write)
  }
  scratch_.clear();
  appendUpstreamRequestHead(scratch_, ex.ctx, ex.action, UpstreamBody::kNone, 0);
  headSent_ = 0;
  deferredConn_ = &conn;
  deferredStep_ = Step::kOk;
  pool_.sends().add(this);
  return true;
}

void Forwarder::sendDeferred() {
  UpstreamConnection& conn = *deferredConn_;
  deferredConn_ = nullptr;
  std::array<asio::const_buffer, 1> headBuf{asio::buffer(scratch_)};
  boost::system::error_code ec;
  headSent_ = conn.transport.writeNow(headBuf, ec);
  if (!ec && headSent_ == scratch_.size()) {
    return;
  }
  deferredStep_ = ec ? Step::kUpstreamFailed : Step::kLater;
  boost::system::error_code ignored;
  conn.transport.socket().cancel(ignored);  // wakes forward()'s response read to handle it
}

asio::awaitable<void> Forwarder::batchEnd(UpstreamConnection& conn) {
  // The send waits for the end of the worker's current run of ready handlers (a post goes
  // behind them; they are what one epoll_wait returned), so the requests read in one batch
  // reach their upstreams back to back instead of one between each two client reads. On a
  // core shared with the upstream, each send to a sleeping upstream wakes it and it preempts
  // the worker: sent one at a time, the upstream ran ~1.7 requests per wake-up; sent together,
  // ~3.2, and its CPU per request fell (bench/RESULTS.md, "Session 8 (sched helper)"). It
  // costs a coroutine suspension, and an epoll_wait(0) when the request is the batch's only
  // work: so a request that is this worker's only exchange (no batch to gather) goes at once
  // (gathersSends()). Not a coroutine of its own: the caller awaits the post's awaitable.
  // The common bodyless request does not come here: deferHead() hands its send to the
  // worker's SendBatch, the same effect with one post per batch and no suspension.
  return asio::post(conn.transport.socket().get_executor(), asio::use_awaitable);
}

asio::awaitable<Forwarder::Step> Forwarder::sendRequest(Exchange& ex, UpstreamConnection& conn) {
  const http::RequestHead& head = ex.head;
  UpstreamBody kind = head.chunked             ? UpstreamBody::kChunked
                      : head.hasContentLength ? UpstreamBody::kContentLength
                                              : UpstreamBody::kNone;
  if (kind == UpstreamBody::kNone && !requestBodyReady_) {
    // The rest of the head sendHeadNow() began (a full socket buffer, or TLS).
    std::array<asio::const_buffer, 1> rest{asio::buffer(scratch_) + headSent_};
    co_return co_await writeUpstream(ex, conn, rest);
  }
  scratch_.clear();
  if (requestBodyReady_) {  // a body held whole: edited JSON, or kept for retries
    appendUpstreamRequestHead(scratch_, ex.ctx, ex.action, UpstreamBody::kContentLength,
                              requestBody_.size());
    std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_), asio::buffer(requestBody_)};
    co_return co_await writeUpstream(ex, conn, bufs);
  }
  appendUpstreamRequestHead(scratch_, ex.ctx, ex.action, kind, head.contentLength);
  if (kind == UpstreamBody::kChunked) {
    co_return co_await sendChunkedBody(ex, conn);
  }
  co_return co_await sendContentLengthBody(ex, conn);
}

asio::awaitable<Forwarder::Step> Forwarder::sendContentLengthBody(Exchange& ex,
                                                                  UpstreamConnection& conn) {
  std::uint64_t remaining = ex.head.contentLength;
  bool headSent = false;
  while (!headSent || remaining > 0) {
    std::string_view avail = ex.input.buffered();
    if (avail.empty() && remaining > 0 && headSent) {
      ex.watchdog.arm(options_.bodyIdleTimeout);
      boost::system::error_code ec = co_await ex.input.readBody(
          static_cast<std::size_t>(std::min<std::uint64_t>(remaining, SIZE_MAX)));
      ex.watchdog.disarm();
      if (ec) {
        co_return Step::kClientGone;
      }
      continue;
    }
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(avail.size(), remaining));
    std::array<asio::const_buffer, 2> bufs{asio::buffer(scratch_), asio::buffer(avail.data(), n)};
    std::span<const asio::const_buffer> seq(headSent ? bufs.data() + 1 : bufs.data(),
                                            headSent ? 1 : 2);
    Step s = co_await writeUpstream(ex, conn, seq);
    if (s != Step::kOk) {
      co_return s;
    }
    ex.input.consume(n);
    remaining -= n;
    completion_.bytesIn += n;
    headSent = true;
  }
  requestBodyDone_ = true;
  co_return Step::kOk;
}

asio::awaitable<Forwarder::Step> Forwarder::sendChunkedBody(Exchange& ex,
                                                            UpstreamConnection& conn) {
  batch_.clear();
  batch_.addRaw(scratch_);
  if (!resumeChunked_) {
    decoder_.reset();
  } else {  // bufferForReplay() read past its bound: what it decoded goes first
    resumeChunked_ = false;
    batch_.addChunk(bodyBuf_);
    completion_.bytesIn = decoder_.bodyBytes();
    if (decoder_.done()) {
      batch_.addLast();
      Step s = co_await writeUpstream(ex, conn, batch_.buffers());
      requestBodyDone_ = s == Step::kOk;
      co_return s;
    }
  }
  while (true) {
    std::string_view avail = ex.input.buffered();
    if (avail.empty()) {
      // Flush before reading: the next read reuses the buffer the batch points into.
      if (!batch_.empty()) {
        Step s = co_await writeUpstream(ex, conn, batch_.buffers());
        if (s != Step::kOk) {
          co_return s;
        }
        batch_.clear();
      }
      ex.watchdog.arm(options_.bodyIdleTimeout);
      boost::system::error_code ec = co_await ex.input.readBody(SIZE_MAX);
      ex.watchdog.disarm();
      if (ec) {
        co_return Step::kClientGone;
      }
      continue;
    }
    http::ChunkResult r = decoder_.decode(avail);
    if (r.status == http::ChunkStatus::kError) {
      co_return Step::kBadBody;
    }
    if (decoder_.bodyBytes() > maxBody_) {
      co_return Step::kTooLarge;
    }
    batch_.addChunk(r.data);
    ex.input.consume(r.consumed);
    completion_.bytesIn = decoder_.bodyBytes();
    if (r.status == http::ChunkStatus::kDone) {
      batch_.addLast();
      Step s = co_await writeUpstream(ex, conn, batch_.buffers());
      requestBodyDone_ = s == Step::kOk;
      co_return s;
    }
    if (batch_.full()) {
      Step s = co_await writeUpstream(ex, conn, batch_.buffers());
      if (s != Step::kOk) {
        co_return s;
      }
      batch_.clear();
    }
  }
}

asio::awaitable<Forwarder::Step> Forwarder::readResponseHead(Exchange& ex,
                                                             UpstreamConnection& conn) {
  Step step = beginResponseHead(ex, conn);
  while (step == Step::kReadMore) {
    auto [ec, n] = co_await conn.transport.readSome(responseRoom(conn),
                                                    net::ShortRead::kDrainedPerInq);
    step = afterResponseRead(ex, conn, ec, n);
  }
  co_return step;
}

Forwarder::Step Forwarder::beginResponseHead(Exchange& ex, UpstreamConnection& conn) {
  sawResponseBytes_ = false;
  badResponse_ = false;
  conn.begin = conn.end = 0;
  responseParser_.reset();
  ex.watchdog.arm(upstreamTimeout(ex));  // nothing is buffered: the first step is a read
  return Step::kReadMore;
}

Forwarder::Step Forwarder::afterResponseRead(Exchange& ex, UpstreamConnection& conn,
                                             const boost::system::error_code& ec,
                                             std::size_t n) {
  ex.watchdog.disarm();
  conn.end += n;
  if (deferredConn_ != nullptr) {
    // The read ended before the batch's end made the send: the connection failed (a pooled
    // one the peer had closed) or spoke out of turn. Nothing was sent, so a retry is safe.
    pool_.sends().withdraw(this);
    deferredConn_ = nullptr;
    return ec && ex.watchdog.fired() ? Step::kUpstreamTimeout : Step::kUpstreamFailed;
  }
  if (deferredStep_ != Step::kOk) {  // sendDeferred() failed or sent part, and cancelled the read
    Step why = deferredStep_;
    deferredStep_ = Step::kOk;
    return why;
  }
  if (ec) {
    return ex.watchdog.fired() ? Step::kUpstreamTimeout : Step::kUpstreamFailed;
  }
  sawResponseBytes_ = true;
  return parseResponseHead(ex, conn);
}

Forwarder::Step Forwarder::parseResponseHead(Exchange& ex, UpstreamConnection& conn) {
  bool isHead = ex.head.method == "HEAD";
  while (true) {
    http::ParseResult r = responseParser_.parse(conn.buffered(), isHead, response_);
    if (r.status == http::ParseStatus::kError) {
      badResponse_ = true;
      return Step::kUpstreamFailed;
    }
    if (r.status == http::ParseStatus::kComplete) {
      if (!response_.interim()) {
        responseHeadLength_ = r.consumed;
        return Step::kOk;
      }
      if (response_.status == 101) {
        badResponse_ = true;  // no protocol upgrades through this proxy
        return Step::kUpstreamFailed;
      }
      conn.begin += r.consumed;  // drop interim responses: the client got our own 100
      responseParser_.reset();
      continue;
    }
    if (conn.end == conn.capacity && conn.begin > 0) {
      std::size_t pending = conn.end - conn.begin;
      std::memmove(conn.buffer.get(), conn.buffer.get() + conn.begin, pending);
      conn.begin = 0;
      conn.end = pending;
    }
    if (conn.end == conn.capacity) {
      badResponse_ = true;
      return Step::kUpstreamFailed;
    }
    ex.watchdog.arm(upstreamTimeout(ex));
    return Step::kReadMore;
  }
}

}  // namespace gw::server
