// The LLVM-free host feature detection (compiler/aot/host_cpu.h) against LLVM's own, on the
// machine running the tests: every feature LLVM reports must be known and agree, so a .gwo
// compiled on this host always passes the loader's check and no feature LLVM says is missing
// is claimed present.
#include "compiler/aot/host_cpu.h"

#include <gtest/gtest.h>

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

namespace gw::aot {
namespace {

TEST(HostCpu, AgreesWithLlvm) {
  const auto& ours = hostCpuFeatures();
  std::string enabled;
  for (const auto& kv : llvm::sys::getHostCPUFeatures()) {
    std::string name = kv.getKey().str();
    auto it = ours.find(name);
    ASSERT_NE(it, ours.end()) << "feature `" << name << "` unknown to host_cpu.cc";
    EXPECT_EQ(it->second, kv.getValue()) << name;
    if (kv.getValue()) enabled += (enabled.empty() ? "+" : ",+") + name;
  }
  std::string missing;
  EXPECT_TRUE(hostHasFeatures(enabled, &missing)) << missing;
}

TEST(HostCpu, TripleIsLlvms) { EXPECT_EQ(hostTriple(), llvm::sys::getProcessTriple()); }

TEST(HostCpu, RefusesMissingAndUnknownFeatures) {
  std::string missing;
  EXPECT_TRUE(hostHasFeatures("+sse2,-nosuchfeature", &missing));  // "-" entries do not matter
  EXPECT_FALSE(hostHasFeatures("+sse2,+nosuchfeature", &missing));
  EXPECT_EQ(missing, "nosuchfeature");
  for (const auto& [name, present] : hostCpuFeatures()) {
    if (!present) {
      EXPECT_FALSE(hostHasFeatures("+" + name, &missing));
      EXPECT_EQ(missing, name);
      break;
    }
  }
}

}  // namespace
}  // namespace gw::aot
