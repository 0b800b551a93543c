// Redis store throughput: decisions per second over one pipelined connection, and how many
// calls share one socket write (calls issued in one loop turn leave together).
#include <benchmark/benchmark.h>

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>

#include "runtime/limit/redis_limiter.h"
#include "tests/integration/limit/redis_server.h"

namespace gw::limit {
namespace {

using namespace std::chrono_literals;

void BM_RedisDecisions(benchmark::State& state) {
  testing::RedisServer redis;
  boost::asio::io_context io;
  RedisOptions options;
  options.port = redis.port();
  options.callTimeout = 2000ms;
  RedisClient client(io, options);
  RedisLimiter limiter(client);
  LimitSpec spec;
  spec.name = "bench";
  spec.algorithm = static_cast<Algorithm>(state.range(1));
  spec.rate = perPeriod(1'000'000'000, 1s);
  spec.store = StoreKind::redis;
  const int depth = static_cast<int>(state.range(0));
  const int batch = 2000;
  std::uint64_t total = 0;
  for (auto _ : state) {
    int issued = 0;
    int done = 0;
    std::function<void()> issue = [&] {
      ++issued;
      limiter.asyncDecide("client-" + std::to_string(issued % 1000), spec, [&](Decision d) {
        ++done;
        if (d.source != DecisionSource::redis) {
          state.SkipWithError("redis did not answer");
        }
        if (issued < batch) {
          issue();
        }
      });
    };
    for (int i = 0; i < depth; ++i) {
      issue();
    }
    while (done < batch) {
      io.run_one();
    }
    total += static_cast<std::uint64_t>(batch);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(total));
  // Pipelining made visible: how many calls shared each socket write (1.0 = none shared).
  const auto writes = static_cast<double>(client.stats().writes.load());
  state.counters["calls_per_write"] = writes > 0 ? static_cast<double>(total) / writes : 0;
}
// args: calls in flight (pipelining depth), algorithm
BENCHMARK(BM_RedisDecisions)->Args({1, 0})->Args({16, 0})->Args({64, 0})->Args({64, 1})
    ->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gw::limit
