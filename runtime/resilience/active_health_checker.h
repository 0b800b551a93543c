#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/resilience/health_tracker.h"

namespace gw::tls {
class UpstreamTlsContext;
}

namespace gw::resilience {

/// `health get PATH every D timeout D` of one upstream.
struct ActiveCheckConfig {
  std::string method = "GET";  ///< GET or HEAD (only the status line is read either way)
  std::string path = "/health";
  std::chrono::milliseconds interval{5000};
  std::chrono::milliseconds timeout{2000};
  std::uint16_t expected_min = 200;  ///< a status in [min, max] passes
  std::uint16_t expected_max = 299;
};

/// One server to probe: its address, the Host header to send (also the TLS name: SNI and the
/// name verified, unless the upstream's TLS settings name another), its index in the tracker.
/// A server named by hostname (`resolve`) is resolved again by every probe (the system
/// resolver, on Asio's resolver thread: never a worker's), so a DNS change is seen at the next
/// check; the probe tries the addresses in the order given until one accepts, on
/// `endpoint.port()`.
struct HealthCheckTarget {
  boost::asio::ip::tcp::endpoint endpoint;
  std::string host;
  std::size_t server_index = 0;
  bool resolve = false;
};

/// Outcome of one probe (also a metric label).
enum class ProbeResult : std::uint8_t {
  kPassed,
  kBadStatus,
  kConnectFailed,
  kTimeout,
  kIoError,
  kTlsFailed,  ///< TLS upstream: handshake failed (certificate not verified, wrong name, ...)
  kResolveFailed,  ///< a server named by hostname: the name did not resolve
};
inline constexpr std::size_t kProbeResultCount = 7;  ///< values of ProbeResult
const char* probeResultName(ProbeResult result);

/// Per-target counters for metrics and the status endpoint.
struct TargetCheckStats {
  std::uint64_t checks = 0;
  std::uint64_t failures = 0;
  ProbeResult last_result = ProbeResult::kPassed;
  std::uint16_t last_status = 0;
  std::array<std::uint64_t, kProbeResultCount> by_result{};  ///< probes per ProbeResult
};

/// Active health checks for one upstream: one timer per server doing `GET|HEAD PATH` (HTTP/1.1,
/// Connection: close; only the status line is read) over plain TCP, or over TLS with the
/// upstream's own TLS context (same CA, SNI, name check and client certificate as its traffic),
/// each result fed to the HealthTracker, which is ticked after every probe so expired ejections
/// are reported.
///
/// Runs ONCE per process per upstream: the server creates one checker per upstream on a single
/// io_context (not one per worker), so a fleet of N threads does not probe N times. Everything
/// runs on an internal strand; stats() and stop() may be called from any thread. The tracker
/// must outlive the checker; the checker keeps itself alive until its coroutines finish.
class ActiveHealthChecker : public std::enable_shared_from_this<ActiveHealthChecker> {
 public:
  /// `tls`: the upstream's TLS context, or null for plain HTTP.
  static std::shared_ptr<ActiveHealthChecker> create(
      boost::asio::any_io_executor executor, HealthTracker& tracker,
      std::vector<HealthCheckTarget> targets, ActiveCheckConfig config,
      std::shared_ptr<const tls::UpstreamTlsContext> tls = nullptr);

  /// Starts one probe loop per target; the first probe runs at once.
  void start();
  /// Cancels timers and in-flight probes; loops end soon after. Idempotent, thread-safe.
  void stop();
  /// Probes started from now on use `tls` (null: plain HTTP): a policy reload rebuilds the
  /// upstream's TLS context (new CA or certificate files) without restarting the checks.
  /// Thread-safe (posted to the strand).
  void setTls(std::shared_ptr<const tls::UpstreamTlsContext> tls);
  /// Copy of the per-target counters (blocks briefly on a mutex). Thread-safe.
  std::vector<TargetCheckStats> stats() const;

  ActiveHealthChecker(boost::asio::any_io_executor executor, HealthTracker& tracker,
                      std::vector<HealthCheckTarget> targets, ActiveCheckConfig config,
                      std::shared_ptr<const tls::UpstreamTlsContext> tls);

 private:
  struct TargetState;

  boost::asio::awaitable<void> runTarget(std::size_t i);
  boost::asio::awaitable<ProbeResult> probe(std::size_t i, std::uint16_t& status);
  /// Connects the probe's socket to the target (resolving a hostname first); kPassed means
  /// connected, anything else is why not.
  boost::asio::awaitable<ProbeResult> connect(TargetState& t,
                                              boost::asio::ip::tcp::socket& socket,
                                              const bool& timed_out);
  /// Sends the probe request on a connected stream (TCP or TLS) and reads the status line.
  template <typename Stream>
  boost::asio::awaitable<ProbeResult> exchange(Stream& stream, std::size_t i,
                                               std::uint16_t& status);
  void record(std::size_t i, ProbeResult result, std::uint16_t status);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  HealthTracker& tracker_;
  const ActiveCheckConfig config_;
  std::vector<std::unique_ptr<TargetState>> targets_;
  std::shared_ptr<const tls::UpstreamTlsContext> tls_;  // strand only; null: plain HTTP
  bool stopped_ = false;  // strand only
};

}  // namespace gw::resilience
