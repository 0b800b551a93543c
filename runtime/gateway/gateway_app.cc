#include "runtime/gateway/gateway_app.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/gateway/access_log.h"
#include "runtime/gateway/admin_handler.h"
#include "runtime/gateway/file_watcher.h"
#include "runtime/gateway/gateway_handler.h"
#include "runtime/gateway/log.h"
#include "runtime/gateway/reloader.h"
#include "runtime/gateway/tls_setup.h"
#include "runtime/server/server.h"

namespace gw::gateway {

namespace asio = boost::asio;

namespace {

bool splitAddress(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  int p = std::atoi(text.c_str() + colon + 1);
  if (p < 0 || p > 65535) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

struct Listener {
  std::string host;
  uint16_t port = 0;
  std::string tlsName;  // listenerTlsName() of a policy listener with `tls`, else empty
};

/// Counts every failed client handshake; logs at most a few per second (scanners and broken
/// clients must not flood the log).
void reportTlsFailure(GatewayStats& stats, std::string_view peer, std::string_view reason) {
  stats.bump(stats.tlsHandshakeErrors);
  static std::atomic<int64_t> windowStart{0};
  static std::atomic<int> inWindow{0};
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t start = windowStart.load(std::memory_order_relaxed);
  if (now != start && windowStart.compare_exchange_strong(start, now)) {
    inWindow.store(0, std::memory_order_relaxed);
  }
  if (inWindow.fetch_add(1, std::memory_order_relaxed) < 5) {
    logLine(LogLevel::kWarn, "tls handshake failed (client " + std::string(peer) + "): " +
                                 std::string(reason));
  }
}

/// Everything the process runs; destroyed in reverse order of construction.
struct App {
  PolicyStore store;
  SharedState shared;
  GatewayStats stats;
  asio::io_context control;
  std::unique_ptr<AccessLog> log;
  std::unique_ptr<FileWatcher> watcher;
  std::unique_ptr<Reloader> reloader;
  std::vector<std::unique_ptr<server::Server>> servers;
  std::unique_ptr<server::Server> admin;
};

}  // namespace

int runGateway(const RunOptions& opt) {
  App app;
  app.watcher = std::make_unique<FileWatcher>(app.control, [&app](const std::string& file) {
    app.reloader->trigger("file changed: " + file);
  });
  app.reloader = std::make_unique<Reloader>(
      opt.policyPath, opt.backend, app.store, app.shared, app.stats,
      [&app, &opt](const Generation& g) {
        for (const UpstreamPlan& u : g.upstreams) u.runtime->startHealthChecks(app.control.get_executor());
        // A .gwo is reloaded when the .gwo changes, not when the sources it came from do.
        bool gwo = opt.policyPath.size() > 4 &&
                   opt.policyPath.compare(opt.policyPath.size() - 4, 4, ".gwo") == 0;
        std::vector<std::string> files =
            gwo ? std::vector<std::string>{opt.policyPath} : g.config().sourceFiles;
        files.insert(files.end(), g.tlsFiles.begin(), g.tlsFiles.end());  // certificates too
        app.watcher->watch(files);
      });
  std::string error;
  if (!app.reloader->initial(&error)) {
    std::fprintf(stderr, "gw: refusing to start: %s%s", error.c_str(),
                 error.empty() || error.back() != '\n' ? "\n" : "");
    return 1;
  }
  auto gen = app.store.current();
  const policy::GatewayConfig& gc = gen->config().gateway;

  std::string logPath = opt.accessLog.empty() ? gc.accessLog : opt.accessLog;
  if (!logPath.empty() && logPath != "off") {
    app.log = AccessLog::open(logPath, &error);
    if (!app.log) {
      std::fprintf(stderr, "gw: refusing to start: %s\n", error.c_str());
      return 1;
    }
  }
  std::vector<Listener> listeners;
  if (!opt.listen.empty()) {
    Listener l;
    if (!splitAddress(opt.listen, l.host, l.port)) {
      std::fprintf(stderr, "gw: --listen wants ADDR:PORT, got `%s`\n", opt.listen.c_str());
      return 1;
    }
    listeners.push_back(l);
  } else {
    for (size_t i = 0; i < gc.listens.size(); ++i) {
      const policy::ListenConfig& l = gc.listens[i];
      listeners.push_back({l.host, l.port, l.tls.present ? listenerTlsName(i) : std::string()});
    }
  }
  if (listeners.empty()) {
    std::fprintf(stderr, "gw: refusing to start: the policy has no `listen` (or pass --listen)\n");
    return 1;
  }
  size_t threads = opt.threads != 0 ? opt.threads : gc.threads;
  for (const Listener& l : listeners) {
    server::ServerOptions so;
    so.address = l.host;
    so.port = l.port;
    so.threads = threads;
    if (!l.tlsName.empty()) {
      // Each new connection takes the current generation's context: reloads reach new
      // handshakes, live connections keep the context they started with.
      so.tlsContext = [&app, name = l.tlsName]() -> std::shared_ptr<const tls::ServerTlsContext> {
        auto g = app.store.current();
        return g && g->tls ? g->tls->listener(name) : nullptr;
      };
      so.onTlsFailure = [&app](std::string_view peer, std::string_view reason) {
        reportTlsFailure(app.stats, peer, reason);
      };
    }
    auto srv = std::make_unique<server::Server>(so, [&app](size_t worker) {
      return std::make_unique<GatewayHandler>(app.store, app.log.get(), app.stats, worker);
    });
    boost::system::error_code ec = srv->start();
    if (ec) {
      std::fprintf(stderr, "gw: cannot listen on %s:%u: %s\n", l.host.c_str(), l.port,
                   ec.message().c_str());
      for (auto& s : app.servers) s->shutdown();
      for (auto& s : app.servers) s->wait();
      return 1;
    }
    std::printf("gw: listening on %s:%u\n", l.host.c_str(), srv->port());
    app.servers.push_back(std::move(srv));
  }
  std::string adminAddr = opt.admin;
  if (adminAddr.empty() && !gc.adminHost.empty()) {
    adminAddr = gc.adminHost + ":" + std::to_string(gc.adminPort);
  }
  if (!adminAddr.empty()) {
    Listener l;
    if (!splitAddress(adminAddr, l.host, l.port)) {
      std::fprintf(stderr, "gw: bad admin address `%s`\n", adminAddr.c_str());
      return 1;
    }
    server::ServerOptions so;
    so.address = l.host;
    so.port = l.port;
    so.threads = 1;
    app.admin = std::make_unique<server::Server>(so, [&app](size_t) {
      return std::make_unique<AdminHandler>(app.store, *app.reloader, app.stats);
    });
    boost::system::error_code ec = app.admin->start();
    if (ec) {
      std::fprintf(stderr, "gw: cannot listen on admin %s: %s\n", adminAddr.c_str(),
                   ec.message().c_str());
      app.admin.reset();
    } else {
      std::printf("gw: admin listening on %s:%u\n", l.host.c_str(), app.admin->port());
    }
  }
  std::fflush(stdout);
  logLine(LogLevel::kInfo, std::string("serving with the ") + gen->backend + " back end" +
                               (app.watcher->ok() ? ", watching the policy files" : ""));
  // Not held beyond start-up: a reload must be able to free the first generation (its JWKS
  // refresh loops, limiters and upstream state) once its last request is done.
  gen.reset();

  asio::signal_set signals(app.control, SIGTERM, SIGINT, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> onSignal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          app.reloader->trigger("SIGHUP");
          signals.async_wait(onSignal);
          return;
        }
        logLine(LogLevel::kInfo, "draining (signal " + std::to_string(sig) + ")");
        for (auto& s : app.servers) s->shutdown();
        if (app.admin) app.admin->shutdown();
        app.watcher->stop();
        app.control.stop();
      };
  signals.async_wait(onSignal);
  auto guard = asio::make_work_guard(app.control);
  app.control.run();
  for (auto& s : app.servers) s->wait();
  if (app.admin) app.admin->wait();
  if (app.log) app.log->flush();
  for (const UpstreamPlan& u : app.store.current()->upstreams) u.runtime->stopHealthChecks();
  logLine(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace gw::gateway
