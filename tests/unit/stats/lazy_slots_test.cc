// Registered series cost no memory until they count something: a shard's slot chunks are fresh
// anonymous mappings that registration never writes, so the pages behind 10 000 routes' series
// stay unbacked until a request on one of them is recorded (docs/observability.md, "Registered
// eagerly, backed lazily"). Residency is read with mincore(2): a page the process never touched
// has no page-table entry.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/stats/registry.h"
#include "runtime/stats/route_series.h"

namespace gw::stats {
namespace {

using namespace std::chrono_literals;

bool resident(const void* p) {
  auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  auto* base = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(p) & ~(page - 1));
  unsigned char vec = 0;
  EXPECT_EQ(mincore(base, page, &vec), 0);
  return (vec & 1) != 0;
}

TEST(LazySlots, RegisteredRoutesTouchNoPageUntilTheyCount) {
  Registry reg(1);
  std::vector<std::string> names;
  for (int i = 0; i < 10'000; ++i) names.push_back("route" + std::to_string(i));
  std::vector<RouteSeries> routes = registerRoutes(reg, names);
  ASSERT_EQ(routes.size(), names.size());
  const SlotTable& worker = reg.shard(0).table();
  size_t touched = 0;
  for (const RouteSeries& r : routes) {
    ASSERT_TRUE(r.requests.valid() && r.duration.valid());
    touched += resident(worker.at(r.requests.slot)) + resident(worker.at(r.duration.slot));
  }
  EXPECT_EQ(touched, 0u);

  // One request on route 7000: its pages are backed, a route far from it still is not.
  recordRequest(reg.shard(0), routes[7000], 200, 3ms, 10, 20);
  EXPECT_TRUE(resident(worker.at(routes[7000].requests.slot)));
  EXPECT_FALSE(resident(worker.at(routes[100].requests.slot)));
  EXPECT_EQ(reg.value(routes[7000].requests, 200), 1u);
  EXPECT_EQ(reg.value(routes[100].requests, 200), 0u);

  // The scrape shows the route that counted and none of the 9 999 that did not.
  std::string page = reg.render();
  EXPECT_NE(page.find("gw_requests_total{route=\"route7000\",code=\"200\"} 1"), std::string::npos);
  EXPECT_EQ(page.find("route=\"route100\""), std::string::npos);
}

}  // namespace
}  // namespace gw::stats
