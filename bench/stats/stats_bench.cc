// Per-request cost of observability on the worker: counter increments, a histogram observation
// and an access-log line (format + ring append). Budget: well under 1 us in total.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "runtime/accesslog/access_log.h"
#include "runtime/stats/registry.h"
#include "runtime/stats/route_series.h"

namespace {

using namespace std::chrono_literals;
using gw::accesslog::AccessLog;
using gw::accesslog::AccessRecord;

std::vector<std::string> routeNames(std::size_t n) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < n; ++i) {
    names.push_back("route_" + std::to_string(i));
  }
  return names;
}

AccessRecord sampleRecord() {
  AccessRecord r;
  r.requestId = "5f0c6e1a-3b7d-4c1e-9a2f-7d8e9f0a1b2c";
  r.clientIp = "203.0.113.42";
  r.method = "GET";
  r.host = "api.example.com";
  r.path = "/v1/users/12345/orders";
  r.route = "user_orders";
  r.status = 200;
  r.latency = 1234us;
  r.upstream = "orders";
  r.upstreamAddr = "10.0.3.17:8080";
  r.bytesOut = 2048;
  return r;
}

void BM_CounterInc(benchmark::State& state) {
  gw::stats::Registry reg(1);
  gw::stats::Counter c = reg.counter(gw::stats::Metric::kNoRouteTotal);
  gw::stats::Shard& shard = reg.shard(0);
  for (auto _ : state) {
    shard.inc(c);
  }
  benchmark::DoNotOptimize(reg.value(c));
}
BENCHMARK(BM_CounterInc);

// The choice between the two counter designs gw had (docs/observability.md): one process-wide
// atomic bumped with fetch_add by every worker (the deleted GatewayStats) against a shard per
// worker (stats::Shard). Run with several threads to see the shared cache line bounce.
std::atomic<std::uint64_t> gSharedCounter{0};

void BM_SharedAtomicFetchAdd(benchmark::State& state) {
  for (auto _ : state) {
    gSharedCounter.fetch_add(1, std::memory_order_relaxed);
  }
}
BENCHMARK(BM_SharedAtomicFetchAdd)->Threads(1)->Threads(2)->Threads(4);

gw::stats::Registry gThreadRegistry(4);
const gw::stats::Counter gThreadCounter = gThreadRegistry.counter(gw::stats::Metric::kNoRouteTotal);

void BM_ShardIncPerThread(benchmark::State& state) {
  gw::stats::Shard& shard = gThreadRegistry.shard(static_cast<std::size_t>(state.thread_index()));
  for (auto _ : state) {
    shard.inc(gThreadCounter);
  }
}
BENCHMARK(BM_ShardIncPerThread)->Threads(1)->Threads(2)->Threads(4);

void BM_HistogramObserve(benchmark::State& state) {
  gw::stats::Registry reg(1);
  auto h = reg.histogram(gw::stats::Metric::kRequestDurationSeconds, {"r"});
  gw::stats::Shard& shard = reg.shard(0);
  std::int64_t ns = 1000;
  for (auto _ : state) {
    shard.observe(h, std::chrono::nanoseconds(ns));
    ns = (ns * 7 + 13) % 50'000'000;  // spread over the buckets
  }
}
BENCHMARK(BM_HistogramObserve);

// recordRequest (code counter + histogram + bytes) over 1000 routes.
void BM_RecordRequest(benchmark::State& state) {
  gw::stats::Registry reg(1);
  auto names = routeNames(1000);
  auto routes = gw::stats::registerRoutes(reg, std::span<const std::string>(names));
  gw::stats::Shard& shard = reg.shard(0);
  std::size_t i = 0;
  for (auto _ : state) {
    gw::stats::recordRequest(shard, routes[i % routes.size()], i % 10 == 0 ? 404 : 200, 850us,
                             0, 512);
    ++i;
  }
}
BENCHMARK(BM_RecordRequest);

// Format one line and push it into the worker's ring; a writer thread drains to /dev/null.
void BM_AccessLogAppend(benchmark::State& state) {
  std::string error;
  auto log = AccessLog::open({.path = "/dev/null", .workers = 1}, &error);
  AccessRecord r = sampleRecord();
  for (auto _ : state) {
    log->append(0, r);
  }
  log->flush();
  auto s = log->stats();
  state.counters["dropped"] = static_cast<double>(s.dropped);
}
BENCHMARK(BM_AccessLogAppend);

void BM_AccessLogOff(benchmark::State& state) {
  std::string error;
  auto log = AccessLog::open({.path = "off"}, &error);
  AccessRecord r = sampleRecord();
  for (auto _ : state) {
    log->append(0, r);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_AccessLogOff);

// Everything a request pays: recordRequest + one extra outcome counter + the log line.
void BM_PerRequestTotal(benchmark::State& state) {
  gw::stats::Registry reg(1);
  auto names = routeNames(1000);
  auto routes = gw::stats::registerRoutes(reg, std::span<const std::string>(names));
  auto retries = reg.counter(gw::stats::Metric::kRetriesTotal, {"orders"});
  gw::stats::Shard& shard = reg.shard(0);
  std::string error;
  auto log = AccessLog::open({.path = "/dev/null", .workers = 1}, &error);
  AccessRecord r = sampleRecord();
  std::size_t i = 0;
  for (auto _ : state) {
    gw::stats::recordRequest(shard, routes[i % routes.size()], 200, 850us, 0, 2048);
    shard.inc(retries, 0);
    log->append(0, r);
    ++i;
  }
  log->flush();
}
BENCHMARK(BM_PerRequestTotal);

// The scrape: render 1000 routes with traffic on each.
void BM_Render1000Routes(benchmark::State& state) {
  gw::stats::Registry reg(2);
  auto names = routeNames(1000);
  auto routes = gw::stats::registerRoutes(reg, std::span<const std::string>(names));
  for (std::size_t i = 0; i < routes.size(); ++i) {
    gw::stats::recordRequest(reg.shard(i % 2), routes[i], 200, 1ms, 10, 100);
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    reg.renderTo(out);
  }
  state.counters["bytes"] = static_cast<double>(out.size());
}
BENCHMARK(BM_Render1000Routes)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
