#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/balance/least_request.h"
#include "runtime/balance/weighted_random.h"

namespace gw::balance {
namespace {

// Binomial tolerance: 5 standard deviations of a count with probability p over n draws.
double tolerance(double n, double p) { return 5.0 * std::sqrt(n * p * (1 - p)); }

template <typename Balancer>
std::vector<int> countPicks(Balancer& b, const std::vector<ServerSlot>& slots, int picks) {
  std::vector<int> counts(slots.size(), 0);
  for (int i = 0; i < picks; ++i) {
    Pick p = b.pick(ServerSet(slots));
    EXPECT_EQ(p.status, PickStatus::kOk);
    counts[p.index]++;
  }
  return counts;
}

template <typename Balancer>
void expectWeights(Balancer b) {
  std::vector<ServerSlot> slots{{1, true, 0}, {2, true, 0}, {3, true, 0}, {4, true, 0}};
  const auto counts = countPicks(b, slots, 10000);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const double p = slots[i].weight / 10.0;
    EXPECT_NEAR(counts[i], 10000 * p, tolerance(10000, p)) << "server " << i;
  }
}

template <typename Balancer>
void expectSkipsUnavailable(Balancer b) {
  std::vector<ServerSlot> slots{{100, false, 0}, {1, true, 0}, {0, true, 0}, {1, true, 0}};
  const auto counts = countPicks(b, slots, 4000);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[2], 0);
  EXPECT_NEAR(counts[1], 2000, tolerance(4000, 0.5));
  slots[1].available = false;
  slots[3].available = false;
  EXPECT_EQ(b.pick(ServerSet(slots)).status, PickStatus::kNoneAvailable);
  TriedSet tried;
  EXPECT_EQ(b.pickExcluding(ServerSet(slots), tried).status, PickStatus::kNoneAvailable);
}

template <typename Balancer>
void expectExcluding(Balancer b) {
  std::vector<ServerSlot> slots{{50, true, 0}, {1, true, 0}, {1, false, 0}};
  TriedSet tried;
  tried.insert(0);
  for (int i = 0; i < 200; ++i) {
    Pick p = b.pickExcluding(ServerSet(slots), tried);
    ASSERT_EQ(p.status, PickStatus::kOk);
    ASSERT_EQ(p.index, 1u);
  }
  tried.insert(1);
  EXPECT_EQ(b.pickExcluding(ServerSet(slots), tried).status, PickStatus::kOnlyTried);
}

TEST(WeightedRandom, WeightsHonouredOver10000Picks) { expectWeights(WeightedRandom(42)); }
TEST(WeightedRandom, SkipsUnavailable) { expectSkipsUnavailable(WeightedRandom(3)); }
TEST(WeightedRandom, PickExcluding) { expectExcluding(WeightedRandom(5)); }

TEST(LeastRequest, IdleUpstreamHonoursWeightsOver10000Picks) { expectWeights(LeastRequest(42)); }
TEST(LeastRequest, SkipsUnavailable) { expectSkipsUnavailable(LeastRequest(3)); }
TEST(LeastRequest, PickExcluding) { expectExcluding(LeastRequest(5)); }

TEST(LeastRequest, AvoidsBusyServer) {
  std::vector<ServerSlot> slots{{1, true, 50}, {1, true, 0}, {1, true, 0}, {1, true, 0}};
  LeastRequest lr(9);
  const auto counts = countPicks(lr, slots, 3000);
  // The busy server only wins when both draws land on it, which the distinct-draw rule forbids.
  EXPECT_EQ(counts[0], 0);
}

TEST(LeastRequest, LoadPerWeightConvergesUnderSimulatedTraffic) {
  // Each request occupies its server for a fixed number of ticks; the weight-3 server also
  // serves three times faster, so it should carry at least its weight share (3/4) and the slow
  // server should never build a queue deeper than the fast one's per unit of weight.
  std::vector<ServerSlot> slots{{1, true, 0}, {3, true, 0}};
  const int service_ticks[2] = {6, 2};
  std::vector<std::vector<int>> finish(2);
  std::vector<int> counts(2, 0);
  std::uint32_t max_active_slow = 0;
  LeastRequest lr(11);
  for (int tick = 0; tick < 10000; ++tick) {
    for (int s = 0; s < 2; ++s) {
      auto& f = finish[s];
      std::erase_if(f, [tick](int t) { return t <= tick; });
      slots[s].active_requests = static_cast<std::uint32_t>(f.size());
    }
    max_active_slow = std::max(max_active_slow, slots[0].active_requests);
    Pick p = lr.pick(ServerSet(slots));
    ASSERT_TRUE(p.found());
    counts[p.index]++;
    finish[p.index].push_back(tick + service_ticks[p.index]);
  }
  const double share = counts[1] / 10000.0;
  EXPECT_GT(share, 0.74);
  EXPECT_LT(share, 0.90);
  EXPECT_LE(max_active_slow, 2u);
}

}  // namespace
}  // namespace gw::balance
