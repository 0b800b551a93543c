// Pick cost of each balancer, for upstreams of 4, 16 and 128 servers with mixed weights, all
// healthy and with 1/4 of the servers unavailable (the degraded path).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "runtime/balance/key_hash.h"
#include "runtime/balance/least_request.h"
#include "runtime/balance/maglev.h"
#include "runtime/balance/round_robin.h"
#include "runtime/balance/weighted_random.h"

namespace {

using namespace gw::balance;

std::vector<ServerSlot> makeSlots(const benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const bool degraded = state.range(1) != 0;
  std::vector<ServerSlot> slots(n);
  for (std::size_t i = 0; i < n; ++i) {
    slots[i].weight = 1 + static_cast<std::uint32_t>(i % 4);
    slots[i].available = !(degraded && i % 4 == 1);
    slots[i].active_requests = static_cast<std::uint32_t>(i * 7 % 5);
  }
  return slots;
}

void BM_RoundRobin(benchmark::State& state) {
  const auto slots = makeSlots(state);
  SmoothWeightedRoundRobin rr(1);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rr.pick(ServerSet(slots)));
  }
}

void BM_WeightedRandom(benchmark::State& state) {
  const auto slots = makeSlots(state);
  WeightedRandom wr(1);
  wr.rebuild(ServerSet(slots));
  for (auto _ : state) {
    benchmark::DoNotOptimize(wr.pick(ServerSet(slots)));
  }
}

void BM_LeastRequest(benchmark::State& state) {
  const auto slots = makeSlots(state);
  LeastRequest lr(1);
  lr.rebuild(ServerSet(slots));
  for (auto _ : state) {
    benchmark::DoNotOptimize(lr.pick(ServerSet(slots)));
  }
}

void BM_Maglev(benchmark::State& state) {
  const auto slots = makeSlots(state);
  std::vector<std::string> names;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    names.push_back("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250) + ":80");
  }
  std::vector<MaglevTable::Member> members;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    members.push_back({names[i], slots[i].weight});
  }
  MaglevTable table;
  table.build(members);
  std::vector<std::uint64_t> hashes;
  for (int k = 0; k < 1024; ++k) {
    hashes.push_back(hashKey("session-" + std::to_string(k)));
  }
  std::size_t k = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.pick(ServerSet(slots), hashes[k++ & 1023]));
  }
}

void BM_MaglevWithKeyHash(benchmark::State& state) {
  const auto slots = makeSlots(state);
  std::vector<std::string> names;
  std::vector<MaglevTable::Member> members;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    names.push_back("srv-" + std::to_string(i));
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    members.push_back({names[i], slots[i].weight});
  }
  MaglevTable table;
  table.build(members);
  const std::string key = "Bearer-user-0123456789abcdef";
  for (auto _ : state) {
    benchmark::DoNotOptimize(table.pick(ServerSet(slots), hashKey(key)));
  }
}

void BM_MaglevBuild(benchmark::State& state) {
  const auto slots = makeSlots(state);
  std::vector<std::string> names;
  std::vector<MaglevTable::Member> members;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    names.push_back("srv-" + std::to_string(i));
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    members.push_back({names[i], slots[i].weight});
  }
  for (auto _ : state) {
    MaglevTable table;
    benchmark::DoNotOptimize(table.build(members));
  }
}

void pickArgs(benchmark::internal::Benchmark* b) {
  for (int n : {4, 16, 128}) {
    b->Args({n, 0});
    b->Args({n, 1});
  }
}

BENCHMARK(BM_RoundRobin)->Apply(pickArgs);
BENCHMARK(BM_WeightedRandom)->Apply(pickArgs);
BENCHMARK(BM_LeastRequest)->Apply(pickArgs);
BENCHMARK(BM_Maglev)->Apply(pickArgs);
BENCHMARK(BM_MaglevWithKeyHash)->Args({16, 0});
BENCHMARK(BM_MaglevBuild)->Args({16, 0})->Args({128, 0})->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
