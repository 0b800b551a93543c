#include "runtime/admin/admin_handler.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <string_view>

#include "runtime/admin/admin_json.h"
#include "runtime/stats/exposition.h"

namespace gw::admin {

namespace asio = boost::asio;

namespace {

constexpr auto kReloadPoll = std::chrono::milliseconds(5);

struct Endpoint {
  std::string_view path;
  std::string_view method;
};
constexpr Endpoint kEndpoints[] = {
    {"/metrics", "GET"}, {"/healthz", "GET"}, {"/routes", "GET"},
    {"/status", "GET"},  {"/reload", "POST"},
};

void respond(server::Decision& out, int status, std::string_view contentType, std::string body) {
  out.kind = server::Decision::Kind::kRespond;
  out.respond.status = status;
  out.respond.contentType.assign(contentType);
  out.respond.body = std::move(body);
}

void json(server::Decision& out, int status, std::string body) {
  respond(out, status, "application/json", std::move(body));
}

}  // namespace

void ReloadCompletion::operator()(ReloadOutcome outcome) const {
  std::lock_guard lock(state_->mutex);
  if (!state_->outcome) {
    state_->outcome = std::move(outcome);
  }
}

void AdminHandler::route(const server::RequestContext& req, server::Decision& out) {
  AdminContext& ctx = *context_;
  bool draining = ctx.draining.load(std::memory_order_relaxed);
  if (req.path == "/healthz") {
    respond(out, draining ? 503 : 200, "text/plain", draining ? "draining\n" : "ok\n");
  } else if (req.path == "/metrics") {
    if (ctx.registry == nullptr) {
      out.respondError(503, "metrics not available");
      return;
    }
    std::string body;
    body.reserve(16384);
    ctx.registry->renderTo(body);
    respond(out, 200, stats::kExpositionContentType, std::move(body));
  } else if (req.path == "/routes") {
    if (!ctx.callbacks.routes) {
      out.respondError(503, "route table not available");
      return;
    }
    json(out, 200, routesJson(ctx.callbacks.routes()));
  } else if (req.path == "/status") {
    if (!ctx.callbacks.status) {
      out.respondError(503, "status not available");
      return;
    }
    json(out, 200, statusJson(ctx.callbacks.status(), draining));
  }
}

asio::awaitable<void> AdminHandler::reload(server::Decision& out) {
  AdminContext& ctx = *context_;
  if (!ctx.callbacks.reload) {
    out.respondError(503, "reload not available");
    co_return;
  }
  auto state = std::make_shared<ReloadCompletion::State>();
  ctx.callbacks.reload(ReloadCompletion(state));
  // The reload runs elsewhere (a compile takes a while); poll its shared state on a timer so
  // this admin thread keeps serving /metrics meanwhile, and no executor outlives its owner.
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto deadline = std::chrono::steady_clock::now() + ctx.reloadTimeout;
  for (;;) {
    {
      std::lock_guard lock(state->mutex);
      if (state->outcome) {
        break;
      }
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      out.respondError(504, "reload still running");
      co_return;
    }
    timer.expires_after(kReloadPoll);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) {
      out.respondError(503, "shutting down");
      co_return;
    }
  }
  ReloadOutcome outcome;
  {
    std::lock_guard lock(state->mutex);
    outcome = std::move(*state->outcome);
  }
  if (!outcome.ok) {
    json(out, 422, reloadFailedJson(outcome));
  } else if (ctx.callbacks.status) {
    json(out, 200, reloadOkJson(ctx.callbacks.status(), ctx.draining.load()));
  } else {
    json(out, 200, "{\"ok\":true}\n");
  }
}

asio::awaitable<void> AdminHandler::decide(server::RequestContext& req, server::Decision& out) {
  const Endpoint* endpoint = nullptr;
  for (const Endpoint& e : kEndpoints) {
    if (req.path == e.path) {
      endpoint = &e;
    }
  }
  if (endpoint == nullptr) {
    out.respondError(404, "unknown admin endpoint");
    co_return;
  }
  if (req.method != endpoint->method) {
    out.respondError(405);
    out.respond.headers.emplace_back("Allow", std::string(endpoint->method));
    co_return;
  }
  try {
    if (endpoint->method == "POST") {
      co_await reload(out);
    } else {
      route(req, out);
    }
  } catch (const std::exception& e) {
    // A provider threw (or memory ran out): answer instead of tearing the session down.
    out.respond.headers.clear();
    out.respondError(500, e.what());
  }
}

server::HandlerFactory makeHandlerFactory(std::shared_ptr<AdminContext> context) {
  return [context](std::size_t) -> std::unique_ptr<server::Handler> {
    return std::make_unique<AdminHandler>(context);
  };
}

}  // namespace gw::admin
