#include "runtime/gateway/upstream_state.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>

#include "runtime/base/monotonic_clock.h"

namespace gw::gateway {

namespace {

resilience::BreakerConfig breakerConfig(const policy::BreakerSettings& b) {
  resilience::BreakerConfig c;
  c.failure_threshold = b.failures;
  c.cool_down = std::chrono::milliseconds(b.openUs / 1000);
  c.half_open_max_probes = b.probes;
  c.close_after = b.closeAfter;
  return c;
}

}  // namespace

std::string UpstreamRuntime::identityOf(const policy::UpstreamConfig& c) {
  std::string id = c.name + "|";
  for (const policy::ServerConfig& s : c.servers) {
    id += s.host + ":" + std::to_string(s.port) + "/" + std::to_string(s.weight) +
          (s.backup ? "b" : "") + ",";
  }
  const policy::BreakerSettings& b = c.breaker;
  id += "|breaker=" + std::to_string(b.enabled) + "/" + std::to_string(b.failures) + "/" +
        std::to_string(b.openUs) + "/" + std::to_string(b.closeAfter) + "/" +
        std::to_string(b.probes);
  const policy::HealthSettings& h = c.health;
  id += "|health=" + std::to_string(h.enabled) + "/" + h.method + " " + h.path + "/" +
        std::to_string(h.everyUs) + "/" + std::to_string(h.timeoutUs) + "/" +
        std::to_string(h.healthy) + "/" + std::to_string(h.unhealthy);
  return id;
}

UpstreamRuntime::UpstreamRuntime(const policy::UpstreamConfig& config)
    : name_(config.name), identity_(identityOf(config)), healthSettings_(config.health) {
  const MonotonicClock& clock = SteadyClock::instance();
  for (const policy::ServerConfig& s : config.servers) {
    auto rt = std::make_unique<ServerRuntime>();
    rt->host = s.host;
    rt->port = s.port;
    rt->weight = s.weight;
    rt->backup = s.backup;
    rt->hostPort = s.host + ":" + std::to_string(s.port);
    if (config.breaker.enabled) {
      std::string label = name_ + " " + rt->hostPort;
      rt->breaker = std::make_unique<resilience::CircuitBreaker>(
          breakerConfig(config.breaker), clock,
          [label](const resilience::BreakerTransition& t) {
            std::fprintf(stderr, "gw: warn: breaker %s: %s -> %s (%s)\n", label.c_str(),
                         resilience::breakerStateName(t.from), resilience::breakerStateName(t.to),
                         t.reason);
          });
    }
    servers_.push_back(std::move(rt));
  }
  resilience::ActiveHealthConfig active;
  active.healthy_threshold = config.health.healthy;
  active.unhealthy_threshold = config.health.unhealthy;
  resilience::PassiveHealthConfig passive;
  // Passive ejection only where the policy asked for resilience: an upstream without `health`
  // or `breaker` keeps receiving traffic whatever it answers.
  passive.enabled = config.health.enabled || config.breaker.enabled;
  if (!config.health.enabled && config.breaker.enabled) {
    // Without active checks only the clock ends an ejection: tie it to the breaker's cool-down,
    // so a server that comes back gets traffic when its breaker half-opens, not 30 s later.
    passive.ejection_time = std::chrono::milliseconds(config.breaker.openUs / 1000);
  }
  std::string label = name_;
  health_ = std::make_shared<resilience::HealthTracker>(
      servers_.size(), active, passive, clock, [label](const resilience::HealthTransition& t) {
        std::fprintf(stderr, "gw: warn: upstream %s server %zu %s (%s)\n", label.c_str(),
                     t.server, t.available ? "available" : "unavailable",
                     resilience::healthReasonName(t.reason));
      });
  resilience::RetryBudgetConfig budget;
  if (config.retry.budgetPercent > 0) {
    budget.ratio = config.retry.budgetPercent / 100.0;
  }
  budget_ = std::make_unique<resilience::RetryBudget>(budget, clock);
}

UpstreamRuntime::~UpstreamRuntime() { stopHealthChecks(); }

void UpstreamRuntime::startHealthChecks(boost::asio::any_io_executor control,
                                        std::shared_ptr<const tls::UpstreamTlsContext> tls) {
  if (!healthSettings_.enabled) {
    return;
  }
  bool started = false;
  std::call_once(started_, [&] {
    started = true;
    control_ = control;
    std::vector<resilience::HealthCheckTarget> targets;
    for (size_t i = 0; i < servers_.size(); ++i) {
      boost::system::error_code ec;
      auto addr = boost::asio::ip::make_address(servers_[i]->host, ec);
      // A server named by hostname is resolved by the checker at every probe (off the
      // request path), so it is checked, removed and restored like one named by address.
      bool named = static_cast<bool>(ec);
      if (named) addr = boost::asio::ip::address_v4::any();
      targets.push_back({boost::asio::ip::tcp::endpoint(addr, servers_[i]->port),
                         servers_[i]->host, i, named});
    }
    resilience::ActiveCheckConfig cfg;
    cfg.method = healthSettings_.method == "head" ? "HEAD" : "GET";
    cfg.path = healthSettings_.path;
    cfg.interval = std::chrono::milliseconds(healthSettings_.everyUs / 1000);
    cfg.timeout = std::chrono::milliseconds(healthSettings_.timeoutUs / 1000);
    auto checker = resilience::ActiveHealthChecker::create(control, *health_, std::move(targets),
                                                           cfg, tls);
    checker->start();
    std::lock_guard<std::mutex> lock(checkerMutex_);
    checker_ = std::move(checker);
  });
  // A carried-over upstream: its checks continue with this generation's TLS context (reloaded
  // CA or client certificate files, or a `tls` block added or removed).
  if (!started && checker_) checker_->setTls(std::move(tls));
}

std::vector<resilience::TargetCheckStats> UpstreamRuntime::healthCheckStats() const {
  std::shared_ptr<resilience::ActiveHealthChecker> checker;
  {
    std::lock_guard<std::mutex> lock(checkerMutex_);
    checker = checker_;
  }
  return checker ? checker->stats() : std::vector<resilience::TargetCheckStats>{};
}

void UpstreamRuntime::stopHealthChecks() {
  if (!checker_) {
    return;
  }
  checker_->stop();
  // The checker's probe coroutines end after stop() at their next resumption, and they hold a
  // reference to the tracker: keep it alive on the control executor for longer than a probe.
  auto timer = std::make_shared<boost::asio::steady_timer>(control_, std::chrono::seconds(10) +
                                                                         std::chrono::milliseconds(
                                                                             healthSettings_.timeoutUs / 1000));
  timer->async_wait([timer, keep = health_, checker = checker_](const boost::system::error_code&) {});
  std::lock_guard<std::mutex> lock(checkerMutex_);
  checker_.reset();
}

std::shared_ptr<UpstreamRuntime> UpstreamRegistry::acquire(const policy::UpstreamConfig& config) {
  std::string id = UpstreamRuntime::identityOf(config);
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = live_.begin(); it != live_.end();) {
    it = it->second.expired() ? live_.erase(it) : std::next(it);
  }
  auto it = live_.find(id);
  if (it != live_.end()) {
    if (auto rt = it->second.lock()) {
      return rt;
    }
  }
  auto rt = std::make_shared<UpstreamRuntime>(config);
  live_[id] = rt;
  return rt;
}

}  // namespace gw::gateway
