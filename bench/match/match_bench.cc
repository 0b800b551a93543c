// Match latency for 10 .. 100 000 routes: the JIT's matcher (the compiled decision tree up to
// 128 nodes, native::RouteTable above, see codegen::compilesMatchTree), the decision tree walked
// by the interpreter, and a naive linear scan of the same routes in specificity order (the
// "Envoy-like" baseline).
// Add a back end: extend Backend and matchOnce(), and register it in the loop at the bottom.
#include <benchmark/benchmark.h>

#include "bench/match/match_fixture.h"
#include "bench/match/route_gen.h"
#include "compiler/interp/interpreter.h"
#include "compiler/policy/request_builder.h"

namespace {

enum class Backend { Jit, Interpreter, Linear };

void runMatch(benchmark::State& state, Backend backend, bool templated) {
  uint32_t routes = static_cast<uint32_t>(state.range(0));
  gw::bench::MatchFixture& f = gw::bench::matchFixture(routes);
  gw::policy::RequestBuilder b;
  b.setTarget("GET", "https://" + gw::bench::hostFor(routes) +
                         (templated ? gw::bench::templatedPath(routes)
                                    : gw::bench::staticPath(routes)));
  const gw_request& req = b.request();
  char scratch[256];
  gw_eval_ctx ctx = f.policy->makeContext(scratch, sizeof scratch);
  gw_match_result out{};
  for (auto _ : state) {
    switch (backend) {
      case Backend::Jit: f.native->runMatch(req, ctx, out); break;
      case Backend::Interpreter: gw::interp::matchTree(f.policy->ir(), req, ctx, out); break;
      case Backend::Linear: f.linear->match(req, ctx, out); break;
    }
    benchmark::DoNotOptimize(out);
  }
  if (backend == Backend::Jit) {
    state.counters["compiled_tree"] = f.native->match() != nullptr ? 1 : 0;
  }
  if (out.status != 0) {
    state.SkipWithError("the benchmark request did not match a route");
  }
}

void registerAll() {
  struct Named { const char* name; Backend backend; };
  const Named backends[] = {
      {"jit", Backend::Jit}, {"interp", Backend::Interpreter}, {"linear", Backend::Linear}};
  for (const Named& nb : backends) {
    for (bool templated : {false, true}) {
      std::string name = std::string("match/") + nb.name + (templated ? "/templated" : "/static");
      for (int n : {10, 100, 1000, 10000, 100000}) {
        auto* b = benchmark::RegisterBenchmark(name.c_str(), [nb, templated](benchmark::State& s) {
          runMatch(s, nb.backend, templated);
        });
        b->Arg(n);
        if (nb.backend == Backend::Linear && n >= 10000) {
          b->Iterations(n == 100000 ? 50 : 500);  // a full scan per request: keep the run short
        }
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
