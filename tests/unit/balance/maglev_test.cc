#include "runtime/balance/maglev.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/balance/key_hash.h"

namespace gw::balance {
namespace {

constexpr int kKeys = 100000;

struct Fixture {
  std::vector<std::string> names;
  std::vector<MaglevTable::Member> members;
  std::vector<ServerSlot> slots;
  MaglevTable table;

  explicit Fixture(std::vector<std::string> n, std::vector<std::uint32_t> weights = {})
      : names(std::move(n)) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::uint32_t w = weights.empty() ? 1 : weights[i];
      members.push_back({names[i], w});
      slots.push_back({w, true, 0});
    }
    EXPECT_TRUE(table.build(members).ok());
  }
  std::string ownerName(std::uint64_t h) const {
    Pick p = table.pick(ServerSet(slots), h);
    return p.found() ? names[p.index] : std::string("<none>");
  }
};

std::vector<std::string> serverNames(int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) {
    v.push_back("10.0.0." + std::to_string(i + 1) + ":8080");
  }
  return v;
}

std::uint64_t keyHash(int k) { return hashKey("user-" + std::to_string(k)); }

TEST(Maglev, RejectsBadTableSize) {
  MaglevTable t;
  std::vector<MaglevTable::Member> m{{"a", 1}};
  EXPECT_FALSE(t.build(m, 65536).ok());
  EXPECT_FALSE(t.build(m, 1).ok());
  EXPECT_TRUE(t.build(m, 7).ok());
}

TEST(Maglev, EveryServerGetsAnEqualShare) {
  Fixture f(serverNames(10));
  std::vector<int> counts(10, 0);
  for (int k = 0; k < kKeys; ++k) {
    counts[f.table.pick(ServerSet(f.slots), keyHash(k)).index]++;
  }
  for (int c : counts) {
    EXPECT_NEAR(c, kKeys / 10, kKeys / 10 * 0.06);
  }
}

TEST(Maglev, WeightsGiveProportionalShares) {
  Fixture f(serverNames(4), {1, 2, 3, 4});
  std::vector<int> slots(4, 0);
  for (std::uint32_t e : f.table.entries()) {
    slots[e]++;
  }
  std::vector<int> counts(4, 0);
  for (int k = 0; k < 10000; ++k) {
    counts[f.table.pick(ServerSet(f.slots), keyHash(k)).index]++;
  }
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(slots[i], 65537.0 * (i + 1) / 10, 65537 * 0.01) << "server " << i;
    EXPECT_NEAR(counts[i], 1000.0 * (i + 1), 200) << "server " << i;
  }
}

TEST(Maglev, StableAcrossRebuilds) {
  Fixture a(serverNames(7));
  Fixture b(serverNames(7));
  ASSERT_EQ(a.table.tableSize(), b.table.tableSize());
  EXPECT_TRUE(
      std::equal(a.table.entries().begin(), a.table.entries().end(), b.table.entries().begin()));
  // Member order does not matter for who owns a key: only names do.
  auto reversed = serverNames(7);
  std::reverse(reversed.begin(), reversed.end());
  Fixture c(reversed);
  int moved = 0;
  for (int k = 0; k < kKeys; ++k) {
    moved += a.ownerName(keyHash(k)) != c.ownerName(keyHash(k));
  }
  EXPECT_LT(moved, kKeys / 100);
}

TEST(Maglev, RemovingOneOfNRemapsAboutOneNth) {
  for (int n : {5, 10, 20}) {
    Fixture full(serverNames(n));
    auto fewer_names = serverNames(n);
    const std::string removed = fewer_names[n / 2];
    fewer_names.erase(fewer_names.begin() + n / 2);
    Fixture fewer(fewer_names);
    int moved = 0;
    int moved_not_from_removed = 0;
    for (int k = 0; k < kKeys; ++k) {
      const std::string before = full.ownerName(keyHash(k));
      const std::string after = fewer.ownerName(keyHash(k));
      if (before != after) {
        ++moved;
        moved_not_from_removed += before != removed;
      }
    }
    const double fraction = static_cast<double>(moved) / kKeys;
    EXPECT_GT(fraction, 0.85 / n) << "n=" << n;
    EXPECT_LT(fraction, 1.35 / n) << "n=" << n;
    // Keys on surviving servers mostly stay put (Maglev's small excess disruption).
    EXPECT_LT(static_cast<double>(moved_not_from_removed) / kKeys, 0.3 / n) << "n=" << n;
  }
}

TEST(Maglev, UnavailableServerKeysMoveOthersStay) {
  Fixture f(serverNames(8));
  std::vector<std::string> before;
  for (int k = 0; k < 20000; ++k) {
    before.push_back(f.ownerName(keyHash(k)));
  }
  f.slots[3].available = false;
  int moved_other = 0;
  for (int k = 0; k < 20000; ++k) {
    const std::string now = f.ownerName(keyHash(k));
    EXPECT_NE(now, f.names[3]);
    moved_other += (before[k] != f.names[3] && now != before[k]);
  }
  EXPECT_EQ(moved_other, 0);
  // Fallback is deterministic: the same key lands on the same substitute every time.
  EXPECT_EQ(f.ownerName(keyHash(1)), f.ownerName(keyHash(1)));
}

TEST(Maglev, AllUnavailableAndExcluding) {
  Fixture f(serverNames(3));
  const std::uint64_t h = keyHash(77);
  const Pick first = f.table.pick(ServerSet(f.slots), h);
  ASSERT_EQ(first.status, PickStatus::kOk);
  TriedSet tried;
  tried.insert(first.index);
  const Pick retry = f.table.pickExcluding(ServerSet(f.slots), h, tried);
  EXPECT_EQ(retry.status, PickStatus::kOk);
  EXPECT_NE(retry.index, first.index);
  tried.insert(retry.index);
  for (auto& s : f.slots) {
    s.available = tried.contains(static_cast<std::uint32_t>(&s - f.slots.data()));
  }
  // The only untried server is down: fall back to a tried one, flagged as such.
  const Pick again = f.table.pickExcluding(ServerSet(f.slots), h, tried);
  EXPECT_EQ(again.status, PickStatus::kOnlyTried);
  EXPECT_TRUE(tried.contains(again.index));
  for (auto& s : f.slots) {
    s.available = false;
  }
  EXPECT_EQ(f.table.pick(ServerSet(f.slots), h).status, PickStatus::kNoneAvailable);
}

TEST(KeyHash, FrozenValues) {
  // Changing the hash would remap every consistent-hash key in production: pin it.
  EXPECT_EQ(hashKey(""), 0xefd01f60ba992926ULL);
  EXPECT_EQ(hashKey("user-1"), 0x41a2fca5c68401c5ULL);
  EXPECT_EQ(hashKey("10.0.0.1:8080", 7), 0xf1f2b356640e2fe9ULL);
  EXPECT_NE(hashKey("a", 1), hashKey("a", 2));
}

}  // namespace
}  // namespace gw::balance
