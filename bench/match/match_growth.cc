// Growth of the JIT's match time with the route count (issue #3: under 1.5x from 10 to 100 000
// routes), measured so that the host's speed cancels out of the ratio.
//
// match_bench times one row for ~0.2 s, then the next, so the ratio of two rows compares two
// moments of a shared VM; on the project's 2-vCPU hosts every row's time moved by up to 1.5x
// within minutes, all rows together (bench/RESULTS.md, session 10), which is what made the
// ratio land anywhere in 1.2-1.7x. Here each round times one block of matches per route count,
// back to back (a few milliseconds for the whole round, the order reversed every other round),
// and the ratio to the first count is taken within the round, where the host's speed is the
// same for every block. The median of the per-round ratios is the figure; their spread, and
// the spread of each count's own per-round times, say how far the run can be trusted.
//
//   match_growth [--rounds=N] [--block=M] [--routes=10,100000] [--kinds=static,templated]
//                [--requests=K] [--rounds-out]
// --requests=K rotates over K requests of resources spread evenly over the route set (as
// route_gen defines them; a 10-route set has 3), instead of repeating match_bench's one request:
// at 100 000 routes each request then reads its own index slots, as a gateway's mixed traffic
// does. --rounds-out prints every round's times.
#include <time.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "bench/match/match_fixture.h"
#include "bench/match/route_gen.h"
#include "compiler/policy/request_builder.h"

namespace {

struct Options {
  int rounds = 31;
  int block = 20000;
  int requests = 1;
  bool roundsOut = false;
  std::vector<uint32_t> routes{10, 100000};
  std::vector<bool> kinds{false, true};  // templated?
};

std::vector<std::string> splitList(const char* s) {
  std::vector<std::string> out;
  std::string cur;
  for (; *s != '\0'; ++s) {
    if (*s == ',') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += *s;
    }
  }
  out.push_back(cur);
  return out;
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: match_growth [--rounds=N] [--block=M] [--routes=A,B,...] "
               "[--kinds=static,templated] [--requests=K] [--rounds-out]\n");
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const char* a = argv[i];
    auto value = [&](const char* name) -> const char* {
      size_t n = std::strlen(name);
      return std::strncmp(a, name, n) == 0 && a[n] == '=' ? a + n + 1 : nullptr;
    };
    if (const char* v = value("--rounds")) {
      o.rounds = std::atoi(v);
    } else if (const char* v = value("--block")) {
      o.block = std::atoi(v);
    } else if (const char* v = value("--requests")) {
      o.requests = std::atoi(v);
    } else if (const char* v = value("--routes")) {
      o.routes.clear();
      for (const std::string& r : splitList(v)) {
        o.routes.push_back(static_cast<uint32_t>(std::strtoul(r.c_str(), nullptr, 10)));
      }
    } else if (const char* v = value("--kinds")) {
      o.kinds.clear();
      for (const std::string& k : splitList(v)) {
        if (k != "static" && k != "templated") {
          usage();
        }
        o.kinds.push_back(k == "templated");
      }
    } else if (std::strcmp(a, "--rounds-out") == 0) {
      o.roundsOut = true;
    } else {
      usage();
    }
  }
  if (o.rounds < 1 || o.block < 1 || o.requests < 1 || o.routes.empty() || o.kinds.empty()) {
    usage();
  }
  for (uint32_t r : o.routes) {
    if (r == 0) {
      usage();
    }
  }
  return o;
}

double threadSeconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

/// One row: a route count and a request kind, its requests and its per-round times.
struct Row {
  uint32_t routes;
  bool templated;
  gw::bench::MatchFixture* fixture;
  std::vector<std::unique_ptr<gw::policy::RequestBuilder>> builders;
  std::vector<const gw_request*> requests;
  std::vector<double> ns;  // per round, CPU ns per match
};

/// `k` requests of resources spread evenly over the set (the middle one when k == 1, as
/// match_bench asks), cycling when the set has fewer resources than k.
void addRequests(Row& row, int k) {
  uint32_t resources = gw::bench::resourceCount(row.routes);
  for (int i = 0; i < k; ++i) {
    auto n = static_cast<uint64_t>(i);
    uint32_t r = k == 1                                 ? gw::bench::middleResource(row.routes)
                 : static_cast<uint32_t>(k) <= resources ? static_cast<uint32_t>(n * resources / k)
                                                         : static_cast<uint32_t>(n % resources);
    auto b = std::make_unique<gw::policy::RequestBuilder>();
    b->setTarget("GET", "https://" + gw::bench::resourceHost(r) +
                            gw::bench::resourcePath(r, row.templated));
    row.requests.push_back(&b->request());
    row.builders.push_back(std::move(b));
  }
}

/// Runs `count` matches rotating over the row's requests; returns the last status seen that
/// was not 0 (0: every match found a route).
uint32_t runBlock(const Row& row, gw_eval_ctx& ctx, gw_match_result& out, int count) {
  uint32_t bad = 0;
  size_t n = row.requests.size();
  size_t i = 0;
  for (int c = 0; c < count; ++c) {
    row.fixture->native->runMatch(*row.requests[i], ctx, out);
    // The result is read (so no match is dropped) but costs one predictable branch.
    if (out.status != 0) [[unlikely]] {
      bad = out.status;
    }
    i = i + 1 == n ? 0 : i + 1;
  }
  return bad;
}

struct Stats {
  double median, min, max;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  double med = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return Stats{med, v.front(), v.back()};
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  std::vector<Row> rows;
  for (bool templated : o.kinds) {
    for (uint32_t routes : o.routes) {
      Row row{routes, templated, &gw::bench::matchFixture(routes), {}, {}, {}};
      addRequests(row, o.requests);
      rows.push_back(std::move(row));
    }
  }
  char scratch[256];
  gw_match_result out{};
  for (Row& row : rows) {  // warm-up, and every request must match
    gw_eval_ctx ctx = row.fixture->policy->makeContext(scratch, sizeof scratch);
    if (runBlock(row, ctx, out, o.block) != 0) {
      std::fprintf(stderr, "match_growth: a %s request of the %u-route set did not match\n",
                   row.templated ? "templated" : "static", row.routes);
      return 1;
    }
  }
  std::printf("# match_growth rounds=%d block=%d requests=%d\n", o.rounds, o.block, o.requests);
  for (int round = 0; round < o.rounds; ++round) {
    // Reverse the order every other round: a drift within a round then favours no count.
    for (size_t j = 0; j < rows.size(); ++j) {
      Row& row = rows[round % 2 == 0 ? j : rows.size() - 1 - j];
      gw_eval_ctx ctx = row.fixture->policy->makeContext(scratch, sizeof scratch);
      runBlock(row, ctx, out, 256);  // this row's lines back in the caches after the others'
      double t0 = threadSeconds();
      uint32_t bad = runBlock(row, ctx, out, o.block);
      double t1 = threadSeconds();
      if (bad != 0) {
        std::fprintf(stderr, "match_growth: status %u\n", bad);
        return 1;
      }
      row.ns.push_back((t1 - t0) * 1e9 / o.block);
    }
    if (o.roundsOut) {
      std::printf("round %3d", round);
      for (const Row& row : rows) {
        std::printf(" %s/%u=%.1f", row.templated ? "templated" : "static", row.routes, row.ns.back());
      }
      std::printf("\n");
    }
  }
  std::printf("%-10s %8s %10s %10s %10s   %s\n", "kind", "routes", "median ns", "min", "max",
              "ratio to the first count, per round: median [min .. max]");
  for (size_t j = 0; j < rows.size(); ++j) {
    const Row& row = rows[j];
    const Row& base = rows[j - j % o.routes.size()];
    Stats s = stats(row.ns);
    std::vector<double> ratios;
    for (size_t r = 0; r < row.ns.size(); ++r) {
      ratios.push_back(row.ns[r] / base.ns[r]);
    }
    Stats q = stats(ratios);
    std::printf("%-10s %8u %10.1f %10.1f %10.1f   %.2fx [%.2f .. %.2f]\n",
                row.templated ? "templated" : "static", row.routes, s.median, s.min, s.max,
                q.median, q.min, q.max);
  }
  return 0;
}
