// gwc test: runs a policy's `test` blocks through the compiled policy (interpreter back end),
// one line per test and a summary; exit 1 when any test fails or the policy does not compile.
#include <iostream>

#include "compiler/diag/render.h"
#include "compiler/parse/loader.h"
#include "compiler/policy/build.h"
#include "compiler/policy/test_runner.h"
#include "compiler/sema/sema.h"
#include "compiler/tools/commands.h"

namespace gw::tools {

int runTest(const Args& args) {
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (!a.empty() && a[0] == '-') {
      std::cerr << "gwc test: unknown option `" << a << "`\n";
      return 2;
    }
    files.push_back(a);
  }
  if (files.empty()) {
    std::cerr << "usage: gwc test FILE...\n";
    return 2;
  }
  size_t passed = 0;
  size_t failed = 0;
  bool broken = false;
  for (const std::string& path : files) {
    SourceManager sources;
    DiagnosticSink diags;
    ast::Program program = loadProgram(sources, path, diags);
    std::shared_ptr<policy::CompiledPolicy> policy;
    if (!diags.hasErrors()) {
      sema::SemaResult sr = sema::analyze(program, sources, diags);
      if (sr.ok() && !diags.hasErrors()) {
        policy = policy::buildPolicy(program, sources, diags);
      }
    }
    if (!policy) {
      diags.sort();
      std::cerr << renderText(diags, sources, false);
      broken = true;
      continue;
    }
    for (const policy::TestOutcome& o : policy::runTests(*policy, program)) {
      if (o.passed) {
        ++passed;
        std::cout << "PASS " << o.name << "\n";
      } else {
        ++failed;
        std::cout << "FAIL " << o.name << ": " << o.failure << "\n";
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed\n";
  return failed > 0 || broken ? 1 : 0;
}

}  // namespace gw::tools
