// The forwarder sends the upstream requests of one reactor batch back to back, after the batch's
// client reads, rather than one send between each two reads: on a core shared with the upstream,
// every send to a sleeping upstream wakes it, and it preempts the worker (bench/RESULTS.md,
// "Session 8 (sched helper)").
//
// A real Server (one worker) forwards to a real upstream (threads, blocking sockets). The test
// holds the worker inside one request's decide() while it writes K-1 more requests, so the next
// epoll_wait returns all of them at once, and it records the order of the worker's socket reads
// and sends with syscall_counter.cc, which defines recv(), recvmsg(), send() and sendmsg() in
// this executable: keep it a binary of its own. The test's own sockets use read() and write(),
// which are not recorded.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/server/decision.h"
#include "runtime/server/handler.h"
#include "runtime/server/request_context.h"
#include "runtime/server/server.h"
#include "loopback_sockets.h"
#include "syscall_counter.h"

namespace {
auto& gCalls = gw::testing::socketCalls();
}  // namespace

namespace gw::server {
namespace {

using namespace std::chrono_literals;
constexpr int kClients = 8;
constexpr std::string_view kResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

using gw::testing::connectLoopback;
using gw::testing::listenLoopback;

bool writeAll(int fd, std::string_view s) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n <= 0) return false;
    s.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

/// Reads until `end` was seen (the whole of a small response); false on EOF or timeout.
bool readUntil(int fd, std::string_view end) {
  std::string got;
  char buf[512];
  while (got.find(end) == std::string::npos) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) return false;
    got.append(buf, static_cast<std::size_t>(n));
  }
  return true;
}

/// Answers every request with kResponse, one thread per connection. The first `warm`
/// requests are all held until every one of them arrived, so the gateway opens that many
/// connections (its pool then holds that many idle ones); a request for /hold is held until
/// 2 * `warm` requests arrived (until the test's batch behind it was forwarded).
class Upstream {
 public:
  explicit Upstream(int warm) : warm_(warm), listener_(listenLoopback(port_)) {
    acceptor_ = std::thread([this] { acceptLoop(); });
  }
  ~Upstream() {
    ::shutdown(listener_, SHUT_RDWR);
    acceptor_.join();
    ::close(listener_);
    for (auto& t : conns_) t.join();  // each ends when the gateway closes its connection
  }
  std::uint16_t port() const { return port_; }

 private:
  void acceptLoop() {
    while (true) {
      int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      conns_.emplace_back([this, fd] { serve(fd); });
    }
  }
  void serve(int fd) {
    std::string got;
    char buf[1024];
    while (true) {
      std::size_t end;
      while ((end = got.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
          ::close(fd);
          return;
        }
        got.append(buf, static_cast<std::size_t>(n));
      }
      int until = got.starts_with("GET /hold ") ? 2 * warm_ : warm_;
      got.erase(0, end + 4);
      {
        std::unique_lock lock(mutex_);
        ++requests_;
        cv_.notify_all();
        cv_.wait_for(lock, 5s, [&] { return requests_ >= until; });
      }
      if (!writeAll(fd, kResponse)) {
        ::close(fd);
        return;
      }
    }
  }

  int warm_;
  std::uint16_t port_ = 0;
  int listener_;
  std::thread acceptor_;
  std::vector<std::thread> conns_;  // only the acceptor thread adds, before the destructor joins
  std::mutex mutex_;
  std::condition_variable cv_;
  int requests_ = 0;
};

/// Forwards everything to the upstream; a request for /hold blocks the worker thread in
/// decide() until the test releases it (the test's way of queueing requests behind it).
class HoldingHandler final : public Handler {
 public:
  explicit HoldingHandler(std::uint16_t upstreamPort) : port_(upstreamPort) {}

  boost::asio::awaitable<void> decide(RequestContext& req, Decision& out) override {
    if (req.path == "/hold") {
      std::unique_lock lock(mutex_);
      holding_ = true;
      cv_.notify_all();
      cv_.wait_for(lock, 5s, [this] { return released_; });
    }
    out.kind = Decision::Kind::kForward;
    out.forward.host = "127.0.0.1";
    out.forward.port = port_;
    co_return;
  }

  bool waitHolding() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 5s, [this] { return holding_; });
  }
  void release() {
    std::lock_guard lock(mutex_);
    released_ = true;
    cv_.notify_all();
  }

 private:
  std::uint16_t port_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool holding_ = false;
  bool released_ = false;
};

std::string request(std::string_view path) {
  return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

TEST(UpstreamBatch, SendsOfOneBatchFollowItsReads) {
  Upstream upstream(kClients);
  HoldingHandler* handler = nullptr;
  ServerOptions options;
  options.threads = 1;
  Server server(options, [&](std::size_t) {
    auto h = std::make_unique<HoldingHandler>(upstream.port());
    handler = h.get();
    return h;
  });
  ASSERT_FALSE(server.start());
  ASSERT_NE(handler, nullptr);

  std::vector<int> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(connectLoopback(server.port()));
    ASSERT_GE(clients.back(), 0);
  }
  // Warm-up: kClients requests in flight together, so the pool ends with kClients idle
  // connections and the measured requests need no connect.
  for (int fd : clients) ASSERT_TRUE(writeAll(fd, request("/warm")));
  for (int fd : clients) ASSERT_TRUE(readUntil(fd, "\r\n\r\nok"));

  // The worker blocks in /hold's decide(); the other requests arrive meanwhile.
  ASSERT_TRUE(writeAll(clients[0], request("/hold")));
  ASSERT_TRUE(handler->waitHolding());
  for (int i = 1; i < kClients; ++i) ASSERT_TRUE(writeAll(clients[i], request("/x")));
  gCalls.recording = true;
  handler->release();
  for (int fd : clients) EXPECT_TRUE(readUntil(fd, "\r\n\r\nok"));
  gCalls.recording = false;
  for (int fd : clients) ::close(fd);
  server.shutdown();
  server.wait();

  // The worker's reads of client requests and its sends of upstream requests, in order.
  std::string order;
  {
    std::lock_guard lock(gCalls.mutex);
    for (const gw::testing::SocketCall& e : gCalls.calls) {
      if (!e.send && e.localPort == server.port()) order += 'r';
      if (e.send && e.peerPort == upstream.port()) order += 's';
    }
  }
  ASSERT_EQ(std::count(order.begin(), order.end(), 'r'), kClients - 1) << order;
  ASSERT_EQ(std::count(order.begin(), order.end(), 's'), kClients) << order;
  // /hold's send precedes the batch (it was the worker's only exchange, so it went at once);
  // every other send comes after the last read. Sent as read, this would be "srsrsrs...".
  std::size_t lastRead = order.rfind('r');
  EXPECT_LE(std::count(order.begin(), order.begin() + lastRead, 's'), 1) << order;
}

// A request that is the worker's only exchange has no batch to wait for: it is sent at once,
// without the epoll_wait(0) a posted send costs (one per request at concurrency 1).
TEST(UpstreamBatch, LoneRequestIsSentAtOnce) {
  Upstream upstream(1);
  ServerOptions options;
  options.threads = 1;
  Server server(options, [&](std::size_t) {
    return std::make_unique<HoldingHandler>(upstream.port());
  });
  ASSERT_FALSE(server.start());
  int client = connectLoopback(server.port());
  ASSERT_GE(client, 0);
  ASSERT_TRUE(writeAll(client, request("/warm")));
  ASSERT_TRUE(readUntil(client, "\r\n\r\nok"));
  constexpr int kRequests = 20;
  gw::testing::zeroTimeoutWaits() = 0;
  for (int i = 0; i < kRequests; ++i) {
    ASSERT_TRUE(writeAll(client, request("/x")));
    ASSERT_TRUE(readUntil(client, "\r\n\r\nok"));
  }
  int zeroWaits = gw::testing::zeroTimeoutWaits().load();
  ::close(client);
  server.shutdown();
  server.wait();
  // One per request is the response's edge on the upstream socket, which completes two reactor
  // operations at once: the pool's PeerWatch and the read queued behind it (runtime/net/
  // peer_watch.h). Asio's epoll_reactor runs the first inline and posts the second behind the
  // reactor task, so the scheduler polls epoll (timeout 0) once before running it (seen in gdb:
  // 20 post_deferred_completions from descriptor_state::perform_io for 20 requests). A posted
  // send would add one more per request (40).
  EXPECT_LE(zeroWaits, kRequests + kRequests / 4);
}

}  // namespace
}  // namespace gw::server
