#include "runtime/resilience/active_health_checker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gw::resilience {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;
constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// A tiny HTTP server on 127.0.0.1:0 whose answer the test switches: a status code, or 0 to
// accept and never answer (a hung server). stop() closes the listener: connects are refused.
class TinyHttpServer {
 public:
  TinyHttpServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    asio::co_spawn(io_, acceptLoop(), asio::detached);
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TinyHttpServer() {
    io_.stop();
    thread_.join();
  }
  tcp::endpoint endpoint() const { return endpoint_; }
  void setStatus(int status) { status_ = status; }
  int requests() const { return requests_; }
  std::string lastRequest() {
    std::lock_guard<std::mutex> lock(mutex_);
    return last_request_;
  }
  void stop() {
    asio::post(io_, [this] { acceptor_.close(); });
  }

 private:
  asio::awaitable<void> acceptLoop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
      if (ec) {
        co_return;
      }
      asio::co_spawn(io_, serve(std::move(socket)), asio::detached);
    }
  }
  asio::awaitable<void> serve(tcp::socket socket) {
    std::string buf;
    auto [ec, n] =
        co_await asio::async_read_until(socket, asio::dynamic_buffer(buf), "\r\n\r\n", kNoThrow);
    if (ec) {
      co_return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      last_request_ = buf.substr(0, n);
    }
    ++requests_;
    const int status = status_;
    if (status == 0) {
      hung_.push_back(std::move(socket));  // keep it open, say nothing
      co_return;
    }
    const std::string response = "HTTP/1.1 " + std::to_string(status) +
                                 " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    co_await asio::async_write(socket, asio::buffer(response), kNoThrow);
  }

  asio::io_context io_;
  tcp::acceptor acceptor_;
  tcp::endpoint endpoint_ = acceptor_.local_endpoint();
  std::atomic<int> status_{200};
  std::atomic<int> requests_{0};
  std::mutex mutex_;
  std::string last_request_;
  std::vector<tcp::socket> hung_;
  std::thread thread_;
};

bool waitFor(const std::function<bool()>& cond, std::chrono::milliseconds limit = 5s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) {
      return true;
    }
    std::this_thread::sleep_for(5ms);
  }
  return cond();
}

struct CheckerFixture {
  TinyHttpServer server;
  std::mutex mutex;
  std::vector<std::string> transitions;
  HealthTracker tracker{1, {2, 2}, {}, SteadyClock::instance(), [this](const HealthTransition& t) {
                          std::lock_guard<std::mutex> lock(mutex);
                          transitions.push_back(std::string(t.available ? "up " : "down ") +
                                                healthReasonName(t.reason));
                        }};
  asio::io_context io;
  std::shared_ptr<ActiveHealthChecker> checker;
  std::thread thread;

  /// `hostname`: probe the server by that name (resolved by every probe) instead of its address.
  explicit CheckerFixture(std::chrono::milliseconds timeout = 300ms, std::string hostname = "") {
    ActiveCheckConfig config;
    config.path = "/healthz";
    config.interval = 20ms;
    config.timeout = timeout;
    HealthCheckTarget target{server.endpoint(), "api.internal", 0};
    if (!hostname.empty()) {
      target = {tcp::endpoint(asio::ip::address_v4::any(), server.endpoint().port()), hostname,
                0, true};
    }
    checker = ActiveHealthChecker::create(io.get_executor(), tracker, {target}, config);
    checker->start();
    thread = std::thread([this] { io.run(); });
  }
  ~CheckerFixture() {
    checker->stop();
    thread.join();  // the io_context runs out of work once the loops end
  }
  std::uint64_t checks() { return checker->stats()[0].checks; }
};

TEST(ActiveHealthChecker, SendsGetWithHostAndConnectionClose) {
  CheckerFixture f;
  ASSERT_TRUE(waitFor([&] { return f.server.requests() >= 1; }));
  const std::string req = f.server.lastRequest();
  EXPECT_EQ(req.rfind("GET /healthz HTTP/1.1\r\n", 0), 0u) << req;
  EXPECT_NE(req.find("\r\nHost: api.internal\r\n"), std::string::npos) << req;
  EXPECT_NE(req.find("\r\nConnection: close\r\n"), std::string::npos) << req;
  ASSERT_TRUE(waitFor([&] { return f.checks() >= 3; }));
  EXPECT_EQ(f.checker->stats()[0].last_status, 200);
  EXPECT_EQ(f.checker->stats()[0].failures, 0u);
  EXPECT_TRUE(f.tracker.available(0));
}

TEST(ActiveHealthChecker, FollowsServerBetween200And503AndStop) {
  CheckerFixture f;
  ASSERT_TRUE(waitFor([&] { return f.checks() >= 2; }));
  EXPECT_TRUE(f.tracker.available(0));

  f.server.setStatus(503);
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kBadStatus);
  EXPECT_EQ(f.checker->stats()[0].last_status, 503);

  f.server.setStatus(200);
  ASSERT_TRUE(waitFor([&] { return f.tracker.available(0); }));

  f.server.stop();
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kConnectFailed);
  std::lock_guard<std::mutex> lock(f.mutex);
  EXPECT_EQ(f.transitions,
            (std::vector<std::string>{"down active_check_failed", "up active_check_passed",
                                      "down active_check_failed"}));
}

TEST(ActiveHealthChecker, HostnameTargetIsResolvedAndFollowed) {
  CheckerFixture f(300ms, "localhost");
  ASSERT_TRUE(waitFor([&] { return f.checks() >= 2; }));
  EXPECT_NE(f.server.lastRequest().find("\r\nHost: localhost\r\n"), std::string::npos);
  EXPECT_TRUE(f.tracker.available(0));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kPassed);
  f.server.setStatus(503);
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }));
  f.server.setStatus(200);
  ASSERT_TRUE(waitFor([&] { return f.tracker.available(0); }));
  f.server.stop();  // every address of the name refuses
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kConnectFailed);
}

TEST(ActiveHealthChecker, UnresolvableHostnameFailsTheCheck) {
  // .invalid never resolves (RFC 6761).
  CheckerFixture f(2s, "gw-no-such-host.invalid");
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }, 20s));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kResolveFailed);
  EXPECT_STREQ(probeResultName(ProbeResult::kResolveFailed), "resolve_failed");
  EXPECT_EQ(f.server.requests(), 0);
}

TEST(ActiveHealthChecker, HungServerTimesOut) {
  CheckerFixture f(100ms);
  f.server.setStatus(0);
  ASSERT_TRUE(waitFor([&] { return !f.tracker.available(0); }));
  EXPECT_EQ(f.checker->stats()[0].last_result, ProbeResult::kTimeout);
}

TEST(ActiveHealthChecker, StopEndsPromptlyDuringAProbe) {
  auto f = std::make_unique<CheckerFixture>(10s);
  f->server.setStatus(0);  // the probe hangs until its 10 s deadline
  ASSERT_TRUE(waitFor([&] { return f->server.requests() >= 1; }));
  const auto start = std::chrono::steady_clock::now();
  f.reset();  // stop() + join: must not wait for the deadline
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace gw::resilience
