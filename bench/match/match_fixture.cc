#include "bench/match/match_fixture.h"

#include <cstdlib>
#include <map>

#include "bench/match/route_gen.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"

namespace gw::bench {

MatchFixture& matchFixture(uint32_t routes) {
  static std::map<uint32_t, MatchFixture> cache;
  auto it = cache.find(routes);
  if (it != cache.end()) {
    return it->second;
  }
  SourceManager sources;
  DiagnosticSink diags;
  ast::Program program = loadProgramFromText(sources, "bench.gw", restPolicy(routes), diags);
  MatchFixture f;
  f.policy = policy::buildPolicy(program, sources, diags);
  if (!f.policy) {
    std::abort();
  }
  f.linear = std::make_unique<interp::LinearMatcher>(f.policy->ir());
  if (!jit::jitCompile(f.policy, diags, &f.native)) {
    std::abort();
  }
  return cache.emplace(routes, std::move(f)).first->second;
}

}  // namespace gw::bench
