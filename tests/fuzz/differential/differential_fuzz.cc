// libFuzzer: the input's bytes choose a policy and requests (tests/differential/policy_gen.h);
// the interpreter, the JIT and the AOT-loaded object must agree on every answer. A disagreement
// or a back-end failure on a policy the front end accepts aborts with the difference.
#include <cstdio>
#include <cstdlib>

#include "tests/differential/diff_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  gw::difftest::PolicyGen gen(data, size);
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
      std::fprintf(stderr, "%s\n%s\n", d.c_str(), source.c_str());
      std::abort();
    }
  }
  return 0;
}
