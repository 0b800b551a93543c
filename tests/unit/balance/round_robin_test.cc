#include "runtime/balance/round_robin.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gw::balance {
namespace {

std::vector<int> countPicks(SmoothWeightedRoundRobin& rr, const std::vector<ServerSlot>& slots,
                            int picks) {
  std::vector<int> counts(slots.size(), 0);
  ServerSet set(slots);
  for (int i = 0; i < picks; ++i) {
    Pick p = rr.pick(set);
    EXPECT_EQ(p.status, PickStatus::kOk);
    counts[p.index]++;
  }
  return counts;
}

TEST(SmoothWeightedRoundRobin, MatchesNginxSequence) {
  // nginx's documented example: weights {5, 1, 1} give a a b a c a a.
  std::vector<ServerSlot> slots{{5, true, 0}, {1, true, 0}, {1, true, 0}};
  SmoothWeightedRoundRobin rr;
  std::string seq;
  for (int i = 0; i < 7; ++i) {
    seq += static_cast<char>('a' + rr.pick(ServerSet(slots)).index);
  }
  EXPECT_EQ(seq, "aabacaa");
}

TEST(SmoothWeightedRoundRobin, WeightsHonouredOver10000Picks) {
  std::vector<ServerSlot> slots{{1, true, 0}, {2, true, 0}, {3, true, 0}, {4, true, 0}};
  SmoothWeightedRoundRobin rr(7);
  const auto counts = countPicks(rr, slots, 10000);
  // Deterministic algorithm: exact to within one cycle (sum of weights = 10).
  for (std::size_t i = 0; i < slots.size(); ++i) {
    EXPECT_NEAR(counts[i], 1000.0 * slots[i].weight, 10.0) << "server " << i;
  }
}

TEST(SmoothWeightedRoundRobin, PerThreadInstancesSumToWeights) {
  std::vector<ServerSlot> slots{{3, true, 0}, {1, true, 0}};
  std::vector<int> total(2, 0);
  for (std::uint64_t seed = 0; seed < 4; ++seed) {  // four "worker threads"
    SmoothWeightedRoundRobin rr(seed);
    const auto counts = countPicks(rr, slots, 2500);
    total[0] += counts[0];
    total[1] += counts[1];
  }
  EXPECT_NEAR(total[0], 7500, 8);
  EXPECT_NEAR(total[1], 2500, 8);
}

TEST(SmoothWeightedRoundRobin, SeedStaggersStart) {
  std::vector<ServerSlot> slots{{1, true, 0}, {1, true, 0}, {1, true, 0}};
  SmoothWeightedRoundRobin a(0), b(1);
  EXPECT_NE(a.pick(ServerSet(slots)).index, b.pick(ServerSet(slots)).index);
}

TEST(SmoothWeightedRoundRobin, SkipsUnavailableAndZeroWeight) {
  std::vector<ServerSlot> slots{{5, false, 0}, {0, true, 0}, {1, true, 0}, {1, true, 0}};
  SmoothWeightedRoundRobin rr;
  const auto counts = countPicks(rr, slots, 1000);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[1], 0);
  EXPECT_EQ(counts[2], 500);
  EXPECT_EQ(counts[3], 500);
}

TEST(SmoothWeightedRoundRobin, AllUnavailableIsNoneAvailable) {
  std::vector<ServerSlot> slots{{1, false, 0}, {2, false, 0}};
  SmoothWeightedRoundRobin rr;
  EXPECT_EQ(rr.pick(ServerSet(slots)).status, PickStatus::kNoneAvailable);
  TriedSet tried;
  EXPECT_EQ(rr.pickExcluding(ServerSet(slots), tried).status, PickStatus::kNoneAvailable);
  std::vector<ServerSlot> none;
  EXPECT_EQ(rr.pick(ServerSet(none)).status, PickStatus::kNoneAvailable);
}

TEST(SmoothWeightedRoundRobin, PickExcludingAvoidsTriedThenFallsBack) {
  std::vector<ServerSlot> slots{{10, true, 0}, {1, true, 0}, {1, false, 0}};
  SmoothWeightedRoundRobin rr;
  TriedSet tried;
  tried.insert(0);
  for (int i = 0; i < 20; ++i) {
    Pick p = rr.pickExcluding(ServerSet(slots), tried);
    EXPECT_EQ(p.status, PickStatus::kOk);
    EXPECT_EQ(p.index, 1u);
  }
  tried.insert(1);
  Pick p = rr.pickExcluding(ServerSet(slots), tried);
  EXPECT_EQ(p.status, PickStatus::kOnlyTried);
  EXPECT_TRUE(p.index == 0 || p.index == 1);
}

TEST(TriedSet, BoundedAndDeduplicated) {
  TriedSet t;
  for (std::uint32_t i = 0; i < TriedSet::kCapacity; ++i) {
    EXPECT_TRUE(t.insert(i));
  }
  EXPECT_TRUE(t.insert(3));  // already present
  EXPECT_FALSE(t.insert(100));
  EXPECT_FALSE(t.contains(100));
  EXPECT_EQ(t.size(), TriedSet::kCapacity);
}

}  // namespace
}  // namespace gw::balance
