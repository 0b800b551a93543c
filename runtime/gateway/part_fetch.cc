#include "runtime/gateway/part_fetch.h"

#include <algorithm>
#include <boost/asio/buffer.hpp>

#include "runtime/authnet/response_reader.h"
#include "runtime/server/forwarder.h"

namespace gw::gateway {

namespace asio = boost::asio;
using Upstream = server::Completion::Upstream;

namespace {

constexpr std::size_t kMaxHeadBytes = 64 * 1024;

server::Millis remaining(const PartExchange& ex) {
  auto left = std::chrono::duration_cast<server::Millis>(ex.deadline -
                                                         std::chrono::steady_clock::now());
  return std::max(left, server::Millis(1));
}

enum class Attempt { kDone, kStale };

/// One try on `conn`. kStale: a reused connection failed before any response byte arrived
/// (the upstream closed it while idle), so the request may go again on a fresh one.
asio::awaitable<Attempt> exchange(server::UpstreamPool& pool, server::Watchdog& watchdog,
                                  PartExchange& ex, std::unique_ptr<server::UpstreamConnection> c) {
  server::UpstreamConnection& conn = *c;
  conn.maxIdle = ex.idleTimeout;
  watchdog.watchUpstream(&conn.transport.socket());
  watchdog.arm(remaining(ex));
  auto [wec, written] = co_await conn.transport.write(asio::buffer(ex.head));
  (void)written;
  if (ex.cancelled) co_return Attempt::kDone;  // the caller reports no outcome
  if (wec) {
    bool fired = watchdog.fired();
    watchdog.disarm();
    if (!fired && conn.reused && !ex.cancelled) co_return Attempt::kStale;
    ex.outcome = fired ? Upstream::kTimeout : Upstream::kFailed;
    ex.detail = fired ? "timeout writing the request" : "write failed: " + wec.message();
    co_return Attempt::kDone;
  }
  authnet::ResponseReader reader(kMaxHeadBytes, ex.maxBody);
  bool sawBytes = false;
  while (!reader.done()) {
    // A cancel that came while no operation was pending (a write that completed at once)
    // cancelled nothing: look before every read, as fireNow() only aborts a pending one.
    if (ex.cancelled) co_return Attempt::kDone;
    if (watchdog.fired()) {  // the deadline passed between two reads
      ex.outcome = Upstream::kTimeout;
      ex.detail = "timeout waiting for the response";
      co_return Attempt::kDone;
    }
    auto [ec, n] =
        co_await conn.transport.readSome(asio::buffer(conn.buffer.get(), conn.capacity));
    if (n > 0) {
      sawBytes = true;
      reader.feed(std::string_view(conn.buffer.get(), n));
      continue;
    }
    if (ec == asio::error::eof || ec == asio::ssl::error::stream_truncated) {
      if (!sawBytes && conn.reused && !ex.cancelled) {
        watchdog.disarm();
        co_return Attempt::kStale;
      }
      reader.finish(ec == asio::error::eof);
      break;
    }
    bool fired = watchdog.fired();
    watchdog.disarm();
    if (!fired && !sawBytes && conn.reused && !ex.cancelled) co_return Attempt::kStale;
    ex.outcome = fired ? Upstream::kTimeout : Upstream::kFailed;
    ex.detail = fired ? "timeout waiting for the response" : "read failed: " + ec.message();
    co_return Attempt::kDone;
  }
  watchdog.disarm();
  ex.status = reader.status();
  if (reader.failed()) {
    ex.tooLarge = reader.error() == authnet::FetchError::kTooLarge;
    ex.outcome = ex.tooLarge ? Upstream::kResponse : Upstream::kFailed;
    ex.detail = reader.reason();
    co_return Attempt::kDone;
  }
  bool reusable = reader.reusable();
  ex.body = std::move(reader.take().body);
  ex.outcome = Upstream::kResponse;
  watchdog.watchUpstream(nullptr);
  if (reusable) pool.release(std::move(c));
  co_return Attempt::kDone;
}

}  // namespace

asio::awaitable<void> fetchPart(server::UpstreamPool& pool, server::Watchdog& watchdog,
                                PartExchange& ex) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    server::Millis connect = std::min(ex.connectTimeout, remaining(ex));
    // Named locals: GCC 12 mishandles non-trivial temporaries inside co_await expressions.
    server::AcquireResult acquired =
        co_await pool.acquire(ex.host, ex.port, connect, watchdog, attempt > 0, ex.tls);
    if (ex.cancelled) {
      ex.outcome = Upstream::kNone;
      co_return;
    }
    if (!acquired.conn) {
      bool timedOut = acquired.error == server::ConnectError::kTimeout;
      ex.outcome = timedOut ? Upstream::kTimeout : Upstream::kConnectFailed;
      ex.detail = std::string(server::connectErrorMessage(acquired.error));
      co_return;
    }
    Attempt a = co_await exchange(pool, watchdog, ex, std::move(acquired.conn));
    watchdog.watchUpstream(nullptr);
    if (ex.cancelled) {
      ex.outcome = Upstream::kNone;
      co_return;
    }
    if (a == Attempt::kDone) co_return;
  }
  ex.outcome = Upstream::kFailed;
  ex.detail = "the connection closed before the response";
}

}  // namespace gw::gateway
