// The kernel calls the serving loop trades per proxied request (bench/RESULTS.md, "Session 7
// (io helper)"): a loopback TCP read as recv() vs recvmsg() with TCP_INQ's count
// (net::recvWithInq), the epoll_ctl(MOD) Asio's async_wait makes per pooled reuse, and the
// recv(MSG_PEEK) that replaces it where a read cannot tell the socket is drained. The read
// benchmarks read 100 bytes from a receive queue filled outside the timing.
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdlib>

#include "runtime/net/inq_recv.h"

namespace {

/// A connected loopback TCP pair (client, server), non-blocking server side.
struct TcpPair {
  int client = -1;
  int server = -1;
  TcpPair() {
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listener, 1) != 0 ||
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      std::abort();
    }
    client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
    server = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK);
    ::close(listener);
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TcpPair() {
    ::close(client);
    ::close(server);
  }
};

constexpr std::size_t kBytes = 100;     ///< one read
constexpr std::size_t kBatch = 640;     ///< reads per refill of the receive queue

/// Runs `read(fd, buffer, size)` once per iteration on 100 bytes waiting in the server's
/// receive queue; the queue is refilled (64 000 bytes, one send) outside the timing.
template <typename Read>
void readLoop(benchmark::State& state, TcpPair& p, Read read) {
  static std::array<char, kBytes * kBatch> out{};
  std::array<char, kBytes> in;
  std::size_t queued = 0;
  for (auto _ : state) {
    if (queued == 0) {
      state.PauseTiming();
      if (::send(p.client, out.data(), out.size(), 0) != static_cast<ssize_t>(out.size())) {
        std::abort();
      }
      queued = kBatch;
      state.ResumeTiming();
    }
    read(p.server, in.data(), in.size());
    --queued;
  }
}

void BM_Recv(benchmark::State& state) {
  TcpPair p;
  readLoop(state, p, [](int fd, char* buf, std::size_t n) {
    benchmark::DoNotOptimize(::recv(fd, buf, n, MSG_DONTWAIT));
  });
}
BENCHMARK(BM_Recv);

void BM_RecvmsgNoControl(benchmark::State& state) {
  TcpPair p;
  readLoop(state, p, [](int fd, char* buf, std::size_t n) {
    iovec iov{buf, n};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    benchmark::DoNotOptimize(::recvmsg(fd, &msg, MSG_DONTWAIT));
  });
}
BENCHMARK(BM_RecvmsgNoControl);

void BM_RecvmsgInq(benchmark::State& state) {
  TcpPair p;
  gw::net::enableInq(p.server);
  boost::system::error_code ec;
  std::size_t got = 0;
  int left = -1;
  readLoop(state, p, [&](int fd, char* buf, std::size_t n) {
    benchmark::DoNotOptimize(gw::net::recvWithInq(fd, buf, n, ec, got, left));
  });
  if (got != kBytes || left < 0) state.SkipWithError("recvWithInq did not read with a count");
}
BENCHMARK(BM_RecvmsgInq);

void BM_EpollCtlMod(benchmark::State& state) {
  TcpPair p;
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLERR | EPOLLHUP | EPOLLPRI | EPOLLET;  // Asio's registration
  ::epoll_ctl(ep, EPOLL_CTL_ADD, p.server, &ev);
  for (auto _ : state) {
    benchmark::DoNotOptimize(::epoll_ctl(ep, EPOLL_CTL_MOD, p.server, &ev));
  }
  ::close(ep);
}
BENCHMARK(BM_EpollCtlMod);

void BM_RecvPeekEmpty(benchmark::State& state) {
  TcpPair p;
  char c;
  for (auto _ : state) {
    benchmark::DoNotOptimize(::recv(p.server, &c, 1, MSG_PEEK | MSG_DONTWAIT));
  }
}
BENCHMARK(BM_RecvPeekEmpty);

}  // namespace

BENCHMARK_MAIN();
