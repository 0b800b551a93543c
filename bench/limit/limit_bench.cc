// Local store decision cost: one hot key, many keys, and two threads sharing the table.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/monotonic_clock.h"
#include "runtime/limit/local_limiter.h"
#include "runtime/limit/rate_limit_headers.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

LimitSpec spec(Algorithm algorithm) {
  LimitSpec s;
  s.name = "bench";
  s.algorithm = algorithm;
  s.rate = perPeriod(1'000'000'000, 1s);  // never denies: measures the full admit path
  s.maxKeys = 100000;
  return s;
}

std::vector<std::string> makeKeys(std::size_t n) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < n; ++i) {
    keys.push_back("203.0." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256));
  }
  return keys;
}

void BM_LocalDecide(benchmark::State& state) {
  static std::unique_ptr<LocalLimiter> limiter;
  if (state.thread_index() == 0) {
    limiter = std::make_unique<LocalLimiter>(spec(static_cast<Algorithm>(state.range(0))));
  }
  const auto keys = makeKeys(static_cast<std::size_t>(state.range(1)));
  const MonotonicClock& clock = SteadyClock::instance();
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    const Decision d = limiter->decide(keys[i++ % keys.size()], clock);
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
}
// args: algorithm (0 token bucket, 1 sliding window), distinct keys
BENCHMARK(BM_LocalDecide)->Args({0, 1})->Args({1, 1})->Args({0, 10000})->Args({1, 10000});
BENCHMARK(BM_LocalDecide)->Args({0, 10000})->Args({1, 10000})->Args({0, 1})->Threads(2)->UseRealTime();

void BM_LocalFloodEviction(benchmark::State& state) {
  LimitSpec s = spec(Algorithm::tokenBucket);
  s.maxKeys = 10000;
  LocalLimiter limiter(s);
  ManualClock clock;
  std::uint64_t n = 0;
  char buf[32];
  for (auto _ : state) {
    const int len = std::snprintf(buf, sizeof(buf), "flood-%llu", static_cast<unsigned long long>(n++));
    benchmark::DoNotOptimize(limiter.decide(std::string_view(buf, len), clock));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LocalFloodEviction);

void BM_Headers(benchmark::State& state) {
  Decision ds[2];
  ds[0].limit = 100;
  ds[0].remaining = 40;
  ds[0].policyQuota = 100;
  ds[0].policyWindowSeconds = 60;
  ds[1] = ds[0];
  ds[1].remaining = 3;
  ds[1].warn = true;
  ds[1].usedPercent = 97;
  for (auto _ : state) {
    benchmark::DoNotOptimize(RateLimitHeaders::build(ds));
  }
}
BENCHMARK(BM_Headers);

}  // namespace
}  // namespace gw::limit

BENCHMARK_MAIN();
