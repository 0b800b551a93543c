#include "runtime/server/upstream_pool.h"

#include <poll.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>

#include "runtime/net/connect_host.h"
#include "runtime/net/inq_recv.h"

namespace gw::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

/// An idle keep-alive connection is only reusable if the peer has neither closed it nor sent
/// unsolicited bytes: both show up as "readable" on a zero-timeout poll. Costs a system call:
/// only for reuses the PeerWatch alone does not cover (UpstreamPool's class comment).
bool looksAlive(tcp::socket& s) {
  pollfd pfd{s.native_handle(), POLLIN, 0};
  return ::poll(&pfd, 1, 0) == 0;
}

}  // namespace

void UpstreamPool::watchIdle(UpstreamConnection& conn) {
  if (!conn.watch) {
    conn.watch = std::make_shared<net::PeerWatch>();
  }
  conn.watch->idle(conn.transport.socket(), conn.transport.reactor());
}

UpstreamPool::IdleList& UpstreamPool::listFor(
    std::string_view host, std::uint16_t port,
    const std::shared_ptr<const tls::UpstreamTlsContext>& tls) {
  if (lastList_ != nullptr && port == lastPort_ && tls.get() == lastTls_ && host == lastHost_) {
    return *lastList_;
  }
  makeKey(host, port, tls);
  lastList_ = &idle_[keyScratch_];  // mapped values keep their address across rehashes
  lastHost_.assign(host);
  lastPort_ = port;
  lastTls_ = tls.get();
  return *lastList_;
}

std::unique_ptr<UpstreamConnection> UpstreamPool::takeIdle(IdleList& list, bool verify) {
  if (list.empty()) {
    return nullptr;
  }
  auto now = std::chrono::steady_clock::now();
  while (!list.empty()) {
    std::unique_ptr<UpstreamConnection> c = std::move(list.back());
    list.pop_back();
    Millis bound = c->maxIdle.count() > 0 ? c->maxIdle : options_.maxIdleTime;
    if (now - c->idleSince < bound && !c->watch->stirred() &&
        (!(verify || c->watch->unverified()) || looksAlive(c->transport.socket()))) {
      c->watch->take();
      c->reused = true;
      return c;
    }
  }
  return nullptr;
}

void UpstreamPool::makeKey(std::string_view host, std::uint16_t port,
                           const std::shared_ptr<const tls::UpstreamTlsContext>& tls) {
  keyScratch_.assign(host);
  keyScratch_.push_back(':');
  char digits[8];
  auto res = std::to_chars(digits, digits + sizeof digits, port);
  keyScratch_.append(digits, res.ptr);
  if (tls) {
    // The connection keeps its context alive, so the address cannot name another one.
    keyScratch_.append("|tls@");
    char ptr[24];
    auto address = reinterpret_cast<std::uintptr_t>(tls.get());
    auto pres = std::to_chars(ptr, ptr + sizeof ptr, address, 16);
    keyScratch_.append(ptr, pres.ptr);
  }
}

std::unique_ptr<UpstreamConnection> UpstreamPool::idle(
    std::string_view host, std::uint16_t port,
    const std::shared_ptr<const tls::UpstreamTlsContext>& tls, bool verifyIdle) {
  return takeIdle(listFor(host, port, tls), verifyIdle);
}

asio::awaitable<AcquireResult> UpstreamPool::acquire(
    std::string_view host, std::uint16_t port, Millis connectTimeout, Watchdog& watchdog,
    bool fresh, const std::shared_ptr<const tls::UpstreamTlsContext>& tls, bool verifyIdle) {
  IdleList& list = listFor(host, port, tls);
  if (!fresh) {
    if (auto c = takeIdle(list, verifyIdle)) {
      co_return AcquireResult{std::move(c), ConnectError::kNone};
    }
  }
  auto conn = std::make_unique<UpstreamConnection>(ex_, options_.bufferBytes);
  conn->idleList = &list;
  tcp::socket& socket = conn->transport.socket();
  tcp::resolver resolver(ex_);
  watchdog.watchUpstream(&socket);
  // The connect timeout bounds the attempts (the watchdog cancels the socket, and no further
  // address is tried once it fired). It cannot cancel a resolution in flight, which is bounded
  // by the system resolver's own timeout (resolv.conf), as before.
  watchdog.arm(connectTimeout);
  const net::ConnectOutcome outcome =
      co_await net::connectHost(socket, resolver, host, port, [&] { return watchdog.fired(); });
  watchdog.disarm();
  if (!outcome.connected()) {
    bool timedOut = watchdog.fired();
    watchdog.watchUpstream(nullptr);
    co_return AcquireResult{nullptr, timedOut ? ConnectError::kTimeout
                                     : outcome.step == net::ConnectStep::kResolveFailed
                                         ? ConnectError::kResolve
                                         : ConnectError::kRefused};
  }
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  if (tls) {
    watchdog.arm(connectTimeout);  // connect + handshake share the connect timeout's length
    boost::system::error_code hec = co_await conn->transport.connectTls(tls, host);
    watchdog.disarm();
    if (hec) {
      bool timedOut = watchdog.fired();
      watchdog.watchUpstream(nullptr);
      co_return AcquireResult{nullptr,
                              timedOut ? ConnectError::kTimeout : ConnectError::kHandshake};
    }
  } else {
    net::enableInq(socket.native_handle());  // the forwarder's kDrainedPerInq reads (class comment)
  }
  co_return AcquireResult{std::move(conn), ConnectError::kNone};
}

void UpstreamPool::release(std::unique_ptr<UpstreamConnection> conn) {
  if (closed_ || conn->idleList == nullptr) {  // (null: not made by acquire(), no list)
    return;
  }
  IdleList& list = *conn->idleList;
  if (list.size() >= options_.maxIdlePerUpstream || conn->begin != conn->end) {
    return;  // over the bound, or leftover bytes: the connection is closed by its destructor
  }
  conn->begin = conn->end = 0;
  conn->idleSince = std::chrono::steady_clock::now();
  watchIdle(*conn);
  list.push_back(std::move(conn));
}

void UpstreamPool::closeAll() {
  closed_ = true;
  lastList_ = nullptr;
  idle_.clear();
}

std::size_t UpstreamPool::idleCount() const {
  std::size_t n = 0;
  for (const auto& [key, list] : idle_) {
    n += list.size();
  }
  return n;
}

}  // namespace gw::server
