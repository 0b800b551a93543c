#include "runtime/gateway/gateway_app.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/accesslog/access_log.h"
#include "runtime/accesslog/metrics.h"
#include "runtime/admin/admin_server.h"
#include "runtime/gateway/admin_views.h"
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
void reportTlsFailure(stats::Registry& registry, std::string_view peer, std::string_view reason) {
  registry.inc(registry.counter(stats::Metric::kTlsHandshakeErrorsTotal));
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

/// Everything the process runs; destroyed in reverse order of construction (servers before
/// the access log they write to, the log before the registry whose collector reads it).
struct App {
  PolicyStore store;
  SharedState shared;
  asio::io_context control;
  std::vector<Listener> listeners;
  size_t threads = 1;  // workers per listener; lanes = listeners * threads
  std::unique_ptr<accesslog::AccessLog> log;
  std::vector<stats::CollectorId> collectors;
  std::unique_ptr<FileWatcher> watcher;
  std::unique_ptr<Reloader> reloader;
  std::vector<std::unique_ptr<server::Server>> servers;
  std::shared_ptr<admin::AdminContext> adminContext;
  std::unique_ptr<admin::AdminServer> admin;

  ~App() {
    if (!shared.registry) return;
    for (stats::CollectorId id : collectors) shared.registry->removeCollector(id);
  }
};

/// Listeners and thread count from the options and the first policy; then the registry with a
/// shard per worker of every listener (each worker writes only its own).
bool sizeFromPolicy(App& app, const RunOptions& opt, const policy::CompiledPolicy& p,
                    std::string* error) {
  const policy::GatewayConfig& gc = p.runtime.gateway;
  if (!opt.listen.empty()) {
    Listener l;
    if (!splitAddress(opt.listen, l.host, l.port)) {
      *error = "--listen wants ADDR:PORT, got `" + opt.listen + "`";
      return false;
    }
    app.listeners.push_back(l);
  } else {
    for (size_t i = 0; i < gc.listens.size(); ++i) {
      const policy::ListenConfig& l = gc.listens[i];
      app.listeners.push_back(
          {l.host, l.port, l.tls.present ? listenerTlsName(i) : std::string()});
    }
  }
  app.threads = opt.threads != 0 ? opt.threads : gc.threads;
  if (app.threads == 0) app.threads = std::max(1u, std::thread::hardware_concurrency());
  app.shared.registry =
      std::make_unique<stats::Registry>(std::max<size_t>(1, app.listeners.size()) * app.threads);
  return true;
}

bool startListeners(App& app) {
  for (size_t k = 0; k < app.listeners.size(); ++k) {
    const Listener& l = app.listeners[k];
    server::ServerOptions so;
    so.address = l.host;
    so.port = l.port;
    so.threads = app.threads;
    if (!l.tlsName.empty()) {
      // Each new connection takes the current generation's context: reloads reach new
      // handshakes, live connections keep the context they started with.
      so.tlsContext = [&app, name = l.tlsName]() -> std::shared_ptr<const tls::ServerTlsContext> {
        auto g = app.store.current();
        return g && g->tls ? g->tls->listener(name) : nullptr;
      };
      so.onTlsFailure = [&app](std::string_view peer, std::string_view reason) {
        reportTlsFailure(*app.shared.registry, peer, reason);
      };
    }
    auto srv = std::make_unique<server::Server>(so, [&app, k](size_t worker) {
      size_t lane = k * app.threads + worker;
      return std::make_unique<GatewayHandler>(app.store, app.log.get(),
                                              app.shared.registry->shard(lane), lane);
    });
    boost::system::error_code ec = srv->start();
    if (ec) {
      std::fprintf(stderr, "gw: cannot listen on %s:%u: %s\n", l.host.c_str(), l.port,
                   ec.message().c_str());
      for (auto& s : app.servers) s->shutdown();
      for (auto& s : app.servers) s->wait();
      return false;
    }
    std::printf("gw: listening on %s:%u\n", l.host.c_str(), srv->port());
    app.servers.push_back(std::move(srv));
  }
  return true;
}

std::shared_ptr<admin::AdminContext> adminContext(App& app) {
  auto ctx = std::make_shared<admin::AdminContext>();
  ctx->registry = app.shared.registry.get();
  ctx->callbacks.routes = [&app] { return routeTable(*app.store.current()); };
  ctx->callbacks.status = [&app] {
    auto gen = app.store.current();  // pinned before the status: they describe the same one
    return policyStatus(app.reloader->status(), *gen);
  };
  ctx->callbacks.reload = [&app](admin::ReloadCompletion done) {
    app.reloader->trigger("POST /reload", [done](bool ok, const std::vector<std::string>& d) {
      done(admin::ReloadOutcome{ok, d});
    });
  };
  return ctx;
}

/// Starts the admin listener when an address is configured. A bind failure is logged and the
/// gateway serves without it (the data plane matters more than its dashboard).
bool startAdmin(App& app, const RunOptions& opt, const policy::GatewayConfig& gc) {
  std::string addr = opt.admin;
  if (addr.empty() && !gc.adminHost.empty()) {
    addr = gc.adminHost + ":" + std::to_string(gc.adminPort);
  }
  if (addr.empty()) return true;
  admin::AdminOptions ao;
  if (!splitAddress(addr, ao.address, ao.port)) {
    std::fprintf(stderr, "gw: bad admin address `%s`\n", addr.c_str());
    return false;
  }
  app.adminContext = adminContext(app);
  app.admin = std::make_unique<admin::AdminServer>(ao, app.adminContext);
  boost::system::error_code ec = app.admin->start();
  if (ec) {
    std::fprintf(stderr, "gw: cannot listen on admin %s: %s\n", addr.c_str(),
                 ec.message().c_str());
    app.admin.reset();
  } else {
    std::printf("gw: admin listening on %s:%u\n", ao.address.c_str(), app.admin->port());
  }
  return true;
}

bool openAccessLog(App& app, const RunOptions& opt, const policy::GatewayConfig& gc) {
  accesslog::AccessLogOptions lo;
  lo.path = opt.accessLog.empty() ? gc.accessLog : opt.accessLog;
  lo.workers = app.listeners.size() * app.threads;
  std::string error;
  app.log = accesslog::AccessLog::open(lo, &error);
  if (!app.log) {
    std::fprintf(stderr, "gw: refusing to start: %s\n", error.c_str());
    return false;
  }
  if (app.log->enabled()) {
    app.collectors.push_back(accesslog::exportMetrics(*app.shared.registry, *app.log));
  }
  return true;
}

void serveUntilStopped(App& app) {
  asio::signal_set signals(app.control, SIGTERM, SIGINT, SIGHUP);
  signals.add(SIGUSR1);
  std::function<void(const boost::system::error_code&, int)> onSignal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP || sig == SIGUSR1) {
          if (sig == SIGHUP) app.reloader->trigger("SIGHUP");
          std::string error;
          if (sig == SIGUSR1 && !app.log->reopen(&error)) {
            logLine(LogLevel::kError, "access log reopen failed, still writing the old file: " +
                                          error);
          }
          signals.async_wait(onSignal);
          return;
        }
        logLine(LogLevel::kInfo, "draining (signal " + std::to_string(sig) + ")");
        if (app.adminContext) app.adminContext->draining = true;
        for (auto& s : app.servers) s->shutdown();
        if (app.admin) app.admin->shutdown();
        app.watcher->stop();
        app.control.stop();
      };
  signals.async_wait(onSignal);
  auto guard = asio::make_work_guard(app.control);
  app.control.run();
}

}  // namespace

int runGateway(const RunOptions& opt) {
  App app;
  app.watcher = std::make_unique<FileWatcher>(app.control, [&app](const std::string& file) {
    app.reloader->trigger("file changed: " + file);
  });
  LoadOptions load{opt.backend, opt.gwc};
  app.reloader = std::make_unique<Reloader>(
      opt.policyPath, load, app.store, app.shared, [&app, &opt](const Generation& g) {
        for (const UpstreamPlan& u : g.upstreams) {
          u.runtime->startHealthChecks(app.control.get_executor(), u.tls);
        }
        // A .gwo is reloaded when the .gwo changes, not when the sources it came from do.
        bool gwo = opt.policyPath.size() > 4 &&
                   opt.policyPath.compare(opt.policyPath.size() - 4, 4, ".gwo") == 0;
        std::vector<std::string> files =
            gwo ? std::vector<std::string>{opt.policyPath} : g.config().sourceFiles;
        files.insert(files.end(), g.tlsFiles.begin(), g.tlsFiles.end());  // certificates too
        app.watcher->watch(files);
      });
  std::string error, sizeError;
  bool sized = false;
  bool loaded = app.reloader->initial(&error, [&](const policy::CompiledPolicy& p) {
    sized = sizeFromPolicy(app, opt, p, &sizeError);
  });
  if (!sized && !sizeError.empty()) {
    std::fprintf(stderr, "gw: %s\n", sizeError.c_str());
    return 1;
  }
  if (!loaded) {
    std::fprintf(stderr, "gw: refusing to start: %s%s", error.c_str(),
                 error.empty() || error.back() != '\n' ? "\n" : "");
    return 1;
  }
  if (app.listeners.empty()) {
    std::fprintf(stderr, "gw: refusing to start: the policy has no `listen` (or pass --listen)\n");
    return 1;
  }
  auto gen = app.store.current();
  const policy::GatewayConfig& gc = gen->config().gateway;
  app.collectors.push_back(addUpstreamStateCollector(*app.shared.registry, app.store));
  app.collectors.push_back(addAuthCollector(*app.shared.registry, app.store));
  app.collectors.push_back(addLimitCollector(*app.shared.registry, app.store));
  if (!openAccessLog(app, opt, gc) || !startListeners(app)) return 1;
  if (!startAdmin(app, opt, gc)) return 1;
  std::fflush(stdout);
  logLine(LogLevel::kInfo, std::string("serving with the ") + gen->backend + " back end" +
                               (app.watcher->ok() ? ", watching the policy files" : ""));
  // Not held beyond start-up: a reload must be able to free the first generation (its JWKS
  // refresh loops, limiters and upstream state) once its last request is done.
  gen.reset();
  serveUntilStopped(app);
  for (auto& s : app.servers) s->wait();
  if (app.admin) app.admin->wait();
  app.log->flush();
  for (const UpstreamPlan& u : app.store.current()->upstreams) u.runtime->stopHealthChecks();
  logLine(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace gw::gateway
