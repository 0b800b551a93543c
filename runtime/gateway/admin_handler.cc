#include "runtime/gateway/admin_handler.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/gateway/access_log.h"
#include "runtime/gateway/limit_metrics.h"

namespace gw::gateway {

namespace asio = boost::asio;

namespace {

void json(server::Decision& out, int status, std::string body) {
  out.kind = server::Decision::Kind::kRespond;
  out.respond.status = status;
  out.respond.contentType = "application/json";
  out.respond.body = std::move(body);
  out.respond.body += "\n";
}

}  // namespace

std::string AdminHandler::statusJson() {
  ReloadStatus rs = reloader_.status();
  auto gen = store_.current();
  std::string out = "{\"generation\":" + std::to_string(rs.generation) + ",\"backend\":";
  appendJsonString(out, rs.backend);
  out += ",\"routes\":" + std::to_string(gen ? gen->policy().routes().size() : 0);
  out += ",\"last_reload\":{\"ok\":";
  out += rs.ok ? "true" : "false";
  out += ",\"error\":";
  appendJsonString(out, rs.error);
  out += "},\"sources\":[";
  for (size_t i = 0; i < rs.sourceFiles.size(); ++i) {
    if (i > 0) out += ",";
    appendJsonString(out, rs.sourceFiles[i]);
  }
  out += "],\"stats\":" + stats_.toJson() + "}";
  return out;
}

asio::awaitable<void> AdminHandler::reload(server::Decision& out) {
  uint64_t ticket = reloader_.trigger("POST /reload");
  asio::steady_timer timer(co_await asio::this_coro::executor);
  // The compile runs on the reload thread; poll its ticket rather than block this worker.
  for (int i = 0; i < 6000 && reloader_.status().completed < ticket; ++i) {
    timer.expires_after(std::chrono::milliseconds(10));
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  ReloadStatus rs = reloader_.status();
  if (rs.completed < ticket) {
    json(out, 504, "{\"ok\":false,\"error\":\"reload still running\"}");
  } else if (rs.ok) {
    json(out, 200, "{\"ok\":true,\"generation\":" + std::to_string(rs.generation) + "}");
  } else {
    std::string body = "{\"ok\":false,\"generation\":" + std::to_string(rs.generation) +
                       ",\"error\":";
    appendJsonString(body, rs.error);
    json(out, 422, body + "}");
  }
}

asio::awaitable<void> AdminHandler::decide(server::RequestContext& req, server::Decision& out) {
  if (req.path == "/healthz") {
    json(out, 200, "{\"status\":\"ok\"}");
  } else if (req.path == "/status") {
    json(out, 200, statusJson());
  } else if (req.path == "/routes") {
    auto gen = store_.current();
    std::string body = "[";
    for (const policy::Route& r : gen->policy().routes()) {
      if (body.size() > 1) body += ",";
      appendJsonString(body, r.name);
    }
    json(out, 200, body + "]");
  } else if (req.path == "/metrics") {
    std::string body;
#define GW_GATEWAY_STAT(member, name, doc)                                                  \
  body += "# HELP gw_" name " " doc "\n# TYPE gw_" name " counter\ngw_" name " " +           \
          std::to_string(stats_.member.load(std::memory_order_relaxed)) + "\n";
#include "runtime/gateway/gateway_stats.def"
    store_.current()->auth().appendMetrics(body);
    appendLimitMetrics(*store_.current(), body);
    out.respond.status = 200;
    out.respond.contentType = "text/plain; version=0.0.4";
    out.respond.body = std::move(body);
  } else if (req.path == "/reload") {
    if (req.method != "POST") {
      out.respondError(405, "use POST");
      out.respond.headers.emplace_back("Allow", "POST");
    } else {
      co_await reload(out);
    }
  } else {
    out.respondError(404, "unknown admin endpoint");
  }
  co_return;
}

}  // namespace gw::gateway
