// Forwarder::forwardWithRetries: forward() for a bodyless request whose handler supplied a
// RetryHook. Each attempt connects, sends the head and reads the response head; a failed
// attempt (connect error, timeout, broken response, or a 502/503/504 head) is offered to the
// hook before anything reaches the client, and the hook may point the action at another server.
// The first attempt that is not retried is answered as forward() would answer it.
#include "runtime/server/forwarder.h"

namespace gw::server {

namespace asio = boost::asio;

asio::awaitable<ForwardOutcome> Forwarder::forwardWithRetries(Exchange& ex) {
  const http::RequestHead& head = ex.head;
  while (true) {
    Millis connectTimeout = ex.action.connectTimeout.count() > 0 ? ex.action.connectTimeout
                                                                 : options_.defaultConnectTimeout;
    Completion attempt;
    std::unique_ptr<UpstreamConnection> conn;
    Step step = Step::kUpstreamFailed;
    ConnectError connectError = ConnectError::kNone;
    for (int tries = 0; tries < 2; ++tries) {
      AcquireResult acq = co_await pool_.acquire(ex.action.host, ex.action.port, connectTimeout,
                                                 ex.watchdog, tries > 0, ex.action.tls);
      if (!acq.conn) {
        attempt.upstream = Completion::Upstream::kConnectFailed;
        connectError = acq.error;
        break;
      }
      ex.watchdog.watchUpstream(&acq.conn->transport.socket());
      acq.conn->maxIdle = ex.action.idleTimeout;
      step = co_await sendRequest(ex, *acq.conn);
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
      co_return co_await relayResponse(ex, std::move(conn));
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
