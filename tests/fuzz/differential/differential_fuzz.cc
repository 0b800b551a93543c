// libFuzzer: the input's bytes choose a policy and requests (tests/differential/policy_gen.h);
// the interpreter, the JIT and the AOT-loaded object must agree on every answer. A disagreement
// or a back-end failure on a policy the front end accepts aborts with the difference.
// The first byte also picks the JIT's matcher: the compiled decision tree, or native::RouteTable
// (what policies above the node budget get), so both are compared with the interpreter.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "compiler/codegen/match_mode.h"
#include "tests/differential/diff_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gw::difftest::PolicyGen gen(data, size);
  bool table = gen.next(2) == 1;
  gw::codegen::setMatchTreeNodeLimit(table ? 0 : SIZE_MAX - 1);  // one thread: no race
  std::string source = gen.policy(1 + static_cast<int>(gen.next(8)));
  std::string why;
  bool rejected = false;
  auto subjects = gw::difftest::Subjects::build(source, /*withAot=*/gen.next(4) == 0, &why, &rejected);
  if (rejected) {
    return 0;
  }
  if (!subjects) {
    std::fprintf(stderr, "back end failed: %s\n%s\n", why.c_str(), source.c_str());
    std::abort();
  }
  for (int i = 0; i < 16; ++i) {
    auto req = gen.request();
    std::string d = subjects->compare(*req);
    if (!d.empty()) {
      std::fprintf(stderr, "%s matcher: %s\n%s\n", table ? "table" : "compiled", d.c_str(),
                   source.c_str());
      std::abort();
    }
  }
  return 0;
}
