// Interpreter vs JIT vs AOT-loaded object on generated policies and requests, fixed seeds.
// GW_DIFF_SEEDS / GW_DIFF_REQUESTS scale the run (defaults keep CI fast on 2 cores).
#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/differential/diff_harness.h"

namespace gw::difftest {
namespace {

int envInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

TEST(Differential, InterpreterJitAndAotAgreeOnGeneratedPolicies) {
  int seeds = envInt("GW_DIFF_SEEDS", 40);
  int requests = envInt("GW_DIFF_REQUESTS", 100);
  int compiled = 0, rejected = 0, cases = 0;
  std::string firstRejection;
  for (int seed = 1; seed <= seeds; ++seed) {
    PolicyGen gen(static_cast<uint64_t>(seed));
    std::string source = gen.policy(4 + seed % 12);
    std::string why;
    bool frontEndRejected = false;
    auto subjects = Subjects::build(source, /*withAot=*/seed % 4 == 0, &why, &frontEndRejected);
    if (frontEndRejected) {
      ++rejected;
      if (firstRejection.empty()) firstRejection = why + "\n" + source;
      continue;
    }
    ASSERT_TRUE(subjects) << "seed " << seed << ": " << why << "\n" << source;
    ++compiled;
    for (int i = 0; i < requests; ++i) {
      auto req = gen.request();
      std::string d = subjects->compare(*req);
      ASSERT_TRUE(d.empty()) << "seed " << seed << ": " << d << "\n" << source;
      ++cases;
    }
  }
  // The generator must mostly produce valid policies (E0302 identical matchers is the usual rejection), or this test would compare nothing.
  EXPECT_GE(compiled, seeds / 2) << "first rejection: " << firstRejection;
  RecordProperty("cases", cases);
  std::printf("compared %d (policy, request) pairs over %d policies (%d rejected by sema)\n", cases,
              compiled, rejected);
}

}  // namespace
}  // namespace gw::difftest
