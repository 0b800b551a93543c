// runtime/net/ready_io.h through Transport: a server's keep-alive reads make no recv() that returns
// EAGAIN, lose no byte and no wake-up; the FIN a short-read rule may leave unseen is found by
// readNow(), and a TCP_INQ read (kDrainedPerInq) does not leave it.
//
// The system calls are counted by syscall_counter.cc, which defines recv(), recvmsg(), poll()
// and epoll_ctl() in this executable: it must stay separate from other tests for that.
#include <gtest/gtest.h>

#include <array>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "runtime/net/inq_recv.h"
#include "runtime/server/transport.h"
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
constexpr net::ShortRead kDrained = net::ShortRead::kDrainedWhenShort;
constexpr net::ShortRead kInq = net::ShortRead::kDrainedPerInq;

/// Two connected plaintext Transports over loopback in one io_context.
struct Pair {
  asio::io_context ioc{1};
  Transport server{ioc.get_executor()};
  Transport client{ioc.get_executor()};
  /// Keeps poll() and run_one_for() from stopping the io_context when a test's work runs out.
  asio::executor_work_guard<asio::io_context::executor_type> guard{ioc.get_executor()};

  Pair() {
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client.socket().connect(acceptor.local_endpoint());
    acceptor.accept(server.socket());
    gCounts.clear();
  }
  Counts& of(Transport& t) { return gCounts[t.socket().native_handle()]; }
  /// The client sends `data` and half-closes: its FIN follows the bytes.
  void sendThenHalfClose(std::string_view data) {
    asio::write(client.socket(), asio::buffer(data));
    client.socket().shutdown(tcp::socket::shutdown_send);
  }
  /// Runs until `done` or 5 s (a lost wake-up shows as a timeout, not a hang).
  void runUntil(const bool& done) {
    auto end = std::chrono::steady_clock::now() + 5s;
    while (!done && std::chrono::steady_clock::now() < end) {
      ioc.run_one_for(100ms);
    }
  }
};

/// What the server side reads with default reads until an error (EOF included): appended to
/// `got`, the error in `last`, then `done`. Spawned on p's io_context; the caller runs it.
void readToEnd(Pair& p, std::string& got, boost::system::error_code& last, bool& done) {
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    while (true) {
      auto [ec, n] = co_await p.server.readSome(asio::buffer(buf));
      got.append(buf, n);
      if (ec) {
        last = ec;
        break;
      }
    }
    done = true;
  }, asio::detached);
}

asio::awaitable<void> echoServer(Transport& t, int rounds, int& served,
                                 net::ShortRead rule = kDrained) {
  std::array<char, 4096> buf;
  for (int i = 0; i < rounds; ++i) {
    auto [ec, n] = co_await t.readSome(asio::buffer(buf), rule);
    if (ec) co_return;
    co_await t.write(asio::buffer(buf.data(), n));
    ++served;
  }
}

asio::awaitable<void> pingClient(Transport& t, int rounds, int& answered, bool& done) {
  std::array<char, 4096> buf;
  for (int i = 0; i < rounds; ++i) {
    std::string ping = "ping " + std::to_string(i);
    co_await t.write(asio::buffer(ping));
    auto [ec, n] = co_await t.readSome(asio::buffer(buf));
    if (ec || std::string(buf.data(), n) != ping) break;
    ++answered;
  }
  done = true;
}

TEST(ReadyIo, KeepAliveExchangeMakesNoEagainRecv) {
  Pair p;
  constexpr int kRounds = 200;
  int served = 0, answered = 0;
  bool done = false;
  asio::co_spawn(p.ioc, echoServer(p.server, kRounds, served), asio::detached);
  asio::co_spawn(p.ioc, pingClient(p.client, kRounds, answered, done), asio::detached);
  p.runUntil(done);
  ASSERT_EQ(answered, kRounds);
  EXPECT_EQ(served, kRounds);
  // The server's very first read finds nothing and no drained read before it: one EAGAIN. Every
  // later one follows a short read and waits for epoll. The client reads as Asio does (the
  // default): each of its reads starts with a recv() before the answer is there.
  EXPECT_LE(p.of(p.server).eagain, 1);
  EXPECT_EQ(p.of(p.server).reads, kRounds + 1);
  EXPECT_EQ(p.of(p.server).mods, 0);
  EXPECT_GE(p.of(p.client).eagain, kRounds - 1);
}

TEST(ReadyIo, InqKeepAliveExchangeMakesNoEagainRecv) {
  Pair p;
  ASSERT_TRUE(net::enableInq(p.server.socket().native_handle()));
  constexpr int kRounds = 200;
  int served = 0, answered = 0;
  bool done = false;
  asio::co_spawn(p.ioc, echoServer(p.server, kRounds, served, kInq), asio::detached);
  asio::co_spawn(p.ioc, pingClient(p.client, kRounds, answered, done), asio::detached);
  p.runUntil(done);
  ASSERT_EQ(answered, kRounds);
  EXPECT_LE(p.of(p.server).eagain, 1);
  EXPECT_EQ(p.of(p.server).reads, kRounds + 1);
  EXPECT_EQ(p.of(p.server).mods, 0);
}

TEST(ReadyIo, InqReadsSeeAFinThatCameWithTheData) {
  // What kDrainedWhenShort cannot see (a request and the client's half-close in one edge):
  // TCP_INQ counts the FIN as left to read, so the next read tries at once and finds EOF.
  Pair p;
  ASSERT_TRUE(net::enableInq(p.server.socket().native_handle()));
  bool done = false;
  std::string got;
  boost::system::error_code last;
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    auto [ec, n] = co_await p.server.readSome(asio::buffer(buf), kInq);
    got.assign(buf, n);
    auto [ec2, n2] = co_await p.server.readSome(asio::buffer(buf), kInq);
    last = ec2;
    done = true;
  }, asio::detached);
  p.ioc.poll();
  p.sendThenHalfClose("GET");
  p.runUntil(done);
  EXPECT_EQ(got, "GET");
  EXPECT_TRUE(done) << "the FIN was left for an edge that does not come";
  EXPECT_EQ(last, asio::error::eof);
}

TEST(ReadyIo, InqReadThatFillsItsBufferExactlyStillWaits) {
  // A body read that ends exactly at Content-Length fills its buffer: a short-read rule cannot
  // tell that it drained the socket, and the next request's read starts with an EAGAIN recv().
  Pair p;
  ASSERT_TRUE(net::enableInq(p.server.socket().native_handle()));
  std::string got;
  bool done = false;
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    while (got.size() < 64 + 3) {
      auto [ec, n] = co_await p.server.readSome(asio::buffer(buf), kInq);
      if (ec) break;
      got.append(buf, n);
    }
    done = true;
  }, asio::detached);
  p.ioc.poll();  // the first read finds nothing (EAGAIN) and waits for the edge
  std::string first(64, 'b');
  asio::write(p.client.socket(), asio::buffer(first));
  for (int i = 0; i < 50 && got.size() < first.size(); ++i) p.ioc.run_one_for(100ms);
  p.ioc.poll();
  EXPECT_EQ(got, first);
  EXPECT_EQ(p.of(p.server).reads, 2);  // the third read waits without trying
  asio::write(p.client.socket(), asio::buffer("GET", 3));
  p.runUntil(done);
  EXPECT_EQ(got, first + "GET");
  EXPECT_EQ(p.of(p.server).eagain, 1);
  EXPECT_EQ(p.of(p.server).reads, 3);
}

TEST(ReadyIo, FullReadsKeepReadingWithoutWaiting) {
  Pair p;
  std::string sent(1000, 'x');
  for (std::size_t i = 0; i < sent.size(); ++i) sent[i] = static_cast<char>('a' + i % 26);
  asio::write(p.client.socket(), asio::buffer(sent));
  std::string got;
  bool done = false;
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    while (got.size() < sent.size()) {
      auto [ec, n] = co_await p.server.readSome(asio::buffer(buf), kDrained);
      if (ec) break;
      got.append(buf, n);
    }
    done = true;
  }, asio::detached);
  p.runUntil(done);
  EXPECT_EQ(got, sent);
  // A read that fills its buffer leaves the socket possibly readable: the next one reads at
  // once (no EAGAIN, no wait) until the last, short one.
  EXPECT_EQ(p.of(p.server).eagain, 0);
}

TEST(ReadyIo, DefaultReadsSeeAFinThatCameWithTheData) {
  // A close-delimited body: its last bytes and the FIN come in one edge.
  Pair p;
  bool done = false;
  std::string got;
  boost::system::error_code last;
  readToEnd(p, got, last, done);
  p.ioc.poll();
  p.sendThenHalfClose("body");
  p.runUntil(done);
  EXPECT_EQ(got, "body");
  EXPECT_EQ(last, asio::error::eof);
}

TEST(ReadyIo, ReadNowFindsTheFinADrainedReadLeft) {
  Pair p;
  bool read = false;
  std::string got;
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    auto [ec, n] = co_await p.server.readSome(asio::buffer(buf), kDrained);
    got.assign(buf, n);
    read = true;
  }, asio::detached);
  p.ioc.poll();
  p.sendThenHalfClose("GET");
  p.runUntil(read);
  EXPECT_EQ(got, "GET");
  char sink[16];
  boost::system::error_code ec;
  EXPECT_EQ(p.server.readNow(asio::buffer(sink), ec), 0u);
  EXPECT_EQ(ec, asio::error::eof);
}

TEST(ReadyIo, ReadNowDoesNotWait) {
  Pair p;
  char sink[16];
  boost::system::error_code ec;
  EXPECT_EQ(p.server.readNow(asio::buffer(sink), ec), 0u);
  EXPECT_FALSE(ec) << ec.message();
  asio::write(p.client.socket(), asio::buffer("abc", 3));
  std::size_t n = 0;
  for (int i = 0; i < 100 && n == 0 && !ec; ++i) n = p.server.readNow(asio::buffer(sink), ec);
  EXPECT_EQ(std::string(sink, n), "abc");
}

TEST(ReadyIo, CancelAbortsAPendingRead) {
  Pair p;
  boost::system::error_code readEc;
  bool read = false;
  asio::co_spawn(p.ioc, [&]() -> asio::awaitable<void> {
    char buf[64];
    auto [ec, n] = co_await p.server.readSome(asio::buffer(buf), kDrained);
    readEc = ec;
    read = true;
  }, asio::detached);
  p.ioc.poll();
  EXPECT_FALSE(read);
  p.server.socket().cancel();
  p.runUntil(read);
  EXPECT_EQ(readEc, asio::error::operation_aborted);
}

TEST(ReadyIo, EndOfStreamIsReported) {
  Pair p;
  p.sendThenHalfClose("bye");
  std::string got;
  boost::system::error_code last;
  bool done = false;
  readToEnd(p, got, last, done);
  p.runUntil(done);
  EXPECT_EQ(got, "bye");
  EXPECT_EQ(last, asio::error::eof);
}

}  // namespace
}  // namespace gw::server
