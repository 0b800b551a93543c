// The admin endpoints through a real one-thread server on port 0, driven by a real HTTP client.
#include "runtime/admin/admin_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <thread>

namespace gw::admin {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

struct Reply {
  int status = 0;
  std::string contentType;
  std::string allow;
  std::string body;
};

/// A blocking HTTP/1.1 client on one keep-alive connection.
class Client {
 public:
  explicit Client(std::uint16_t port) : socket_(io_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  Reply send(http::verb method, std::string target, std::string body = {}) {
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "admin");
    if (method == http::verb::post) {
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::write(socket_, req);
    http::response<http::string_body> res;
    http::read(socket_, buffer_, res);
    return {static_cast<int>(res.result_int()), std::string(res[http::field::content_type]),
            std::string(res[http::field::allow]), res.body()};
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
  beast::flat_buffer buffer_;
};

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = std::make_shared<AdminContext>();
    context_->registry = &registry_;
    context_->callbacks.routes = [this] { return routes_; };
    context_->callbacks.status = [this] {
      std::lock_guard lock(mutex_);
      return status_;
    };
    status_.version = "1";
    status_.sourceHash = "9f86d081";
    status_.backend = "jit";
    status_.routes = 1;
    RouteEntry r;
    r.name = "users";
    r.methods = {"GET"};
    r.path = "/users/{id}";
    r.upstreams = {"users"};
    routes_ = {r};
  }
  void start() {
    server_ = std::make_unique<AdminServer>(AdminOptions{}, context_);
    ASSERT_FALSE(server_->start());
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    if (server_) {
      server_->shutdown();
      server_->wait();
    }
    if (reloadThread_.joinable()) {
      reloadThread_.join();
    }
  }

  stats::Registry registry_{2};
  std::shared_ptr<AdminContext> context_;
  std::vector<RouteEntry> routes_;
  std::mutex mutex_;
  PolicyStatus status_;
  std::thread reloadThread_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, MetricsHealthRoutesStatus) {
  registry_.shard(1).inc(registry_.counter(stats::Metric::kRateLimitedTotal, {"per_ip"}), 3);
  start();
  Client c(server_->port());
  Reply m = c.send(http::verb::get, "/metrics");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.contentType, "text/plain; version=0.0.4");
  EXPECT_NE(m.body.find("\ngw_rate_limited_total{limit=\"per_ip\"} 3\n"), std::string::npos);
  EXPECT_EQ(m.body, registry_.render());

  Reply h = c.send(http::verb::get, "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_EQ(h.body, "ok\n");

  Reply r = c.send(http::verb::get, "/routes");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.contentType, "application/json");
  auto routes = nlohmann::json::parse(r.body);
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0]["name"], "users");
  EXPECT_EQ(routes[0]["path"], "/users/{id}");

  Reply s = c.send(http::verb::get, "/status");
  EXPECT_EQ(s.status, 200);
  auto status = nlohmann::json::parse(s.body);
  EXPECT_EQ(status["version"], "1");
  EXPECT_EQ(status["source_hash"], "9f86d081");
  EXPECT_EQ(status["backend"], "jit");
  EXPECT_EQ(status["draining"], false);
  EXPECT_TRUE(status["last_reload"].is_null());

  context_->draining = true;
  Reply d = c.send(http::verb::get, "/healthz");
  EXPECT_EQ(d.status, 503);
  EXPECT_EQ(d.body, "draining\n");
  EXPECT_EQ(nlohmann::json::parse(c.send(http::verb::get, "/status").body)["draining"], true);
}

TEST_F(AdminServerTest, UnknownPathAndWrongMethod) {
  start();
  Client c(server_->port());
  Reply nf = c.send(http::verb::get, "/nope");
  EXPECT_EQ(nf.status, 404);
  EXPECT_EQ(c.send(http::verb::get, "/metrics/extra").status, 404);
  Reply pm = Client(server_->port()).send(http::verb::post, "/metrics", "x");
  EXPECT_EQ(pm.status, 405);
  EXPECT_EQ(pm.allow, "GET");
  Reply gr = c.send(http::verb::get, "/reload");
  EXPECT_EQ(gr.status, 405);
  EXPECT_EQ(gr.allow, "POST");
  Reply dh = c.send(http::verb::delete_, "/healthz");
  EXPECT_EQ(dh.status, 405);
  EXPECT_EQ(dh.allow, "GET");
  EXPECT_EQ(c.send(http::verb::get, "/healthz").status, 200);  // connection still usable
}

TEST_F(AdminServerTest, ReloadSuccessAnswersTheNewStatusAndMetricsStayServed) {
  std::atomic<bool> release{false};
  context_->callbacks.reload = [this, &release](ReloadCompletion done) {
    reloadThread_ = std::thread([this, &release, done] {
      while (!release.load()) {
        std::this_thread::sleep_for(1ms);
      }
      {
        std::lock_guard lock(mutex_);
        status_.version = "2";
        status_.lastReload = ReloadReport{true, std::chrono::system_clock::now(), "POST /reload", {}};
      }
      registry_.inc(registry_.counter(stats::Metric::kReloadTotal, {"ok"}));
      done(ReloadOutcome{true, {}});
      done(ReloadOutcome{false, {"ignored: second call"}});
    });
  };
  start();
  Reply reply;
  std::thread poster([&] { reply = Client(server_->port()).send(http::verb::post, "/reload"); });
  // While the reload is pending the single admin thread still answers scrapes.
  std::this_thread::sleep_for(50ms);
  Client other(server_->port());
  EXPECT_EQ(other.send(http::verb::get, "/metrics").status, 200);
  release = true;
  poster.join();
  EXPECT_EQ(reply.status, 200);
  auto j = nlohmann::json::parse(reply.body);
  EXPECT_EQ(j["ok"], true);
  EXPECT_EQ(j["status"]["version"], "2");
  EXPECT_EQ(j["status"]["last_reload"]["ok"], true);
  EXPECT_NE(other.send(http::verb::get, "/metrics").body.find("gw_reload_total{result=\"ok\"} 1"),
            std::string::npos);
}

TEST_F(AdminServerTest, ReloadFailureAnswers422WithDiagnostics) {
  context_->callbacks.reload = [](ReloadCompletion done) {
    done(ReloadOutcome{false, {"gateway.gw:4:9: error[E0201]: unknown upstream `usres`"}});
  };
  start();
  // A request body is ignored (the server closes such a connection after answering).
  Reply r = Client(server_->port()).send(http::verb::post, "/reload", "{}");
  EXPECT_EQ(r.status, 422);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["ok"], false);
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0], "gateway.gw:4:9: error[E0201]: unknown upstream `usres`");
  Client c(server_->port());
  EXPECT_EQ(c.send(http::verb::post, "/reload").status, 422);  // no body: keep-alive
  EXPECT_EQ(nlohmann::json::parse(c.send(http::verb::get, "/status").body)["version"], "1");
}

TEST_F(AdminServerTest, ReloadThatNeverCompletesTimesOut) {
  context_->reloadTimeout = 100ms;
  context_->callbacks.reload = [](ReloadCompletion) {};
  start();
  Client c(server_->port());
  EXPECT_EQ(c.send(http::verb::post, "/reload").status, 504);
}

TEST_F(AdminServerTest, MissingProvidersAnswer503) {
  context_->registry = nullptr;
  context_->callbacks = {};
  start();
  Client c(server_->port());
  EXPECT_EQ(c.send(http::verb::get, "/metrics").status, 503);
  EXPECT_EQ(c.send(http::verb::get, "/routes").status, 503);
  EXPECT_EQ(c.send(http::verb::get, "/status").status, 503);
  EXPECT_EQ(c.send(http::verb::post, "/reload").status, 503);
  EXPECT_EQ(c.send(http::verb::get, "/healthz").status, 200);
}

TEST_F(AdminServerTest, ThrowingProviderAnswers500) {
  context_->callbacks.routes = []() -> std::vector<RouteEntry> {
    throw std::runtime_error("policy gone");
  };
  start();
  Client c(server_->port());
  Reply r = c.send(http::verb::get, "/routes");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("policy gone"), std::string::npos);
}

}  // namespace
}  // namespace gw::admin
