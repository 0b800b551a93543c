// Forwarder::forwardWithRetries: forward() for a request whose handler supplied a RetryHook and
// whose body is either absent or held in memory (bufferForReplay, or an edited JSON body), so
// every attempt can send it again. Each attempt connects, sends the head (and the kept body)
// and reads the response head; a failed attempt (connect error, timeout, broken response, or a
// 502/503/504 head) is offered to the hook before anything reaches the client, and the hook may
// point the action at another server. The first attempt that is not retried is answered as
// forward() would answer it. A body larger than the bound is streamed by forward() instead and
// never retried: once streamed, it is gone.
#include "runtime/server/forwarder.h"

namespace gw::server {

namespace asio = boost::asio;

asio::awaitable<Forwarder::Step> Forwarder::bufferForReplay(Exchange& ex) {
  const http::RequestHead& head = ex.head;
  const std::uint64_t limit = std::min(ex.action.retryBodyLimit, maxBody_);
  if (head.hasContentLength && head.contentLength > limit) {
    co_return Step::kOk;  // streams as usual, unread until the upstream connection is up
  }
  if (head.expectContinue && !co_await sendContinue(ex)) {
    co_return Step::kClientGone;
  }
  Step s = co_await readWholeRequestBody(ex, limit);
  if (s == Step::kTooLarge) {
    // Only a chunked body gets here (a Content-Length one was checked above).
    if (decoder_.bodyBytes() > maxBody_) {
      co_return Step::kTooLarge;
    }
    resumeChunked_ = true;
    co_return Step::kOk;
  }
  if (s != Step::kOk) {
    co_return s;
  }
  requestBodyDone_ = true;
  requestBody_.swap(bodyBuf_);
  requestBodyReady_ = true;
  completion_.bytesIn = requestBody_.size();
  co_return Step::kOk;
}

asio::awaitable<ForwardOutcome> Forwarder::forwardWithRetries(Exchange& ex) {
  const http::RequestHead& head = ex.head;
  while (true) {
    Millis connectTimeout = ex.action.connectTimeout.count() > 0 ? ex.action.connectTimeout
                                                                 : options_.defaultConnectTimeout;
    Completion attempt;
    attempt.bytesIn = completion_.bytesIn;  // a replayed body: the hook checks its bound
    std::unique_ptr<UpstreamConnection> conn;
    Step step = Step::kUpstreamFailed;
    ConnectError connectError = ConnectError::kNone;
    for (int tries = 0; tries < 2; ++tries) {
      AcquireResult acq;
      if (tries == 0) {
        acq.conn = pool_.idle(ex.action.host, ex.action.port, ex.action.tls);
      }
      if (!acq.conn) {
        AcquireResult made = co_await pool_.acquire(ex.action.host, ex.action.port,
                                                    connectTimeout, ex.watchdog, true,
                                                    ex.action.tls);
        acq = std::move(made);
      }
      if (!acq.conn) {
        attempt.upstream = Completion::Upstream::kConnectFailed;
        connectError = acq.error;
        break;
      }
      ex.watchdog.watchUpstream(&acq.conn->transport.socket());
      acq.conn->maxIdle = ex.action.idleTimeout;
      if (gathersSends()) {
        co_await batchEnd(*acq.conn);
      }
      step = sendHeadNow(ex, *acq.conn);
      if (step == Step::kLater) {
        step = co_await sendRequest(ex, *acq.conn);
      }
      if (step == Step::kOk) {
        step = co_await readResponseHead(ex, *acq.conn);
      }
      if (step == Step::kOk) {
        conn = std::move(acq.conn);
        break;
      }
      ex.watchdog.watchUpstream(nullptr);
      // A reused keep-alive connection the peer had just closed: once more on a fresh one.
      if (!(acq.conn->reused && step == Step::kUpstreamFailed && !sawResponseBytes_)) {
        break;
      }
    }
    if (step == Step::kClientGone) {
      co_return ForwardOutcome::kClose;
    }
    bool failed = true;
    if (conn) {
      attempt.upstream = Completion::Upstream::kResponse;
      attempt.upstreamStatus = response_.status;
      failed = response_.status == 502 || response_.status == 503 || response_.status == 504;
    } else if (attempt.upstream != Completion::Upstream::kConnectFailed) {
      attempt.upstream = step == Step::kUpstreamTimeout ? Completion::Upstream::kTimeout
                                                        : Completion::Upstream::kFailed;
    }
    if (failed && !ex.draining && co_await ex.action.retry->retry(ex.ctx, attempt, ex.action)) {
      if (conn) {
        ex.watchdog.watchUpstream(nullptr);
        conn.reset();  // its response body is unread: the connection cannot be reused
      }
      continue;
    }
    if (conn) {
      Relay now = relayNow(ex, *conn);
      if (now == Relay::kDone || now == Relay::kFailed) {
        co_return endRelay(ex, std::move(conn), now == Relay::kDone, relayClose_);
      }
      co_return co_await relayResponse(ex, std::move(conn), now);
    }
    completion_.upstream = attempt.upstream;
    bool close = !head.keepAlive || ex.draining;
    if (attempt.upstream == Completion::Upstream::kConnectFailed) {
      co_return co_await respondError(ex, connectErrorStatus(connectError),
                                      connectErrorMessage(connectError), close);
    }
    if (step == Step::kUpstreamTimeout) {
      co_return co_await respondError(ex, 504, "upstream timeout", close);
    }
    co_return co_await respondError(
        ex, 502, badResponse_ ? "invalid upstream response" : "upstream connection failed", close);
  }
}

}  // namespace gw::server
