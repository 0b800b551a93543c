// UpstreamPool's idle watch (net::PeerWatch) and its kDrainedPerInq response reads: a reused
// connection costs no epoll_ctl, no poll and no recv that returns EAGAIN, and a connection the
// upstream closed or wrote to while it idled is never reused, whether the FIN came with the
// response's last bytes (one edge), after it, or not at all (junk bytes).
//
// System calls are counted by syscall_counter.cc, which defines recv(), recvmsg(), poll() and
// epoll_ctl() in this executable: keep it a binary of its own.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>

#include "runtime/server/upstream_pool.h"
#include "syscall_counter.h"

namespace {
using Counts = gw::testing::SyscallCounts;
auto& gCounts = gw::testing::syscallCounts();
}  // namespace

namespace gw::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

/// What the upstream does after answering a request.
enum class After { kKeepOpen, kCloseWithReply, kJunkWithReply };

/// A loopback upstream answering "ping N" with "pong N" on every connection it accepts, in the
/// test's io_context (its answers come in a later loop turn than the request, as over a network).
struct Upstream {
  explicit Upstream(asio::io_context& ioc)
      : acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(ioc, acceptLoop(), asio::detached);
  }
  std::uint16_t port() const { return acceptor.local_endpoint().port(); }

  asio::awaitable<void> acceptLoop() {
    while (true) {
      auto [ec, s] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      ++accepted;
      auto sock = std::make_shared<tcp::socket>(std::move(s));
      conns.push_back(sock);
      asio::co_spawn(acceptor.get_executor(), serve(sock), asio::detached);
    }
  }
  asio::awaitable<void> serve(std::shared_ptr<tcp::socket> s) {
    std::array<char, 256> buf;
    while (true) {
      auto [ec, n] = co_await s->async_read_some(asio::buffer(buf),
                                                 asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      std::string reply = "pong" + std::string(buf.data() + 4, n - 4);
      if (after == After::kJunkWithReply) reply += "junk";  // more than was asked for
      asio::write(*s, asio::buffer(reply));  // the reply and a FIN leave in one go
      if (after == After::kCloseWithReply) {
        s->shutdown(tcp::socket::shutdown_send);
        co_return;
      }
    }
  }
  /// Closes every connection it accepted (the FIN comes while the client's connection idles).
  void closeAll() {
    for (auto& s : conns) s->close();
  }

  tcp::acceptor acceptor;
  std::vector<std::shared_ptr<tcp::socket>> conns;
  After after = After::kKeepOpen;
  int accepted = 0;
};

struct PoolFixture : ::testing::Test {
  asio::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};  // as a worker's
  asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};
  Upstream upstream{ioc};
  UpstreamPool pool{ioc.get_executor(), PoolOptions{}};
  Watchdog watchdog{ioc.get_executor()};

  /// One request/response as the forwarder makes it; returns the connection's descriptor, or -1.
  int exchange(int i) { return exchange(i, upstream.port()); }
  int exchange(int i, std::uint16_t port) {
    int fd = -1;
    bool done = false;
    asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
      AcquireResult acq = co_await pool.acquire("127.0.0.1", port, 1000ms, watchdog);
      done = true;
      if (!acq.conn) co_return;
      UpstreamConnection& c = *acq.conn;
      std::string ping = "ping " + std::to_string(i);
      auto [wec, wn] = co_await c.transport.write(asio::buffer(ping));
      std::string want = "pong " + std::to_string(i);
      std::string got;
      while (!wec && got.size() < want.size()) {
        auto [ec, n] = co_await c.transport.readSome(asio::buffer(c.buffer.get(), c.capacity),
                                                      net::ShortRead::kDrainedPerInq);
        got.append(c.buffer.get(), n);
        if (ec) break;
      }
      if (got.substr(0, want.size()) == want) {
        fd = c.transport.socket().native_handle();
        c.end = got.size() - want.size();  // junk stays unconsumed: such a connection is closed
        pool.release(std::move(acq.conn));
      }
    }, asio::detached);
    auto end = std::chrono::steady_clock::now() + 5s;
    while ((!done || fd < 0) && std::chrono::steady_clock::now() < end) {
      ioc.run_one_for(50ms);
      if (done && fd < 0 && ioc.poll() == 0) break;
    }
    ioc.poll();  // the upstream's side of the exchange (its close, if any)
    return fd;
  }
};

TEST_F(PoolFixture, ReuseCostsNoEpollCtlNoPollNoEagainRecv) {
  constexpr int kRounds = 100;
  int first = exchange(0);
  ASSERT_GE(first, 0);
  gCounts.clear();
  for (int i = 1; i <= kRounds; ++i) {
    ASSERT_EQ(exchange(i), first) << "round " << i;
  }
  EXPECT_EQ(upstream.accepted, 1);
  const Counts& c = gCounts[first];
  // Asio's async_wait re-arms with an epoll_ctl(MOD) per reuse; a read that cannot tell it
  // drained the socket makes the watch peek, or the next read try a recv() that finds nothing.
  EXPECT_EQ(c.mods, 0);
  EXPECT_EQ(c.polls, 0);
  EXPECT_EQ(c.peeks, 0);
  EXPECT_EQ(c.eagain, 0);
  EXPECT_EQ(c.reads, kRounds);
}

TEST_F(PoolFixture, FinWithTheResponseIsNotReused) {
  upstream.after = After::kCloseWithReply;
  int first = exchange(0);
  ASSERT_GE(first, 0);
  EXPECT_EQ(pool.idleCount(), 1u);
  int second = exchange(1);  // a reused connection would fail here: its peer is gone
  EXPECT_GE(second, 0);
  EXPECT_EQ(upstream.accepted, 2);
}

TEST_F(PoolFixture, FinWhileIdleIsNotReused) {
  ASSERT_GE(exchange(0), 0);
  gCounts.clear();
  upstream.closeAll();
  ioc.run_for(50ms);  // loopback: the FIN is there at once; the reactor sees its edge
  EXPECT_GE(exchange(1), 0);
  EXPECT_EQ(upstream.accepted, 2);
}

TEST_F(PoolFixture, UnsolicitedBytesWhileIdleAreNotReused) {
  ASSERT_GE(exchange(0), 0);
  asio::write(*upstream.conns.at(0), asio::buffer("HTTP/1.1 408 Request Timeout\r\n\r\n", 32));
  ioc.run_for(50ms);
  EXPECT_GE(exchange(1), 0);
  EXPECT_EQ(upstream.accepted, 2);
}

TEST_F(PoolFixture, VerifyIdlePollsAndStillReuses) {
  int first = exchange(0);
  ASSERT_GE(first, 0);
  gCounts.clear();
  bool done = false;
  asio::co_spawn(ioc, [&]() -> asio::awaitable<void> {
    AcquireResult acq = co_await pool.acquire("127.0.0.1", upstream.port(), 1000ms, watchdog,
                                              false, nullptr, true);
    EXPECT_TRUE(acq.conn && acq.conn->reused);
    done = true;
  }, asio::detached);
  while (!done) ioc.run_one_for(50ms);
  EXPECT_EQ(gCounts[first].polls, 1);
}

// The pool remembers the idle list it looked up last (listFor()): requests alternating between
// two upstreams, and idle() asked for one while the other was the last, must each get back a
// connection to their own upstream, and only reuse ones.
TEST_F(PoolFixture, AlternatingUpstreamsEachReuseTheirOwnConnection) {
  Upstream other{ioc};
  auto remotePort = [](int fd) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    ::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len);
    return ntohs(a.sin_port);
  };
  int mine = exchange(0, upstream.port());
  int theirs = exchange(0, other.port());
  ASSERT_GE(mine, 0);
  ASSERT_GE(theirs, 0);
  ASSERT_NE(mine, theirs);
  for (int i = 1; i <= 20; ++i) {
    EXPECT_EQ(exchange(i, i % 2 == 0 ? upstream.port() : other.port()), i % 2 == 0 ? mine : theirs)
        << "round " << i;
  }
  EXPECT_EQ(upstream.accepted, 1);
  EXPECT_EQ(other.accepted, 1);
  ASSERT_EQ(pool.idleCount(), 2u);
  // idle(), acquire()'s first step without a frame, after the other upstream was the last one.
  std::unique_ptr<UpstreamConnection> c = pool.idle("127.0.0.1", upstream.port());
  ASSERT_TRUE(c);
  EXPECT_EQ(remotePort(c->transport.socket().native_handle()), upstream.port());
  EXPECT_EQ(pool.idle("127.0.0.1", upstream.port()), nullptr);  // the only one is taken
  std::unique_ptr<UpstreamConnection> d = pool.idle("127.0.0.1", other.port());
  ASSERT_TRUE(d);
  EXPECT_EQ(remotePort(d->transport.socket().native_handle()), other.port());
  pool.release(std::move(c));
  pool.release(std::move(d));
  EXPECT_EQ(pool.idleCount(), 2u);
  pool.closeAll();  // forgets the remembered list with the others
  EXPECT_EQ(pool.idle("127.0.0.1", upstream.port()), nullptr);
  EXPECT_EQ(pool.idleCount(), 0u);
}

}  // namespace
}  // namespace gw::server
