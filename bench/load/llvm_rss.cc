// What a process pays in resident memory for libLLVM-19 alone, before and after the JIT is set
// up (bench/RESULTS.md, "Session 4 (gwo helper)"): prints VmRSS / RssFile / RssAnon at main(),
// after InitializeNativeTarget, and after creating an ORC LLJIT like compiler/jit/jit_engine.cc did until session 5.
//
//   g++ -O2 -std=c++17 $(llvm-config-19 --cxxflags) bench/load/llvm_rss.cc -o /tmp/llvm_rss \
//       $(llvm-config-19 --ldflags) -lLLVM-19 && /tmp/llvm_rss
#include <cstdio>
#include <fstream>
#include <string>

#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/Support/TargetSelect.h"

namespace {

void show(const char* stage) {
  std::ifstream in("/proc/self/status");
  std::string line;
  std::printf("%-12s", stage);
  while (std::getline(in, line)) {
    for (const char* key : {"VmRSS:", "RssAnon:", "RssFile:"}) {
      if (line.rfind(key, 0) == 0) std::printf("  %s", line.c_str());
    }
  }
  std::printf("\n");
}

}  // namespace

int main() {
  show("main()");
  if (llvm::InitializeNativeTarget() || llvm::InitializeNativeTargetAsmPrinter()) return 1;
  show("target");
  auto jit = llvm::orc::LLJITBuilder()
                 .setLinkProcessSymbolsByDefault(false)
                 .setPlatformSetUp(llvm::orc::setUpInactivePlatform)
                 .create();
  if (!jit) {
    std::printf("LLJIT: %s\n", llvm::toString(jit.takeError()).c_str());
    return 1;
  }
  show("LLJIT");
  return 0;
}
