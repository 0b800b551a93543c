#include "runtime/resilience/active_health_checker.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <mutex>
#include <string_view>

#include "runtime/net/connect_host.h"
#include "runtime/tls/upstream_context.h"

namespace gw::resilience {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// The status line of a healthy server fits easily; anything longer is not a health endpoint.
constexpr std::size_t kMaxStatusLine = 1024;

// Parses "HTTP/1.x NNN ..." into NNN, or 0 when malformed.
std::uint16_t parseStatusLine(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
    return 0;
  }
  unsigned value = 0;
  const auto* begin = line.data() + 9;
  auto [ptr, ec] = std::from_chars(begin, begin + 3, value);
  if (ec != std::errc() || ptr != begin + 3 || value < 100 || value > 599) {
    return 0;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

struct ActiveHealthChecker::TargetState {
  HealthCheckTarget target;
  std::string request;  // built once: the probe request never changes
  asio::steady_timer interval_timer;
  tcp::resolver resolver;               // hostname targets; cancelled by the deadline and stop()
  std::shared_ptr<tcp::socket> socket;  // the in-flight probe's, so stop() can close it
  mutable std::mutex stats_mutex;
  TargetCheckStats stats;

  TargetState(HealthCheckTarget t, const ActiveCheckConfig& config,
              asio::strand<asio::any_io_executor>& s)
      : target(std::move(t)),
        interval_timer(s),
        resolver(s) {
    request = config.method + " " + config.path + " HTTP/1.1\r\nHost: " + target.host +
              "\r\nUser-Agent: gw-health-check\r\nConnection: close\r\n\r\n";
  }
};

const char* probeResultName(ProbeResult result) {
  switch (result) {
    case ProbeResult::kPassed:
      return "passed";
    case ProbeResult::kBadStatus:
      return "bad_status";
    case ProbeResult::kConnectFailed:
      return "connect_failed";
    case ProbeResult::kTimeout:
      return "timeout";
    case ProbeResult::kIoError:
      return "io_error";
    case ProbeResult::kTlsFailed:
      return "tls_failed";
    case ProbeResult::kResolveFailed:
      return "resolve_failed";
  }
  return "unknown";
}

std::shared_ptr<ActiveHealthChecker> ActiveHealthChecker::create(
    asio::any_io_executor executor, HealthTracker& tracker, std::vector<HealthCheckTarget> targets,
    ActiveCheckConfig config, std::shared_ptr<const tls::UpstreamTlsContext> tls) {
  return std::make_shared<ActiveHealthChecker>(std::move(executor), tracker, std::move(targets),
                                               std::move(config), std::move(tls));
}

ActiveHealthChecker::ActiveHealthChecker(asio::any_io_executor executor, HealthTracker& tracker,
                                         std::vector<HealthCheckTarget> targets,
                                         ActiveCheckConfig config,
                                         std::shared_ptr<const tls::UpstreamTlsContext> tls)
    : strand_(asio::make_strand(std::move(executor))),
      tracker_(tracker),
      config_(std::move(config)),
      tls_(std::move(tls)) {
  for (auto& t : targets) {
    targets_.push_back(std::make_unique<TargetState>(std::move(t), config_, strand_));
  }
}

void ActiveHealthChecker::start() {
  for (std::size_t i = 0; i < targets_.size(); ++i) {
    asio::co_spawn(
        strand_, [self = shared_from_this(), i]() { return self->runTarget(i); }, asio::detached);
  }
}

void ActiveHealthChecker::stop() {
  asio::post(strand_, [self = shared_from_this()]() {
    self->stopped_ = true;
    for (auto& t : self->targets_) {
      t->interval_timer.cancel();
      t->resolver.cancel();
      if (t->socket) {
        error_code ignored;
        t->socket->close(ignored);
      }
    }
  });
}

void ActiveHealthChecker::setTls(std::shared_ptr<const tls::UpstreamTlsContext> tls) {
  asio::post(strand_, [self = shared_from_this(), tls = std::move(tls)]() mutable {
    self->tls_ = std::move(tls);
  });
}

std::vector<TargetCheckStats> ActiveHealthChecker::stats() const {
  std::vector<TargetCheckStats> out;
  for (const auto& t : targets_) {
    std::lock_guard<std::mutex> lock(t->stats_mutex);
    out.push_back(t->stats);
  }
  return out;
}

void ActiveHealthChecker::record(std::size_t i, ProbeResult result, std::uint16_t status) {
  TargetState& t = *targets_[i];
  {
    std::lock_guard<std::mutex> lock(t.stats_mutex);
    ++t.stats.checks;
    t.stats.failures += result == ProbeResult::kPassed ? 0 : 1;
    ++t.stats.by_result[static_cast<std::size_t>(result)];
    t.stats.last_result = result;
    t.stats.last_status = status;
  }
  tracker_.reportActive(t.target.server_index, result == ProbeResult::kPassed);
  tracker_.tick();
}

asio::awaitable<void> ActiveHealthChecker::runTarget(std::size_t i) {
  TargetState& t = *targets_[i];
  while (!stopped_) {
    std::uint16_t status = 0;
    const ProbeResult result = co_await probe(i, status);
    if (stopped_) {
      break;  // a probe cut short by stop() says nothing about the server
    }
    record(i, result, status);
    t.interval_timer.expires_after(config_.interval);
    auto [ec] = co_await t.interval_timer.async_wait(kNoThrow);
    if (ec) {
      break;
    }
  }
}

asio::awaitable<ProbeResult> ActiveHealthChecker::probe(std::size_t i, std::uint16_t& status) {
  TargetState& t = *targets_[i];
  auto socket = std::make_shared<tcp::socket>(strand_);
  t.socket = socket;
  // The deadline closes the socket, which completes whichever operation is pending.
  auto timed_out = std::make_shared<bool>(false);
  asio::steady_timer deadline(strand_);
  deadline.expires_after(config_.timeout);
  deadline.async_wait([socket, timed_out, &t](error_code ec) {
    if (!ec) {  // t outlives the probe: targets_ lives as long as the checker
      *timed_out = true;
      t.resolver.cancel();
      error_code ignored;
      socket->close(ignored);
    }
  });
  auto finish = [&](ProbeResult failure) {
    deadline.cancel();
    t.socket.reset();
    return *timed_out ? ProbeResult::kTimeout : failure;
  };

  const ProbeResult connected = co_await connect(t, *socket, *timed_out);
  if (connected != ProbeResult::kPassed) {
    co_return finish(connected);
  }
  if (!tls_) {
    co_return finish(co_await exchange(*socket, i, status));
  }
  // The probe holds the context it started with; a reload's setTls() applies to the next one.
  std::shared_ptr<const tls::UpstreamTlsContext> context = tls_;
  asio::ssl::stream<tcp::socket&> stream(*socket, context->context());
  if (!context->prepare(stream.native_handle(), t.target.host).empty()) {
    co_return finish(ProbeResult::kTlsFailed);
  }
  auto [handshake_ec] =
      co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_ec) {
    co_return finish(ProbeResult::kTlsFailed);
  }
  // No close_notify: the request said Connection: close and only the status line matters.
  co_return finish(co_await exchange(stream, i, status));
}

asio::awaitable<ProbeResult> ActiveHealthChecker::connect(TargetState& t, tcp::socket& socket,
                                                          const bool& timed_out) {
  if (!t.target.resolve) {
    auto [ec] = co_await socket.async_connect(t.target.endpoint, kNoThrow);
    co_return ec ? ProbeResult::kConnectFailed : ProbeResult::kPassed;
  }
  // The checks run on one strand, so a deadline cannot fire between the test and an attempt.
  const net::ConnectOutcome outcome =
      co_await net::connectHost(socket, t.resolver, t.target.host, t.target.endpoint.port(),
                                [&] { return timed_out || stopped_; });
  switch (outcome.step) {
    case net::ConnectStep::kConnected: co_return ProbeResult::kPassed;
    case net::ConnectStep::kResolveFailed: co_return ProbeResult::kResolveFailed;
    case net::ConnectStep::kConnectFailed: break;
  }
  co_return ProbeResult::kConnectFailed;
}

template <typename Stream>
asio::awaitable<ProbeResult> ActiveHealthChecker::exchange(Stream& stream, std::size_t i,
                                                           std::uint16_t& status) {
  TargetState& t = *targets_[i];
  auto [write_ec, written] = co_await asio::async_write(stream, asio::buffer(t.request), kNoThrow);
  if (write_ec) {
    co_return ProbeResult::kIoError;
  }
  std::string line;
  auto [read_ec, n] = co_await asio::async_read_until(
      stream, asio::dynamic_buffer(line, kMaxStatusLine), "\r\n", kNoThrow);
  if (read_ec) {
    co_return ProbeResult::kIoError;
  }
  status = parseStatusLine(std::string_view(line).substr(0, n));
  error_code ignored;
  stream.lowest_layer().close(ignored);
  const bool ok = status >= config_.expected_min && status <= config_.expected_max;
  co_return ok ? ProbeResult::kPassed : ProbeResult::kBadStatus;
}

}  // namespace gw::resilience
