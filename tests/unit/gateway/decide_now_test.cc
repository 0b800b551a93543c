// GatewayHandler::decideNow(): the request pipeline without a coroutine for routes none of
// whose steps can suspend, and nothing at all (no limit charged, no per-request state taken)
// for the others, which decide() then handles. Its decisions are decide()'s: the same requests
// through both give the same answers, limit counts included.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdio>

#include "compiler/diag/render.h"
#include "compiler/policy/build.h"
#include "runtime/gateway/gateway_handler.h"
#include "runtime/gateway/generation.h"
#include "runtime/gateway/policy_store.h"
#include "runtime/http/request_parser.h"

namespace gw::gateway {
namespace {

constexpr const char* kPolicy = R"(
gateway { redis "redis://127.0.0.1:1" }
upstream app { server 127.0.0.1:9001 }
limit per_ip token_bucket { key client.ip rate 1/s burst 3 }
limit shared token_bucket { key client.ip rate 1/s burst 3 store redis on_store_error allow }
route open { match { path prefix "/open" } limit per_ip forward app }
route guarded {
  match { path prefix "/guarded" method [GET] }
  authorize {
    deny when request.header("x-block") == "1"
    allow when request.method == GET
  }
  request { set header "X-Route" = "guarded" }
  forward app
}
route counted { match { path prefix "/counted" } limit shared forward app }
)";

/// One parsed request and the context the session would show the handler.
struct Request {
  explicit Request(std::string text) : raw(std::move(text)) {
    http::RequestParser parser;
    EXPECT_EQ(parser.parse(raw, head).status, http::ParseStatus::kComplete) << raw;
    ctx.method = head.method;
    ctx.path = head.path;
    ctx.rawPath = head.path;
    ctx.host = head.host;
    ctx.head = &head;
    ctx.clientIp = "10.1.2.3";
    ctx.requestId = "rid";
    ctx.traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    ctx.start = std::chrono::steady_clock::now();
  }
  std::string raw;
  http::RequestHead head;
  server::RequestContext ctx;
};

class DecideNowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    shared_.registry = std::make_unique<stats::Registry>(1);
    std::string path = ::testing::TempDir() + "/decide_now_test.gw";
    FILE* f = std::fopen(path.c_str(), "w");
    std::fputs(kPolicy, f);
    std::fclose(f);
    SourceManager sources;
    DiagnosticSink diags;
    auto p = policy::compilePolicyFile(path, sources, diags);
    ASSERT_TRUE(p) << renderText(diags, sources, false);
    std::string error;
    auto g = Generation::build(p, shared_, ::testing::TempDir(), 1, "interpreter", &error);
    ASSERT_TRUE(g) << error;
    store_.publish(g);
    handler_ = std::make_unique<GatewayHandler>(store_, nullptr, shared_.registry->shard(0), 0);
  }
  void TearDown() override {
    if (handler_) handler_->drain();  // closes the worker's Redis connection, if one was made
    handler_.reset();
  }

  /// decide() run to completion on the fixture's loop (the handler's worker loop).
  void decideAwaited(Request& r, server::Decision& out) {
    bool done = false;
    auto run = [&]() -> boost::asio::awaitable<void> {
      co_await handler_->decide(r.ctx, out);
      done = true;
    };
    boost::asio::co_spawn(ioc_, run(), boost::asio::detached);
    while (!done) {
      if (ioc_.stopped()) ioc_.restart();
      ioc_.run_one();
    }
  }
  /// decideNow() on `raw` (which it must decide), completed: the status (0: forwarded) and,
  /// with `headers`, the answer's header names.
  int nowStatus(const std::string& raw, std::vector<std::string>* headers = nullptr) {
    Request r(raw);
    server::Decision d;
    EXPECT_TRUE(handler_->decideNow(r.ctx, d)) << raw;
    if (headers != nullptr) *headers = names(d);
    handler_->onComplete(r.ctx, d, server::Completion{});
    return status(d);
  }
  static std::vector<std::string> names(const server::Decision& d) {
    std::vector<std::string> out;
    for (const auto& [name, value] : d.respond.headers) out.push_back(name);
    return out;
  }
  static int status(const server::Decision& d) {
    return d.kind == server::Decision::Kind::kForward ? 0 : d.respond.status;
  }

  SharedState shared_;
  PolicyStore store_;
  boost::asio::io_context ioc_;  // outlives the handler, which may keep a Redis client on it
  std::unique_ptr<GatewayHandler> handler_;
};

TEST_F(DecideNowTest, LocalRoutesAreDecidedWithoutACoroutine) {
  Request r("GET /open/x HTTP/1.1\r\nHost: a.test\r\n\r\n");
  server::Decision d;
  ASSERT_TRUE(handler_->decideNow(r.ctx, d));
  EXPECT_EQ(d.kind, server::Decision::Kind::kForward);
  EXPECT_EQ(d.forward.host, "127.0.0.1");
  EXPECT_EQ(d.forward.port, 9001);
  ASSERT_NE(d.handlerData, nullptr);
  server::Completion done;
  handler_->onComplete(r.ctx, d, done);

  EXPECT_EQ(nowStatus("GET /guarded HTTP/1.1\r\nHost: a.test\r\n\r\n"), 0);
  EXPECT_EQ(nowStatus("GET /guarded HTTP/1.1\r\nHost: a.test\r\nX-Block: 1\r\n\r\n"), 403);
  std::vector<std::string> headers;
  EXPECT_EQ(nowStatus("POST /guarded HTTP/1.1\r\nHost: a.test\r\nContent-Length: 0\r\n\r\n",
                      &headers),
            405);
  EXPECT_EQ(headers, (std::vector<std::string>{"Allow"}));
  EXPECT_EQ(nowStatus("GET /elsewhere HTTP/1.1\r\nHost: a.test\r\n\r\n"), 404);
}

TEST_F(DecideNowTest, SameAnswersAsDecideLimitCountsIncluded) {
  // per_ip has a burst of 3: the fourth request is refused, whichever path counted the three.
  Request r("GET /open/y HTTP/1.1\r\nHost: a.test\r\n\r\n");
  server::Completion done;
  std::vector<int> now, awaited;
  std::vector<std::string> refusedAwaited;
  for (int i = 0; i < 2; ++i) {
    server::Decision d;
    ASSERT_TRUE(handler_->decideNow(r.ctx, d));
    now.push_back(status(d));
    handler_->onComplete(r.ctx, d, done);
    server::Decision e;
    decideAwaited(r, e);
    awaited.push_back(status(e));
    refusedAwaited = names(e);
    handler_->onComplete(r.ctx, e, done);
  }
  EXPECT_EQ(now, (std::vector<int>{0, 0}));
  EXPECT_EQ(awaited, (std::vector<int>{0, 429}));
  server::Decision d;
  ASSERT_TRUE(handler_->decideNow(r.ctx, d));
  EXPECT_EQ(status(d), 429);
  EXPECT_FALSE(refusedAwaited.empty());
  EXPECT_EQ(names(d), refusedAwaited);  // the same rate-limit headers
  handler_->onComplete(r.ctx, d, done);
}

TEST_F(DecideNowTest, RoutesThatMaySuspendAreLeftToDecide) {
  Request r("GET /counted HTTP/1.1\r\nHost: a.test\r\n\r\n");
  server::Decision d;
  EXPECT_FALSE(handler_->decideNow(r.ctx, d));
  EXPECT_EQ(d.handlerData, nullptr);  // no per-request state taken, nothing to complete
  EXPECT_EQ(d.kind, server::Decision::Kind::kRespond);
  // decide() takes it (Redis is unreachable here: on_store_error allow).
  decideAwaited(r, d);
  EXPECT_EQ(d.kind, server::Decision::Kind::kForward);
  server::Completion done;
  handler_->onComplete(r.ctx, d, done);
}

}  // namespace
}  // namespace gw::gateway
